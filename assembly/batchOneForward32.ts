// The next step's forward pass of an f32 run at batch 1, fused into this step's update of w.
// A batch-1 step is bound by the traffic of w: the forward pass reads the f32 copy of w, the
// update reads and writes the f64 w and writes the copy again. Online SGD draws each step's sample
// independently of the weights, so the sample of step k + 1 can be drawn before the update of step
// k, and its pre-activations <w_i, x_{k+1}> formed from each group's new f32 weights while they
// are in registers: the f32 copy of w is then neither written nor read back at batch 1 (4 MB a
// step at (d, N) = (320, 800) instead of 6 MB), and onlineStep.ts keeps the pre-activations for
// the next call.
//
// Bits: w and its narrowing are backward32Update's (w_jk += alpha f64(f32(g_j x_k)), then f32(w)), and each neuron's
// pre-activation is forward32's at one sample (forwardTile1 in network32.ts): an f32 lane summing
// madd32(x_k, f32(w_ik)) for k = 0 .. d - 1 in order, stored in f32. The output sum is forward32's
// (outputSum32: f32 lanes within each neuron block, its total in f64, blocks added in order), so
// the next step's loss and gradients are those of the unfused path.

import { outputSum32 } from "./network32";
import { madd32 } from "./multiplyAdd";
import { NEURON_BLOCK } from "./network";

// The two groups' gradient factors, each splatted (8 v128), read by every block from here rather
// than held in registers (V8 has 16 of them); then a slot the first group's sums are stored to.
const FACTORS: usize = memory.data(144, 16);

// w_jk += alpha p_jk for the 2 products in p (f64, coordinates k, k + 1 of the row at `at`): the
// new w in f32 in lanes 0, 1 (zero above).
@inline function addNarrowPair(at: usize, p: v128, al: v128): v128 {
  const w = f64x2.add(v128.load(at), f64x2.mul(al, p));
  v128.store(at, w);
  return f32x4.demote_f64x2_zero(w);
}

// The same for coordinate `at` (bytes into the row) alone: w_jk += alpha p, the new w in f32.
@inline function addNarrowOne(row: usize, at: usize, p: f32, alpha: f64): f32 {
  const w = load<f64>(row + at) + alpha * <f64>p;
  store<f64>(row + at, w);
  return <f32>w;
}

// The f64 row of w of the neuron whose index is entry t of idx (i32).
@inline function rowOf(w: usize, idx: usize, t: i32, rowBytes: usize): usize {
  return w + <usize>load<i32>(idx + (<usize>t << 2)) * rowBytes;
}

// That neuron's f32 gradient factor, splatted (neuron j's at g + 4 (j - i0)).
@inline function factorOf(g: usize, i0: i32, idx: usize, t: i32): v128 {
  return v128.load32_splat(g + (<usize>(load<i32>(idx + (<usize>t << 2)) - i0) << 2));
}

// Lanes 2, 3 of p in lanes 0, 1, for the widening of the upper two products.
@inline function upper(p: v128): v128 {
  return i64x2.shuffle(p, p, 1, 1);
}

/**
 * One group of 4 neurons (rows r0 .. r3 of w) over coordinates k .. k + 3 (bytes `off` into the
 * rows): with `update`, w_jk += alpha f64(f32(g_j x_k)) (x4: x_k .. x_k+3 in f32); then c plus
 * the next sample's products f32(x'_k f32(w_jk)) (u0 .. u3: x'_k .. x'_k+3 splatted), lanes over
 * the neurons, coordinate by coordinate in order.
 */
