// Typed access to the polynomial tables of assembly/special.ts.
//
// Two levels, as in networkKernels.ts: the `...Into` methods work on buffers already in Wasm
// memory (no copies), the others take any array of points and return a fresh Float64Array,
// copying through temporaries that are always freed. Tables are n x (kmax+1), row-major:
// entry [i * (kmax+1) + k] is the degree-k value at point i, bit-identical to the scalar
// functions of src/special (gegenbauer, gegenbauerDerivative, hermite, hermiteDerivative).

import type { WasmF64Array } from "./arena.js";
import type { KernelOptions } from "./networkKernels.js";
import type { WasmRuntime } from "./runtime.js";
import { checkCount, checkFinite, checkLength } from "../argumentChecks.js";

/** kmax + 1 entries per row must fit the kernels' 32-bit indexing. */
const MAX_KMAX = 2 ** 31 - 2;

function checkKmax(kmax: number): void {
  if (!Number.isSafeInteger(kmax) || kmax < 0 || kmax > MAX_KMAX) {
    throw new RangeError(`meanfield: kmax must be an integer in [0, ${MAX_KMAX}], got ${kmax}`);
  }
}

function checkUnitInterval(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(Math.abs(v) <= 1)) {
      throw new RangeError(`meanfield: ${name}[${i}] is ${v}; every entry must be a finite number in [-1, 1]`);
    }
  }
}

type SphereKernel = "gegenbauerTable" | "gegenbauerDerivativeTable";
type GaussianKernel = "hermiteTable" | "hermiteDerivativeTable";

/** Typed wrappers of the special-function table kernels (Legendre, Hermite), the only route from TS to them. */
export class SpecialKernels {
  constructor(readonly runtime: WasmRuntime) {}

  /** out = [P_{k,d}(t_i)] (n x (kmax+1)) for the n = t.length points in t. */
  gegenbauerTableInto(kmax: number, d: number, t: WasmF64Array, out: WasmF64Array, options: KernelOptions = {}): void {
    this.sphereTable("gegenbauerTable", kmax, d, t, out, options);
  }

  /** out = [P'_{k,d}(t_i)] (n x (kmax+1)), P'_{k,d} = k(k+d-2)/(d-1) P_{k-1,d+2}. */
  gegenbauerDerivativeTableInto(kmax: number, d: number, t: WasmF64Array, out: WasmF64Array, options: KernelOptions = {}): void {
    this.sphereTable("gegenbauerDerivativeTable", kmax, d, t, out, options);
  }

  /** out = [h_k(z_i)] (n x (kmax+1)), h_k = He_k / sqrt(k!). */
  hermiteTableInto(kmax: number, z: WasmF64Array, out: WasmF64Array, options: KernelOptions = {}): void {
    this.gaussianTable("hermiteTable", kmax, z, out, options);
  }

  /** out = [h_k'(z_i)] (n x (kmax+1)), h_k' = sqrt(k) h_{k-1}. */
  hermiteDerivativeTableInto(kmax: number, z: WasmF64Array, out: WasmF64Array, options: KernelOptions = {}): void {
    this.gaussianTable("hermiteDerivativeTable", kmax, z, out, options);
  }

  /** [P_{k,d}(t_i)] as a new n x (kmax+1) array. */
  gegenbauerTable(kmax: number, d: number, t: ArrayLike<number>): Float64Array {
    return this.copying(kmax, t, (tw, out) => this.gegenbauerTableInto(kmax, d, tw, out));
  }

  gegenbauerDerivativeTable(kmax: number, d: number, t: ArrayLike<number>): Float64Array {
    return this.copying(kmax, t, (tw, out) => this.gegenbauerDerivativeTableInto(kmax, d, tw, out));
  }

  hermiteTable(kmax: number, z: ArrayLike<number>): Float64Array {
    return this.copying(kmax, z, (zw, out) => this.hermiteTableInto(kmax, zw, out));
  }

  hermiteDerivativeTable(kmax: number, z: ArrayLike<number>): Float64Array {
    return this.copying(kmax, z, (zw, out) => this.hermiteDerivativeTableInto(kmax, zw, out));
  }

  private sphereTable(
    kernel: SphereKernel, kmax: number, d: number, t: WasmF64Array, out: WasmF64Array, options: KernelOptions,
  ): void {
    checkKmax(kmax);
    checkCount("d (dimension)", d, 2);
    checkLength("out", out, t.length * (kmax + 1), `n x (kmax+1) = ${t.length} x ${kmax + 1}`);
    if (options.checkFinite !== false) checkUnitInterval("t", t.view);
    this.runtime.exports[kernel](kmax, d, t.ptr, t.length, out.ptr);
  }

  private gaussianTable(kernel: GaussianKernel, kmax: number, z: WasmF64Array, out: WasmF64Array, options: KernelOptions): void {
    checkKmax(kmax);
    checkLength("out", out, z.length * (kmax + 1), `n x (kmax+1) = ${z.length} x ${kmax + 1}`);
    if (options.checkFinite !== false) checkFinite("z", z.view);
    this.runtime.exports[kernel](kmax, z.ptr, z.length, out.ptr);
  }

  private copying(kmax: number, points: ArrayLike<number>, body: (points: WasmF64Array, out: WasmF64Array) => void): Float64Array {
    checkKmax(kmax);
    const arena = this.runtime.arena;
    const input = arena.f64From(points);
    try {
      const out = arena.f64(points.length * (kmax + 1));
      try {
        body(input, out);
        return out.toArray();
      } finally {
        out.free();
      }
    } finally {
      input.free();
    }
  }
}
