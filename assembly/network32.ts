// The forward and backward passes of assembly/network.ts with single-precision products: the
// d-long dot products <w_i, x_s> and the gradient sums sum_s g_si x_s run on f32x4 lanes (twice
// the lanes of f64x2), while everything summed over neurons stays in f64: z is widened to f64,
// so f_s = scale sum_i a_i sigma(z_si) (rowDot, in the same neuron blocks as forward()), the
// residuals, gradA and g = scale r_s a_i sigma'(z_si) are exactly the f64 code's.
//
//   x32: B x d f32, w32: N x d f32 (narrowed copies of the f64 samples and weights),
//   z: B x N f64, f: B f64, g: B x N f64 scratch, g32: B x N f32 scratch,
//   gradW32: N x d f32 scratch, gradW: N x d f64 (written), gradA: N f64 (written).
//
// gradW is summed over the whole batch in f32 and widened once at the end. Nothing allocates.

import { rowBackward, rowDot } from "./activation";
import { madd32 } from "./multiplyAdd";
import { NEURON_BLOCK } from "./network";

/** Samples per block: about 16 KiB of f32 x, at least 2, at most 64, even. */
function sampleBlock32(d: i32): i32 {
  let bs = 4096 / d;
  if (bs < 2) bs = 2;
  if (bs > 64) bs = 64;
  return bs & ~1;
}

@inline function hsum4(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** dst[k] = f32(src[k]) for count entries (round to nearest). */
export function narrowToF32(src: usize, dst: usize, count: i32): void {
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    for (; k + 4 <= count; k += 4) {
      const lo = f32x4.demote_f64x2_zero(v128.load(src + (<usize>k << 3)));
      const hi = f32x4.demote_f64x2_zero(v128.load(src + (<usize>k << 3), 16));
      v128.store(dst + (<usize>k << 2), i64x2.shuffle(lo, hi, 0, 2));
    }
  }
  for (; k < count; k++) store<f32>(dst + (<usize>k << 2), <f32>load<f64>(src + (<usize>k << 3)));
}

/** <u, v> over d f32 entries, summed in f32. */
function dot32(u: usize, v: usize, d: i32): f32 {
  let k = 0;
  let s: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(0);
    for (; k + 4 <= d; k += 4) acc = madd32(v128.load(u + (<usize>k << 2)), v128.load(v + (<usize>k << 2)), acc);
    s = hsum4(acc);
  }
  for (; k < d; k++) s += load<f32>(u + (<usize>k << 2)) * load<f32>(v + (<usize>k << 2));
  return s;
}

/** z[s, i..i+3] and z[s+1, i..i+3] (f64) for 2 samples and 4 neurons, products in f32x4. */
@inline function dot2x4f32(x0: usize, x1: usize, w0: usize, d: i32, z0: usize, z1: usize, dBytes: usize): void {
  const w1 = w0 + dBytes;
  const w2 = w1 + dBytes;
  const w3 = w2 + dBytes;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  const main = <usize>(d & ~3) << 2;
  for (let k: usize = 0; k < main; k += 16) {
    const a0 = v128.load(x0 + k);
    const a1 = v128.load(x1 + k);
    const b0 = v128.load(w0 + k);
    const b1 = v128.load(w1 + k);
    const b2 = v128.load(w2 + k);
    const b3 = v128.load(w3 + k);
    c00 = madd32(a0, b0, c00); c01 = madd32(a0, b1, c01); c02 = madd32(a0, b2, c02); c03 = madd32(a0, b3, c03);
    c10 = madd32(a1, b0, c10); c11 = madd32(a1, b1, c11); c12 = madd32(a1, b2, c12); c13 = madd32(a1, b3, c13);
  }
  let s00 = hsum4(c00), s01 = hsum4(c01), s02 = hsum4(c02), s03 = hsum4(c03);
  let s10 = hsum4(c10), s11 = hsum4(c11), s12 = hsum4(c12), s13 = hsum4(c13);
  for (let k = main; k < (<usize>d << 2); k += 4) {
    const u0 = load<f32>(x0 + k);
    const u1 = load<f32>(x1 + k);
    const v0 = load<f32>(w0 + k), v1 = load<f32>(w1 + k), v2 = load<f32>(w2 + k), v3 = load<f32>(w3 + k);
    s00 += u0 * v0; s01 += u0 * v1; s02 += u0 * v2; s03 += u0 * v3;
    s10 += u1 * v0; s11 += u1 * v1; s12 += u1 * v2; s13 += u1 * v3;
  }
  store<f64>(z0, <f64>s00); store<f64>(z0, <f64>s01, 8); store<f64>(z0, <f64>s02, 16); store<f64>(z0, <f64>s03, 24);
  store<f64>(z1, <f64>s10); store<f64>(z1, <f64>s11, 8); store<f64>(z1, <f64>s12, 16); store<f64>(z1, <f64>s13, 24);
}

