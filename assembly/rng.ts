// Counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11, as in Random123).
//
// A value is a pure function of (key, counter): key = the 64-bit seed, counter =
// (index lo, index hi, stream lo, stream hi). A stream is a 64-bit id the TypeScript side
// derives from a name, so every named stream of every seed is independent and the i-th
// value of a stream never depends on what was drawn before or elsewhere.
// Each Philox block (4 x 32 bits) yields two doubles with 53 random bits each; value i of
// a stream comes from block i >> 1, half i & 1.

const M0: u64 = 0xD2511F53;
const M1: u64 = 0xCD9E8D57;
const W0: u32 = 0x9E3779B9;
const W1: u32 = 0xBB67AE85;
const TWO_PI: f64 = 6.283185307179586;
const INV_2_53: f64 = 1.1102230246251565e-16;

// Output of the last block; globals so the hot loops never allocate.
let r0: u32 = 0;
let r1: u32 = 0;
let r2: u32 = 0;
let r3: u32 = 0;

@inline function philox(c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32): void {
  for (let round = 0; round < 10; round++) {
    const p0 = M0 * <u64>c0;
    const p1 = M1 * <u64>c2;
    const n0 = <u32>(p1 >> 32) ^ c1 ^ k0;
    const n2 = <u32>(p0 >> 32) ^ c3 ^ k1;
    c0 = n0;
    c1 = <u32>p1;
    c2 = n2;
    c3 = <u32>p0;
    k0 += W0;
    k1 += W1;
  }
  r0 = c0;
  r1 = c1;
  r2 = c2;
  r3 = c3;
}

/** One raw Philox4x32-10 block written as 4 u32 at out (for known-answer tests). */
export function philoxBlock(c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32, out: usize): void {
  philox(c0, c1, c2, c3, k0, k1);
  store<u32>(out, r0);
  store<u32>(out, r1, 4);
  store<u32>(out, r2, 8);
  store<u32>(out, r3, 12);
}

@inline function block(index: u64, k0: u32, k1: u32, s0: u32, s1: u32): void {
  philox(<u32>index, <u32>(index >> 32), s0, s1, k0, k1);
}

@inline function unitFromWords(hi: u32, lo: u32): f64 {
  return <f64>(((<u64>hi << 32) | <u64>lo) >> 11) * INV_2_53;
}

/** out[j] = uniform in [0, 1) with 53 random bits, value index start + j of the stream. */
export function fillUniform(k0: u32, k1: u32, s0: u32, s1: u32, start: f64, out: usize, n: i32): void {
  const first = <u64>start;
  for (let j = 0; j < n; j++) {
    const idx = first + <u64>j;
    block(idx >> 1, k0, k1, s0, s1);
    const v = (idx & 1) == 0 ? unitFromWords(r0, r1) : unitFromWords(r2, r3);
    store<f64>(out + (<usize>j << 3), v);
  }
}

/** The high 32 bits of the four 32 x 32-bit products of the lanes of c and m. */
@inline function mulHi(c: v128, m: v128): v128 {
  return i32x4.shuffle(i64x2.extmul_low_i32x4_u(c, m), i64x2.extmul_high_i32x4_u(c, m), 1, 3, 5, 7);
}

/** Values 2m and 2m + 1 of a Gaussian stream from one block's words (w0, w1 for r, w2, w3 for the angle). */
@inline function boxMuller(w0: u32, w1: u32, w2: u32, w3: u32, at: usize): void {
  const radius = Math.sqrt(-2.0 * Math.log(1.0 - unitFromWords(w0, w1)));
  const angle = TWO_PI * unitFromWords(w2, w3);
  store<f64>(at, radius * Math.cos(angle));
  store<f64>(at, radius * Math.sin(angle), 8);
}

/**
 * out[j] = standard normal, value index start + j of the stream, by Box-Muller on the two
 * halves of a block: values 2m and 2m+1 are r cos(2 pi u2) and r sin(2 pi u2) with
 * r = sqrt(-2 log(1 - u1)) from block m. The SIMD build draws runs of four blocks at once;
 * the values are the same either way.
 */
