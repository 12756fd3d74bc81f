// (K + ridge I) v for the Gram matrix of a tabulated kernel (assembly/gramBlock.ts has the table and
// its layout) without storing K, as a blocked product that forms blocks of K in a small buffer:
// the conjugate-gradient solver's only O(n^2) work.
//
// Layout: the points, each scaled by its inverse norm (y_i = x_i i_i, so t_ij = <y_i, y_j>), are
// packed in column quads: quad q holds y_4q .. y_4q+3 interleaved coordinate by coordinate
// (d x 4 entries, zero past n), so one v128 load gives coordinate k of two neighbouring points.
// Columns go in blocks of JB (sized to L1); the rows below a block go four at a time (a row
// quad, then pairs), in three passes over a buffer of 4 x JB entries:
//   1. products: 4 x 4 tiles of t in 8 f64x2 accumulators (d splat loads and d quad loads shared by
//      16 entries);
//   2. kernel values, in place: first every t's interval index and fraction (the square root
//      on f64x2 lanes), then every interval's cubic (tableCubics); split in two loops so that each
//      loop's iterations are short and independent and the core overlaps many of them (one loop
//      with the whole chain sqrt -> index -> gathered load -> cubic ran 2x slower);
//   3. use: r_i += sum_j g_ij s_j v_j and r_j += sum_i g_ij s_i v_i, each entry formed once.
// Row quads inside a diagonal block take the same passes over the columns before them; only the
// 6 entries inside each 4 x 4 diagonal tile go one at a time. The scales s multiply r once at the end:
// out_i = s_i r_i + (s_i^2 g(1) + ridge) v_i, the diagonal taking g(1) exactly: <x, x> / |x|^2
// rounded below 1 would move an arc-cosine kernel's square root by 1e-8.

import { madd64 } from "./multiplyAdd";

export const QUAD_BYTES: usize = 32;
/** Largest column block: the pass buffer holds 4 rows of it (t, then g) and their 4 rows of indices. */
export const MAX_BLOCK: i32 = 256;

/** Columns per block: the block's quads (JB d entries) stay within 16 KiB of L1. */
@inline function columnBlock(d: i32): i32 {
  return max(8, min(MAX_BLOCK, (2048 / d) & ~3));
}

