// The first layer's update of an f32 run at batch 1, in one pass over each group of four
// neurons: with one sample, backward32's gradient row i is f32(g_i x_k) for every coordinate
// (gradientTile4 over a single sample), so the tile loop, the widened scratch rows, axpy's pass
// over them and narrowTransposedRows's pass over w (three passes, and the widening stores, that
// took two-thirds of a step at (d, N) = (320, 800)) collapse into one: each product is formed,
// widened, added into w and the new w narrowed into wT32 while it is in registers.
//
// Bits: the products are madd32(g, x, 0) as in gradientTile4's first (and only) step, widened
// exactly; w + (-drift) * p is axpy's elementwise expression; the narrowing is
// narrowTransposed4x4's rounding and layout. So w and wT32 come out as backward32Update leaves them
// at any batch, and as backward32 + axpy + narrowTransposedToF32.

import { madd32 } from "./multiplyAdd";

// w_jk += alpha p_jk for the 4 products in p (coordinates k .. k + 3 of row j): the new w in f32.
@inline function addNarrow(row: usize, p: v128, al: v128): v128 {
  const w0 = f64x2.add(v128.load(row), f64x2.mul(al, f64x2.promote_low_f32x4(p)));
  const w1 = f64x2.add(v128.load(row, 16), f64x2.mul(al, f64x2.promote_low_f32x4(i64x2.shuffle(p, p, 1, 1))));
  v128.store(row, w0);
  v128.store(row, w1, 16);
  return i64x2.shuffle(f32x4.demote_f64x2_zero(w0), f32x4.demote_f64x2_zero(w1), 0, 2);
}

// The same for the first `count` (< 4) coordinates only, lane by lane; w's f32 values at `to`
// (4 bytes apart would be the panel's neuron lanes: `step` bytes per coordinate).
@inline function addNarrowTail(row: usize, p: v128, alpha: f64, count: i32, to: usize, step: usize): void {
  let w = load<f64>(row) + alpha * <f64>f32x4.extract_lane(p, 0);
  store<f64>(row, w);
  store<f32>(to, <f32>w);
  if (count < 2) return;
  w = load<f64>(row, 8) + alpha * <f64>f32x4.extract_lane(p, 1);
  store<f64>(row, w, 8);
  store<f32>(to + step, <f32>w);
  if (count < 3) return;
  w = load<f64>(row, 16) + alpha * <f64>f32x4.extract_lane(p, 2);
  store<f64>(row, w, 16);
  store<f32>(to + 2 * step, <f32>w);
}

// The same entry by entry, as groupWeightSums's scalar loop sums one sample: 0 + g x in f32.
function updateFourScalar(g: usize, x32: usize, d: i32, w: usize, wT32: usize, i: i32, alpha: f64): void {
  for (let j = 0; j < 4; j++) {
    const gj = load<f32>(g + (<usize>j << 2));
    const row = w + <usize>(i + j) * (<usize>d << 3);
    const lane = wT32 + <usize>((i + j) >> 3) * (<usize>d << 5) + (<usize>((i + j) & 7) << 2);
    for (let k = 0; k < d; k++) {
      const p: f32 = <f32>0 + gj * load<f32>(x32 + (<usize>k << 2));
      const at = row + (<usize>k << 3);
      const value = load<f64>(at) + alpha * <f64>p;
      store<f64>(at, value);
      store<f32>(lane + (<usize>k << 5), <f32>value);
    }
  }
}

/**
 * For neurons i .. i + 3 (i a multiple of 4, all below N) and one sample: w_jk += alpha f64(f32(g_j
 * x_k)) for k < d (g: the 4 neurons' f32 gradient factors side by side, x32: the sample's f32 row,
 * zero past d) and the updated rows narrowed into wT32's panel layout (narrowTransposedToF32).
 */
export function updateFourBatchOne(g: usize, x32: usize, d: i32, w: usize, wT32: usize, i: i32, alpha: f64): void {
  if (!ASC_FEATURE_SIMD) {
    updateFourScalar(g, x32, d, w, wT32, i, alpha);
    return;
  }
  const zero = f32x4.splat(0);
  const al = f64x2.splat(alpha);
  const g0 = v128.load32_splat(g), g1 = v128.load32_splat(g, 4), g2 = v128.load32_splat(g, 8), g3 = v128.load32_splat(g, 12);
  const rowBytes = <usize>d << 3;
  const r0 = w + <usize>i * rowBytes;
  const r1 = r0 + rowBytes;
  const r2 = r1 + rowBytes;
  const r3 = r2 + rowBytes;
  const panel = wT32 + <usize>(i >> 3) * (<usize>d << 5) + (<usize>(i & 7) << 2);
  let k = 0;
  for (; k + 4 <= d; k += 4) {
    const x = v128.load(x32 + (<usize>k << 2));
    const off = <usize>k << 3;
    const a0 = addNarrow(r0 + off, madd32(g0, x, zero), al);
    const a1 = addNarrow(r1 + off, madd32(g1, x, zero), al);
    const a2 = addNarrow(r2 + off, madd32(g2, x, zero), al);
    const a3 = addNarrow(r3 + off, madd32(g3, x, zero), al);
    const t0 = i32x4.shuffle(a0, a1, 0, 4, 1, 5);
    const t1 = i32x4.shuffle(a2, a3, 0, 4, 1, 5);
    const t2 = i32x4.shuffle(a0, a1, 2, 6, 3, 7);
    const t3 = i32x4.shuffle(a2, a3, 2, 6, 3, 7);
    const to = panel + (<usize>k << 5);
    v128.store(to, i64x2.shuffle(t0, t1, 0, 2));
    v128.store(to, i64x2.shuffle(t0, t1, 1, 3), 32);
    v128.store(to, i64x2.shuffle(t2, t3, 0, 2), 64);
    v128.store(to, i64x2.shuffle(t2, t3, 1, 3), 96);
  }
  if (k < d) {
    const x = v128.load(x32 + (<usize>k << 2));
    const off = <usize>k << 3;
    const to = panel + (<usize>k << 5);
    addNarrowTail(r0 + off, madd32(g0, x, zero), alpha, d - k, to, 32);
    addNarrowTail(r1 + off, madd32(g1, x, zero), alpha, d - k, to + 4, 32);
    addNarrowTail(r2 + off, madd32(g2, x, zero), alpha, d - k, to + 8, 32);
    addNarrowTail(r3 + off, madd32(g3, x, zero), alpha, d - k, to + 12, 32);
  }
}
