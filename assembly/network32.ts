// The forward and backward passes of assembly/network.ts with single-precision products: the
// d-long dot products <w_i, x_s> and the gradient sums sum_s g_si x_s run on f32x4 lanes (twice
// the lanes of f64x2). z is stored in f32. The backward pass's per-(sample, neuron) work runs on
// f32x4 lanes too, 4 neurons a vector (groupGradients32): with c_s = f32(scale r_s), g_si =
// f32(c_s f32(a_i)) sigma'(z_si) (for ReLU a lane mask, otherwise an f32 product with the f64
// derivative rounded), and gradA_i += per backward sample block the f32 sum, sample by sample from
// +0, of madd32(c_s, f32(sigma(z_si))), widened, the blocks in order. On f64 lanes (2 neurons a
// vector, z read as f64, each g demoted and shuffled) that pass took about a quarter of the
// relaxed backward at d = 50. The output sum f_s = scale sum_i a_i sigma(z_si) runs in f32 within
// each 64-neuron block and in f64 across blocks: for each sample and block, four f32 lanes, lane t
// adding, 8-neuron tile by tile in order, f32(a_i) f32(sigma(z_si)) for the tile's neurons t and
// then t + 4 (madd32: fused in the relaxed build), formed from the forward tiles' registers; the
// block's total is (q0 + q2) + (q1 + q3) in f64, and the blocks' totals are added in block order.
// At d = 50 a tile has only about 12 vector multiply-adds per (sample, neuron), and the f64
// output sums (widen, f64 activation, f64 multiply-add, reading z back) took about a tenth of the
// forward. f32(sigma(z)) is the f64 activation rounded, which for ReLU and |z| is the f32 lane
// operation itself.
//
// Layouts are chosen so that every tile walks its operands with one pointer each, at fixed
// offsets, and reads memory in order:
//   x32 (narrowRowsToF32) holds two f32 copies of x. First B rows of dp = paddedDim(d) entries,
//   zero past d, for the gradient tiles (8 coordinates of one sample in two loads; the zeros add
//   nothing and their gradient entries are never written). Then the same samples in groups of
//   XG: group g holds, for each coordinate k < d, x_k of its samples side by side, so the
//   forward tile broadcasts its samples' coordinates from one pointer.
//   wT32 (narrowTransposedToF32) holds w in panels of 8 neurons: panel j holds, for each
//   coordinate k, w_{8j..8j+7, k} side by side (zero past N), so the forward tile takes 8
//   neurons' weights for one coordinate in two loads, 32 bytes on from the previous ones, and its
//   sums come out lane by lane, 8 neurons wide, with no horizontal adds.
//   g32: the backward pass writes a sample block's g for a panel of 64 neurons, GR neurons at a
//   time, sample by sample, GR values side by side, right before the gradient tiles of those
//   neurons read them, every panel into the same small region; gradA is summed in the same pass.
//
//   x32: 2 B dp f32, wT32: d nPad f32 (nPad = paddedDim(N)), z: B x N f32, f: B f64,
//   g32: B x N f32 scratch, gradW32: N x dp f32 scratch, gradW: N x d f64 (written), gradA: N f64 (written).
//
// Tiles are 4 x 8 (8 f32x4 accumulators, 2 vector loads and 4 broadcasts per 8 multiply-adds):
// V8 allocates 15 xmm registers, and 5- or 6-wide tiles (10 or 12 accumulators) spill inside the
// loop and run at half the speed. Backward takes blocks of up to 64 samples (256 KiB of x, in
// L2) and, within a block, a panel's tiles strip of 8 coordinates by strip, so that each strip
// of x stays in L1 while every group of the panel passes over it. gradW is summed over the whole
// batch in f32 (in sample order, whatever the blocks) and widened as the last sample block's
// tiles store it. The activation sums run in one copy per vector kind, so
// that their loops carry no dispatch. Nothing allocates.

import { ABS, activationDerivative, activationValue, derivativePair, PIECEWISE, POLYNOMIAL, RELU, valuePair } from "./activation";
import { madd32 } from "./multiplyAdd";
import { NEURON_BLOCK } from "./network";
import { touchRows } from "./touchRows";

/** The padded row length of the f32 copies: d (or N, for the transposed weights) rounded up to a multiple of 8. */
export function paddedDim(d: i32): i32 {
  return (d + 7) & ~7;
}

/** Samples per group of the forward copy of x, and per forward tile. */
const XG: i32 = 4;

/** Neurons per group of the backward pass: its gradient tiles are GR neurons x 8 coordinates. */
export const GR: i32 = 4;

/**
 * Neurons per panel of the forward pass: 64 neurons' f32 weights stay in L1 while a sample block
 * passes. Equal to NEURON_BLOCK, so that the *Range kernels' neuron blocks are whole panels.
 */
export const PANEL: i32 = NEURON_BLOCK;

/** Entries of f32 x (1 MiB) per forward sample block: the block stays in L2 beside a panel of w, which is read from memory once per block (about 260 samples at d = 1000). */
const FORWARD_BLOCK_ENTRIES: i32 = 262144;

/** Forward samples per block: a multiple of XG, about FORWARD_BLOCK_ENTRIES of f32 x. */
function forwardBlock(d: i32): i32 {
  const groups = FORWARD_BLOCK_ENTRIES / (d * XG);
  return (groups < 1 ? 1 : groups) * XG;
}

/** Entries of f32 x (256 KiB) per backward sample block: the block stays in L2 while every panel's tiles pass over it. */
const BACKWARD_BLOCK_ENTRIES: i32 = 65536;

/** Most samples per backward block: a panel's g (PANEL x 128 f32, 32 KiB) stays in L1 or close while the strips of x pass. */
const BACKWARD_BLOCK_MAX: i32 = 128;

/** Backward samples per block: BACKWARD_BLOCK_ENTRIES / dp, at least 2, at most BACKWARD_BLOCK_MAX. */
export function backwardBlock(dp: i32): i32 {
  let bs = BACKWARD_BLOCK_ENTRIES / dp;
  if (bs < 2) bs = 2;
  if (bs > BACKWARD_BLOCK_MAX) bs = BACKWARD_BLOCK_MAX;
  return bs;
}

