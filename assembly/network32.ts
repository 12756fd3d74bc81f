// The forward and backward passes of assembly/network.ts with single-precision products: the
// d-long dot products <w_i, x_s> and the gradient sums sum_s g_si x_s run on f32x4 lanes (twice
// the lanes of f64x2), while everything summed over neurons stays in f64: z is widened to f64,
// so f_s = scale sum_i a_i sigma(z_si) (rowDot, in the same neuron blocks as forward()), the
// residuals and gradA are computed exactly as in the f64 code.
//
// The f32 copy of x (narrowRowsToF32) has rows of dp = paddedDim(d) entries, a multiple of 8,
// zero past d: the zeros add nothing and their gradient entries are never read, so the gradient
// tiles have no remainder to handle. The f32 copy of w is transposed (narrowTransposedToF32):
// d rows of nPad = paddedDim(N) entries, zero past N, so the forward tile takes 8 neurons'
// weights for one coordinate in two loads and broadcasts the samples' coordinates, and its
// sums come out lane by lane, 8 neurons wide, with no horizontal adds.
//
//   x32: B x dp f32, wT32: d x nPad f32, z: B x N f64, f: B f64, g32: B x N f32 scratch,
//   gradW32: N x dp f32 scratch, gradW: N x d f64 (written), gradA: N f64 (written).
//
// gradW is summed over the whole batch in f32 and widened once at the end. Nothing allocates.

import { rowBackward32, rowDot } from "./activation";
import { madd32 } from "./multiplyAdd";
import { NEURON_BLOCK } from "./network";

/** The padded row length of the f32 copies: d (or N, for the transposed weights) rounded up to a multiple of 8. */
export function paddedDim(d: i32): i32 {
  return (d + 7) & ~7;
}

/** Neurons per panel of the forward pass: 64 neurons' f32 weights stay in L1 while a sample block passes. */
const PANEL: i32 = 64;

/** Samples per block: about 16 KiB of f32 x, at least 2, at most 64, even. */
function sampleBlock32(dp: i32): i32 {
  let bs = 4096 / dp;
  if (bs < 2) bs = 2;
  if (bs > 64) bs = 64;
  return bs & ~1;
}

/** dst (rows x dp, f32) = src (rows x d, f64) rounded to nearest, zero in columns d .. dp - 1. */
export function narrowRowsToF32(src: usize, dst: usize, rows: i32, d: i32, dp: i32): void {
  for (let s = 0; s < rows; s++) {
    const from = src + <usize>s * (<usize>d << 3);
    const to = dst + <usize>s * (<usize>dp << 2);
    let k = 0;
    if (ASC_FEATURE_SIMD) {
      for (; k + 4 <= d; k += 4) {
        const lo = f32x4.demote_f64x2_zero(v128.load(from + (<usize>k << 3)));
        const hi = f32x4.demote_f64x2_zero(v128.load(from + (<usize>k << 3), 16));
        v128.store(to + (<usize>k << 2), i64x2.shuffle(lo, hi, 0, 2));
      }
    }
    for (; k < d; k++) store<f32>(to + (<usize>k << 2), <f32>load<f64>(from + (<usize>k << 3)));
    for (; k < dp; k++) store<f32>(to + (<usize>k << 2), 0);
  }
}

/** dst (d x nPad, f32) = the transpose of src (n x d, f64) rounded to nearest, zero in columns n .. nPad - 1. */
export function narrowTransposedToF32(src: usize, dst: usize, n: i32, d: i32, nPad: i32): void {
  const rowBytes = <usize>nPad << 2;
  for (let i = 0; i < n; i++) {
    const from = src + <usize>i * (<usize>d << 3);
    const to = dst + (<usize>i << 2);
    for (let k = 0; k < d; k++) store<f32>(to + <usize>k * rowBytes, <f32>load<f64>(from + (<usize>k << 3)));
  }
  for (let k = 0; k < d; k++) {
    for (let i = n; i < nPad; i++) store<f32>(dst + <usize>k * rowBytes + (<usize>i << 2), 0);
  }
}

