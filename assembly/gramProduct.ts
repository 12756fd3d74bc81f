// (K + ridge I) v for the Gram matrix of a tabulated kernel (assembly/gram.ts has the table and
// its layout) without storing K, as a blocked product that forms tiles of K in registers:
// the conjugate-gradient solver's only O(n^2) work.
//
// Layout: the points, each scaled by its inverse norm (y_i = x_i i_i, so t_ij = <y_i, y_j>), are
// packed in column quads: quad q holds y_4q .. y_4q+3 interleaved coordinate by coordinate
// (d x 4 entries, zero past n), so one v128 load gives coordinate k of two neighbouring points.
// A tile is two rows i, i + 1 against one quad: the 8 dot products accumulate in 4 f64x2 lanes
// (d splat loads and d quad loads shared by 8 entries), then g is interpolated on both lanes at
// once (the table's cubics in monomial form, tableCubics) and the tile is used twice, r_i += sum_j g_ij s_j v_j and r_j += sum_i g_ij s_i v_i, before
// it leaves the registers. The quads of a column block (JB columns, sized to L1) are read by
// every row below the block; entries inside a diagonal block go one at a time. The scales s
// multiply r once at the end: out_i = s_i r_i + (s_i^2 g(1) + ridge) v_i, the diagonal taking g(1)
// exactly: <x, x> / |x|^2 rounded below 1 would move an arc-cosine kernel's square root by 1e-8.

import { madd64 } from "./multiplyAdd";

const QUAD_BYTES: usize = 32;

/** Columns per block: the block's quads (JB d entries) stay within 16 KiB of L1. */
@inline function columnBlock(d: i32): i32 {
  return max(8, min(256, (2048 / d) & ~3));
}

/** Quads of the n points x (n x d): out[q][k][c] = x[4q + c][k] * inv[4q + c], zero past n. */
export function packScaledQuads(x: usize, n: i32, d: i32, inv: usize, out: usize): void {
  const quads = (n + 3) >> 2;
  memory.fill(out, 0, <usize>quads * <usize>d * QUAD_BYTES);
  for (let i = 0; i < n; i++) {
    const scale = load<f64>(inv + (<usize>i << 3));
    const src = x + ((<usize>i * <usize>d) << 3);
    const dst = out + <usize>(i >> 2) * <usize>d * QUAD_BYTES + (<usize>(i & 3) << 3);
    for (let k = 0; k < d; k++) store<f64>(dst + <usize>k * QUAD_BYTES, load<f64>(src + (<usize>k << 3)) * scale);
  }
}

@inline function pointAt(packed: usize, d: i32, i: i32): usize {
  return packed + <usize>(i >> 2) * <usize>d * QUAD_BYTES + (<usize>(i & 3) << 3);
}

/**
 * The interpolating cubic of every interval of the table (tableValue in assembly/gram.ts: nodes
 * m - 1 .. m + 2 of a side, at f in [0, 1)) in monomials of f, 4 coefficients per interval at
 * the index tableValue reads its first node from: out (4 size entries) c0 + f (c1 + f (c2 + f c3)).
 * The same cubic as the Lagrange form, evaluated with 6 flops instead of 17.
 */
export function tableCubics(table: usize, size: i32, out: usize): void {
  memory.fill(out, 0, <usize>(4 * size) << 3);
  for (let p = 0; p + 3 < size; p++) {
    const g0 = load<f64>(table + (<usize>p << 3));
    const g1 = load<f64>(table + (<usize>(p + 1) << 3));
    const g2 = load<f64>(table + (<usize>(p + 2) << 3));
    const g3 = load<f64>(table + (<usize>(p + 3) << 3));
    const o = out + (<usize>(4 * p) << 3);
    store<f64>(o, g1);
    store<f64>(o + 8, -g0 / 3.0 - 0.5 * g1 + g2 - g3 / 6.0);
    store<f64>(o + 16, 0.5 * g0 - g1 + 0.5 * g2);
    store<f64>(o + 24, (g3 - g0) / 6.0 + 0.5 * (g1 - g2));
  }
}

