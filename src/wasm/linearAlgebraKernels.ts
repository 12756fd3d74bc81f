// Typed access to the dense linear algebra of the module (assembly/vector.ts, assembly/cholesky.ts,
// the row products of assembly/network.ts, the f32 copies of assembly/network32.ts). Arguments are
// arrays already in Wasm memory; shapes are the caller's to get right (these run in inner loops),
// offsets into an array are its subarray. With a thread team open, long axpys and the f32
// narrowing of w are split across it (elementwise and per-panel work: the same bits).

import type { WasmF64Array } from "./arena.js";
import type { WasmRuntime } from "./runtime.js";
import type { ThreadTeam } from "./threadTeam.js";

/** Entries below which an elementwise kernel stays on this thread: tens of microseconds of work. */
const SPLIT_MIN_ENTRIES = 1 << 16;

/** Entries per unit of a split elementwise kernel: about four units per thread, even so SIMD pairs stay aligned. */
function claimGrain(count: number, team: ThreadTeam): number {
  return 2 * Math.ceil(count / (8 * team.size));
}

/** Typed wrappers of the dense linear-algebra kernels, the only route from TS to them. */
export class LinearAlgebraKernels {
  constructor(private readonly runtime: WasmRuntime) {}

  /** z (b x n) = x (b x d) times the transpose of w (n x d): every <x_s, w_i>, the network's pre-activations. */
  preactivations(x: WasmF64Array, w: WasmF64Array, n: number, d: number, b: number, z: WasmF64Array): void {
    this.runtime.exports.preactivations(x.ptr, w.ptr, n, d, b, z.ptr);
  }

  /** y[0..n) += alpha x[0..n). */
  axpy(alpha: number, x: WasmF64Array, y: WasmF64Array, n: number): void {
    const team = n >= SPLIT_MIN_ENTRIES ? this.runtime.team : null;
    if (team) team.run("axpyRange", [alpha, x.ptr, y.ptr], n, claimGrain(n, team));
    else this.runtime.exports.axpy(alpha, x.ptr, y.ptr, n);
  }

  /** out (rows) = block (rows x cols, row-major) times v (cols). */
  blockGemv(block: WasmF64Array, rows: number, cols: number, v: WasmF64Array, out: WasmF64Array): void {
    this.runtime.exports.blockGemv(block.ptr, rows, cols, v.ptr, out.ptr);
  }

  /** Cholesky factor L of a (n x n, lower triangle read) written over a; returns 0, or 1 + the first non-positive pivot's index. */
  choleskyInPlace(a: WasmF64Array, n: number): number {
    return this.runtime.exports.choleskyInPlace(a.ptr, n);
  }

  /** b (n x m) = L^-1 b for the lower-triangular L (n x n). */
  solveLower(l: WasmF64Array, n: number, b: WasmF64Array, m: number): void {
    this.runtime.exports.solveLower(l.ptr, n, b.ptr, m);
  }

  /** b (n x m) = L^-T b for the lower-triangular L (n x n). */
  solveLowerTransposed(l: WasmF64Array, n: number, b: WasmF64Array, m: number): void {
    this.runtime.exports.solveLowerTransposed(l.ptr, n, b.ptr, m);
  }

  /** The row length of the f32 copies narrowRowsToF32 makes: d rounded up to a multiple of 8. */
  paddedDim(d: number): number {
    return this.runtime.exports.paddedDim(d);
  }

  /** dst (f32, in an f64 array of half the length) = src (rows x d) rounded, in forward32's layout (row length dp). */
  narrowRowsToF32(src: WasmF64Array, dst: WasmF64Array, rows: number, d: number, dp: number): void {
    this.runtime.exports.narrowRowsToF32(src.ptr, dst.ptr, rows, d, dp);
  }

  /** dst (f32) = the transpose of src (n x d) rounded, in panels of 8 neurons, zero past n (nPad columns). */
  narrowTransposedToF32(src: WasmF64Array, dst: WasmF64Array, n: number, d: number, nPad: number): void {
    const team = n * d >= SPLIT_MIN_ENTRIES ? this.runtime.team : null;
    const panels = nPad / 8;
    if (team) team.run("narrowTransposedRange", [src.ptr, dst.ptr, n, d, nPad], panels, Math.ceil(panels / (4 * team.size)));
    else this.runtime.exports.narrowTransposedToF32(src.ptr, dst.ptr, n, d, nPad);
  }
}
