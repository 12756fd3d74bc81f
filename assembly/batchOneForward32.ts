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
// madd32(x_k, f32(w_ik)) for k = 0 .. d - 1 in order, then widened. The output sum is forward32's
// (four f64x2 partial sums over 8-neuron strides per neuron block, blocks added in order), so the
// next step's loss and gradients are those of the unfused path.

import { outputSum } from "./network32";
import { madd32 } from "./multiplyAdd";
import { NEURON_BLOCK } from "./network";

// w_jk += alpha p_jk for the 2 products in lanes 0, 1 of p (coordinates k, k + 1 of row j): the
// new w in f32 in lanes 0, 1 (zero above).
@inline function addNarrowPair(row: usize, p: v128, al: v128): v128 {
  const w = f64x2.add(v128.load(row), f64x2.mul(al, f64x2.promote_low_f32x4(p)));
  v128.store(row, w);
  return f32x4.demote_f64x2_zero(w);
}

// The same for coordinate `at` (bytes into the row) alone: w_jk += alpha p, the new w in f32.
@inline function addNarrowOne(row: usize, at: usize, p: f32, alpha: f64): f32 {
  const w = load<f64>(row + at) + alpha * <f64>p;
  store<f64>(row + at, w);
  return <f32>w;
}

// The 4 neurons' f32 gradient factors (neuron j's at g + 4 (j - i0)) and f64 rows of w, for the
// neuron indices at idx (4 i32).
@inline function rowOf(w: usize, idx: usize, t: i32, rowBytes: usize): usize {
  return w + <usize>load<i32>(idx + (<usize>t << 2)) * rowBytes;
}
@inline function factorOf(g: usize, i0: i32, idx: usize, t: i32): v128 {
  return v128.load32_splat(g + (<usize>(load<i32>(idx + (<usize>t << 2)) - i0) << 2));
}

/**
 * For the 4 neurons whose indices are at idx (4 i32, all below N) and one sample: with `update`,
 * w_jk += alpha f64(f32(g_j x_k)) for k < d (g_j at g + 4 (j - i0); x32: the sample's f32 row,
 * zero past d), as backward32Update does; then zNext[j] = <f32(w_j), xNext32> summed as forward32
 * sums one sample (xNext32: the next sample's f32 row). The f32 copy of w is not written.
 */