@inline function block(
  c: v128, r0: usize, r1: usize, r2: usize, r3: usize, off: usize,
  fa: usize, x4: v128, al: v128, next: usize, update: bool,
): v128 {
  // Each neuron's f32 weights in pairs, coordinates k, k + 1 in l and k + 2, k + 3 in h (lanes
  // 0, 1): one shuffle per pair of neurons and one per pair of coordinates turn them into the
  // four vectors forward32 sums (lanes over neurons, one coordinate each).
  let l0: v128, l1: v128, l2: v128, l3: v128, h0: v128, h1: v128, h2: v128, h3: v128;
  if (update) {
    // The 4 products of a row in one vector: its upper half comes down for the widening.
    const zero = f32x4.splat(0);
    const p0 = madd32(v128.load(fa), x4, zero), p1 = madd32(v128.load(fa, 16), x4, zero);
    const p2 = madd32(v128.load(fa, 32), x4, zero), p3 = madd32(v128.load(fa, 48), x4, zero);
    l0 = addNarrowPair(r0 + off, f64x2.promote_low_f32x4(p0), al);
    h0 = addNarrowPair(r0 + off + 16, f64x2.promote_low_f32x4(upper(p0)), al);
    l1 = addNarrowPair(r1 + off, f64x2.promote_low_f32x4(p1), al);
    h1 = addNarrowPair(r1 + off + 16, f64x2.promote_low_f32x4(upper(p1)), al);
    l2 = addNarrowPair(r2 + off, f64x2.promote_low_f32x4(p2), al);
    h2 = addNarrowPair(r2 + off + 16, f64x2.promote_low_f32x4(upper(p2)), al);
    l3 = addNarrowPair(r3 + off, f64x2.promote_low_f32x4(p3), al);
    h3 = addNarrowPair(r3 + off + 16, f64x2.promote_low_f32x4(upper(p3)), al);
  } else {
    l0 = f32x4.demote_f64x2_zero(v128.load(r0 + off));
    h0 = f32x4.demote_f64x2_zero(v128.load(r0 + off, 16));
    l1 = f32x4.demote_f64x2_zero(v128.load(r1 + off));
    h1 = f32x4.demote_f64x2_zero(v128.load(r1 + off, 16));
    l2 = f32x4.demote_f64x2_zero(v128.load(r2 + off));
    h2 = f32x4.demote_f64x2_zero(v128.load(r2 + off, 16));
    l3 = f32x4.demote_f64x2_zero(v128.load(r3 + off));
    h3 = f32x4.demote_f64x2_zero(v128.load(r3 + off, 16));
  }
  const tl = i32x4.shuffle(l0, l1, 0, 4, 1, 5);
  const ul = i32x4.shuffle(l2, l3, 0, 4, 1, 5);
  const th = i32x4.shuffle(h0, h1, 0, 4, 1, 5);
  const uh = i32x4.shuffle(h2, h3, 0, 4, 1, 5);
  c = madd32(v128.load32_splat(next), i64x2.shuffle(tl, ul, 0, 2), c);
  c = madd32(v128.load32_splat(next, 4), i64x2.shuffle(tl, ul, 1, 3), c);
  c = madd32(v128.load32_splat(next, 8), i64x2.shuffle(th, uh, 0, 2), c);
  return madd32(v128.load32_splat(next, 12), i64x2.shuffle(th, uh, 1, 3), c);
}

// Lane t (< 3) of p.
@inline function extractLane(p: v128, t: i32): f32 {
  if (t == 0) return f32x4.extract_lane(p, 0);
  if (t == 1) return f32x4.extract_lane(p, 1);
  return f32x4.extract_lane(p, 2);
}

/**
 * The coordinates k .. d - 1 past the last 4 of one group (as block does, one coordinate at a
 * time: its 4 neurons' f32 weights as one vector), then the group's sums into zNext (f32).
 */
@inline function finishGroup(
  c: v128, k: i32, d: i32, r0: usize, r1: usize, r2: usize, r3: usize, idx: usize,
  g0: v128, g1: v128, g2: v128, g3: v128, x32: usize, xNext32: usize, alpha: f64, zNext: usize, update: bool,
): void {
  if (k < d) {
    const zero = f32x4.splat(0);
    const x = update ? v128.load(x32 + (<usize>k << 2)) : zero;
    const p0 = madd32(g0, x, zero), p1 = madd32(g1, x, zero), p2 = madd32(g2, x, zero), p3 = madd32(g3, x, zero);
    for (let t = 0; k < d; k++, t++) {
      const at = <usize>k << 3;
      let v = f32x4.splat(update ? addNarrowOne(r0, at, extractLane(p0, t), alpha) : <f32>load<f64>(r0 + at));
      v = f32x4.replace_lane(v, 1, update ? addNarrowOne(r1, at, extractLane(p1, t), alpha) : <f32>load<f64>(r1 + at));
      v = f32x4.replace_lane(v, 2, update ? addNarrowOne(r2, at, extractLane(p2, t), alpha) : <f32>load<f64>(r2 + at));
      v = f32x4.replace_lane(v, 3, update ? addNarrowOne(r3, at, extractLane(p3, t), alpha) : <f32>load<f64>(r3 + at));
      c = madd32(v128.load32_splat(xNext32 + (<usize>k << 2)), v, c);
    }
  }
  v128.store32_lane(zNext + (<usize>load<i32>(idx) << 2), c, 0);
  v128.store32_lane(zNext + (<usize>load<i32>(idx, 4) << 2), c, 1);
  v128.store32_lane(zNext + (<usize>load<i32>(idx, 8) << 2), c, 2);
  v128.store32_lane(zNext + (<usize>load<i32>(idx, 12) << 2), c, 3);
}