/** 4 f64 values from each of 4 rows narrowed to f32 and transposed: row j's k-th value goes to to + k stride + 4 j. */
@inline function narrowTransposed4x4(r0: usize, r1: usize, r2: usize, r3: usize, to: usize, stride: usize): void {
  const a0 = i64x2.shuffle(f32x4.demote_f64x2_zero(v128.load(r0)), f32x4.demote_f64x2_zero(v128.load(r0, 16)), 0, 2);
  const a1 = i64x2.shuffle(f32x4.demote_f64x2_zero(v128.load(r1)), f32x4.demote_f64x2_zero(v128.load(r1, 16)), 0, 2);
  const a2 = i64x2.shuffle(f32x4.demote_f64x2_zero(v128.load(r2)), f32x4.demote_f64x2_zero(v128.load(r2, 16)), 0, 2);
  const a3 = i64x2.shuffle(f32x4.demote_f64x2_zero(v128.load(r3)), f32x4.demote_f64x2_zero(v128.load(r3, 16)), 0, 2);
  const t0 = i32x4.shuffle(a0, a1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(a2, a3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(a0, a1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(a2, a3, 2, 6, 3, 7);
  v128.store(to, i64x2.shuffle(t0, t1, 0, 2));
  v128.store(to + stride, i64x2.shuffle(t0, t1, 1, 3));
  v128.store(to + 2 * stride, i64x2.shuffle(t2, t3, 0, 2));
  v128.store(to + 3 * stride, i64x2.shuffle(t2, t3, 1, 3));
}

/**
 * dst = the two f32 copies of src (rows x d, f64) rounded to nearest: rows x dp, zero in columns
 * d .. dp - 1, then the groups of XG samples with coordinates outermost. dst holds 2 rows dp f32.
 */
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
  const grouped = dst + <usize>rows * (<usize>dp << 2);
  const rowBytes = <usize>d << 3;
  for (let g0 = 0; g0 < rows; g0 += XG) {
    const width = min(XG, rows - g0);
    const base = grouped + <usize>g0 * (<usize>d << 2);
    const r0 = src + <usize>g0 * rowBytes;
    let k = 0;
    if (ASC_FEATURE_SIMD && width == 4) {
      for (; k + 4 <= d; k += 4) {
        const off = <usize>k << 3;
        narrowTransposed4x4(r0 + off, r0 + rowBytes + off, r0 + 2 * rowBytes + off, r0 + 3 * rowBytes + off, base + (<usize>k << 4), 16);
      }
    }
    for (let j = 0; j < width; j++) {
      const from = r0 + <usize>j * rowBytes;
      for (let kk = k; kk < d; kk++) store<f32>(base + <usize>(kk * width + j) * 4, <f32>load<f64>(from + (<usize>kk << 3)));
    }
  }
}

/** Neuron i's row of src (d f64) narrowed into its lane of the panel layout below (all zeros when zero is set). */
function narrowOneTransposed(src: usize, dst: usize, i: i32, d: i32, zero: bool): void {
  const from = src + <usize>i * (<usize>d << 3);
  let to = dst + <usize>(i >> 3) * (<usize>d << 5) + (<usize>(i & 7) << 2);
  for (let k = 0; k < d; k++) {
    store<f32>(to, zero ? 0 : <f32>load<f64>(from + (<usize>k << 3)));
    to += 32;
  }
}

/**
 * Rows i .. i + 3 of src narrowed into the panel layout below (i a multiple of 4): 4 neurons x 4
 * coordinates at a time, narrowed and transposed in registers (SIMD), or row by row.
 */
export function narrowFourTransposed(src: usize, dst: usize, i: i32, d: i32): void {
  if (!ASC_FEATURE_SIMD) {
    for (let j = 0; j < 4; j++) narrowOneTransposed(src, dst, i + j, d, false);
    return;
  }
  const rowBytes = <usize>d << 3;
  const r0 = src + <usize>i * rowBytes;
  const r1 = r0 + rowBytes;
  const r2 = r1 + rowBytes;
  const r3 = r2 + rowBytes;
  const panel = dst + <usize>(i >> 3) * (<usize>d << 5) + (<usize>(i & 7) << 2);
  let k = 0;
  for (; k + 4 <= d; k += 4) {
    const off = <usize>k << 3;
    narrowTransposed4x4(r0 + off, r1 + off, r2 + off, r3 + off, panel + (<usize>k << 5), 32);
  }
  for (; k < d; k++) {
    const off = <usize>k << 3;
    const to = panel + (<usize>k << 5);
    store<f32>(to, <f32>load<f64>(r0 + off));
    store<f32>(to, <f32>load<f64>(r1 + off), 4);
    store<f32>(to, <f32>load<f64>(r2 + off), 8);
    store<f32>(to, <f32>load<f64>(r3 + off), 12);
  }
}

/** Rows [i0, i1) of src narrowed into the panel layout below (i0 a multiple of 4, i1 <= n). */
export function narrowTransposedRows(src: usize, dst: usize, i0: i32, i1: i32, d: i32): void {
  let i = i0;
  for (; i + 4 <= i1; i += 4) narrowFourTransposed(src, dst, i, d);
  for (; i < i1; i++) narrowOneTransposed(src, dst, i, d, false);
}

/**
 * dst (d x nPad f32, in panels of 8 neurons: entry (k, i) at (i / 8) 8 d + 8 k + i % 8) = the
 * transpose of src (n x d, f64) rounded to nearest, zero for neurons n .. nPad - 1.
 */
export function narrowTransposedToF32(src: usize, dst: usize, n: i32, d: i32, nPad: i32): void {
  narrowTransposedRows(src, dst, 0, n, d);
  for (let i = n; i < nPad; i++) narrowOneTransposed(src, dst, i, d, true);
}

/** Stores the 8 f32 sums (two f32x4) widened to f64 at z (gradW rows), the first `count` of them when count < 8. */
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

/** Stores the 8 f32 values (two f32x4) at `at`, the first `count` of them when count < 8. */
@inline function store8(at: usize, lo: v128, hi: v128, count: i32): void {
  if (count >= 8) {
    v128.store(at, lo);
    v128.store(at, hi, 16);
    return;
  }
  storeQuad(at, lo, count);
  storeQuad(at + 16, hi, count - 4);
}

/** Stores the first `count` (possibly <= 0) lanes of the f32x4 v at `at`. */
@inline function storeQuad(at: usize, v: v128, count: i32): void {
  if (count >= 4) {
    v128.store(at, v);
    return;
  }
  if (count > 0) v128.store32_lane(at, v, 0);
  if (count > 1) v128.store32_lane(at, v, 1, 4);
  if (count > 2) v128.store32_lane(at, v, 2, 8);
}

/** The first `count` (possibly <= 0) of the 4 f32 at `at`, zero in the lanes past count (which are not read). */
@inline function loadQuad(at: usize, count: i32): v128 {
  if (count >= 4) return v128.load(at);
  let v = f32x4.splat(0);
  if (count > 0) v = f32x4.replace_lane(v, 0, load<f32>(at));
  if (count > 1) v = f32x4.replace_lane(v, 1, load<f32>(at, 4));
  if (count > 2) v = f32x4.replace_lane(v, 2, load<f32>(at, 8));
  return v;
}

/**
 * f32(sigma(z)) for 4 f32 pre-activations: each lane's f64 activation rounded to f32, which for
 * ReLU and |z| is the f32 lane operation itself (exact), so those run in f32 lanes.
 */
@inline function valueQuad(kind: i32, p: usize, np: i32, z: v128): v128 {
  if (kind == RELU) return f32x4.pmax(z, f32x4.splat(0));
  if (kind == ABS) return f32x4.abs(z);
  const lo = valuePair(kind, p, np, f64x2.promote_low_f32x4(z));
  const hi = valuePair(kind, p, np, f64x2.promote_low_f32x4(i64x2.shuffle(z, z, 1, 1)));
  return i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
}

/** The first `count` (possibly <= 0) of the 4 f64 at `at` rounded to f32, zero in the lanes past count (which are not read). */
@inline function narrowQuad(at: usize, count: i32): v128 {
  if (count >= 4) return i64x2.shuffle(f32x4.demote_f64x2_zero(v128.load(at)), f32x4.demote_f64x2_zero(v128.load(at, 16)), 0, 2);
  let v = f32x4.splat(0);
  if (count > 0) v = f32x4.replace_lane(v, 0, <f32>load<f64>(at));
  if (count > 1) v = f32x4.replace_lane(v, 1, <f32>load<f64>(at, 8));
  if (count > 2) v = f32x4.replace_lane(v, 2, <f32>load<f64>(at, 16));
  return v;
}

/** v with the lanes from `count` on (count possibly <= 0) set to +0. */
@inline function firstLanes(v: v128, count: i32): v128 {
  if (count >= 4) return v;
  return v128.and(v, i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(count)));
}

/**
 * A tile row's output terms added to a sample's panel accumulator q in f32 lanes: lane t gets
 * f32(a_t) sigma(z_t), then f32(a_{t+4}) sigma(z_{t+4}) (lo, aLo: the tile's neurons 0..3; hi,
 * aHi: 4..7), each a madd32 (fused in the relaxed build).
 */
@inline function addTerms(kind: i32, p: usize, np: i32, q: v128, lo: v128, hi: v128, aLo: v128, aHi: v128): v128 {
  return madd32(aHi, valueQuad(kind, p, np, hi), madd32(aLo, valueQuad(kind, p, np, lo), q));
}

/** A panel accumulator's total in f64: (q0 + q2) + (q1 + q3), each lane widened first. */
@inline function quadTotal(q: v128): f64 {
  const s = f64x2.add(f64x2.promote_low_f32x4(q), f64x2.promote_low_f32x4(i64x2.shuffle(q, q, 1, 1)));
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/**
 * One sample of a forward group (xg, step bytes per coordinate) . one panel of 8 neurons (wt)
 * over d coordinates: z (f32) for the first `count` neurons, and q with the tile's terms added
 * (addTerms; a at the tile's first neuron, lanes past count taken as a = z = 0).
 */
@inline function forwardTile1(kind: i32, p: usize, np: i32, xg: usize, step: usize, wt: usize, d: i32, z: usize, a: usize, count: i32, q: v128): v128 {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  let x = xg;
  const end = wt + (<usize>d << 5);
  for (let w = wt; w < end; w += 32) {
    const h = v128.load32_splat(x);
    c0 = madd32(h, v128.load(w), c0);
    c1 = madd32(h, v128.load(w, 16), c1);
    x += step;
  }
  store8(z, c0, c1, count);
  return addTerms(kind, p, np, q, firstLanes(c0, count), firstLanes(c1, count - 4), narrowQuad(a, count), narrowQuad(a + 32, count - 4));
}

/** Without SIMD, lane t of a panel accumulator after one more tile (addTerms: mul then add, as madd32 there), a lane past the tile's neurons taken as a = z = 0. */
@inline function addTermLane(kind: i32, p: usize, np: i32, q: f32, z: usize, a: usize, t: i32, count: i32): f32 {
  const zLo: f32 = t < count ? load<f32>(z + (<usize>t << 2)) : 0;
  const aLo: f32 = t < count ? <f32>load<f64>(a + (<usize>t << 3)) : 0;
  const zHi: f32 = t + 4 < count ? load<f32>(z + (<usize>t << 2), 16) : 0;
  const aHi: f32 = t + 4 < count ? <f32>load<f64>(a + (<usize>t << 3), 32) : 0;
  const s = q + aLo * <f32>activationValue(kind, p, np, <f64>zLo);
  return s + aHi * <f32>activationValue(kind, p, np, <f64>zHi);
}

/**
 * sum_i a_i sigma(z_i) over the n <= PANEL neurons of one sample's row of a panel (z f32) as
 * forward32 sums them: four f32 lanes, lane t summing, tile of 8
 * neurons by tile, f32(a_i) f32(sigma(z_i)) for the tile's neurons t and t + 4 (addTerms), then
 * the lanes' total in f64 (quadTotal).
 */
@inline function outputSum32Of(kind: i32, p: usize, np: i32, z: usize, a: usize, n: i32): f64 {
  if (ASC_FEATURE_SIMD) {
    let q = f32x4.splat(0);
    for (let i = 0; i < n; i += 8) {
      const off = <usize>i << 3;
      const zi = z + (<usize>i << 2);
      const count = n - i;
      q = addTerms(kind, p, np, q, loadQuad(zi, count), loadQuad(zi + 16, count - 4), narrowQuad(a + off, count), narrowQuad(a + off + 32, count - 4));
    }
    return quadTotal(q);
  }
  let q0: f32 = 0, q1: f32 = 0, q2: f32 = 0, q3: f32 = 0;
  for (let i = 0; i < n; i += 8) {
    const zi = z + (<usize>i << 2);
    const ai = a + (<usize>i << 3);
    const count = n - i;
    q0 = addTermLane(kind, p, np, q0, zi, ai, 0, count);
    q1 = addTermLane(kind, p, np, q1, zi, ai, 1, count);
    q2 = addTermLane(kind, p, np, q2, zi, ai, 2, count);
    q3 = addTermLane(kind, p, np, q3, zi, ai, 3, count);
  }
  return (<f64>q0 + <f64>q2) + (<f64>q1 + <f64>q3);
}

// One function per vector kind, so that each copy's activation is a constant and its loop
// carries no dispatch (as cases of one switch, the optimizer folds the copies back into one).
function outputSum32Relu(p: usize, np: i32, z: usize, a: usize, n: i32): f64 { return outputSum32Of(RELU, p, np, z, a, n); }
function outputSum32Abs(p: usize, np: i32, z: usize, a: usize, n: i32): f64 { return outputSum32Of(ABS, p, np, z, a, n); }
function outputSum32Polynomial(p: usize, np: i32, z: usize, a: usize, n: i32): f64 { return outputSum32Of(POLYNOMIAL, p, np, z, a, n); }
function outputSum32Piecewise(p: usize, np: i32, z: usize, a: usize, n: i32): f64 { return outputSum32Of(PIECEWISE, p, np, z, a, n); }

/** outputSum32Of over one panel's row (n <= PANEL neurons), with the activation kind dispatched once; batchOneForward32.ts sums its blocks with it. */
export function outputSum32(kind: i32, p: usize, np: i32, z: usize, a: usize, n: i32): f64 {
  switch (kind) {
    case RELU: return outputSum32Relu(p, np, z, a, n);
    case ABS: return outputSum32Abs(p, np, z, a, n);
    case POLYNOMIAL: return outputSum32Polynomial(p, np, z, a, n);
    case PIECEWISE: return outputSum32Piecewise(p, np, z, a, n);
    default: return outputSum32Of(kind, p, np, z, a, n);
  }
}

/** A sample's panel sum to its destination: partial[s] (out != 0) or added to the running f[s]. */
@inline function panelOutput(out: usize, f: usize, s: i32, sum: f64): void {
  const at = <usize>s << 3;
  if (out != 0) store<f64>(out + at, sum);
  else store<f64>(f + at, load<f64>(f + at) + sum);
}

/**
 * The forward group of samples from g0 (g0 a multiple of XG; min(XG, B - g0) samples) over
 * the panel of neurons i0 .. i1 - 1 (i0 a multiple of PANEL): z[s, i] = <x_s, w_i> (f32
 * products and storage), and each sample's panel sum of a_i sigma(z_si) (outputSum32Of's
 * order, from the tiles' registers) to panelOutput.
 */
@inline function groupPanel32Of(
  kind: i32, p: usize, np: i32, xg: usize, wT32: usize, a: usize, n: i32, d: i32, b: i32, g0: i32,
  z: usize, i0: i32, i1: i32, f: usize, out: usize,
): void {
  const zRow = <usize>n << 2;
  const panelBytes = <usize>d << 5;
  const width = min(XG, b - g0);
  const x = xg + <usize>g0 * (<usize>d << 2);
  const zg = z + <usize>g0 * zRow;
  if (ASC_FEATURE_SIMD) {
    const step = <usize>width << 2;
    if (width == XG) {
      // Written out rather than as a tile function: the 4 samples' accumulators live across the tiles.
      let q0 = f32x4.splat(0), q1 = f32x4.splat(0), q2 = f32x4.splat(0), q3 = f32x4.splat(0);
      for (let i = i0; i < i1; i += 8) {
        const wt = wT32 + <usize>(i >> 3) * panelBytes;
        const zi = zg + (<usize>i << 2);
        const ai = a + (<usize>i << 3);
        const count = i1 - i;
        let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
        let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
        let xk = x;
        const end = wt + (<usize>d << 5);
        for (let w = wt; w < end; w += 32) {
          const w0 = v128.load(w);
          const w1 = v128.load(w, 16);
          let h = v128.load32_splat(xk);
          c00 = madd32(h, w0, c00); c01 = madd32(h, w1, c01);
          h = v128.load32_splat(xk, 4);
          c10 = madd32(h, w0, c10); c11 = madd32(h, w1, c11);
          h = v128.load32_splat(xk, 8);
          c20 = madd32(h, w0, c20); c21 = madd32(h, w1, c21);
          h = v128.load32_splat(xk, 12);
          c30 = madd32(h, w0, c30); c31 = madd32(h, w1, c31);
          xk += step;
        }
        store8(zi, c00, c01, count);
        store8(zi + zRow, c10, c11, count);
        store8(zi + 2 * zRow, c20, c21, count);
        store8(zi + 3 * zRow, c30, c31, count);
        const aLo = narrowQuad(ai, count), aHi = narrowQuad(ai + 32, count - 4);
        if (count < 8) {
          c00 = firstLanes(c00, count); c01 = firstLanes(c01, count - 4);
          c10 = firstLanes(c10, count); c11 = firstLanes(c11, count - 4);
          c20 = firstLanes(c20, count); c21 = firstLanes(c21, count - 4);
          c30 = firstLanes(c30, count); c31 = firstLanes(c31, count - 4);
        }
        q0 = addTerms(kind, p, np, q0, c00, c01, aLo, aHi);
        q1 = addTerms(kind, p, np, q1, c10, c11, aLo, aHi);
        q2 = addTerms(kind, p, np, q2, c20, c21, aLo, aHi);
        q3 = addTerms(kind, p, np, q3, c30, c31, aLo, aHi);
      }
      panelOutput(out, f, g0, quadTotal(q0));
      panelOutput(out, f, g0 + 1, quadTotal(q1));
      panelOutput(out, f, g0 + 2, quadTotal(q2));
      panelOutput(out, f, g0 + 3, quadTotal(q3));
      return;
    }
    for (let j = 0; j < width; j++) {
      let q = f32x4.splat(0);
      for (let i = i0; i < i1; i += 8) {
        const wt = wT32 + <usize>(i >> 3) * panelBytes;
        q = forwardTile1(kind, p, np, x + (<usize>j << 2), step, wt, d, zg + <usize>j * zRow + (<usize>i << 2), a + (<usize>i << 3), i1 - i, q);
      }
      panelOutput(out, f, g0 + j, quadTotal(q));
    }
    return;
  }
  for (let j = 0; j < width; j++) {
    const zs = zg + <usize>j * zRow;
    for (let i = i0; i < i1; i++) {
      const wt = wT32 + <usize>(i >> 3) * panelBytes + (<usize>(i & 7) << 2);
      let acc: f32 = 0;
      for (let k = 0; k < d; k++) acc += load<f32>(x + <usize>(k * width + j) * 4) * load<f32>(wt + (<usize>k << 5));
      store<f32>(zs + (<usize>i << 2), acc);
    }
    panelOutput(out, f, g0 + j, outputSum32Of(kind, p, np, zs + (<usize>i0 << 2), a + (<usize>i0 << 3), i1 - i0));
  }
}

function groupPanel32Relu(p: usize, np: i32, xg: usize, wT32: usize, a: usize, n: i32, d: i32, b: i32, g0: i32, z: usize, i0: i32, i1: i32, f: usize, out: usize): void {
  groupPanel32Of(RELU, p, np, xg, wT32, a, n, d, b, g0, z, i0, i1, f, out);
}
function groupPanel32Abs(p: usize, np: i32, xg: usize, wT32: usize, a: usize, n: i32, d: i32, b: i32, g0: i32, z: usize, i0: i32, i1: i32, f: usize, out: usize): void {
  groupPanel32Of(ABS, p, np, xg, wT32, a, n, d, b, g0, z, i0, i1, f, out);
}
function groupPanel32Polynomial(p: usize, np: i32, xg: usize, wT32: usize, a: usize, n: i32, d: i32, b: i32, g0: i32, z: usize, i0: i32, i1: i32, f: usize, out: usize): void {
  groupPanel32Of(POLYNOMIAL, p, np, xg, wT32, a, n, d, b, g0, z, i0, i1, f, out);
}
function groupPanel32Piecewise(p: usize, np: i32, xg: usize, wT32: usize, a: usize, n: i32, d: i32, b: i32, g0: i32, z: usize, i0: i32, i1: i32, f: usize, out: usize): void {
  groupPanel32Of(PIECEWISE, p, np, xg, wT32, a, n, d, b, g0, z, i0, i1, f, out);
}

/** groupPanel32Of through a copy per vector kind, as for outputSum32. */
function groupPanel32(
  kind: i32, p: usize, np: i32, xg: usize, wT32: usize, a: usize, n: i32, d: i32, b: i32, g0: i32,
  z: usize, i0: i32, i1: i32, f: usize, out: usize,
): void {
  switch (kind) {
    case RELU: groupPanel32Relu(p, np, xg, wT32, a, n, d, b, g0, z, i0, i1, f, out); break;
    case ABS: groupPanel32Abs(p, np, xg, wT32, a, n, d, b, g0, z, i0, i1, f, out); break;
    case POLYNOMIAL: groupPanel32Polynomial(p, np, xg, wT32, a, n, d, b, g0, z, i0, i1, f, out); break;
    case PIECEWISE: groupPanel32Piecewise(p, np, xg, wT32, a, n, d, b, g0, z, i0, i1, f, out); break;
    default: groupPanel32Of(kind, p, np, xg, wT32, a, n, d, b, g0, z, i0, i1, f, out);
  }
}

/**
 * The forward work of neuron blocks [j0, j1) (NEURON_BLOCK = PANEL neurons each): their columns
 * of z and, with partial non-zero, partial[j, s] = sum_{i in block j} a_i sigma(z_si) (numBlocks
 * x B, outputSum32Of's order); with partial zero, f_s = scale * the blocks' sums added in block
 * order, which is what reduceBlocks() makes of partial, so forward32 and its split across threads
 * agree bit for bit. Each group of XG samples' sums for a panel come from its tiles' registers as
 * the tiles store z (f holds the running totals).
 */
function forwardBlocks32(
  x32: usize, wT32: usize, a: usize, n: i32, d: i32, dp: i32, b: i32, scale: f64,
  kind: i32, p: usize, np: i32, z: usize, f: usize, partial: usize, j0: i32, j1: i32,
): void {
  const n0 = j0 * NEURON_BLOCK;
  const n1 = min(j1 * NEURON_BLOCK, n);
  if (n0 >= n1) return;
  const xg = x32 + <usize>b * (<usize>dp << 2);
  const bs = forwardBlock(d);
  const partialRow = <usize>b << 3;
  for (let s0 = 0; s0 < b; s0 += bs) {
    const s1 = min(s0 + bs, b);
    if (partial == 0) memory.fill(f + (<usize>s0 << 3), 0, <usize>(s1 - s0) << 3);
    for (let i = n0; i < n1; i += NEURON_BLOCK) {
      const i1 = min(i + NEURON_BLOCK, n1);
      const out: usize = partial == 0 ? 0 : partial + <usize>(i / NEURON_BLOCK) * partialRow;
      for (let g0 = s0; g0 < s1; g0 += XG) groupPanel32(kind, p, np, xg, wT32, a, n, d, b, g0, z, i, i1, f, out);
    }
    if (partial == 0) for (let s = s0; s < s1; s++) store<f64>(f + (<usize>s << 3), scale * load<f64>(f + (<usize>s << 3)));
  }
}

/** forward() with f32 products: z (B x N, f32) and f_s = scale * sum_i a_i sigma(z_si), summed in f32 within each neuron block (outputSum32Of) and in f64 across blocks. */
export function forward32(
  x32: usize, wT32: usize, a: usize, n: i32, nPad: i32, d: i32, dp: i32, b: i32, scale: f64,
  kind: i32, p: usize, np: i32, z: usize, f: usize,
): void {
  forwardBlocks32(x32, wT32, a, n, d, dp, b, scale, kind, p, np, z, f, 0, 0, (n + NEURON_BLOCK - 1) / NEURON_BLOCK);
}

/** forward32's work for neuron blocks [j0, j1): their columns of z and partial sums, as forwardRange() gives them for forward(). */
export function forward32Range(
  x32: usize, wT32: usize, a: usize, n: i32, d: i32, dp: i32, b: i32,
  kind: i32, p: usize, np: i32, z: usize, partial: usize, j0: i32, j1: i32,
): void {
  forwardBlocks32(x32, wT32, a, n, d, dp, b, 1.0, kind, p, np, z, 0, partial, j0, j1);
}

/**
 * f32(ca sigma'(z)) for 4 f32 pre-activations z and factors ca: for ReLU ca where z > 0 and +0
 * elsewhere (a lane mask; only the sign of a zero g differs from the product, and no sum of the
 * tiles can tell), otherwise ca times the f64 derivative rounded to f32, an f32 product.
 */
@inline function derivativeTimes(kind: i32, p: usize, np: i32, ca: v128, z: v128): v128 {
  if (kind == RELU) return v128.and(ca, f32x4.gt(z, f32x4.splat(0)));
  const lo = derivativePair(kind, p, np, f64x2.promote_low_f32x4(z));
  const hi = derivativePair(kind, p, np, f64x2.promote_low_f32x4(i64x2.shuffle(z, z, 1, 1)));
  return f32x4.mul(ca, i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2));
}

/** Without SIMD, one lane of derivativeTimes (ReLU as a select, the rest an f32 product). */
@inline function derivativeTimesOne(kind: i32, p: usize, np: i32, ca: f32, z: f32): f32 {
  if (kind == RELU) return z > 0 ? ca : 0;
  return ca * <f32>activationDerivative(kind, p, np, <f64>z);
}

/** gradA[i .. i + count - 1] += the first `count` lanes of the f32 sums q, each widened. */
@inline function addWidened(gradA: usize, q: v128, count: i32): void {
  const lo = f64x2.promote_low_f32x4(q);
  if (count >= 4) {
    v128.store(gradA, f64x2.add(v128.load(gradA), lo));
    v128.store(gradA, f64x2.add(v128.load(gradA, 16), f64x2.promote_low_f32x4(i64x2.shuffle(q, q, 1, 1))), 16);
    return;
  }
  store<f64>(gradA, load<f64>(gradA) + f64x2.extract_lane(lo, 0));
  if (count > 1) store<f64>(gradA, load<f64>(gradA, 8) + f64x2.extract_lane(lo, 1), 8);
  if (count > 2) store<f64>(gradA, load<f64>(gradA, 16) + <f64>f32x4.extract_lane(q, 2), 16);
}

/**
 * One group of `width` <= GR neurons from i over samples s0 .. s1 - 1, z f32 (zRow bytes a
 * sample), c_s = f32(scale r_s): gradA_i += the f32 sum over the block of c_s f32(sigma(z_si)),
 * sample by sample from +0 (madd32), widened; g_si = f32(c_s f32(a_i)) sigma'(z_si)
 * (derivativeTimes) from gs on, the group's values side by side (width f32 a sample). The lanes
 * run over the group's neurons: 4 neurons a vector where the f64 lanes took 2.
 */
@inline function groupGradients32(
  kind: i32, p: usize, np: i32, z: usize, a: usize, r: usize, scale: f64, zRow: usize, i: i32, width: i32,
  s0: i32, s1: i32, gradA: usize, gs: usize,
): void {
  const aAt = a + (<usize>i << 3);
  let zs = z + <usize>s0 * zRow + (<usize>i << 2);
  let rs = r + (<usize>s0 << 3);
  if (ASC_FEATURE_SIMD) {
    const a32 = narrowQuad(aAt, width);
    let q = f32x4.splat(0);
    if (width == GR) {
      const end = gs + (<usize>(s1 - s0) << 4);
      for (; gs < end; gs += 16) {
        const c = f32x4.splat(<f32>(scale * load<f64>(rs)));
        const zz = v128.load(zs);
        q = madd32(c, valueQuad(kind, p, np, zz), q);
        v128.store(gs, derivativeTimes(kind, p, np, f32x4.mul(c, a32), zz));
        zs += zRow;
        rs += 8;
      }
    } else {
      const step = <usize>width << 2;
      const end = gs + <usize>(s1 - s0) * step;
      for (; gs < end; gs += step) {
        const c = f32x4.splat(<f32>(scale * load<f64>(rs)));
        const zz = loadQuad(zs, width);
        q = madd32(c, valueQuad(kind, p, np, zz), q);
        storeQuad(gs, derivativeTimes(kind, p, np, f32x4.mul(c, a32), zz), width);
        zs += zRow;
        rs += 8;
      }
    }
    addWidened(gradA + (<usize>i << 3), q, width);
    return;
  }
  const step = <usize>width << 2;
  for (let j = 0; j < width; j++) {
    const off = <usize>j << 2;
    const aj = <f32>load<f64>(aAt + (<usize>j << 3));
    let q: f32 = 0;
    let zj = zs + off;
    let gj = gs + off;
    for (let s = s0; s < s1; s++) {
      const c = <f32>(scale * load<f64>(r + (<usize>s << 3)));
      const zz = load<f32>(zj);
      q += c * <f32>activationValue(kind, p, np, <f64>zz);
      store<f32>(gj, derivativeTimesOne(kind, p, np, c * aj, zz));
      zj += zRow;
      gj += step;
    }
    const at = gradA + (<usize>(i + j) << 3);
    store<f64>(at, load<f64>(at) + <f64>q);
  }
}

/**
 * groupGradients32 for the two full groups from i (SIMD; the second group's g groupBytes after
 * the first's), each lane's arithmetic as there: c_s is formed once for 8 neurons (relaxed
 * backward about 1.03x at d = 50 against a group at a time).
 */
@inline function groupPairGradients32(
  kind: i32, p: usize, np: i32, z: usize, a: usize, r: usize, scale: f64, zRow: usize, i: i32,
  s0: i32, s1: i32, gradA: usize, gs: usize, groupBytes: usize,
): void {
  const aAt = a + (<usize>i << 3);
  let zs = z + <usize>s0 * zRow + (<usize>i << 2);
  let rs = r + (<usize>s0 << 3);
  const a0 = narrowQuad(aAt, 4), a1 = narrowQuad(aAt + 32, 4);
  let q0 = f32x4.splat(0), q1 = f32x4.splat(0);
  const end = gs + (<usize>(s1 - s0) << 4);
  for (; gs < end; gs += 16) {
    const c = f32x4.splat(<f32>(scale * load<f64>(rs)));
    const z0 = v128.load(zs);
    const z1 = v128.load(zs, 16);
    q0 = madd32(c, valueQuad(kind, p, np, z0), q0);
    q1 = madd32(c, valueQuad(kind, p, np, z1), q1);
    v128.store(gs, derivativeTimes(kind, p, np, f32x4.mul(c, a0), z0));
    v128.store(gs + groupBytes, derivativeTimes(kind, p, np, f32x4.mul(c, a1), z1));
    zs += zRow;
    rs += 8;
  }
  addWidened(gradA + (<usize>i << 3), q0, 4);
  addWidened(gradA + (<usize>i << 3) + 32, q1, 4);
}

/**
 * The backward pass's per-neuron work for samples s0 .. s1 - 1 and neurons i0 .. i1 - 1 (i0 a
 * multiple of GR) in groups of GR neurons (groupGradients32, pairs of full groups together),
 * each group's block of g (rows x width f32) after the previous one's: gradA and g for the
 * gradient tiles. A panel's rows of z are read in one pass first (touchRows: without it, backward
 * x0.96 at (50, 10000, 128)).
 */
@inline function panelGradientsOf(
  kind: i32, p: usize, np: i32, z: usize, a: usize, r: usize, scale: f64, n: i32, i0: i32, i1: i32,
  s0: i32, s1: i32, gradA: usize, g: usize,
): void {
  const zRow = <usize>n << 2;
  const groupBytes = <usize>(s1 - s0) << 4;
  touchRows(z + <usize>s0 * zRow + (<usize>i0 << 2), zRow, s1 - s0, (i1 - i0) << 2);
  let i = i0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 * GR <= i1; i += 2 * GR) {
      groupPairGradients32(kind, p, np, z, a, r, scale, zRow, i, s0, s1, gradA, g, groupBytes);
      g += 2 * groupBytes;
    }
  }
  for (; i < i1; i += GR) {
    groupGradients32(kind, p, np, z, a, r, scale, zRow, i, min(GR, i1 - i), s0, s1, gradA, g);
    g += groupBytes;
  }
}

