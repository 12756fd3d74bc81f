// c + a * b on v128 lanes: fused (one rounding, through relaxed_madd) in the relaxed-SIMD build,
// a multiply then an add everywhere else. The plain build keeps the exact operation order it has
// always had, so its results do not move; the relaxed build differs from it by rounding only.

@inline export function madd64(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

@inline export function madd32(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
