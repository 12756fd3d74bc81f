// (K + ridge I) v for the Gram matrix of a tabulated kernel (assembly/gramBlock.ts has the table and
// its layout) without storing K, as a blocked product that forms blocks of K in a small buffer:
// the conjugate-gradient solver's only O(n^2) work.
//
// Layout: the points, each scaled by its inverse norm (y_i = x_i i_i, so t_ij = <y_i, y_j>), are
// packed in column quads: quad q holds y_4q .. y_4q+3 interleaved coordinate by coordinate
// (d x 4 entries, zero past n), so one v128 load gives coordinate k of two neighbouring points.
// Columns go in blocks of JB (sized to L1); the rows below a block go four at a time (a row
// quad, then pairs), in two passes over a buffer of 4 x JB fractions and their interval indices:
//   1. products and intervals: 4 x 4 tiles of t in 8 f64x2 accumulators (d splat loads and d quad
//      loads shared by 16 entries), each tile turned from its registers into interval indices and
//      fractions: of u = 8192 t + 7168 (the uniform table, a multiply-add and a floor) when all
//      16 |t| are below 7/8, else per entry of that or of s = sqrt(1 - |t|) (the square-root
//      table, near t = +-1), in a call of its own so the tiles' loop keeps no extra registers;
//   2. use: each entry's cubic (tableCubics) gathered and evaluated, then at once
//      r_i += sum_j g_ij s_j v_j and r_j += sum_i g_ij s_i v_i, each entry formed once, two rows
//      per sweep over the columns (four spilled V8's registers).
// (One loop carrying the whole chain product -> sqrt -> index -> gathered load -> cubic ran 2x
// slower: the gathers need the short independent iterations of the use pass to overlap.)
// Every evaluator (tiles, lone row pairs, diagonal tiles, the scalar build, the dense blocks)
// takes each entry's g from the uniform table iff d >= UNIFORM_MIN_D and |t| < 7/8, so K is one
// function of t for each d everywhere; below UNIFORM_MIN_D the tiles run the square-root table alone.
// Row quads inside a diagonal block take the same passes over the columns before them; only the
// 6 entries inside each 4 x 4 diagonal tile go one at a time. The scales s multiply r once at the end:
// out_i = s_i r_i + (s_i^2 g(1) + ridge) v_i, the diagonal taking g(1) exactly: <x, x> / |x|^2
// rounded below 1 would move an arc-cosine kernel's square root by 1e-8.

import { madd64 } from "./multiplyAdd";

export const QUAD_BYTES: usize = 32;

// g on |t| < 7/8 comes from a second table, cubics in t itself on intervals of 2^-13: the
// kernels' singularities sit at t = +-1, so there they are analytic, and an entry needs one
// multiply-add for u = 8192 t + 7168 instead of 1 - |t|, a square root (one per 2.1 ns per
// f64x2 here, a unit of its own) and its clamp. Both constants are powers of two or small
// integers so u is exact but for the sum's rounding, which keeps it in [0, 14336] on |t| < 7/8:
// one extra end interval (m = 14336, its neighbour's cubic) and nothing is clamped.
// Chosen from measured errors (max over t of |4-point interpolation - the Gegenbauer series| / g(1),
// degree 48, at d = 3 for the abs NTK, the worst of the kernels test/kernelWasm.test.ts checks):
// tau = 7/8 and spacing 2^-13 2.2e-14 (the square-root table's own worst is 1.5e-14); spacing
// 2^-12 3.6e-13, tau = 0.9 at 2^-13 3.8e-14, tau = 3/4 at 2^-12 5.8e-14 (errors grow like the
// spacing^4 and steeply with tau). For random unit points at d = 10 about 4 pairs in 10^4 have
// |t| >= 7/8, so 1 tile of 4 x 4 in 150 needs the square-root table (1 in 8 for tau = 3/4); at
// d = 5 3 tiles in 10, at d = 3 9 in 10, where forming both cost the product 0.89-0.91x of the
// square-root table alone (n = 15000; 1.23x faster at d = 10): hence UNIFORM_MIN_D below. Its
// cubics (14337 x 32 bytes) follow the square-root table's.
const UNIFORM_TAU: f64 = 0.875;
const UNIFORM_SCALE: f64 = 8192.0;
const UNIFORM_INTERVALS: i32 = 14336;
/** Values of the uniform table, after the table's 2E square-root entries: g(-7/8 + (k - 1) 2^-13), k = 0 .. 14338. */
export const UNIFORM_NODES: i32 = UNIFORM_INTERVALS + 3;

