// Typed access to the Gram kernels of the module: tabulated dot-product kernels
// (assembly/gram.ts; K(x, y) = s_x s_y g(<x, y> i_x i_y) read from a table of g, with per-point
// scales s and inverse norms i) and the rows of a sphere Legendre series over network weights
// (assembly/sphereSeries.ts). Arguments are arrays already in Wasm memory; offsets into an
// array are its subarray.

import type { WasmF64Array } from "./arena.js";
import type { WasmRuntime } from "./runtime.js";

/** Per-point factors of a tabulated kernel: scale s and inverse norm i, one entry per point. */
export interface PointScales {
  readonly scale: WasmF64Array;
  readonly inverseNorm: WasmF64Array;
}

/** Typed wrappers of the Gram-matrix kernels, the only route from TS to them. */
export class GramKernels {
  constructor(private readonly runtime: WasmRuntime) {}

  /** out (rows x cols, row-major) = K(xl_r, xr_c) for xl (rows x d) and xr (cols x d). */
  tableKernelBlock(
    xl: WasmF64Array, rows: number, xr: WasmF64Array, cols: number, d: number,
    left: PointScales, right: PointScales, table: WasmF64Array, out: WasmF64Array,
  ): void {
    this.runtime.exports.tableKernelBlock(
      xl.ptr, rows, xr.ptr, cols, d, left.scale.ptr, left.inverseNorm.ptr, right.scale.ptr, right.inverseNorm.ptr,
      table.ptr, table.length, out.ptr,
    );
  }

  /** out = (K + ridge I) v for the Gram of the n points x (n x d), without storing K. */
  tableKernelSymv(
    x: WasmF64Array, n: number, d: number, factors: PointScales, table: WasmF64Array, ridge: number, v: WasmF64Array, out: WasmF64Array,
  ): void {
    this.runtime.exports.tableKernelSymv(x.ptr, n, d, factors.scale.ptr, factors.inverseNorm.ptr, table.ptr, table.length, ridge, v.ptr, out.ptr);
  }

  /**
   * For rows i0 .. i0+rows-1 of rho (rows x n, rho[r, j] = <w_{i0+r}, w_j>) and the series
   * S (count coefficients in the layout of population/spherePairSums.ts): rowSums[r] =
   * sum_j S(rho[r, j]) a_j with `diagonal` at j = i0 + r, and rho[r, j] := S'(rho[r, j]) a_j.
   */
  sphereSeriesRows(
    series: WasmF64Array, count: number, diagonal: number, a: WasmF64Array, n: number, i0: number, rows: number,
    rho: WasmF64Array, rowSums: WasmF64Array,
  ): void {
    this.runtime.exports.sphereSeriesRows(series.ptr, count, diagonal, a.ptr, n, i0, rows, rho.ptr, rowSums.ptr);
  }
}