function panelGradientsRelu(p: usize, np: i32, z: usize, a: usize, r: usize, scale: f64, n: i32, i0: i32, i1: i32, s0: i32, s1: i32, gradA: usize, g: usize): void {
  panelGradientsOf(RELU, p, np, z, a, r, scale, n, i0, i1, s0, s1, gradA, g);
}
function panelGradientsAbs(p: usize, np: i32, z: usize, a: usize, r: usize, scale: f64, n: i32, i0: i32, i1: i32, s0: i32, s1: i32, gradA: usize, g: usize): void {
  panelGradientsOf(ABS, p, np, z, a, r, scale, n, i0, i1, s0, s1, gradA, g);
}
function panelGradientsPolynomial(p: usize, np: i32, z: usize, a: usize, r: usize, scale: f64, n: i32, i0: i32, i1: i32, s0: i32, s1: i32, gradA: usize, g: usize): void {
  panelGradientsOf(POLYNOMIAL, p, np, z, a, r, scale, n, i0, i1, s0, s1, gradA, g);
}
function panelGradientsPiecewise(p: usize, np: i32, z: usize, a: usize, r: usize, scale: f64, n: i32, i0: i32, i1: i32, s0: i32, s1: i32, gradA: usize, g: usize): void {
  panelGradientsOf(PIECEWISE, p, np, z, a, r, scale, n, i0, i1, s0, s1, gradA, g);
}