/** z[s, i] = <x_s, w_i> (f32 products, f64 storage) for samples s0 <= s < s1 and every neuron. */
function preactivationBlock32(x32: usize, w32: usize, n: i32, d: i32, s0: i32, s1: i32, z: usize): void {
  const dBytes = <usize>d << 2;
  const nBytes = <usize>n << 3;
  const n4 = n & ~3;
  let s = s0;
  if (ASC_FEATURE_SIMD) {
    for (; s + 2 <= s1; s += 2) {
      const x0 = x32 + <usize>s * dBytes;
      const z0 = z + <usize>s * nBytes;
      for (let i = 0; i < n4; i += 4) {
        if (ASC_FEATURE_SIMD) dot2x4f32(x0, x0 + dBytes, w32 + <usize>i * dBytes, d, z0 + (<usize>i << 3), z0 + nBytes + (<usize>i << 3), dBytes);
      }
      for (let i = n4; i < n; i++) {
        const wi = w32 + <usize>i * dBytes;
        store<f64>(z0 + (<usize>i << 3), <f64>dot32(x0, wi, d));
        store<f64>(z0 + nBytes + (<usize>i << 3), <f64>dot32(x0 + dBytes, wi, d));
      }
    }
  }
  for (; s < s1; s++) {
    const x0 = x32 + <usize>s * dBytes;
    const z0 = z + <usize>s * nBytes;
    for (let i = 0; i < n; i++) store<f64>(z0 + (<usize>i << 3), <f64>dot32(x0, w32 + <usize>i * dBytes, d));
  }
}

