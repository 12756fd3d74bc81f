// Typed access to the finite-volume sphere PDE of the module (assembly/pde.ts). Arguments are
// arrays already in Wasm memory.

import type { WasmF64Array } from "./arena.js";
import type { WasmRuntime } from "./runtime.js";

/** Typed wrappers of the PDE moment and velocity kernels, the only route from TS to them. */
export class PdeKernels {
  constructor(private readonly runtime: WasmRuntime) {}

  /** out[j] = sum_i rho[i] table[j n + i] for j < count: the count moments of the n cell averages rho. */
  moments(rho: WasmF64Array, table: WasmF64Array, n: number, count: number, out: WasmF64Array): void {
    this.runtime.exports.pdeMoments(rho.ptr, table.ptr, n, count, out.ptr);
  }

  /**
   * One SSP stage over the n cells: out = beta base + (1 - beta)(rho + dt L(rho)), the face
   * velocities from table times the count coefficients; returns the stage's CFL rate
   * max_f |v_f| / min(width_{f-1}, width_f) (assembly/pde.ts). out may be rho or base.
   */
  stage(
    n: number, rho: WasmF64Array, base: WasmF64Array, out: WasmF64Array, beta: number, dt: number,
    geometry: WasmF64Array, table: WasmF64Array, coefficients: WasmF64Array, count: number, velocity: WasmF64Array,
  ): number {
    return this.runtime.exports.pdeStage(
      n, rho.ptr, base.ptr, out.ptr, beta, dt, geometry.ptr, table.ptr, coefficients.ptr, count, velocity.ptr,
    );
  }
}