/** panelGradientsOf, through a copy per vector kind as for outputSum. */
export function panelGradients(
  kind: i32, p: usize, np: i32, z: usize, a: usize, r: usize, scale: f64, n: i32, i0: i32, i1: i32,
  s0: i32, s1: i32, gradA: usize, g: usize,
): void {
  switch (kind) {
    case RELU: panelGradientsRelu(p, np, z, a, r, scale, n, i0, i1, s0, s1, gradA, g); break;
    case ABS: panelGradientsAbs(p, np, z, a, r, scale, n, i0, i1, s0, s1, gradA, g); break;
    case POLYNOMIAL: panelGradientsPolynomial(p, np, z, a, r, scale, n, i0, i1, s0, s1, gradA, g); break;
    case PIECEWISE: panelGradientsPiecewise(p, np, z, a, r, scale, n, i0, i1, s0, s1, gradA, g); break;
    default: panelGradientsOf(kind, p, np, z, a, r, scale, n, i0, i1, s0, s1, gradA, g);
  }
}

/**
 * Ends a gradient tile row: the 8 f32 sums go back to gradW32 (gw), or, after the last sample
 * block, widened to gradW (out, the first `count` of them).
 */
@inline function finishRow(gw: usize, out: usize, lo: v128, hi: v128, last: bool, count: i32): void {
  if (last) {
    storeWidened8(out, lo, hi, count);
    return;
  }
  v128.store(gw, lo);
  v128.store(gw, hi, 16);
}

