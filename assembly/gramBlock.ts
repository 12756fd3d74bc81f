// The tabulated kernels: K(x, y) = s_x s_y g(<x, y> i_x i_y) with per-point scales s and inverse
// norms i: inner-product kernels on the sphere take s = i = 1; homogeneous kernels of Gaussian
// inputs (relu, abs) take s = |x| / sqrt(d) and i = 1 / |x|. Near t = +-1 g is tabulated in
// s = sqrt(1 - |t|), not in t: the table holds E values g(1 - s_m^2), then E values g(s_m^2 - 1),
// s_m = m / (E - 1) (E = tableHalf(size)). The arc-cosine kernels (relu, abs, their NTKs) are
// A(t) + B(t) sqrt(1 -+ t) near t = +-1 with A, B analytic, so g(1 - s^2) is analytic in s and
// 4-point Lagrange interpolation in s (exact for cubics in s; tableCubics) reproduces them to
// rounding up to t = +-1, where interpolation in t errs by O(sqrt(node spacing)); a smooth g loses
// nothing, as t = 1 - s^2 is smooth. For |t| < 7/8, where every g is analytic, the last
// UNIFORM_NODES entries tabulate it in t itself, 2^-13 apart (assembly/gramProduct.ts says why),
// which spares each entry the square root; for points of d >= UNIFORM_MIN_D (6) each entry takes one
// part or the other by its |t|, below it always the square-root part (mixed tiles cost more there).
//
// Blocks of a tabulated kernel's Gram matrix against the training points (predictions, and the
// dense Gram matrix for Cholesky): out[r, j] = s_r s_j g(<x_r i_r, y_j>) for `rows` other points x
// (row-major, with scales s_r and inverse norms i_r) and the training points y packed by
// packScaledQuads (already scaled by their inverse norms). The passes of the Gram product
// (assembly/gramProduct.ts) over 4 rows at a time: the rows scaled and packed into one quad,
// their inner products with MAX_BLOCK packed columns by 4 x 4 tiles (left as interval indices and
// fractions), g of all of them in place, then the scales as they are stored. g comes from
// tableCubics, the cubics the product reads, so a dense Gram and the streamed products hold the
// same matrix to rounding.

import { cubicValues, cubicValueScalar, MAX_BLOCK, pointAt, QUAD_BYTES, rowQuadIntervals, tableHalf } from "./gramProduct";

/** Entries of `work` tableKernelRows needs at dimension d: a quad of rows and the pass buffer. */
export function tableKernelRowsWork(d: i32): i32 {
  return 4 * d + 8 * MAX_BLOCK;
}

// Rows r0 .. r0 + 3 (zero past `rows`) scaled by their inverse norms into one quad at q.
function packRowQuad(x: usize, rows: i32, d: i32, inv: usize, r0: i32, q: usize): void {
  memory.fill(q, 0, <usize>d * QUAD_BYTES);
  for (let c = 0; c < min(4, rows - r0); c++) {
    const r = r0 + c;
    const scale = load<f64>(inv + (<usize>r << 3));
    const src = x + ((<usize>r * <usize>d) << 3);
    for (let k = 0; k < d; k++) store<f64>(q + <usize>k * QUAD_BYTES + (<usize>c << 3), load<f64>(src + (<usize>k << 3)) * scale);
  }
}

// out[j] = (s * sy_j) g_j for j0 <= j < j1 (g at g - j0 entries).
@inline function storeScaled(out: usize, s: f64, sy: usize, g: usize, j0: i32, j1: i32): void {
  let j = j0;
  if (ASC_FEATURE_SIMD) {
    const sv = f64x2.splat(s);
    for (; j + 2 <= j1; j += 2) {
      const jb = <usize>j << 3;
      v128.store(out + jb, f64x2.mul(f64x2.mul(sv, v128.load(sy + jb)), v128.load(g + (<usize>(j - j0) << 3))));
    }
  }
  for (; j < j1; j++) {
    const jb = <usize>j << 3;
    store<f64>(out + jb, s * load<f64>(sy + jb) * load<f64>(g + (<usize>(j - j0) << 3)));
  }
}

/**
 * out (rows x n, row-major) = K(x_r, y_j) = s_r sy_j g(<x_r inv_r, y_j>) for the rows x (rows x d)
 * with scales s and inverse norms inv, against the n packed training points (packScaledQuads) with
 * scales sy, g from the cubics (tableCubics) of a table of `size` entries. work:
 * tableKernelRowsWork(d) entries of scratch.
 */
export function tableKernelRows(
  x: usize, rows: i32, d: i32, s: usize, inv: usize, packed: usize, n: i32, sy: usize, cubics: usize, size: i32, out: usize, work: usize,
): void {
  const half = tableHalf(size);
  const q = work;
  const t = q + ((<usize>(4 * d)) << 3);
  const idx = t + (<usize>(4 * MAX_BLOCK) << 3);
  const rowBytes = <usize>n << 3;
  for (let r0 = 0; r0 < rows; r0 += 4) {
    packRowQuad(x, rows, d, inv, r0, q);
    const count = min(4, rows - r0);
    for (let j0 = 0; j0 < n; j0 += MAX_BLOCK) {
      const j1 = min(j0 + MAX_BLOCK, n);
      if (ASC_FEATURE_SIMD) {
        const len = (j1 - j0 + 3) & ~3;
        const stride = <usize>len << 3;
        rowQuadIntervals(q, packed + <usize>(j0 >> 2) * <usize>d * QUAD_BYTES, d, len, half, t, idx, stride);
        cubicValues(cubics, t, idx, 4 * len);
        for (let c = 0; c < count; c++) {
          storeScaled(out + <usize>(r0 + c) * rowBytes, load<f64>(s + (<usize>(r0 + c) << 3)), sy, t + <usize>c * stride, j0, j1);
        }
        continue;
      }
      for (let c = 0; c < count; c++) {
        const o = out + <usize>(r0 + c) * rowBytes;
        const sr = load<f64>(s + (<usize>(r0 + c) << 3));
        for (let j = j0; j < j1; j++) {
          const yj = pointAt(packed, d, j);
          let dot: f64 = 0.0;
          for (let k = 0; k < d; k++) dot += load<f64>(q + <usize>k * QUAD_BYTES + (<usize>c << 3)) * load<f64>(yj + <usize>k * QUAD_BYTES);
          store<f64>(o + (<usize>j << 3), sr * load<f64>(sy + (<usize>j << 3)) * cubicValueScalar(cubics, half, d, dot));
        }
      }
    }
  }
}