/**
 * For the 4 neurons whose indices are at idx (4 i32, all below N) and, with `two`, the 4 at
 * idx + 16, and one sample: in each group with `update` (moveA for the first, moveB for the
 * second), w_jk += alpha f64(f32(g_j x_k)) for k < d (g_j at g + 4 (j - i0); x32: the sample's
 * f32 row, zero past d), as backward32Update does; then zNext[j] = <f32(w_j), xNext32> summed as
 * forward32 sums one sample (xNext32: the next sample's f32 row). The f32 copy of w is not
 * written. Each neuron's sum is one chain of dependent adds (d of them), so two groups side by
 * side keep two chains in flight where one group's work between its adds is too short to hide
 * their latency.
 */
@inline function groupsAhead(
  g: usize, i0: i32, idx: usize, x32: usize, xNext32: usize, d: i32, w: usize, alpha: f64, zNext: usize,
  two: bool, moveA: bool, moveB: bool,
): void {
  const al = f64x2.splat(alpha);
  const rowBytes = <usize>d << 3;
  const idxB = idx + 16;
  const a0 = rowOf(w, idx, 0, rowBytes), a1 = rowOf(w, idx, 1, rowBytes), a2 = rowOf(w, idx, 2, rowBytes), a3 = rowOf(w, idx, 3, rowBytes);
  const zero = f32x4.splat(0);
  const ga0 = moveA ? factorOf(g, i0, idx, 0) : zero, ga1 = moveA ? factorOf(g, i0, idx, 1) : zero;
  const ga2 = moveA ? factorOf(g, i0, idx, 2) : zero, ga3 = moveA ? factorOf(g, i0, idx, 3) : zero;
  const b0 = two ? rowOf(w, idxB, 0, rowBytes) : 0, b1 = two ? rowOf(w, idxB, 1, rowBytes) : 0;
  const b2 = two ? rowOf(w, idxB, 2, rowBytes) : 0, b3 = two ? rowOf(w, idxB, 3, rowBytes) : 0;
  const gb0 = two && moveB ? factorOf(g, i0, idxB, 0) : zero, gb1 = two && moveB ? factorOf(g, i0, idxB, 1) : zero;
  const gb2 = two && moveB ? factorOf(g, i0, idxB, 2) : zero, gb3 = two && moveB ? factorOf(g, i0, idxB, 3) : zero;
  v128.store(FACTORS, ga0); v128.store(FACTORS, ga1, 16); v128.store(FACTORS, ga2, 32); v128.store(FACTORS, ga3, 48);
  v128.store(FACTORS, gb0, 64); v128.store(FACTORS, gb1, 80); v128.store(FACTORS, gb2, 96); v128.store(FACTORS, gb3, 112);
  let ca = f32x4.splat(0), cb = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= d; k += 4) {
    const off = <usize>k << 3;
    const x4 = moveA || moveB ? v128.load(x32 + (<usize>k << 2)) : zero;
    const next = xNext32 + (<usize>k << 2);
    ca = block(ca, a0, a1, a2, a3, off, FACTORS, x4, al, next, moveA);
    // Nothing reads this store: it makes V8 form the first group's sums before the second group's
    // loads, where it would otherwise sink that work to the end of the loop body and spill the
    // first group's new weights across the second group's update (about 10% of the step).
    if (two) v128.store(FACTORS, ca, 128);
    if (two) cb = block(cb, b0, b1, b2, b3, off, FACTORS + 64, x4, al, next, moveB);
  }
  finishGroup(ca, k, d, a0, a1, a2, a3, idx, ga0, ga1, ga2, ga3, x32, xNext32, alpha, zNext, moveA);
  if (two) finishGroup(cb, k, d, b0, b1, b2, b3, idxB, gb0, gb1, gb2, gb3, x32, xNext32, alpha, zNext, moveB);
}

