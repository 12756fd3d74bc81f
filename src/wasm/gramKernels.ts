// Typed access to the Gram kernels of the module: tabulated dot-product kernels
// (assembly/gramBlock.ts and gramProduct.ts; K(x, y) = s_x s_y g(<x, y> i_x i_y) read from a table of g, with per-point
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

  /**
   * out (rows x n, row-major) = K(x_r, y_j) for `rows` points x (rows x d) with their scales and
   * inverse norms, against the n packed points y (packScaledQuads) with scales `packedScale`, from
   * the cubics of a table of `tableSize` entries; work holds rowsWorkEntries(d) entries of scratch.
   */
  tableKernelRows(
    x: WasmF64Array, rows: number, d: number, scales: PointScales, packed: WasmF64Array, n: number, packedScale: WasmF64Array,
    cubics: WasmF64Array, tableSize: number, out: WasmF64Array, work: WasmF64Array,
  ): void {
    this.runtime.exports.tableKernelRows(
      x.ptr, rows, d, scales.scale.ptr, scales.inverseNorm.ptr, packed.ptr, n, packedScale.ptr, cubics.ptr, tableSize, out.ptr, work.ptr,
    );
  }

  /** Entries of scratch tableKernelRows needs at dimension d. */
  rowsWorkEntries(d: number): number {
    return this.runtime.exports.tableKernelRowsWork(d);
  }

  /**
   * The points x (n x d) scaled by their inverse norms into column quads (4 points per column
   * block, n rounded up to a multiple of 4 with zero points): the packed layout the CG product reads.
   */
  packScaledQuads(x: WasmF64Array, n: number, d: number, inverseNorm: WasmF64Array, packed: WasmF64Array): void {
    this.runtime.exports.packScaledQuads(x.ptr, n, d, inverseNorm.ptr, packed.ptr);
  }

  /** The cubic interpolation coefficients of every interval of the table of g (4 per table entry), for the CG product. */
  tableCubics(table: WasmF64Array, cubics: WasmF64Array): void {
    this.runtime.exports.tableCubics(table.ptr, table.length, cubics.ptr);
  }

  /**
   * out = (K + ridge I) v for the Gram of the n packed points without storing K: 4 x 4 tiles of K
   * formed from the packed points, the scales s and the table's cubics; `diagonal` is
   * g(1) (K_ii = s_i^2 g(1) + ridge), and work holds symvWorkEntries(n) entries of scratch.
   */
  tableKernelSymvPacked(
    packed: WasmF64Array, n: number, d: number, scale: WasmF64Array, cubics: WasmF64Array, tableSize: number, diagonal: number,
    ridge: number, v: WasmF64Array, out: WasmF64Array, work: WasmF64Array,
  ): void {
    this.runtime.exports.tableKernelSymvPacked(packed.ptr, n, d, scale.ptr, cubics.ptr, tableSize, diagonal, ridge, v.ptr, out.ptr, work.ptr);
  }

  /** Entries of scratch tableKernelSymvPacked needs for n points. */
  symvWorkEntries(n: number): number {
    return this.runtime.exports.tableKernelSymvWork(n);
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