export function fillGaussian(k0: u32, k1: u32, s0: u32, s1: u32, start: f64, out: usize, n: i32): void {
  const first = <u64>start;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    if ((first & 1) != 0 && n > 0) {
      block(first >> 1, k0, k1, s0, s1);
      const radius = Math.sqrt(-2.0 * Math.log(1.0 - unitFromWords(r0, r1)));
      store<f64>(out, radius * Math.sin(TWO_PI * unitFromWords(r2, r3)));
      j = 1;
    }
    const m0 = i32x4.splat(<i32>M0);
    const m1 = i32x4.splat(<i32>M1);
    for (; j + 8 <= n; j += 8) {
      // Blocks m .. m + 3, one per i32x4 lane, by the integer operations of philox(): the same
      // bits at about an eighth of the cost of four scalar blocks.
      const m = (first + <u64>j) >> 1;
      let c0 = i32x4(<i32>m, <i32>(m + 1), <i32>(m + 2), <i32>(m + 3));
      let c1 = i32x4(<i32>(m >> 32), <i32>((m + 1) >> 32), <i32>((m + 2) >> 32), <i32>((m + 3) >> 32));
      let c2 = i32x4.splat(<i32>s0);
      let c3 = i32x4.splat(<i32>s1);
      let key0 = k0;
      let key1 = k1;
      for (let round = 0; round < 10; round++) {
        const hi0 = mulHi(c0, m0);
        const hi1 = mulHi(c2, m1);
        const lo0 = i32x4.mul(c0, m0);
        const lo1 = i32x4.mul(c2, m1);
        c0 = v128.xor(v128.xor(hi1, c1), i32x4.splat(<i32>key0));
        c2 = v128.xor(v128.xor(hi0, c3), i32x4.splat(<i32>key1));
        c1 = lo1;
        c3 = lo0;
        key0 += W0;
        key1 += W1;
      }
      const at = out + (<usize>j << 3);
      boxMuller(i32x4.extract_lane(c0, 0), i32x4.extract_lane(c1, 0), i32x4.extract_lane(c2, 0), i32x4.extract_lane(c3, 0), at);
      boxMuller(i32x4.extract_lane(c0, 1), i32x4.extract_lane(c1, 1), i32x4.extract_lane(c2, 1), i32x4.extract_lane(c3, 1), at + 16);
      boxMuller(i32x4.extract_lane(c0, 2), i32x4.extract_lane(c1, 2), i32x4.extract_lane(c2, 2), i32x4.extract_lane(c3, 2), at + 32);
      boxMuller(i32x4.extract_lane(c0, 3), i32x4.extract_lane(c1, 3), i32x4.extract_lane(c2, 3), i32x4.extract_lane(c3, 3), at + 48);
    }
  }
  while (j < n) {
    const idx = first + <u64>j;
    block(idx >> 1, k0, k1, s0, s1);
    const radius = Math.sqrt(-2.0 * Math.log(1.0 - unitFromWords(r0, r1)));
    const angle = TWO_PI * unitFromWords(r2, r3);
    if ((idx & 1) == 0) {
      store<f64>(out + (<usize>j << 3), radius * Math.cos(angle));
      j++;
      if (j == n) break;
    }
    store<f64>(out + (<usize>j << 3), radius * Math.sin(angle));
    j++;
  }
}

/**
 * rows points uniform on the unit sphere S^{d-1}: point start + m is the normalized vector
 * of Gaussian values (start + m) * d .. (start + m) * d + d - 1 of the stream.
 */
export function fillSphere(k0: u32, k1: u32, s0: u32, s1: u32, start: f64, out: usize, rows: i32, d: i32): void {
  const rowBytes = <usize>d << 3;
  for (let m = 0; m < rows; m++) {
    const row = out + <usize>m * rowBytes;
    fillGaussian(k0, k1, s0, s1, (start + <f64>m) * <f64>d, row, d);
    let sq: f64 = 0.0;
    for (let k: usize = 0; k < rowBytes; k += 8) {
      const v = load<f64>(row + k);
      sq += v * v;
    }
    const inv = 1.0 / Math.sqrt(sq);
    for (let k: usize = 0; k < rowBytes; k += 8) store<f64>(row + k, load<f64>(row + k) * inv);
  }
}

// The fills restricted to part [j0, j1) of their output, so threads can share one fill: every
// value depends only on its index, so any split gives the same values.

/** fillUniform's values j0 <= j < j1. */
export function fillUniformRange(k0: u32, k1: u32, s0: u32, s1: u32, start: f64, out: usize, j0: i32, j1: i32): void {
  if (j0 < j1) fillUniform(k0, k1, s0, s1, start + <f64>j0, out + (<usize>j0 << 3), j1 - j0);
}

/** fillGaussian's values j0 <= j < j1. */
export function fillGaussianRange(k0: u32, k1: u32, s0: u32, s1: u32, start: f64, out: usize, j0: i32, j1: i32): void {
  if (j0 < j1) fillGaussian(k0, k1, s0, s1, start + <f64>j0, out + (<usize>j0 << 3), j1 - j0);
}

/** fillSphere's rows m0 <= m < m1. */
export function fillSphereRange(k0: u32, k1: u32, s0: u32, s1: u32, start: f64, out: usize, d: i32, m0: i32, m1: i32): void {
  if (m0 < m1) fillSphere(k0, k1, s0, s1, start + <f64>m0, out + <usize>m0 * (<usize>d << 3), m1 - m0, d);
}
