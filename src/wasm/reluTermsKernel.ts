// Typed access to the relu committee ODE's kernels (assembly/reluCommitteeTerms.ts with the
// rotation-path orthant of assembly/collinearOrthant.ts and Plackett's integral of
// assembly/plackettOrthant.ts): all drift and square terms of a right-hand side in one call. Their
// TypeScript references are ReluCommitteeTerms (src/ode/reluCommitteeTerms.ts) and collinearOrthant4
// (src/ode/collinearOrthant.ts), used only by tests (test/reluTermsKernel.test.ts).

import type { WasmRuntime } from "./runtime.js";
import { PlackettKernel } from "./plackettKernel.js";
import { gaussLegendre } from "../special/quadrature.js";

/** Most fields (K + M) the kernel takes: its set tables have 2^F entries. */
export const MAX_RELU_FIELDS = 16;

/** One workspace per runtime (sized for the most fields asked for so far), shared by its kernels. */
const workspaces = new WeakMap<WasmRuntime, { fields: number; ptr: number }>();

/**
 * The relu committee terms and the 4-variate orthant probability near a collinear pair in Wasm.
 * Inputs and outputs are copied through the kernel's workspace (one arena block per runtime, kept
 * for the runtime's life) and static memory; the constructor writes the Gauss–Legendre rules.
 */
export class ReluTermsKernel {
  private readonly collinear: number;
  private cachedIo: Float64Array | null = null;

  constructor(private readonly runtime: WasmRuntime) {
    new PlackettKernel(runtime);
    this.collinear = runtime.exports.collinearBuffer();
    const rules = this.view(this.collinear + 32 * 8, 52);
    const low = gaussLegendre(8);
    const high = gaussLegendre(12);
    const first = gaussLegendre(6);
    rules.set(low.nodes, 0);
    rules.set(low.weights, 8);
    rules.set(high.nodes, 16);
    rules.set(high.weights, 28);
    rules.set(first.nodes, 40);
    rules.set(first.weights, 46);
  }

  private view(ptr: number, length: number): Float64Array {
    return new Float64Array(this.runtime.arena.memory.buffer, ptr, length);
  }

  /** The workspace's inputs and outputs (cov, weights, drift, square) as one view, kept while the memory stays. */
  private io(ws: number, f: number): Float64Array {
    const length = 3 * f * f + f;
    const cached = this.cachedIo;
    if (cached && cached.buffer === this.runtime.arena.memory.buffer && cached.byteOffset === ws && cached.length === length) return cached;
    this.cachedIo = this.view(ws, length);
    return this.cachedIo;
  }

  private workspace(fields: number): number {
    const held = workspaces.get(this.runtime);
    if (held && held.fields >= fields) return held.ptr;
    if (held) this.runtime.arena.free(held.ptr);
    const ptr = this.runtime.arena.alloc(this.runtime.exports.reluTermsBytes(fields));
    workspaces.set(this.runtime, { fields, ptr });
    return ptr;
  }

  /**
   * drift[a F + b] = E[relu'(x_a) x_b Δ] (a < K, b < F) and square[a K + b] = E[relu'(x_a)
   * relu'(x_b) Δ²] (a, b < K) for the field covariance `cov` (F x F row-major, the K student
   * fields first) and Δ = Σ_c weights[c] relu(x_c): ReluCommitteeTerms.compute in Wasm.
   */
  compute(cov: Float64Array, f: number, k: number, weights: Float64Array, drift: Float64Array, square: Float64Array): void {
    if (!(f <= MAX_RELU_FIELDS)) throw new RangeError(`meanfield: ode: relu committee terms need K + M <= ${MAX_RELU_FIELDS}, got ${f}`);
    const ws = this.workspace(f);
    const io = this.io(ws, f);
    io.set(cov.subarray(0, f * f), 0);
    io.set(weights.subarray(0, f), f * f);
    this.runtime.exports.reluCommitteeTerms(ws, f, k);
    for (let i = 0; i < k * f; i++) drift[i] = io[f * f + f + i]!;
    for (let i = 0; i < k * k; i++) square[i] = io[2 * f * f + f + i]!;
  }

  /** P(x > 0) of the 4 x 4 covariance hi + lo by the rotation path, NaN where it declines (collinearOrthant4 in Wasm). */
  collinearOrthant4(hi: Float64Array, lo: Float64Array): number {
    const input = this.view(this.collinear, 32);
    input.set(hi, 0);
    input.set(lo, 16);
    return this.runtime.exports.collinearOrthant4();
  }
}