/** Entries of `work` tableKernelSymvPacked needs for n points: s v and r (n rounded up to 4 each), and the pass buffer. */
export function tableKernelSymvWork(n: i32): i32 {
  return 2 * ((n + 3) & ~3) + 8 * MAX_BLOCK + 4;
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

@inline export function pointAt(packed: usize, d: i32, i: i32): usize {
  return packed + <usize>(i >> 2) * <usize>d * QUAD_BYTES + (<usize>(i & 3) << 3);
}

// The monomial coefficients of the cubic through g0..g3 at nodes -1, 0, 1, 2, shifted by h:
// q(f) = p(f + h), stored as c0..c3 at o.
function storeShiftedCubic(o: usize, g0: f64, g1: f64, g2: f64, g3: f64, h: f64): void {
  const c1 = -g0 / 3.0 - 0.5 * g1 + g2 - g3 / 6.0;
  const c2 = 0.5 * g0 - g1 + 0.5 * g2;
  const c3 = (g3 - g0) / 6.0 + 0.5 * (g1 - g2);
  store<f64>(o, g1 + h * (c1 + h * (c2 + h * c3)));
  store<f64>(o + 8, c1 + h * (2.0 * c2 + 3.0 * h * c3));
  store<f64>(o + 16, c2 + 3.0 * h * c3);
  store<f64>(o + 24, c3);
}

/**
 * The interpolating cubic of the table (assembly/gramBlock.ts) for every u = s (E - 1) in [m, m + 1),
 * m = 0 .. E - 1 on each side (E = size / 2), in monomials of f = u - m: out[4 (side + m) + c] =
 * c_c, g = c0 + f (c1 + f (c2 + f c3)). The cubic is the 4-point Lagrange one through nodes m - 1 ..
 * m + 2, m clamped to [1, E - 3] (the end intervals extrapolate their neighbours' cubics), each
 * re-expanded about its own interval's start, so the kernels need no clamp and read the interval
 * index straight from floor(u); 6 flops a value instead of the Lagrange form's 17.
 */
export function tableCubics(table: usize, size: i32, out: usize): void {
  const half = size >> 1;
  for (let side = 0; side < size; side += half) {
    for (let m = 0; m < half; m++) {
      const first = min(max(m, 1), half - 3) - 1;
      const p = table + (<usize>(side + first) << 3);
      const o = out + (<usize>(4 * (side + m)) << 3);
      storeShiftedCubic(o, load<f64>(p), load<f64>(p + 8), load<f64>(p + 16), load<f64>(p + 24), <f64>(m - 1 - first));
    }
  }
}

/** g at t from the cubics, one value (the scalar build's and the diagonal blocks' evaluation). */
@inline export function cubicValueScalar(cubics: usize, half: i32, t: f64): f64 {
  const u = Math.sqrt(1.0 - min(abs(t), 1.0)) * <f64>(half - 1) + (t < 0.0 ? <f64>half : 0.0);
  const m = Math.floor(u);
  const f = u - m;
  const p = cubics + (<usize><i32>m << 5);
  return load<f64>(p) + f * (load<f64>(p + 8) + f * (load<f64>(p + 16) + f * load<f64>(p + 24)));
}

// Lane constants read from memory in the loops (V8 rebuilds a v128 constant at every use):
// 1, 2^52 (m + 2^52 holds the integer m in its low bits), 0.
const LANES = memory.data<f64>([1.0, 1.0, 4503599627370496.0, 4503599627370496.0, 0.0, 0.0]);

// t -> fraction f in place and m + 2^52 at idx, for two lanes; scales holds (E - 1, E) splatted.
// u = s (E - 1) + (E if t < 0), s = sqrt(1 - |t|) (1 - |t| is exact near |t| = 1).
@inline function splitInterval(t: usize, idx: usize, scales: usize): void {
  const one = v128.load(LANES);
  const tv = v128.load(t);
  const side = v128.and(f64x2.lt(tv, v128.load(LANES + 32)), v128.load(scales + 16));
  const u = madd64(f64x2.sqrt(f64x2.sub(one, f64x2.pmin(f64x2.abs(tv), one))), v128.load(scales), side);
  const m = f64x2.floor(u);
  v128.store(t, f64x2.sub(u, m));
  v128.store(idx, f64x2.add(m, v128.load(LANES + 16)));
}

// f at t -> the cubic of its interval, for two lanes: each lane's 4 coefficients are two v128
// loads, regrouped by shuffles.
@inline function cubicAt(cubics: usize, t: usize, idx: usize): void {
  const p0 = cubics + (<usize>load<i32>(idx) << 5);
  const p1 = cubics + (<usize>load<i32>(idx + 8) << 5);
  const f = v128.load(t);
  const a0 = v128.load(p0);
  const a1 = v128.load(p0 + 16);
  const b0 = v128.load(p1);
  const b1 = v128.load(p1 + 16);
  const c3 = v128.shuffle<f64>(a1, b1, 1, 3);
  const c2 = v128.shuffle<f64>(a1, b1, 0, 2);
  const c1 = v128.shuffle<f64>(a0, b0, 1, 3);
  const c0 = v128.shuffle<f64>(a0, b0, 0, 2);
  v128.store(t, madd64(f, madd64(f, madd64(f, c3, c2), c1), c0));
}

/** g of the count (a multiple of 4) inner products at t, in place; idx: count + 4 entries of scratch. */
export function kernelValues(cubics: usize, half: i32, t: usize, count: i32, idx: usize): void {
  const end = <usize>count << 3;
  const scales = idx + end;
  v128.store(scales, f64x2.splat(<f64>(half - 1)));
  v128.store(scales + 16, f64x2.splat(<f64>half));
  for (let j: usize = 0; j < end; j += 32) {
    splitInterval(t + j, idx + j, scales);
    splitInterval(t + j + 16, idx + j + 16, scales);
  }
  for (let j: usize = 0; j < end; j += 32) {
    cubicAt(cubics, t + j, idx + j);
    cubicAt(cubics, t + j + 16, idx + j + 16);
  }
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

@inline function addRowSum(r: usize, i: i32, acc: v128): void {
  const ri = r + (<usize>i << 3);
  store<f64>(ri, load<f64>(ri) + f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1));
}

/**
 * Pass 1 for the four points of the quad ya (d x 4 entries, packScaledQuads's layout) against
 * `count` (a multiple of 4) packed points from the quad at `quad`: point c's products at t + c * stride.
 */
@inline export function rowQuadProducts(ya: usize, quad: usize, d: i32, count: i32, t: usize, stride: usize): void {
  const quadStride = <usize>d * QUAD_BYTES;
  for (let j: usize = 0; j < <usize>count << 3; j += 32) {
    let t00 = f64x2.splat(0.0), t01 = f64x2.splat(0.0), t10 = f64x2.splat(0.0), t11 = f64x2.splat(0.0);
    let t20 = f64x2.splat(0.0), t21 = f64x2.splat(0.0), t30 = f64x2.splat(0.0), t31 = f64x2.splat(0.0);
    for (let k: usize = 0; k < quadStride; k += QUAD_BYTES) {
      const p0 = v128.load(quad + k);
      const p1 = v128.load(quad + k + 16);
      const u0 = v128.load64_splat(ya + k);
      t00 = madd64(u0, p0, t00);
      t01 = madd64(u0, p1, t01);
      const u1 = v128.load64_splat(ya + k + 8);
      t10 = madd64(u1, p0, t10);
      t11 = madd64(u1, p1, t11);
      const u2 = v128.load64_splat(ya + k + 16);
      t20 = madd64(u2, p0, t20);
      t21 = madd64(u2, p1, t21);
      const u3 = v128.load64_splat(ya + k + 24);
      t30 = madd64(u3, p0, t30);
      t31 = madd64(u3, p1, t31);
    }
    quad += quadStride;
    v128.store(t + j, t00);
    v128.store(t + j + 16, t01);
    v128.store(t + stride + j, t10);
    v128.store(t + stride + j + 16, t11);
    v128.store(t + 2 * stride + j, t20);
    v128.store(t + 2 * stride + j + 16, t21);
    v128.store(t + 3 * stride + j, t30);
    v128.store(t + 3 * stride + j + 16, t31);
  }
}

// Pass 3 for the rows a .. a + 3: their g (at t + c * stride) used twice.
@inline function rowQuadUse(sv: usize, r: usize, a: i32, j0: i32, j1: i32, t: usize, stride: usize): void {
  const sva = sv + (<usize>a << 3);
  const s0 = v128.load64_splat(sva), s1 = v128.load64_splat(sva + 8), s2 = v128.load64_splat(sva + 16), s3 = v128.load64_splat(sva + 24);
  let acc0 = f64x2.splat(0.0), acc1 = f64x2.splat(0.0), acc2 = f64x2.splat(0.0), acc3 = f64x2.splat(0.0);
  const svj = sv + (<usize>j0 << 3);
  const rj = r + (<usize>j0 << 3);
  for (let j: usize = 0; j < <usize>(j1 - j0) << 3; j += 16) {
    const g0 = v128.load(t + j);
    const g1 = v128.load(t + stride + j);
    const g2 = v128.load(t + 2 * stride + j);
    const g3 = v128.load(t + 3 * stride + j);
    const s = v128.load(svj + j);
    acc0 = madd64(g0, s, acc0);
    acc1 = madd64(g1, s, acc1);
    acc2 = madd64(g2, s, acc2);
    acc3 = madd64(g3, s, acc3);
    v128.store(rj + j, madd64(g3, s3, madd64(g2, s2, madd64(g1, s1, madd64(g0, s0, v128.load(rj + j))))));
  }
  addRowSum(r, a, acc0);
  addRowSum(r, a + 1, acc1);
  addRowSum(r, a + 2, acc2);
  addRowSum(r, a + 3, acc3);
}

// Pass 1 for the rows a and b (b = a for a lone last row): products at t and t + stride.
@inline function rowPairProducts(packed: usize, d: i32, a: i32, b: i32, j0: i32, j1: i32, t: usize, stride: usize): void {
  const ya = pointAt(packed, d, a);
  const yb = pointAt(packed, d, b);
  const quadStride = <usize>d * QUAD_BYTES;
  let quad = packed + <usize>(j0 >> 2) * quadStride;
  for (let j: usize = 0; j < <usize>(j1 - j0) << 3; j += 32) {
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
    v128.store(t + j, t00);
    v128.store(t + j + 16, t01);
    v128.store(t + stride + j, t10);
    v128.store(t + stride + j + 16, t11);
  }
}

// Pass 3 for the rows a and b, b's s v taken as svb (0 for a lone last row).
@inline function rowPairUse(sv: usize, r: usize, a: i32, b: i32, svb: f64, j0: i32, j1: i32, t: usize, stride: usize): void {
  const sva = v128.load64_splat(sv + (<usize>a << 3));
  const svbv = f64x2.splat(svb);
  let accA = f64x2.splat(0.0);
  let accB = f64x2.splat(0.0);
  const svj = sv + (<usize>j0 << 3);
  const rj = r + (<usize>j0 << 3);
  for (let j: usize = 0; j < <usize>(j1 - j0) << 3; j += 16) {
    const ga = v128.load(t + j);
    const gb = v128.load(t + stride + j);
    const s = v128.load(svj + j);
    accA = madd64(ga, s, accA);
    accB = madd64(gb, s, accB);
    v128.store(rj + j, madd64(gb, svbv, madd64(ga, sva, v128.load(rj + j))));
  }
  addRowSum(r, a, accA);
  if (b != a) addRowSum(r, b, accB);
}

// The entries of the diagonal block j0 .. j1 below its diagonal: each row quad i .. i + 3 against
// the columns j0 .. i - 1 by the three passes (rows past n are the packing's zero points, whose
// s v is 0, so they add nothing to any r_j), then the 6 entries inside its 4 x 4 diagonal tile
// one at a time.
function diagonalBlock(packed: usize, d: i32, cubics: usize, half: i32, sv: usize, r: usize, j0: i32, j1: i32, t: usize, idx: usize): void {
  const columns = packed + <usize>(j0 >> 2) * <usize>d * QUAD_BYTES;
  for (let i = j0; i < j1; i += 4) {
    const count = i - j0;
    if (count > 0) {
      const stride = <usize>count << 3;
      rowQuadProducts(pointAt(packed, d, i), columns, d, count, t, stride);
      kernelValues(cubics, half, t, 4 * count, idx);
      rowQuadUse(sv, r, i, j0, i, t, stride);
    }
    for (let c = 1; c < 4 && i + c < j1; c++) entriesOneByOne(packed, d, cubics, half, sv, r, i + c, i, i + c);
  }
}

/**
 * out = (K + ridge I) v for K_ij = s_i s_j g(<y_i, y_j>) over the packed points (packScaledQuads),
 * g from the table's cubics (tableCubics of a table of `size` entries) and g(1) = `diagonal`, each
 * entry below the diagonal formed once and used twice. work: tableKernelSymvWork(n) entries of
 * scratch (s v, the unscaled sums r and the pass buffer).
 */
export function tableKernelSymvPacked(
  packed: usize, n: i32, d: i32, s: usize, cubics: usize, size: i32, diagonal: f64, ridge: f64, v: usize, out: usize, work: usize,
): void {
  const half = size >> 1;
  const padded = (n + 3) & ~3;
  const sv = work;
  const r = work + (<usize>padded << 3);
  const t = r + (<usize>padded << 3);
  const idx = t + (<usize>(4 * MAX_BLOCK) << 3);
  memory.fill(sv, 0, <usize>(2 * padded) << 3);
  for (let i = 0; i < n; i++) {
    const ib = <usize>i << 3;
    store<f64>(sv + ib, load<f64>(s + ib) * load<f64>(v + ib));
  }
  const block = columnBlock(d);
  for (let j0 = 0; j0 < n; j0 += block) {
    const j1 = min(j0 + block, n);
    if (ASC_FEATURE_SIMD) {
      diagonalBlock(packed, d, cubics, half, sv, r, j0, j1, t, idx);
      // j1 = j0 + block here (a multiple of 4): rows below a block only exist for full blocks,
      // so row quads start on packed quads.
      const stride = <usize>block << 3;
      let i = j1;
      for (; i + 3 < n; i += 4) {
        rowQuadProducts(pointAt(packed, d, i), packed + <usize>(j0 >> 2) * <usize>d * QUAD_BYTES, d, block, t, stride);
        kernelValues(cubics, half, t, 4 * block, idx);
        rowQuadUse(sv, r, i, j0, j1, t, stride);
      }
      for (; i < n; i += 2) {
        const b = min(i + 1, n - 1);
        rowPairProducts(packed, d, i, b, j0, j1, t, stride);
        kernelValues(cubics, half, t, 2 * block, idx);
        rowPairUse(sv, r, i, b, b != i ? load<f64>(sv + (<usize>b << 3)) : 0.0, j0, j1, t, stride);
      }
    } else {
      for (let i = j0 + 1; i < j1; i++) entriesOneByOne(packed, d, cubics, half, sv, r, i, j0, i);
      for (let i = j1; i < n; i++) entriesOneByOne(packed, d, cubics, half, sv, r, i, j0, j1);
    }
  }
  for (let i = 0; i < n; i++) {
    const ib = <usize>i << 3;
    const si = load<f64>(s + ib);
    store<f64>(out + ib, si * load<f64>(r + ib) + (si * si * diagonal + ridge) * load<f64>(v + ib));
  }
}
