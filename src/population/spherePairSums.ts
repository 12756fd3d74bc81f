// The O(N^2) part of the sphere population loss in Wasm, a block of rows of w at a time: the
// Gram block W_I W^T by the network GEMM (preactivations), the zonal series and its derivative
// entrywise with the row sums against a (sphereSeriesRows), then the gradient rows
// (S'_I diag(a)) W by the same GEMM against W^T. The block bounds the scratch to
// ROW_BLOCK x N entries while each GEMM still streams long rows.

import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmRuntime } from "../wasm/runtime.js";

/** Rows of w per block: 64 x N scratch is 15 MiB at N = 30000. */
const ROW_BLOCK = 64;

/**
 * The O(N^2 d) pair sums of the sphere population loss, blocked by rows so they stay in cache; the only part of
 * the loss that grows quadratically in N.
 */
export interface SpherePairSums {
  /** sum_j a_j K(<w_i, w_j>) (N), with K(1) = diagonal on j = i. */
  rowSums: Float64Array;
  /** sum_{j != i} a_j K'(<w_i, w_j>) w_j (N x d). */
  gradients: Float64Array;
}

/**
 * c_0, c_1, then (2k+d-2, k, 1/(k+d-2), c_{k+1}) for k = 1 .. K-1: the layout sphereSeriesRows reads,
 * with the constants evaluated as gegenbauerSeries evaluates them.
 */
function seriesSteps(c: Float64Array, d: number): Float64Array {
  const out = new Float64Array(2 + 4 * Math.max(c.length - 2, 0));
  out[0] = c[0] ?? 0;
  out[1] = c[1] ?? 0;
  for (let k = 1; k + 1 < c.length; k++) out.set([2 * k + d - 2, k, 1 / (k + d - 2), c[k + 1]!], 2 + 4 * (k - 1));
  return out;
}

/** The pair sums of the zonal kernel K = sum_k c_k P_{k,d} over unit-norm rows w (N x d). */
export function spherePairSums(
  runtime: WasmRuntime, w: Float64Array, a: Float64Array, d: number, c: Float64Array, diagonal: number,
): SpherePairSums {
  const { arena, linalg } = runtime;
  const n = a.length;
  const block = Math.min(ROW_BLOCK, n);
  const buffers: WasmF64Array[] = [];
  const take = (length: number): WasmF64Array => {
    const buffer = arena.f64(length);
    buffers.push(buffer);
    return buffer;
  };
  try {
    const wb = take(n * d);
    const wt = take(d * n);
    const ab = take(n);
    const series = take(2 + 4 * Math.max(c.length - 2, 0));
    const rho = take(block * n);
    const rowSums = take(n);
    const gradients = take(n * d);
    // Views only after the last allocation, which may have grown (and detached) the memory.
    wb.set(w);
    ab.set(a);
    series.set(seriesSteps(c, d));
    const t = wt.view;
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) t[k * n + i] = w[i * d + k]!;
    for (let i0 = 0; i0 < n; i0 += block) {
      const rows = Math.min(block, n - i0);
      linalg.preactivations(wb.subarray(i0 * d), wb, n, d, rows, rho);
      runtime.gram.sphereSeriesRows(series, c.length, diagonal, ab, n, i0, rows, rho, rowSums.subarray(i0));
      linalg.preactivations(rho, wt, d, n, rows, gradients.subarray(i0 * d));
    }
    return { rowSums: rowSums.toArray(), gradients: gradients.toArray() };
  } finally {
    for (const buffer of buffers) buffer.free();
  }
}
