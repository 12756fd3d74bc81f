// Four dot products of two rows against two other rows, sharing their loads (half the memory
// traffic of four separate dots): the inner tile of the Cholesky trailing update (the normal
// equations use packed 3 x 3 tiles, assembly/features.ts). The sums land in module globals
// because a function cannot return four values; the callers are inlined, so the globals are read
// right after the call.

export let dot00: f64 = 0.0;
export let dot01: f64 = 0.0;
export let dot10: f64 = 0.0;
export let dot11: f64 = 0.0;

/** dotAB = sum_k xA[k] * yB[k] over `length` entries, for rows x0, x1 and y0, y1. */
@inline export function dotTile2x2(x0: usize, x1: usize, y0: usize, y1: usize, length: i32): void {
  let k: usize = 0;
  const end = <usize>length << 3;
  let s00: f64 = 0.0;
  let s01: f64 = 0.0;
  let s10: f64 = 0.0;
  let s11: f64 = 0.0;
  if (ASC_FEATURE_SIMD) {
    const even = <usize>(length & ~1) << 3;
    let a00 = f64x2.splat(0.0);
    let a01 = f64x2.splat(0.0);
    let a10 = f64x2.splat(0.0);
    let a11 = f64x2.splat(0.0);
    for (; k < even; k += 16) {
      const u0 = v128.load(x0 + k);
      const u1 = v128.load(x1 + k);
      const v0 = v128.load(y0 + k);
      const v1 = v128.load(y1 + k);
      a00 = f64x2.add(a00, f64x2.mul(u0, v0));
      a01 = f64x2.add(a01, f64x2.mul(u0, v1));
      a10 = f64x2.add(a10, f64x2.mul(u1, v0));
      a11 = f64x2.add(a11, f64x2.mul(u1, v1));
    }
    s00 = f64x2.extract_lane(a00, 0) + f64x2.extract_lane(a00, 1);
    s01 = f64x2.extract_lane(a01, 0) + f64x2.extract_lane(a01, 1);
    s10 = f64x2.extract_lane(a10, 0) + f64x2.extract_lane(a10, 1);
    s11 = f64x2.extract_lane(a11, 0) + f64x2.extract_lane(a11, 1);
  }
  for (; k < end; k += 8) {
    const u0 = load<f64>(x0 + k);
    const u1 = load<f64>(x1 + k);
    const v0 = load<f64>(y0 + k);
    const v1 = load<f64>(y1 + k);
    s00 += u0 * v0;
    s01 += u0 * v1;
    s10 += u1 * v0;
    s11 += u1 * v1;
  }
  dot00 = s00;
  dot01 = s01;
  dot10 = s10;
  dot11 = s11;
}