/** forward() with f32 products: z (B x N, f64) and f_s = scale * sum over neuron blocks, in order, of sum_i a_i sigma(z_si). */
export function forward32(
  x32: usize, w32: usize, a: usize, n: i32, d: i32, b: i32, scale: f64,
  kind: i32, p: usize, np: i32, z: usize, f: usize,
): void {
  const bs = sampleBlock32(d);
  const nBytes = <usize>n << 3;
  for (let s0 = 0; s0 < b; s0 += bs) {
    const s1 = min(s0 + bs, b);
    preactivationBlock32(x32, w32, n, d, s0, s1, z);
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
@inline function accumulate4x8(g: usize, x: usize, gw: usize, s0: i32, s1: i32, nBytes: usize, dBytes: usize): void {
  const r1 = gw + dBytes;
  const r2 = r1 + dBytes;
  const r3 = r2 + dBytes;
  let c00 = v128.load(gw), c01 = v128.load(gw, 16);
  let c10 = v128.load(r1), c11 = v128.load(r1, 16);
  let c20 = v128.load(r2), c21 = v128.load(r2, 16);
  let c30 = v128.load(r3), c31 = v128.load(r3, 16);
  let gs = g + <usize>s0 * nBytes;
  let xs = x + <usize>s0 * dBytes;
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
    xs += dBytes;
  }
  v128.store(gw, c00); v128.store(gw, c01, 16);
  v128.store(r1, c10); v128.store(r1, c11, 16);
  v128.store(r2, c20); v128.store(r2, c21, 16);
  v128.store(r3, c30); v128.store(r3, c31, 16);
}

/** gradW32[i, k] += sum_s g32[s, i] x32[s, k] for one neuron and one coordinate. */
@inline function accumulate1x1f32(g: usize, x: usize, gw: usize, s0: i32, s1: i32, nBytes: usize, dBytes: usize): void {
  let c = load<f32>(gw);
  let gs = g + <usize>s0 * nBytes;
  let xs = x + <usize>s0 * dBytes;
  for (let s = s0; s < s1; s++) {
    c += load<f32>(gs) * load<f32>(xs);
    gs += nBytes;
    xs += dBytes;
  }
  store<f32>(gw, c);
}

/** gradW32 += g32[s0:s1]^T x32[s0:s1] over every neuron and coordinate. */
function accumulateBlock32(g32: usize, x32: usize, n: i32, d: i32, s0: i32, s1: i32, gradW32: usize): void {
  const dBytes = <usize>d << 2;
  const nBytes = <usize>n << 2;
  const n4 = ASC_FEATURE_SIMD ? n & ~3 : 0;
  const d8 = d & ~7;
  for (let i = 0; i < n4; i += 4) {
    const gi = g32 + (<usize>i << 2);
    const gw = gradW32 + <usize>i * dBytes;
    if (ASC_FEATURE_SIMD) {
      for (let k = 0; k < d8; k += 8) {
        const off = <usize>k << 2;
        accumulate4x8(gi, x32 + off, gw + off, s0, s1, nBytes, dBytes);
      }
    }
    for (let j = 0; j < 4; j++) {
      for (let k = d8; k < d; k++) {
        const off = <usize>k << 2;
        accumulate1x1f32(gi + (<usize>j << 2), x32 + off, gw + <usize>j * dBytes + off, s0, s1, nBytes, dBytes);
      }
    }
  }
  for (let i = n4; i < n; i++) {
    const gi = g32 + (<usize>i << 2);
    const gw = gradW32 + <usize>i * dBytes;
    for (let k = 0; k < d; k++) {
      const off = <usize>k << 2;
      accumulate1x1f32(gi, x32 + off, gw + off, s0, s1, nBytes, dBytes);
    }
  }
}

/**
 * backward() with f32 gradient sums: gradA_i = scale sum_b r_b sigma(z_bi) (f64),
 * gradW_i = scale a_i sum_b r_b sigma'(z_bi) x_b (summed in f32, widened). gradW and gradA are
 * overwritten; g, g32 and gradW32 are scratch.
 */
export function backward32(
  x32: usize, a: usize, n: i32, d: i32, b: i32, scale: f64,
  kind: i32, p: usize, np: i32, z: usize, r: usize, g: usize, g32: usize, gradW32: usize, gradW: usize, gradA: usize,
): void {
  const count = n * d;
  memory.fill(gradW32, 0, <usize>count << 2);
  memory.fill(gradA, 0, <usize>n << 3);
  const bs = sampleBlock32(d);
  const nBytes = <usize>n << 3;
  for (let s0 = 0; s0 < b; s0 += bs) {
    const s1 = min(s0 + bs, b);
    for (let s = s0; s < s1; s++) {
      const coef = scale * load<f64>(r + (<usize>s << 3));
      const row = <usize>s * nBytes;
      rowBackward(kind, p, np, z + row, a, n, coef, gradA, g + row);
    }
    narrowToF32(g + <usize>s0 * nBytes, g32 + <usize>s0 * (<usize>n << 2), (s1 - s0) * n);
    accumulateBlock32(g32, x32, n, d, s0, s1, gradW32);
  }
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    for (; k + 4 <= count; k += 4) {
      const v = v128.load(gradW32 + (<usize>k << 2));
      v128.store(gradW + (<usize>k << 3), f64x2.promote_low_f32x4(v));
      v128.store(gradW + (<usize>k << 3), f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 1)), 16);
    }
  }
  for (; k < count; k++) store<f64>(gradW + (<usize>k << 3), <f64>load<f32>(gradW32 + (<usize>k << 2)));
}