@inline function startRow(gw: usize, first: bool): v128 {
  return first ? f32x4.splat(0) : v128.load(gw);
}

/**
 * gradW[i..i+3, k..k+7] += sum over `rows` samples of g[s, i..i+3] x32[s, k..k+7]: g in a
 * group's layout (gStep bytes per sample), x32 rows of xRow bytes, gradW32 rows (gw) of xRow
 * bytes and gradW rows (out) of outRow bytes; `count` coordinates are written to gradW.
 */
@inline function gradientTile4(
  g: usize, gStep: usize, x: usize, xRow: usize, rows: i32, gw: usize, out: usize, outRow: usize, first: bool, last: bool, count: i32,
): void {
  let c00 = startRow(gw, first), c01 = startRow(gw + 16, first);
  let c10 = startRow(gw + xRow, first), c11 = startRow(gw + xRow + 16, first);
  let c20 = startRow(gw + 2 * xRow, first), c21 = startRow(gw + 2 * xRow + 16, first);
  let c30 = startRow(gw + 3 * xRow, first), c31 = startRow(gw + 3 * xRow + 16, first);
  let gs = g;
  let xs = x;
  const end = g + <usize>rows * gStep;
  for (; gs < end; gs += gStep) {
    const u0 = v128.load(xs);
    const u1 = v128.load(xs, 16);
    let h = v128.load32_splat(gs);
    c00 = madd32(h, u0, c00); c01 = madd32(h, u1, c01);
    h = v128.load32_splat(gs, 4);
    c10 = madd32(h, u0, c10); c11 = madd32(h, u1, c11);
    h = v128.load32_splat(gs, 8);
    c20 = madd32(h, u0, c20); c21 = madd32(h, u1, c21);
    h = v128.load32_splat(gs, 12);
    c30 = madd32(h, u0, c30); c31 = madd32(h, u1, c31);
    xs += xRow;
  }
  finishRow(gw, out, c00, c01, last, count);
  finishRow(gw + xRow, out + outRow, c10, c11, last, count);
  finishRow(gw + 2 * xRow, out + 2 * outRow, c20, c21, last, count);
  finishRow(gw + 3 * xRow, out + 3 * outRow, c30, c31, last, count);
}