/** Stores the 8 f32 sums (two f32x4) widened to f64 at z, the first `count` of them when count < 8. */
@inline function storeWidened8(z: usize, lo: v128, hi: v128, count: i32): void {
  if (count >= 8) {
    v128.store(z, f64x2.promote_low_f32x4(lo));
    v128.store(z, f64x2.promote_low_f32x4(i64x2.shuffle(lo, lo, 1, 1)), 16);
    v128.store(z, f64x2.promote_low_f32x4(hi), 32);
    v128.store(z, f64x2.promote_low_f32x4(i64x2.shuffle(hi, hi, 1, 1)), 48);
    return;
  }
  if (count > 0) store<f64>(z, <f64>f32x4.extract_lane(lo, 0));
  if (count > 1) store<f64>(z, <f64>f32x4.extract_lane(lo, 1), 8);
  if (count > 2) store<f64>(z, <f64>f32x4.extract_lane(lo, 2), 16);
  if (count > 3) store<f64>(z, <f64>f32x4.extract_lane(lo, 3), 24);
  if (count > 4) store<f64>(z, <f64>f32x4.extract_lane(hi, 0), 32);
  if (count > 5) store<f64>(z, <f64>f32x4.extract_lane(hi, 1), 40);
  if (count > 6) store<f64>(z, <f64>f32x4.extract_lane(hi, 2), 48);
}

/**
 * z[s..s+3, i..i+7] (f64) = x32[s..s+3] . wT32[:, i..i+7] over d coordinates, products in f32x4:
 * 4 samples x 8 neurons in 8 registers, storing the first `count` neurons of each row.
 */
@inline function tile4x8(x: usize, xRow: usize, wt: usize, wRow: usize, d: i32, z: usize, zRow: usize, count: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const x1 = x + xRow;
  const x2 = x1 + xRow;
  const x3 = x2 + xRow;
  let w = wt;
  for (let k: usize = 0; k < (<usize>d << 2); k += 4) {
    const w0 = v128.load(w);
    const w1 = v128.load(w, 16);
    const h0 = v128.load32_splat(x + k);
    const h1 = v128.load32_splat(x1 + k);
    const h2 = v128.load32_splat(x2 + k);
    const h3 = v128.load32_splat(x3 + k);
    c00 = madd32(h0, w0, c00); c01 = madd32(h0, w1, c01);
    c10 = madd32(h1, w0, c10); c11 = madd32(h1, w1, c11);
    c20 = madd32(h2, w0, c20); c21 = madd32(h2, w1, c21);
    c30 = madd32(h3, w0, c30); c31 = madd32(h3, w1, c31);
    w += wRow;
  }
  storeWidened8(z, c00, c01, count);
  storeWidened8(z + zRow, c10, c11, count);
  storeWidened8(z + 2 * zRow, c20, c21, count);
  storeWidened8(z + 3 * zRow, c30, c31, count);
}

/** The same for one sample. */
@inline function tile1x8(x: usize, wt: usize, wRow: usize, d: i32, z: usize, count: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  let w = wt;
  for (let k: usize = 0; k < (<usize>d << 2); k += 4) {
    const h = v128.load32_splat(x + k);
    c0 = madd32(h, v128.load(w), c0);
    c1 = madd32(h, v128.load(w, 16), c1);
    w += wRow;
  }
  storeWidened8(z, c0, c1, count);
}