// The interval's index and the fraction f in it, as tableValue finds them.
@inline function cubicValueScalar(cubics: usize, half: i32, t: f64): f64 {
  const u = Math.sqrt(1.0 - min(abs(t), 1.0)) * <f64>(half - 1);
  let m = <i32>u;
  m = min(max(m, 1), half - 3);
  const f = u - <f64>m;
  const side: i32 = t >= 0.0 ? 0 : half;
  const p = cubics + (<usize>(4 * (side + m - 1)) << 3);
  return load<f64>(p) + f * (load<f64>(p + 8) + f * (load<f64>(p + 16) + f * load<f64>(p + 24)));
}

// The same on two lanes: each lane's 4 coefficients are two v128 loads, regrouped by shuffles.
// pmin and pmax are single instructions where min and max carry NaN rules (no NaN reaches them:
// |t| <= 1 after the first one), and the interval index m - 1 + side is read from the low bits
// of m + side + 2^52 - 1, an exact integer in f64, instead of by a saturating conversion.
@inline function cubicValuePair(cubics: usize, half: i32, t: v128): v128 {
  const one = f64x2.splat(1.0);
  const u = f64x2.mul(f64x2.sqrt(f64x2.sub(one, f64x2.pmin(f64x2.abs(t), one))), f64x2.splat(<f64>(half - 1)));
  const m = f64x2.pmin(f64x2.pmax(f64x2.floor(u), one), f64x2.splat(<f64>(half - 3)));
  const f = f64x2.sub(u, m);
  const side = v128.and(f64x2.lt(t, f64x2.splat(0.0)), f64x2.splat(<f64>half));
  const index = f64x2.add(f64x2.add(m, side), f64x2.splat(4503599627370495.0));
  const p0 = cubics + (<usize>i32x4.extract_lane(index, 0) << 5);
  const p1 = cubics + (<usize>i32x4.extract_lane(index, 2) << 5);
  const a0 = v128.load(p0);
  const a1 = v128.load(p0 + 16);
  const b0 = v128.load(p1);
  const b1 = v128.load(p1 + 16);
  const c3 = v128.shuffle<f64>(a1, b1, 1, 3);
  const c2 = v128.shuffle<f64>(a1, b1, 0, 2);
  const c1 = v128.shuffle<f64>(a0, b0, 1, 3);
  const c0 = v128.shuffle<f64>(a0, b0, 0, 2);
  return madd64(f, madd64(f, madd64(f, c3, c2), c1), c0);
}

// Entries (i, j) for j0 <= j < j1, j < i, one at a time: diagonal blocks and the scalar build.
function entriesOneByOne(packed: usize, d: i32, cubics: usize, half: i32, sv: usize, r: usize, i: i32, j0: i32, j1: i32): void {
  const yi = pointAt(packed, d, i);
  const svi = load<f64>(sv + (<usize>i << 3));
  let acc: f64 = 0.0;
  for (let j = j0; j < j1; j++) {
    const yj = pointAt(packed, d, j);
    let t: f64 = 0.0;
    for (let k = 0; k < d; k++) t += load<f64>(yi + <usize>k * QUAD_BYTES) * load<f64>(yj + <usize>k * QUAD_BYTES);
    const g = cubicValueScalar(cubics, half, t);
    const jb = <usize>j << 3;
    acc += g * load<f64>(sv + jb);
    store<f64>(r + jb, load<f64>(r + jb) + g * svi);
  }
  store<f64>(r + (<usize>i << 3), load<f64>(r + (<usize>i << 3)) + acc);
}

