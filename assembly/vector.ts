// Level-1 vector operations on f64 arrays in linear memory, used by parameter updates.

/** y += alpha * x over n entries. */
export function axpy(alpha: f64, x: usize, y: usize, n: i32): void {
  let k: usize = 0;
  const end = <usize>n << 3;
  if (ASC_FEATURE_SIMD) {
    const even = <usize>(n & ~1) << 3;
    const al = f64x2.splat(alpha);
    for (; k < even; k += 16) v128.store(y + k, f64x2.add(v128.load(y + k), f64x2.mul(al, v128.load(x + k))));
  }
  for (; k < end; k += 8) store<f64>(y + k, load<f64>(y + k) + alpha * load<f64>(x + k));
}

/** sum_k x_k^2 over n entries. */
export function sumSquares(x: usize, n: i32): f64 {
  let k: usize = 0;
  const end = <usize>n << 3;
  let s: f64 = 0.0;
  if (ASC_FEATURE_SIMD) {
    const even = <usize>(n & ~1) << 3;
    let acc = f64x2.splat(0.0);
    for (; k < even; k += 16) {
      const v = v128.load(x + k);
      acc = f64x2.add(acc, f64x2.mul(v, v));
    }
    s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  for (; k < end; k += 8) {
    const v = load<f64>(x + k);
    s += v * v;
  }
  return s;
}