/** z[s, i] = <x_s, w_i> (f32 products, f64 storage) for samples s0 <= s < s1 and every neuron. */
function preactivationBlock32(x32: usize, wT32: usize, n: i32, nPad: i32, d: i32, dp: i32, s0: i32, s1: i32, z: usize): void {
  const xRow = <usize>dp << 2;
  const wRow = <usize>nPad << 2;
  const zRow = <usize>n << 3;
  if (ASC_FEATURE_SIMD) {
    for (let i0 = 0; i0 < n; i0 += PANEL) {
      const i1 = min(i0 + PANEL, n);
      let s = s0;
      for (; s + 4 <= s1; s += 4) {
        const xs = x32 + <usize>s * xRow;
        const zs = z + <usize>s * zRow;
        for (let i = i0; i < i1; i += 8) tile4x8(xs, xRow, wT32 + (<usize>i << 2), wRow, d, zs + (<usize>i << 3), zRow, i1 - i);
      }
      for (; s < s1; s++) {
        const xs = x32 + <usize>s * xRow;
        const zs = z + <usize>s * zRow;
        for (let i = i0; i < i1; i += 8) tile1x8(xs, wT32 + (<usize>i << 2), wRow, d, zs + (<usize>i << 3), i1 - i);
      }
    }
    return;
  }
  for (let s = s0; s < s1; s++) {
    const xs = x32 + <usize>s * xRow;
    for (let i = 0; i < n; i++) {
      let acc: f32 = 0;
      for (let k = 0; k < d; k++) acc += load<f32>(xs + (<usize>k << 2)) * load<f32>(wT32 + <usize>k * wRow + (<usize>i << 2));
      store<f64>(z + <usize>s * zRow + (<usize>i << 3), <f64>acc);
    }
  }
}

/** forward() with f32 products: z (B x N, f64) and f_s = scale * sum over neuron blocks, in order, of sum_i a_i sigma(z_si). */
export function forward32(
  x32: usize, wT32: usize, a: usize, n: i32, nPad: i32, d: i32, dp: i32, b: i32, scale: f64,
  kind: i32, p: usize, np: i32, z: usize, f: usize,
): void {
  const bs = sampleBlock32(dp);
  const nBytes = <usize>n << 3;
  for (let s0 = 0; s0 < b; s0 += bs) {
    const s1 = min(s0 + bs, b);
    preactivationBlock32(x32, wT32, n, nPad, d, dp, s0, s1, z);
    for (let s = s0; s < s1; s++) {
      const zs = z + <usize>s * nBytes;
      let total: f64 = 0.0;
      for (let i = 0; i < n; i += NEURON_BLOCK) {
        const off = <usize>i << 3;
        total += rowDot(kind, p, np, zs + off, a + off, min(NEURON_BLOCK, n - i));
      }
      store<f64>(f + (<usize>s << 3), scale * total);
    }
  }
}

/** gradW32[i..i+3, k..k+7] += sum_{s0 <= s < s1} g32[s, i..i+3] x32[s, k..k+7] (f32x4). */
@inline function accumulate4x8(g: usize, x: usize, gw: usize, s0: i32, s1: i32, nBytes: usize, rowBytes: usize): void {
  const r1 = gw + rowBytes;
  const r2 = r1 + rowBytes;
  const r3 = r2 + rowBytes;
  let c00 = v128.load(gw), c01 = v128.load(gw, 16);
  let c10 = v128.load(r1), c11 = v128.load(r1, 16);
  let c20 = v128.load(r2), c21 = v128.load(r2, 16);
  let c30 = v128.load(r3), c31 = v128.load(r3, 16);
  let gs = g + <usize>s0 * nBytes;
  let xs = x + <usize>s0 * rowBytes;
  for (let s = s0; s < s1; s++) {
    const u0 = v128.load(xs);
    const u1 = v128.load(xs, 16);
    const h0 = v128.load32_splat(gs);
    const h1 = v128.load32_splat(gs, 4);
    const h2 = v128.load32_splat(gs, 8);
    const h3 = v128.load32_splat(gs, 12);
    c00 = madd32(h0, u0, c00); c01 = madd32(h0, u1, c01);
    c10 = madd32(h1, u0, c10); c11 = madd32(h1, u1, c11);
    c20 = madd32(h2, u0, c20); c21 = madd32(h2, u1, c21);
    c30 = madd32(h3, u0, c30); c31 = madd32(h3, u1, c31);
    gs += nBytes;
    xs += rowBytes;
  }
  v128.store(gw, c00); v128.store(gw, c01, 16);
  v128.store(r1, c10); v128.store(r1, c11, 16);
  v128.store(r2, c20); v128.store(r2, c21, 16);
  v128.store(r3, c30); v128.store(r3, c31, 16);
}