// Rows a and b (b's s v taken as svb, 0 for a lone last row) against the quads of [j0, j1).
@inline function rowPairAgainstBlock(packed: usize, d: i32, cubics: usize, half: i32, sv: usize, r: usize, a: i32, b: i32, svb: f64, j0: i32, j1: i32): void {
  const ya = pointAt(packed, d, a);
  const yb = pointAt(packed, d, b);
  const sva = f64x2.splat(load<f64>(sv + (<usize>a << 3)));
  const svbv = f64x2.splat(svb);
  let accA = f64x2.splat(0.0);
  let accB = f64x2.splat(0.0);
  const quadStride = <usize>d * QUAD_BYTES;
  let quad = packed + <usize>(j0 >> 2) * quadStride;
  for (let j = j0; j < j1; j += 4) {
    let t00 = f64x2.splat(0.0), t01 = f64x2.splat(0.0), t10 = f64x2.splat(0.0), t11 = f64x2.splat(0.0);
    for (let k: usize = 0; k < quadStride; k += QUAD_BYTES) {
      const ua = v128.load64_splat(ya + k);
      const ub = v128.load64_splat(yb + k);
      const p0 = v128.load(quad + k);
      const p1 = v128.load(quad + k + 16);
      t00 = madd64(ua, p0, t00);
      t01 = madd64(ua, p1, t01);
      t10 = madd64(ub, p0, t10);
      t11 = madd64(ub, p1, t11);
    }
    quad += quadStride;
    const g00 = cubicValuePair(cubics, half, t00);
    const g01 = cubicValuePair(cubics, half, t01);
    const g10 = cubicValuePair(cubics, half, t10);
    const g11 = cubicValuePair(cubics, half, t11);
    const jb = sv + (<usize>j << 3);
    const s0 = v128.load(jb);
    const s1 = v128.load(jb + 16);
    accA = madd64(g01, s1, madd64(g00, s0, accA));
    accB = madd64(g11, s1, madd64(g10, s0, accB));
    const rj = r + (<usize>j << 3);
    v128.store(rj, madd64(g10, svbv, madd64(g00, sva, v128.load(rj))));
    v128.store(rj + 16, madd64(g11, svbv, madd64(g01, sva, v128.load(rj + 16))));
  }
  const ra = r + (<usize>a << 3);
  store<f64>(ra, load<f64>(ra) + f64x2.extract_lane(accA, 0) + f64x2.extract_lane(accA, 1));
  if (b != a) {
    const rb = r + (<usize>b << 3);
    store<f64>(rb, load<f64>(rb) + f64x2.extract_lane(accB, 0) + f64x2.extract_lane(accB, 1));
  }
}

/**
 * out = (K + ridge I) v for K_ij = s_i s_j g(<y_i, y_j>) over the packed points (packScaledQuads),
 * g from the table's cubics (tableCubics of a table of `size` entries) and g(1) = `diagonal`, each
 * entry below the diagonal formed once and used twice. work: 2 ceil(n / 4) * 4 entries of
 * scratch (s v, then the unscaled sums r).
 */
export function tableKernelSymvPacked(
  packed: usize, n: i32, d: i32, s: usize, cubics: usize, size: i32, diagonal: f64, ridge: f64, v: usize, out: usize, work: usize,
): void {
  const half = size >> 1;
  const padded = (n + 3) & ~3;
  const sv = work;
  const r = work + (<usize>padded << 3);
  memory.fill(sv, 0, <usize>(2 * padded) << 3);
  for (let i = 0; i < n; i++) {
    const ib = <usize>i << 3;
    store<f64>(sv + ib, load<f64>(s + ib) * load<f64>(v + ib));
  }
  const block = columnBlock(d);
  for (let j0 = 0; j0 < n; j0 += block) {
    const j1 = min(j0 + block, n);
    for (let i = j0 + 1; i < j1; i++) entriesOneByOne(packed, d, cubics, half, sv, r, i, j0, i);
    if (ASC_FEATURE_SIMD) {
      // j1 = j0 + block here (a multiple of 4): rows below a block only exist for full blocks.
      let i = j1;
      for (; i + 1 < n; i += 2) rowPairAgainstBlock(packed, d, cubics, half, sv, r, i, i + 1, load<f64>(sv + (<usize>(i + 1) << 3)), j0, j1);
      if (i < n) rowPairAgainstBlock(packed, d, cubics, half, sv, r, i, i, 0.0, j0, j1);
    } else {
      for (let i = j1; i < n; i++) entriesOneByOne(packed, d, cubics, half, sv, r, i, j0, j1);
    }
  }
  for (let i = 0; i < n; i++) {
    const ib = <usize>i << 3;
    const si = load<f64>(s + ib);
    store<f64>(out + ib, si * load<f64>(r + ib) + (si * si * diagonal + ridge) * load<f64>(v + ib));
  }
}
