// The Gram matrix of a model kernel on a set of points, as an operator: dense blocks of rows
// by the Wasm kernels of assembly/gramBlock.ts and products K v built on the fly by
// assembly/gramProduct.ts (tabulated g; the points packed once, scaled and in column quads), or,
// for kernels without a table, entries evaluated in JavaScript (dense blocks only). A kernel with a
// bias beta (modelKernel.ts) is the same homogeneous kernel of the augmented points
// (x, beta sqrt(d)): they are formed here, in d + 1 columns, and the Wasm kernels run on them
// unchanged, with the scale s = |x~| / sqrt(d) of the original d.

import { ConfigError } from "../config.js";
import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import type { ModelKernel } from "./modelKernel.js";

/** Columns of the points the Wasm kernels read: d, or d + 1 with the bias coordinate. */
function columnsOf(kernel: ModelKernel): number {
  return kernel.d + (kernel.bias > 0 ? 1 : 0);
}

/** rows x (d + 1) points (x_r, beta sqrt(d)) in Wasm memory, owned by the caller. */
function withBiasCoordinate(runtime: WasmRuntime, kernel: ModelKernel, x: WasmF64Array, rows: number): WasmF64Array {
  const d = kernel.d;
  const out = runtime.arena.f64(rows * (d + 1));
  const o = out.view;
  const v = x.view;
  const last = kernel.bias * Math.sqrt(d);
  for (let r = 0; r < rows; r++) {
    o.set(v.subarray(r * d, (r + 1) * d), r * (d + 1));
    o[r * (d + 1) + d] = last;
  }
  return out;
}

/** Per-point factors of K(x, y) = s_x s_y g(<x, y> i_x i_y), and |x|^2 for JavaScript entries (x as the Wasm kernels read it). */
class PointFactors {
  readonly scale: WasmF64Array;
  readonly inverseNorm: WasmF64Array;
  readonly squares: Float64Array;

  constructor(runtime: WasmRuntime, kernel: ModelKernel, x: WasmF64Array, rows: number) {
    const d = kernel.d;
    const columns = columnsOf(kernel);
    const v = x.view;
    this.squares = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let k = 0; k < columns; k++) s += v[r * columns + k]! ** 2;
      this.squares[r] = s;
    }
    this.scale = runtime.arena.f64(rows);
    try {
      this.inverseNorm = runtime.arena.f64(rows);
    } catch (err) {
      this.scale.free();
      throw err;
    }
    const s = this.scale.view;
    const inv = this.inverseNorm.view;
    for (let r = 0; r < rows; r++) {
      const norm = Math.sqrt(this.squares[r]!);
      s[r] = kernel.homogeneous ? norm / Math.sqrt(d) : 1;
      inv[r] = kernel.homogeneous ? (norm > 0 ? 1 / norm : 0) : 1;
    }
  }

  free(): void {
    this.scale.free();
    this.inverseNorm.free();
  }
}

/**
 * The Gram matrix of a model kernel on n points as an operator: products K v built row by row in
 * Wasm from the tabulated g (O(n) memory, for CG), or dense blocks evaluated in JavaScript.
 */
export class GramOperator {
  private readonly factors: PointFactors;
  /** The training points as the Wasm kernels read them: x itself, or its bias-augmented copy (owned). */
  private readonly points: WasmF64Array;
  private readonly columns: number;
  private readonly table: WasmF64Array | null;
  /** The points scaled by their inverse norms in column quads (packScaledQuads), the table's cubics and the product's scratch. */
  private readonly packed: WasmF64Array | null = null;
  private readonly cubics: WasmF64Array | null = null;
  private readonly work: WasmF64Array | null = null;