/**
 * gradientTile4 for a last strip of at most 4 coordinates (count <= 4): one f32x4 per row, so
 * that padding coordinates past d cost no multiply-adds (at d = 50 the last strip holds 2).
 * Each lane is the same sum as in gradientTile4.
 */
@inline function gradientTile4Narrow(
  g: usize, gStep: usize, x: usize, xRow: usize, rows: i32, gw: usize, out: usize, outRow: usize, first: bool, last: bool, count: i32,
): void {
  let c0 = startRow(gw, first), c1 = startRow(gw + xRow, first);
  let c2 = startRow(gw + 2 * xRow, first), c3 = startRow(gw + 3 * xRow, first);
  let gs = g;
  let xs = x;
  const end = g + <usize>rows * gStep;
  for (; gs < end; gs += gStep) {
    const u = v128.load(xs);
    c0 = madd32(v128.load32_splat(gs), u, c0);
    c1 = madd32(v128.load32_splat(gs, 4), u, c1);
    c2 = madd32(v128.load32_splat(gs, 8), u, c2);
    c3 = madd32(v128.load32_splat(gs, 12), u, c3);
    xs += xRow;
  }
  finishNarrow(gw, out, c0, last, count);
  finishNarrow(gw + xRow, out + outRow, c1, last, count);
  finishNarrow(gw + 2 * xRow, out + 2 * outRow, c2, last, count);
  finishNarrow(gw + 3 * xRow, out + 3 * outRow, c3, last, count);
}