/** UNIFORM_NODES for the JavaScript side (src/kernels/modelKernel.ts builds the table). */
export function tableUniformNodes(): i32 {
  return UNIFORM_NODES;
}

// Below d = UNIFORM_MIN_D the uniform table is not used at all: for points on the sphere too many
// tiles hold some |t| >= 7/8 (a share falling steeply with d: 87% of 4 x 4 tiles at d = 3, 57% at
// d = 4, 30% at d = 5, 15% at d = 6, 7% at d = 7, 0.7% at d = 10), and a mixed tile forms both u
// per entry, which costs more than the square roots the clean tiles save. Measured (n = 15000,
// alternating in one process, both parts by |t| against the square-root table alone): d = 3 0.93x,
// d = 4 0.84x, d = 5 0.91-0.92x (one run 0.99x), d = 6 1.04-1.13x, d = 7 1.16x, d = 8 1.24x, so 6
// is the smallest d where it is not slower. So the kernel is a function of d as well: the uniform
// table iff d >= UNIFORM_MIN_D and |t| < 7/8, decided once per call from d, and each tile loop
// compiled for one of the two (tileIntervals).
const UNIFORM_MIN_D: i32 = 6;

/** UNIFORM_MIN_D for the JavaScript side (src/kernels/modelKernel.ts, the test references). */
export function tableUniformMinD(): i32 {
  return UNIFORM_MIN_D;
}

/** Whether the kernels at dimension d read the uniform table (where |t| < 7/8) or only the square-root one. */
@inline export function usesUniform(d: i32): bool {
  return d >= UNIFORM_MIN_D;
}

/** E, the square-root table's entries per side, of a table of `size` entries in all. */
@inline export function tableHalf(size: i32): i32 {
  return (size - UNIFORM_NODES) >> 1;
}
/** Largest column block: the pass buffer holds 4 rows of it (fractions, then g in the dense blocks) and their 4 rows of indices. */
export const MAX_BLOCK: i32 = 256;

/** Columns per block: the block's quads (JB d entries) stay within 16 KiB of L1. */
@inline function columnBlock(d: i32): i32 {
  return max(8, min(MAX_BLOCK, (2048 / d) & ~3));
}