  /** x (n x d) stays owned by the caller and must outlive the operator. */
  constructor(
    private readonly runtime: WasmRuntime,
    readonly kernel: ModelKernel,
    readonly x: WasmF64Array,
    readonly n: number,
  ) {
    if (!kernel.table && !kernel.entry) {
      throw new ConfigError(
        `kernel: the ${kernel.kind} of this activation on Gaussian inputs has no Gram evaluation (only relu and abs have closed forms); use --method features`,
      );
    }
    this.columns = columnsOf(kernel);
    this.points = kernel.bias > 0 ? withBiasCoordinate(runtime, kernel, x, n) : x;
    try {
      this.factors = new PointFactors(runtime, kernel, this.points, n);
    } catch (err) {
      if (this.points !== x) this.points.free();
      throw err;
    }
    this.table = null;
    if (!kernel.table) return;
    const quadEntries = 4 * Math.ceil(n / 4);
    try {
      this.table = runtime.arena.f64From(kernel.table);
      this.packed = runtime.arena.f64(quadEntries * this.columns);
      this.work = runtime.arena.f64(runtime.gram.symvWorkEntries(n));
      this.cubics = runtime.arena.f64(4 * kernel.table.length);
    } catch (err) {
      this.free();
      throw err;
    }
    runtime.gram.packScaledQuads(this.points, n, this.columns, this.factors.inverseNorm, this.packed);
    runtime.gram.tableCubics(this.table, this.cubics);
  }

  /** True when products K v can be formed without storing K (the Wasm table kernels). */
  get streaming(): boolean {
    return this.table !== null;
  }

  /** out (rows x n, row-major) = K(points, training points) for `rows` other points (rows x d). */
  crossBlock(points: WasmF64Array, rows: number, out: WasmF64Array): void {
    const read = this.kernel.bias > 0 ? withBiasCoordinate(this.runtime, this.kernel, points, rows) : points;
    let other: PointFactors | null = null;
    try {
      other = new PointFactors(this.runtime, this.kernel, read, rows);
      if (this.table) {
        const work = this.runtime.arena.f64(this.runtime.gram.rowsWorkEntries(this.columns));
        try {
          this.runtime.gram.tableKernelRows(read, rows, this.columns, other, this.packed!, this.n, this.factors.scale, this.cubics!, this.table.length, out, work);
        } finally {
          work.free();
        }
        return;
      }
      const entry = this.kernel.entry!;
      const d = this.kernel.d;
      const xl = points.view;
      const xr = this.x.view;
      const o = out.view;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < this.n; c++) {
          let dot = 0;
          for (let k = 0; k < d; k++) dot += xl[r * d + k]! * xr[c * d + k]!;
          o[r * this.n + c] = entry(other.squares[r]!, this.factors.squares[c]!, dot);
        }
      }
    } finally {
      other?.free();
      if (read !== points) read.free();
    }
  }

  /** The n x n Gram matrix of the training points in Wasm memory (owned by the caller). */
  dense(): WasmF64Array {
    const gram = this.runtime.arena.f64(this.n * this.n);
    try {
      if (this.table) {
        this.crossBlock(this.x, this.n, gram);
        return gram;
      }
      const entry = this.kernel.entry!;
      const d = this.kernel.d;
      const x = this.x.view;
      const g = gram.view;
      const sq = this.factors.squares;
      for (let i = 0; i < this.n; i++) {
        for (let j = 0; j <= i; j++) {
          let dot = 0;
          for (let k = 0; k < d; k++) dot += x[i * d + k]! * x[j * d + k]!;
          const value = entry(sq[i]!, sq[j]!, dot);
          g[i * this.n + j] = value;
          g[j * this.n + i] = value;
        }
      }
      return gram;
    } catch (err) {
      gram.free();
      throw err;
    }
  }

  /** out = (K + ridge I) v without storing K (v, out: n entries in Wasm memory). */
  times(v: WasmF64Array, out: WasmF64Array, ridge: number): void {
    if (!this.table || !this.packed || !this.work || !this.cubics) throw new ConfigError("kernel: products with this Gram matrix need its dense form; use --method cholesky or features");
    this.runtime.gram.tableKernelSymvPacked(
      this.packed, this.n, this.columns, this.factors.scale, this.cubics, this.table.length, this.kernel.table![0]!, ridge, v, out, this.work,
    );
  }

  /** trace(K) / n. */
  meanDiagonal(): number {
    if (!this.table) {
      const entry = this.kernel.entry!;
      let s = 0;
      for (const sq of this.factors.squares) s += entry(sq, sq, sq);
      return s / this.n;
    }
    const g1 = this.kernel.table![0]!;
    let s = 0;
    for (const v of this.factors.scale.view) s += v * v;
    return (s / this.n) * g1;
  }

  free(): void {
    this.factors?.free();
    if (this.points !== this.x) this.points?.free();
    this.table?.free();
    this.packed?.free();
    this.work?.free();
    this.cubics?.free();
  }
}