/** groupsAhead for one group of 4 neurons, with the update: w moves, zNext from the new weights. */
export function updateFourForwardBatchOne(
  g: usize, i0: i32, idx: usize, x32: usize, xNext32: usize, d: i32, w: usize, alpha: f64, zNext: usize,
): void {
  // onlineStep.ts takes no head start without SIMD: these kernels are never called there.
  if (!ASC_FEATURE_SIMD) return;
  groupsAhead(g, i0, idx, x32, xNext32, d, w, alpha, zNext, false, true, false);
}

/**
 * groupsAhead for one group of 4 neurons without the update, for neurons whose gradient factors
 * are all zero: with alpha <= 0 their update adds alpha f64(f32(0 x_k)) = alpha (+0) = -0 to each
 * weight, which leaves every weight's bits as they are (x finite), so only zNext is formed.
 */
export function forwardFourBatchOne(idx: usize, xNext32: usize, d: i32, w: usize, zNext: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  groupsAhead(0, 0, idx, 0, xNext32, d, w, 0.0, zNext, false, false, false);
}

/**
 * groupsAhead for two groups of 4 neurons (idx: 8 i32), the first `moving` of them (0, 1 or 2)
 * with the update, the others with all-zero gradient factors (as forwardFourBatchOne).
 */
export function eightAheadBatchOne(
  g: usize, i0: i32, idx: usize, x32: usize, xNext32: usize, d: i32, w: usize, alpha: f64, zNext: usize, moving: i32,
): void {
  if (!ASC_FEATURE_SIMD) return;
  if (moving == 2) groupsAhead(g, i0, idx, x32, xNext32, d, w, alpha, zNext, true, true, true);
  else if (moving == 1) groupsAhead(g, i0, idx, x32, xNext32, d, w, alpha, zNext, true, true, false);
  else groupsAhead(0, 0, idx, 0, xNext32, d, w, 0.0, zNext, true, false, false);
}

/**
 * zNext[i] = <wT32's column i, xNext32> for neurons i0 <= i < i1, all in one panel of 8 (wT32 in
 * narrowTransposedToF32's layout, up to date for these neurons), summed as forward32 sums one
 * sample: the neurons past the last full group of 4, which backward32Update updates row by row.
 */
export function forwardPanelLanes(xNext32: usize, wT32: usize, i0: i32, i1: i32, d: i32, zNext: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  const panel = wT32 + <usize>(i0 >> 3) * (<usize>d << 5);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  for (let k = 0; k < d; k++) {
    const h = v128.load32_splat(xNext32 + (<usize>k << 2));
    const at = panel + (<usize>k << 5);
    c0 = madd32(h, v128.load(at), c0);
    c1 = madd32(h, v128.load(at, 16), c1);
  }
  for (let i = i0; i < i1; i++) {
    const lane = i & 7;
    const c = lane < 4 ? c0 : c1;
    const l = lane & 3;
    const value: f32 = l == 0 ? f32x4.extract_lane(c, 0) : l == 1 ? f32x4.extract_lane(c, 1) : l == 2 ? f32x4.extract_lane(c, 2) : f32x4.extract_lane(c, 3);
    store<f32>(zNext + (<usize>i << 2), value);
  }
}

/** f = scale sum_i a_i sigma(z_i) for one sample's pre-activations z (N f32), summed as forward32 sums them: outputSum32 per neuron block, blocks added in order (SIMD builds). */
export function outputBatchOne(z: usize, a: usize, n: i32, scale: f64, kind: i32, p: usize, np: i32): f64 {
  if (!ASC_FEATURE_SIMD) return NaN;
  let total: f64 = 0.0;
  for (let i = 0; i < n; i += NEURON_BLOCK) {
    total += outputSum32(kind, p, np, z + (<usize>i << 2), a + (<usize>i << 3), min(NEURON_BLOCK, n - i));
  }
  return scale * total;
}