/** Entries of `work` tableKernelSymvPacked needs for n points: s v and r (n rounded up to 4 each), and the pass buffer. */
export function tableKernelSymvWork(n: i32): i32 {
  return 2 * ((n + 3) & ~3) + 8 * MAX_BLOCK;
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
 * m = 0 .. E - 1 on each side (E = tableHalf(size)), in monomials of f = u - m: out[4 (side + m) + c] =
 * c_c, g = c0 + f (c1 + f (c2 + f c3)). The cubic is the 4-point Lagrange one through nodes m - 1 ..
 * m + 2, m clamped to [1, E - 3] (the end intervals extrapolate their neighbours' cubics), each
 * re-expanded about its own interval's start, so the kernels need no clamp and read the interval
 * index straight from floor(u); 6 flops a value instead of the Lagrange form's 17. Then, at 2E + m,
 * the uniform table's for u = 8192 t + 7168 in [m, m + 1), m = 0 .. 14336 (the last one its
 * neighbour's).
 */
export function tableCubics(table: usize, size: i32, out: usize): void {
  const half = tableHalf(size);
  for (let side = 0; side < 2 * half; side += half) {
    for (let m = 0; m < half; m++) {
      const first = min(max(m, 1), half - 3) - 1;
      const p = table + (<usize>(side + first) << 3);
      const o = out + (<usize>(4 * (side + m)) << 3);
      storeShiftedCubic(o, load<f64>(p), load<f64>(p + 8), load<f64>(p + 16), load<f64>(p + 24), <f64>(m - 1 - first));
    }
  }
  const nodes = table + (<usize>(size - UNIFORM_NODES) << 3);
  for (let m = 0; m <= UNIFORM_INTERVALS; m++) {
    const first = min(m, UNIFORM_INTERVALS - 1);
    const p = nodes + (<usize>first << 3);
    const o = out + (<usize>(4 * (2 * half + m)) << 3);
    storeShiftedCubic(o, load<f64>(p), load<f64>(p + 8), load<f64>(p + 16), load<f64>(p + 24), <f64>(m - first));
  }
}

/**
 * g at t from the cubics, one value (the scalar build's and the diagonal tiles' evaluation) at
 * dimension d: from the uniform table if usesUniform(d) and |t| < 7/8, else from the square-root
 * one, as every kernel decides each entry.
 */
@inline export function cubicValueScalar(cubics: usize, half: i32, d: i32, t: f64): f64 {
  let u: f64;
  let offset: i32;
  if (usesUniform(d) && abs(t) < UNIFORM_TAU) {
    u = t * UNIFORM_SCALE + UNIFORM_TAU * UNIFORM_SCALE;
    offset = 2 * half;
  } else {
    u = Math.sqrt(1.0 - min(abs(t), 1.0)) * <f64>(half - 1);
    offset = t < 0.0 ? half : 0;
  }
  const m = Math.floor(u);
  const f = u - m;
  const p = cubics + (<usize>(<i32>m + offset) << 5);
  return load<f64>(p) + f * (load<f64>(p + 8) + f * (load<f64>(p + 16) + f * load<f64>(p + 24)));
}

// Lane constants read from memory in the loops (V8 rebuilds a v128 constant at every use, and
// each one kept in a register through the tiles' loop costs it spills): 1, 2^52 (m + 2^52 holds
// the integer m in its low bits), the uniform table's slope 8192 and offset 7168, and 7/8.
const LANES = memory.data<f64>([1.0, 1.0, 4503599627370496.0, 4503599627370496.0, UNIFORM_SCALE, UNIFORM_SCALE, UNIFORM_TAU * UNIFORM_SCALE, UNIFORM_TAU * UNIFORM_SCALE, UNIFORM_TAU, UNIFORM_TAU]);

// 2^52 + 2E for a table of 2E = 2 half square-root entries: floor(u) + this holds the uniform
// table's cubic 2E + floor(u) in its low bits.
@inline function uniformBase(half: i32): f64 {
  return 4503599627370496.0 + <f64>(2 * half);
}

// Two lanes of t, all with |t| < 7/8 -> the fraction of u = 8192 t + 7168 at f and the uniform
// table's cubic 2E + floor(u) as the integer in the low bits of idx (base: uniformBase in each
// lane), then the same for tb 16 bytes on (the offset goes in the instructions, not in an address
// add: Binaryen may not fold it).
@inline function storeUniformIntervals(ta: v128, tb: v128, f: usize, idx: usize, base: v128): void {
  const ua = madd64(ta, v128.load(LANES, 32), v128.load(LANES, 48));
  const ub = madd64(tb, v128.load(LANES, 32), v128.load(LANES, 48));
  const ma = f64x2.floor(ua);
  const mb = f64x2.floor(ub);
  v128.store(f, f64x2.sub(ua, ma));
  v128.store(f, f64x2.sub(ub, mb), 16);
  v128.store(idx, f64x2.add(ma, base));
  v128.store(idx, f64x2.add(mb, base), 16);
}

// One lane pair of any t -> fraction and cubic as in storeUniformIntervals where |t| < 7/8 and
// else of u = s (E - 1), s = sqrt(1 - |t|), the interval floor(u) + (E if t < 0) (scale: E - 1
// and sideE: E in each lane), both formed and one picked per lane. Signs are read as integers
// (1 - |t| below 0 by rounding becomes 0; t < 0 picks the second side) and the side joins the
// index as an integer. The two u are picked before the floor, which both then share.
@inline function storeEitherInterval(tv: v128, f: usize, idx: usize, scale: v128, sideE: v128, base: v128): void {
  const zero = i64x2.splat(0);
  const a = f64x2.abs(tv);
  const w = f64x2.sub(v128.load(LANES), a);
  const near = f64x2.lt(a, v128.load(LANES, 64));
  const s = f64x2.mul(f64x2.sqrt(v128.andnot(w, i64x2.lt_s(w, zero))), scale);
  const u = v128.bitselect(madd64(tv, v128.load(LANES, 32), v128.load(LANES, 48)), s, near);
  const m = f64x2.floor(u);
  v128.store(f, f64x2.sub(u, m));
  const side = v128.andnot(v128.and(i64x2.lt_s(tv, zero), sideE), near);
  v128.store(idx, i64x2.add(f64x2.add(m, v128.bitselect(base, v128.load(LANES, 16), near)), side));
}

// Two lanes of t -> the fraction of u = s (E - 1), s = sqrt(1 - |t|), and the interval floor(u) +
// (E if t < 0), as storeEitherInterval's square-root side alone (the kernels below UNIFORM_MIN_D),
// then the same for tb 16 bytes on: only four of the ten operations per vector (1 - |t|, floor,
// u - m, m + 2^52) take the add pipes, which the passes saturate.
@inline function storeRootIntervals(ta: v128, tb: v128, f: usize, idx: usize, scale: v128, sideE: v128): void {
  const zero = i64x2.splat(0);
  const wa = f64x2.sub(v128.load(LANES), f64x2.abs(ta));
  const wb = f64x2.sub(v128.load(LANES), f64x2.abs(tb));
  const ua = f64x2.mul(f64x2.sqrt(v128.andnot(wa, i64x2.lt_s(wa, zero))), scale);
  const ub = f64x2.mul(f64x2.sqrt(v128.andnot(wb, i64x2.lt_s(wb, zero))), scale);
  const ma = f64x2.floor(ua);
  const mb = f64x2.floor(ub);
  v128.store(f, f64x2.sub(ua, ma));
  v128.store(f, f64x2.sub(ub, mb), 16);
  v128.store(idx, i64x2.add(f64x2.add(ma, v128.load(LANES, 16)), v128.and(i64x2.lt_s(ta, zero), sideE)));
  v128.store(idx, i64x2.add(f64x2.add(mb, v128.load(LANES, 16)), v128.and(i64x2.lt_s(tb, zero), sideE)), 16);
}

// ta and tb (tb's 16 bytes on) for the lone row pairs: storeEitherInterval of each, or the
// square-root table alone below UNIFORM_MIN_D.
function storePairIntervals(ta: v128, tb: v128, f: usize, idx: usize, half: i32, uniform: bool): void {
  const scale = f64x2.splat(<f64>(half - 1));
  const sideE = i64x2.splat(<i64>half);
  if (!uniform) {
    storeRootIntervals(ta, tb, f, idx, scale, sideE);
    return;
  }
  const base = f64x2.splat(uniformBase(half));
  storeEitherInterval(ta, f, idx, scale, sideE, base);
  storeEitherInterval(tb, f + 16, idx + 16, scale, sideE, base);
}

// storeEitherInterval of a tile (row c's at f + c * stride, idx + c * stride), for the tiles
// holding some |t| >= 7/8: a call of its own, so that its constants stay out of the tiles' loop.
function storeEitherTile(
  t00: v128, t01: v128, t10: v128, t11: v128, t20: v128, t21: v128, t30: v128, t31: v128, f: usize, idx: usize, stride: usize, half: i32,
): void {
  const scale = f64x2.splat(<f64>(half - 1));
  const sideE = i64x2.splat(<i64>half);
  const base = f64x2.splat(uniformBase(half));
  storeEitherInterval(t00, f, idx, scale, sideE, base);
  storeEitherInterval(t01, f + 16, idx + 16, scale, sideE, base);
  storeEitherInterval(t10, f + stride, idx + stride, scale, sideE, base);
  storeEitherInterval(t11, f + stride + 16, idx + stride + 16, scale, sideE, base);
  storeEitherInterval(t20, f + 2 * stride, idx + 2 * stride, scale, sideE, base);
  storeEitherInterval(t21, f + 2 * stride + 16, idx + 2 * stride + 16, scale, sideE, base);
  storeEitherInterval(t30, f + 3 * stride, idx + 3 * stride, scale, sideE, base);
  storeEitherInterval(t31, f + 3 * stride + 16, idx + 3 * stride + 16, scale, sideE, base);
}

// g of two lanes from their fractions f and the interval indices at idx: each lane's 4
// coefficients are two v128 loads, regrouped by shuffles.
@inline function cubicAt(cubics: usize, f: v128, idx: usize): v128 {
  const p0 = cubics + (<usize>load<i32>(idx) << 5);
  const p1 = cubics + (<usize>load<i32>(idx, 8) << 5);
  const a0 = v128.load(p0);
  const a1 = v128.load(p0, 16);
  const b0 = v128.load(p1);
  const b1 = v128.load(p1, 16);
  const c3 = v128.shuffle<f64>(a1, b1, 1, 3);
  const c2 = v128.shuffle<f64>(a1, b1, 0, 2);
  const c1 = v128.shuffle<f64>(a0, b0, 1, 3);
  const c0 = v128.shuffle<f64>(a0, b0, 0, 2);
  return madd64(f, madd64(f, madd64(f, c3, c2), c1), c0);
}

/**
 * g in place of the count (a multiple of 2) fractions at f, from their interval indices at idx
 * (rowQuadIntervals's layout).
 */
@inline export function cubicValues(cubics: usize, f: usize, idx: usize, count: i32): void {
  for (let j: usize = 0; j < <usize>count << 3; j += 16) v128.store(f + j, cubicAt(cubics, v128.load(f + j), idx + j));
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
    const g = cubicValueScalar(cubics, half, d, t);
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
 * Passes 1 and 2a for the four points of the quad ya (d x 4 entries, packScaledQuads's layout)
 * against `count` (a multiple of 4) packed points from the quad at `quad`, g from a table of 2 half
 * square-root entries and the uniform one: each 4 x 4 tile of inner products leaves its registers
 * as fractions at f + c * stride and interval indices at idx + c * stride (point c). At d below
 * UNIFORM_MIN_D every entry takes the square-root table; else a tile whose 16 |t| are all below
 * 7/8 takes the uniform table's multiply-add and floor alone (one max over the tile decides) and
 * any other goes to storeEitherTile, which picks per lane, so each entry's g depends on d and its
 * t only.
 */
export function rowQuadIntervals(ya: usize, quad: usize, d: i32, count: i32, half: i32, f: usize, idx: usize, stride: usize): void {
  if (usesUniform(d)) uniformTileIntervals(ya, quad, d, count, half, f, idx, stride);
  else rootTileIntervals(ya, quad, d, count, half, f, idx, stride);
}

// The two compiled variants of tileIntervals.
function uniformTileIntervals(ya: usize, quad: usize, d: i32, count: i32, half: i32, f: usize, idx: usize, stride: usize): void {
  tileIntervals(ya, quad, d, count, half, f, idx, stride, true);
}
function rootTileIntervals(ya: usize, quad: usize, d: i32, count: i32, half: i32, f: usize, idx: usize, stride: usize): void {
  tileIntervals(ya, quad, d, count, half, f, idx, stride, false);
}

// rowQuadIntervals with `uniform` a constant, so each copy's loop holds one path and no test of it
// (the square-root one keeps E - 1 and E in registers, the uniform one reads its constants).
@inline function tileIntervals(ya: usize, quad: usize, d: i32, count: i32, half: i32, f: usize, idx: usize, stride: usize, uniform: bool): void {
  const quadStride = <usize>d * QUAD_BYTES;
  const base = uniformBase(half);
  const scale = f64x2.splat(<f64>(half - 1));
  const sideE = i64x2.splat(<i64>half);
  for (let j: usize = 0; j < <usize>count << 3; j += 32) {
    let t00 = f64x2.splat(0.0), t01 = f64x2.splat(0.0), t10 = f64x2.splat(0.0), t11 = f64x2.splat(0.0);
    let t20 = f64x2.splat(0.0), t21 = f64x2.splat(0.0), t30 = f64x2.splat(0.0), t31 = f64x2.splat(0.0);
    for (let k: usize = 0; k < quadStride; k += QUAD_BYTES) {
      const p0 = v128.load(quad + k);
      const p1 = v128.load(quad + k, 16);
      const u0 = v128.load64_splat(ya + k);
      t00 = madd64(u0, p0, t00);
      t01 = madd64(u0, p1, t01);
      const u1 = v128.load64_splat(ya + k, 8);
      t10 = madd64(u1, p0, t10);
      t11 = madd64(u1, p1, t11);
      const u2 = v128.load64_splat(ya + k, 16);
      t20 = madd64(u2, p0, t20);
      t21 = madd64(u2, p1, t21);
      const u3 = v128.load64_splat(ya + k, 24);
      t30 = madd64(u3, p0, t30);
      t31 = madd64(u3, p1, t31);
    }
    quad += quadStride;
    if (!uniform) {
      storeRootIntervals(t00, t01, f + j, idx + j, scale, sideE);
      storeRootIntervals(t10, t11, f + stride + j, idx + stride + j, scale, sideE);
      storeRootIntervals(t20, t21, f + 2 * stride + j, idx + 2 * stride + j, scale, sideE);
      storeRootIntervals(t30, t31, f + 3 * stride + j, idx + 3 * stride + j, scale, sideE);
      continue;
    }
    // pmax, one instruction, drops a NaN lane; its t then goes through the uniform table, whose
    // g of NaN is NaN as the square-root table's.
    const big = f64x2.pmax(
      f64x2.pmax(f64x2.pmax(f64x2.abs(t00), f64x2.abs(t01)), f64x2.pmax(f64x2.abs(t10), f64x2.abs(t11))),
      f64x2.pmax(f64x2.pmax(f64x2.abs(t20), f64x2.abs(t21)), f64x2.pmax(f64x2.abs(t30), f64x2.abs(t31))),
    );
    if (!v128.any_true(f64x2.ge(big, v128.load(LANES, 64)))) {
      const b = f64x2.splat(base);
      storeUniformIntervals(t00, t01, f + j, idx + j, b);
      storeUniformIntervals(t10, t11, f + stride + j, idx + stride + j, b);
      storeUniformIntervals(t20, t21, f + 2 * stride + j, idx + 2 * stride + j, b);
      storeUniformIntervals(t30, t31, f + 3 * stride + j, idx + 3 * stride + j, b);
      continue;
    }
    storeEitherTile(t00, t01, t10, t11, t20, t21, t30, t31, f + j, idx + j, stride, half);
  }
}

// Passes 2b and 3 for the rows a .. a + 3, as two row pairs (four rows' sums and scales with the
// cubics' temporaries outnumber V8's 15 xmm registers).
@inline function rowQuadUse(cubics: usize, sv: usize, r: usize, a: i32, j0: i32, j1: i32, f: usize, idx: usize, stride: usize): void {
  rowPairUse(cubics, sv, r, a, a + 1, load<f64>(sv + (<usize>(a + 1) << 3)), j0, j1, f, idx, stride);
  rowPairUse(cubics, sv, r, a + 2, a + 3, load<f64>(sv + (<usize>(a + 3) << 3)), j0, j1, f + 2 * stride, idx + 2 * stride, stride);
}

// Passes 1 and 2a for the rows a and b (b = a for a lone last row): fractions and intervals at
// f, idx and f + stride, idx + stride.
@inline function rowPairIntervals(packed: usize, d: i32, a: i32, b: i32, j0: i32, j1: i32, half: i32, f: usize, idx: usize, stride: usize): void {
  const ya = pointAt(packed, d, a);
  const yb = pointAt(packed, d, b);
  const quadStride = <usize>d * QUAD_BYTES;
  const uniform = usesUniform(d);
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
    storePairIntervals(t00, t01, f + j, idx + j, half, uniform);
    storePairIntervals(t10, t11, f + stride + j, idx + stride + j, half, uniform);
  }
}

// Passes 2b and 3 for the rows a and b, b's s v taken as svb (0 for a lone last row).
@inline function rowPairUse(cubics: usize, sv: usize, r: usize, a: i32, b: i32, svb: f64, j0: i32, j1: i32, f: usize, idx: usize, stride: usize): void {
  const sva = v128.load64_splat(sv + (<usize>a << 3));
  const svbv = f64x2.splat(svb);
  let accA = f64x2.splat(0.0);
  let accB = f64x2.splat(0.0);
  const svj = sv + (<usize>j0 << 3);
  const rj = r + (<usize>j0 << 3);
  for (let j: usize = 0; j < <usize>(j1 - j0) << 3; j += 16) {
    const ga = cubicAt(cubics, v128.load(f + j), idx + j);
    const gb = cubicAt(cubics, v128.load(f + stride + j), idx + stride + j);
    const s = v128.load(svj + j);
    accA = madd64(ga, s, accA);
    accB = madd64(gb, s, accB);
    v128.store(rj + j, madd64(gb, svbv, madd64(ga, sva, v128.load(rj + j))));
  }
  addRowSum(r, a, accA);
  if (b != a) addRowSum(r, b, accB);
}

// The entries of the diagonal block j0 .. j1 below its diagonal: each row quad i .. i + 3 against
// the columns j0 .. i - 1 by the passes (rows past n are the packing's zero points, whose s v is
// 0, so they add nothing to any r_j), then the 6 entries inside its 4 x 4 diagonal tile one at a
// time.
function diagonalBlock(packed: usize, d: i32, cubics: usize, half: i32, sv: usize, r: usize, j0: i32, j1: i32, f: usize, idx: usize): void {
  const columns = packed + <usize>(j0 >> 2) * <usize>d * QUAD_BYTES;
  for (let i = j0; i < j1; i += 4) {
    const count = i - j0;
    if (count > 0) {
      const stride = <usize>count << 3;
      rowQuadIntervals(pointAt(packed, d, i), columns, d, count, half, f, idx, stride);
      rowQuadUse(cubics, sv, r, i, j0, i, f, idx, stride);
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
  const half = tableHalf(size);
  const padded = (n + 3) & ~3;
  const sv = work;
  const r = work + (<usize>padded << 3);
  const f = r + (<usize>padded << 3);
  const idx = f + (<usize>(4 * MAX_BLOCK) << 3);
  memory.fill(sv, 0, <usize>(2 * padded) << 3);
  for (let i = 0; i < n; i++) {
    const ib = <usize>i << 3;
    store<f64>(sv + ib, load<f64>(s + ib) * load<f64>(v + ib));
  }
  const block = columnBlock(d);
  for (let j0 = 0; j0 < n; j0 += block) {
    const j1 = min(j0 + block, n);
    if (ASC_FEATURE_SIMD) {
      diagonalBlock(packed, d, cubics, half, sv, r, j0, j1, f, idx);
      // j1 = j0 + block here (a multiple of 4): rows below a block only exist for full blocks,
      // so row quads start on packed quads.
      const stride = <usize>block << 3;
      let i = j1;
      for (; i + 3 < n; i += 4) {
        rowQuadIntervals(pointAt(packed, d, i), packed + <usize>(j0 >> 2) * <usize>d * QUAD_BYTES, d, block, half, f, idx, stride);
        rowQuadUse(cubics, sv, r, i, j0, j1, f, idx, stride);
      }
      for (; i < n; i += 2) {
        const b = min(i + 1, n - 1);
        rowPairIntervals(packed, d, i, b, j0, j1, half, f, idx, stride);
        rowPairUse(cubics, sv, r, i, b, b != i ? load<f64>(sv + (<usize>b << 3)) : 0.0, j0, j1, f, idx, stride);
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