/** Lane t of c to neuron t's row (gw, xRow apart; or widened to out, outRow apart, after the last block). */
@inline function finishColumn(gw: usize, xRow: usize, out: usize, outRow: usize, c: v128, last: bool): void {
  if (last) {
    store<f64>(out, <f64>f32x4.extract_lane(c, 0));
    store<f64>(out + outRow, <f64>f32x4.extract_lane(c, 1));
    store<f64>(out + 2 * outRow, <f64>f32x4.extract_lane(c, 2));
    store<f64>(out + 3 * outRow, <f64>f32x4.extract_lane(c, 3));
    return;
  }
  v128.store32_lane(gw, c, 0);
  v128.store32_lane(gw + xRow, c, 1);
  v128.store32_lane(gw + 2 * xRow, c, 2);
  v128.store32_lane(gw + 3 * xRow, c, 3);
}

/** One coordinate of 4 neurons' rows of gradW32 (xRow apart) as one vector: the inverse of finishColumn. */
@inline function startColumn(gw: usize, xRow: usize, first: bool): v128 {
  if (first) return f32x4.splat(0);
  const c = v128.load32_zero(gw);
  return v128.load32_lane(gw + 3 * xRow, v128.load32_lane(gw + 2 * xRow, v128.load32_lane(gw + xRow, c, 1), 2), 3);
}

/**
 * The last strip's coordinates k, k + 1 (two set) or k alone for 16 neurons, 4 full groups g +
 * q groupBytes (q < 4) (SIMD), with the lanes over neurons: 8 independent sums (4 with one
 * coordinate) from one load of g per group and a splat of x, where gradientTile4Narrow kept 4
 * sums, too few to cover the latency of the relaxed build's fused multiply-adds, and spent lanes
 * on padding. Each lane is the same sum, in the same order, as there.
 */
@inline function gradientColumns16(
  g: usize, groupBytes: usize, x: usize, xRow: usize, rows: i32, gw: usize, out: usize, outRow: usize, first: bool, last: bool, two: bool,
): void {
  const quad = xRow << 2;
  const quadOut = outRow << 2;
  let a0 = startColumn(gw, xRow, first), a1 = startColumn(gw + quad, xRow, first);
  let a2 = startColumn(gw + 2 * quad, xRow, first), a3 = startColumn(gw + 3 * quad, xRow, first);
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
  if (two) {
    b0 = startColumn(gw + 4, xRow, first); b1 = startColumn(gw + quad + 4, xRow, first);
    b2 = startColumn(gw + 2 * quad + 4, xRow, first); b3 = startColumn(gw + 3 * quad + 4, xRow, first);
  }
  let gs = g;
  let xs = x;
  const end = g + <usize>rows * (GR << 2);
  for (; gs < end; gs += GR << 2) {
    const g0 = v128.load(gs);
    const g1 = v128.load(gs + groupBytes);
    const g2 = v128.load(gs + 2 * groupBytes);
    const g3 = v128.load(gs + 3 * groupBytes);
    const h0 = v128.load32_splat(xs);
    a0 = madd32(h0, g0, a0); a1 = madd32(h0, g1, a1); a2 = madd32(h0, g2, a2); a3 = madd32(h0, g3, a3);
    if (two) {
      const h1 = v128.load32_splat(xs, 4);
      b0 = madd32(h1, g0, b0); b1 = madd32(h1, g1, b1); b2 = madd32(h1, g2, b2); b3 = madd32(h1, g3, b3);
    }
    xs += xRow;
  }
  finishColumn(gw, xRow, out, outRow, a0, last);
  finishColumn(gw + quad, xRow, out + quadOut, outRow, a1, last);
  finishColumn(gw + 2 * quad, xRow, out + 2 * quadOut, outRow, a2, last);
  finishColumn(gw + 3 * quad, xRow, out + 3 * quadOut, outRow, a3, last);
  if (!two) return;
  finishColumn(gw + 4, xRow, out + 8, outRow, b0, last);
  finishColumn(gw + quad + 4, xRow, out + quadOut + 8, outRow, b1, last);
  finishColumn(gw + 2 * quad + 4, xRow, out + 2 * quadOut + 8, outRow, b2, last);
  finishColumn(gw + 3 * quad + 4, xRow, out + 3 * quadOut + 8, outRow, b3, last);
}

/** gradientColumns16 over the count (<= 4) coordinates of the last strip, two at a time. */
@inline function lastStripColumns16(
  g: usize, groupBytes: usize, x: usize, xRow: usize, rows: i32, gw: usize, out: usize, outRow: usize, first: bool, last: bool, count: i32,
): void {
  for (let c = 0; c < count; c += 2) {
    const o4 = <usize>c << 2;
    const o8 = <usize>c << 3;
    if (c + 2 <= count) gradientColumns16(g, groupBytes, x + o4, xRow, rows, gw + o4, out + o8, outRow, first, last, true);
    else gradientColumns16(g, groupBytes, x + o4, xRow, rows, gw + o4, out + o8, outRow, first, last, false);
  }
}

/** finishRow for one f32x4 of sums (count <= 4). */
@inline function finishNarrow(gw: usize, out: usize, c: v128, last: bool, count: i32): void {
  if (!last) {
    v128.store(gw, c);
    return;
  }
  store<f64>(out, <f64>f32x4.extract_lane(c, 0));
  if (count > 1) store<f64>(out, <f64>f32x4.extract_lane(c, 1), 8);
  if (count > 2) store<f64>(out, <f64>f32x4.extract_lane(c, 2), 16);
  if (count > 3) store<f64>(out, <f64>f32x4.extract_lane(c, 3), 24);
}

/** The same for one neuron. */
@inline function gradientTile1(
  g: usize, gStep: usize, x: usize, xRow: usize, rows: i32, gw: usize, out: usize, first: bool, last: bool, count: i32,
): void {
  let c0 = startRow(gw, first), c1 = startRow(gw + 16, first);
  let gs = g;
  let xs = x;
  const end = g + <usize>rows * gStep;
  for (; gs < end; gs += gStep) {
    const h = v128.load32_splat(gs);
    c0 = madd32(h, v128.load(xs), c0);
    c1 = madd32(h, v128.load(xs, 16), c1);
    xs += xRow;
  }
  finishRow(gw, out, c0, c1, last, count);
}

