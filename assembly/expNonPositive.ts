// exp(x) for x <= 0, scalar and two lanes, with the same operations in the same order so the
// SIMD and scalar builds agree bit for bit (the convention of assembly/activation.ts). The smoothed
// ReLU needs exp(-u^2/2) at every point of every particle; the standard library's exp is scalar.
//
// x = k ln2 + r with k = nearest(x / ln2) and the Cody–Waite split of ln2 (k ln2_hi exact for
// |k| < 2^11), |r| <= ln2/2; exp(r) by its Taylor polynomial of degree 13, whose remainder
// 0.347^14 / 14! < 5e-18 is below the rounding; 2^k as 2^(k - k/2) 2^(k/2), both normal down to
// x = -745, where exp(x) is below the smallest subnormal.

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const FLOOR: f64 = -746.0;

const T13: f64 = 1.0 / 6227020800.0;
const T12: f64 = 1.0 / 479001600.0;
const T11: f64 = 1.0 / 39916800.0;
const T10: f64 = 1.0 / 3628800.0;
const T9: f64 = 1.0 / 362880.0;
const T8: f64 = 1.0 / 40320.0;
const T7: f64 = 1.0 / 5040.0;
const T6: f64 = 1.0 / 720.0;
const T5: f64 = 1.0 / 120.0;
const T4: f64 = 1.0 / 24.0;
const T3: f64 = 1.0 / 6.0;
const T2: f64 = 0.5;

@inline function powerOfTwo(k: i32): f64 {
  return reinterpret<f64>(<i64>(k + 1023) << 52);
}

@inline export function expNonPositive(x: f64): f64 {
  const xc = x < FLOOR ? FLOOR : x;
  const kf = nearest<f64>(xc * LOG2E);
  const r = xc - kf * LN2_HI - kf * LN2_LO;
  let p = T13;
  p = p * r + T12;
  p = p * r + T11;
  p = p * r + T10;
  p = p * r + T9;
  p = p * r + T8;
  p = p * r + T7;
  p = p * r + T6;
  p = p * r + T5;
  p = p * r + T4;
  p = p * r + T3;
  p = p * r + T2;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const k = <i32>kf;
  const k1 = k >> 1;
  return p * powerOfTwo(k1) * powerOfTwo(k - k1);
}

@inline function powerOfTwoPair(k: v128): v128 {
  return i64x2.shl(i64x2.add(i64x2.extend_low_i32x4_s(k), i64x2.splat(1023)), 52);
}

@inline export function expNonPositivePair(x: v128): v128 {
  const xc = f64x2.pmax(x, f64x2.splat(FLOOR));
  const kf = f64x2.nearest(f64x2.mul(xc, f64x2.splat(LOG2E)));
  const r = f64x2.sub(f64x2.sub(xc, f64x2.mul(kf, f64x2.splat(LN2_HI))), f64x2.mul(kf, f64x2.splat(LN2_LO)));
  let p = f64x2.splat(T13);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(T12));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(T11));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(T10));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(T9));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(T8));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(T7));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(T6));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(T5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(T4));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(T3));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(T2));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  const k = i32x4.trunc_sat_f64x2_s_zero(kf);
  const k1 = i32x4.shr_s(k, 1);
  return f64x2.mul(f64x2.mul(p, powerOfTwoPair(k1)), powerOfTwoPair(i32x4.sub(k, k1)));
}