/** gradW32[i, k] += sum_s g32[s, i] x32[s, k] for one neuron and one coordinate. */
@inline function accumulate1x1f32(g: usize, x: usize, gw: usize, s0: i32, s1: i32, nBytes: usize, rowBytes: usize): void {
  let c = load<f32>(gw);
  let gs = g + <usize>s0 * nBytes;
  let xs = x + <usize>s0 * rowBytes;
  for (let s = s0; s < s1; s++) {
    c += load<f32>(gs) * load<f32>(xs);
    gs += nBytes;
    xs += rowBytes;
  }
  store<f32>(gw, c);
}

/** gradW32 += g32[s0:s1]^T x32[s0:s1] over every neuron and the first d coordinates. */
function accumulateBlock32(g32: usize, x32: usize, n: i32, d: i32, dp: i32, s0: i32, s1: i32, gradW32: usize): void {
  const rowBytes = <usize>dp << 2;
  const nBytes = <usize>n << 2;
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) {
      const gi = g32 + (<usize>i << 2);
      const gw = gradW32 + <usize>i * rowBytes;
      for (let k = 0; k < d; k += 8) {
        const off = <usize>k << 2;
        accumulate4x8(gi, x32 + off, gw + off, s0, s1, nBytes, rowBytes);
      }
    }
    for (let i = n4; i < n; i++) {
      for (let k = 0; k < d; k++) {
        const off = <usize>k << 2;
        accumulate1x1f32(g32 + (<usize>i << 2), x32 + off, gradW32 + <usize>i * rowBytes + off, s0, s1, nBytes, rowBytes);
      }
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) {
      const off = <usize>k << 2;
      accumulate1x1f32(g32 + (<usize>i << 2), x32 + off, gradW32 + <usize>i * rowBytes + off, s0, s1, nBytes, rowBytes);
    }
  }
}

/**
 * backward() with f32 gradient sums: gradA_i = scale sum_b r_b sigma(z_bi) (f64),
 * gradW_i = scale a_i sum_b r_b sigma'(z_bi) x_b (each term rounded to f32, summed in f32,
 * widened). gradW (N x d) and gradA are overwritten; g32 and gradW32 are scratch.
 */
export function backward32(
  x32: usize, a: usize, n: i32, d: i32, dp: i32, b: i32, scale: f64,
  kind: i32, p: usize, np: i32, z: usize, r: usize, g32: usize, gradW32: usize, gradW: usize, gradA: usize,
): void {
  memory.fill(gradW32, 0, <usize>n * (<usize>dp << 2));
  memory.fill(gradA, 0, <usize>n << 3);
  const bs = sampleBlock32(dp);
  const nBytes = <usize>n << 3;
  for (let s0 = 0; s0 < b; s0 += bs) {
    const s1 = min(s0 + bs, b);
    for (let s = s0; s < s1; s++) {
      const coef = scale * load<f64>(r + (<usize>s << 3));
      rowBackward32(kind, p, np, z + <usize>s * nBytes, a, n, coef, gradA, g32 + <usize>s * (<usize>n << 2));
    }
    accumulateBlock32(g32, x32, n, d, dp, s0, s1, gradW32);
  }
  for (let i = 0; i < n; i++) {
    const from = gradW32 + <usize>i * (<usize>dp << 2);
    const to = gradW + <usize>i * (<usize>d << 3);
    let k = 0;
    if (ASC_FEATURE_SIMD) {
      for (; k + 4 <= d; k += 4) {
        const v = v128.load(from + (<usize>k << 2));
        v128.store(to + (<usize>k << 3), f64x2.promote_low_f32x4(v));
        v128.store(to + (<usize>k << 3), f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 1)), 16);
      }
    }
    for (; k < d; k++) store<f64>(to + (<usize>k << 3), <f64>load<f32>(from + (<usize>k << 2)));
  }
}