@inline function fourRows(
  g: usize, i0: i32, idx: usize, x32: usize, xNext32: usize, d: i32, w: usize, alpha: f64, zNext: usize, update: bool,
): void {
  const zero = f32x4.splat(0);
  const al = f64x2.splat(alpha);
  const g0 = factorOf(g, i0, idx, 0), g1 = factorOf(g, i0, idx, 1), g2 = factorOf(g, i0, idx, 2), g3 = factorOf(g, i0, idx, 3);
  const rowBytes = <usize>d << 3;
  const r0 = rowOf(w, idx, 0, rowBytes), r1 = rowOf(w, idx, 1, rowBytes), r2 = rowOf(w, idx, 2, rowBytes), r3 = rowOf(w, idx, 3, rowBytes);
  let c = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= d; k += 4) {
    const off = <usize>k << 3;
    // Each neuron's f32 weights in pairs, coordinates k, k + 1 in l and k + 2, k + 3 in h (lanes
    // 0, 1): one shuffle per pair of neurons and one per pair of coordinates turn them into the
    // four vectors forward32 sums (lanes over neurons, one coordinate each). The products come
    // from half-loaded x, so no shuffle brings their upper half down for the widening.
    let l0: v128, l1: v128, l2: v128, l3: v128, h0: v128, h1: v128, h2: v128, h3: v128;
    if (update) {
      const xl = v128.load64_zero(x32 + (<usize>k << 2));
      const xh = v128.load64_zero(x32 + (<usize>k << 2), 8);
      l0 = addNarrowPair(r0 + off, madd32(g0, xl, zero), al);
      h0 = addNarrowPair(r0 + off + 16, madd32(g0, xh, zero), al);
      l1 = addNarrowPair(r1 + off, madd32(g1, xl, zero), al);
      h1 = addNarrowPair(r1 + off + 16, madd32(g1, xh, zero), al);
      l2 = addNarrowPair(r2 + off, madd32(g2, xl, zero), al);
      h2 = addNarrowPair(r2 + off + 16, madd32(g2, xh, zero), al);
      l3 = addNarrowPair(r3 + off, madd32(g3, xl, zero), al);
      h3 = addNarrowPair(r3 + off + 16, madd32(g3, xh, zero), al);
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
    const next = xNext32 + (<usize>k << 2);
    c = madd32(v128.load32_splat(next), i64x2.shuffle(tl, ul, 0, 2), c);
    c = madd32(v128.load32_splat(next, 4), i64x2.shuffle(tl, ul, 1, 3), c);
    c = madd32(v128.load32_splat(next, 8), i64x2.shuffle(th, uh, 0, 2), c);
    c = madd32(v128.load32_splat(next, 12), i64x2.shuffle(th, uh, 1, 3), c);
  }
  if (k < d) {
    const x = v128.load(x32 + (<usize>k << 2));
    const p0 = madd32(g0, x, zero), p1 = madd32(g1, x, zero), p2 = madd32(g2, x, zero), p3 = madd32(g3, x, zero);
    // One coordinate at a time: its 4 neurons' f32 weights as one vector, then the lane sum.
    for (let t = 0; k < d; k++, t++) {
      const at = <usize>k << 3;
      const al1 = update ? alpha : 0.0;
      let v = f32x4.splat(update ? addNarrowOne(r0, at, extractLane(p0, t), al1) : <f32>load<f64>(r0 + at));
      v = f32x4.replace_lane(v, 1, update ? addNarrowOne(r1, at, extractLane(p1, t), al1) : <f32>load<f64>(r1 + at));
      v = f32x4.replace_lane(v, 2, update ? addNarrowOne(r2, at, extractLane(p2, t), al1) : <f32>load<f64>(r2 + at));
      v = f32x4.replace_lane(v, 3, update ? addNarrowOne(r3, at, extractLane(p3, t), al1) : <f32>load<f64>(r3 + at));
      c = madd32(v128.load32_splat(xNext32 + (<usize>k << 2)), v, c);
    }
  }
  store<f64>(zNext + (<usize>load<i32>(idx) << 3), <f64>f32x4.extract_lane(c, 0));
  store<f64>(zNext + (<usize>load<i32>(idx, 4) << 3), <f64>f32x4.extract_lane(c, 1));
  store<f64>(zNext + (<usize>load<i32>(idx, 8) << 3), <f64>f32x4.extract_lane(c, 2));
  store<f64>(zNext + (<usize>load<i32>(idx, 12) << 3), <f64>f32x4.extract_lane(c, 3));
}

/** fourRows with the update: w moves, zNext from the new weights. */
export function updateFourForwardBatchOne(
  g: usize, i0: i32, idx: usize, x32: usize, xNext32: usize, d: i32, w: usize, alpha: f64, zNext: usize,
): void {
  // onlineStep.ts takes no head start without SIMD: these kernels are never called there.
  if (!ASC_FEATURE_SIMD) return;
  fourRows(g, i0, idx, x32, xNext32, d, w, alpha, zNext, true);
}

/**
 * fourRows without the update, for 4 neurons whose gradient factors are all zero: with alpha <= 0
 * their update adds alpha f64(f32(0 x_k)) = alpha (+0) = -0 to each weight, which leaves every
 * weight's bits as they are (x finite), so only zNext is formed.
 */
export function forwardFourBatchOne(idx: usize, xNext32: usize, d: i32, w: usize, zNext: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  fourRows(0, 0, idx, 0, xNext32, d, w, 0.0, zNext, false);
}

// Lane t (< 3) of p.
@inline function extractLane(p: v128, t: i32): f32 {
  if (t == 0) return f32x4.extract_lane(p, 0);
  if (t == 1) return f32x4.extract_lane(p, 1);
  return f32x4.extract_lane(p, 2);
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
    store<f64>(zNext + (<usize>i << 3), <f64>value);
  }
}

/** f = scale sum_i a_i sigma(z_i) for one sample's pre-activations z (N f64), summed by neuron blocks as forward32 sums them (SIMD builds). */
export function outputBatchOne(z: usize, a: usize, n: i32, scale: f64, kind: i32, p: usize, np: i32): f64 {
  if (!ASC_FEATURE_SIMD) return NaN;
  let total: f64 = 0.0;
  for (let i = 0; i < n; i += NEURON_BLOCK) {
    const off = <usize>i << 3;
    total += outputSum(kind, p, np, z + off, a + off, min(NEURON_BLOCK, n - i));
  }
  return scale * total;
}