/**
 * gradW32[i0 .. i0 + width - 1] += sum over the block's `rows` samples of g_si x_s (g in the
 * group layout panelGradients writes), or after the last block, that sum widened into gradW.
 */
export function groupWeightSums(
  g: usize, width: i32, x: usize, xRow: usize, d: i32, rows: i32, gw: usize, out: usize, first: bool, last: bool,
): void {
  const gStep = <usize>width << 2;
  const outRow = <usize>d << 3;
  if (ASC_FEATURE_SIMD) {
    for (let k = 0; k < d; k += 8) {
      const xk = x + (<usize>k << 2);
      const gwk = gw + (<usize>k << 2);
      const outk = out + (<usize>k << 3);
      const count = d - k;
      if (width == GR) {
        gradientTile4(g, gStep, xk, xRow, rows, gwk, outk, outRow, first, last, count);
        continue;
      }
      for (let j = 0; j < width; j++) {
        gradientTile1(g + (<usize>j << 2), gStep, xk, xRow, rows, gwk + <usize>j * xRow, outk + <usize>j * outRow, first, last, count);
      }
    }
    return;
  }
  for (let j = 0; j < width; j++) {
    for (let k = 0; k < d; k++) {
      const gwk = gw + <usize>j * xRow + (<usize>k << 2);
      let c: f32 = first ? 0 : load<f32>(gwk);
      let gs = g + (<usize>j << 2);
      let xs = x + (<usize>k << 2);
      for (let s = 0; s < rows; s++) {
        c += load<f32>(gs) * load<f32>(xs);
        gs += gStep;
        xs += xRow;
      }
      if (last) store<f64>(out + <usize>j * outRow + (<usize>k << 3), <f64>c);
      else store<f32>(gwk, c);
    }
  }
}

/**
 * groupWeightSums for the groups of neurons i0 .. i1 - 1 of a panel (g at neuron i0's group, i0
 * a multiple of GR, i1 one too or the panel's end; gw and out at neuron i0's rows), strip of 8
 * coordinates by strip: each strip of x (rows x 32 bytes) stays in L1 while the tiles of every
 * group pass over it, where group by group the whole block of x went through L1 once per group.
 * Every tile sums the same samples in the same order, so the bits are groupWeightSums'.
 */
export function panelWeightSums(
  g: usize, i0: i32, i1: i32, x: usize, xRow: usize, d: i32, rows: i32, gw: usize, out: usize, first: bool, last: bool,
): void {
  const groupBytes = <usize>rows << 4;
  const outRow = <usize>d << 3;
  if (!ASC_FEATURE_SIMD) {
    for (let j = i0; j < i1; j += GR) {
      const t = <usize>(j - i0);
      groupWeightSums(g + t * (<usize>rows << 2), min(GR, i1 - j), x, xRow, d, rows, gw + t * xRow, out + t * outRow, first, last);
    }
    return;
  }
  // The tiles' first loads of gradW32 (rows xRow apart, from memory after the first block) stalled each tile's chains.
  if (!first) touchRows(gw, xRow, i1 - i0, d << 2);
  for (let k = 0; k < d; k += 8) {
    const xk = x + (<usize>k << 2);
    const count = d - k;
    let gj = g;
    let gwk = gw + (<usize>k << 2);
    let outk = out + (<usize>k << 3);
    for (let j = i0; j < i1; j += GR) {
      const width = min(GR, i1 - j);
      if (count <= 4 && j + 4 * GR <= i1) {
        lastStripColumns16(gj, groupBytes, xk, xRow, rows, gwk, outk, outRow, first, last, count);
        j += 3 * GR;
        gj += 3 * groupBytes;
        gwk += <usize>(3 * GR) * xRow;
        outk += <usize>(3 * GR) * outRow;
      } else if (width == GR) {
        if (count <= 4) gradientTile4Narrow(gj, GR << 2, xk, xRow, rows, gwk, outk, outRow, first, last, count);
        else gradientTile4(gj, GR << 2, xk, xRow, rows, gwk, outk, outRow, first, last, count);
      } else {
        for (let t = 0; t < width; t++) {
          gradientTile1(gj + (<usize>t << 2), <usize>width << 2, xk, xRow, rows, gwk + <usize>t * xRow, outk + <usize>t * outRow, first, last, count);
        }
      }
      gj += groupBytes;
      gwk += <usize>GR * xRow;
      outk += <usize>GR * outRow;
    }
  }
}

/**
 * backward() with f32 gradient sums: gradA_i = scale sum_b r_b sigma(z_bi) (f32 within each
 * sample block, f64 across blocks), gradW_i = scale a_i sum_b r_b sigma'(z_bi) x_b (each term
 * rounded to f32, summed in f32 in sample order, widened), both as groupGradients32 forms them.
 * gradW (N x d) and gradA are overwritten; g32 and gradW32 are scratch.
 */
export function backward32(
  x32: usize, a: usize, n: i32, d: i32, dp: i32, b: i32, scale: f64,
  kind: i32, p: usize, np: i32, z: usize, r: usize, g32: usize, gradW32: usize, gradW: usize, gradA: usize,
): void {
  backward32Range(x32, a, n, d, dp, b, scale, kind, p, np, z, r, g32, gradW32, gradW, gradA, 0, (n + NEURON_BLOCK - 1) / NEURON_BLOCK);
}

/**
 * backward32 for the neurons of blocks [j0, j1) only: their rows of gradW and gradW32, entries of
 * gradA and panels of g32. A neuron's results depend on no other neuron, so any split across
 * threads gives backward32's bits.
 */
export function backward32Range(
  x32: usize, a: usize, n: i32, d: i32, dp: i32, b: i32, scale: f64,
  kind: i32, p: usize, np: i32, z: usize, r: usize, g32: usize, gradW32: usize, gradW: usize, gradA: usize, j0: i32, j1: i32,
): void {
  const n0 = j0 * NEURON_BLOCK;
  const n1 = min(j1 * NEURON_BLOCK, n);
  if (n0 >= n1) return;
  const bs = backwardBlock(dp);
  const xRow = <usize>dp << 2;
  const outRow = <usize>d << 3;
  if (b <= 0) memory.fill(gradW + <usize>n0 * outRow, 0, <usize>(n1 - n0) * outRow);
  memory.fill(gradA + (<usize>n0 << 3), 0, <usize>(n1 - n0) << 3);
  for (let s0 = 0; s0 < b; s0 += bs) {
    const s1 = min(s0 + bs, b);
    const rows = s1 - s0;
    const first = s0 == 0;
    const last = s1 == b;
    const x = x32 + <usize>s0 * xRow;
    for (let i0 = n0; i0 < n1; i0 += PANEL) {
      const i1 = min(i0 + PANEL, n1);
      // Every panel of this range reuses one region of g32, the range's own (B entries per neuron from n0), which stays in L1.
      const g = g32 + <usize>n0 * (<usize>b << 2);
      panelGradients(kind, p, np, z, a, r, scale, n, i0, i1, s0, s1, gradA, g);
      panelWeightSums(g, i0, i1, x, xRow, d, rows, gradW32 + <usize>i0 * xRow, gradW + <usize>i0 * outRow, first, last);
    }
  }
}
