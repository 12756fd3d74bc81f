// Counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11, as in Random123).
//
// A value is a pure function of (key, counter): key = the 64-bit seed, counter =
// (index lo, index hi, stream lo, stream hi). A stream is a 64-bit id the TypeScript side
// derives from a name, so every named stream of every seed is independent and the i-th
// value of a stream never depends on what was drawn before or elsewhere.
// Each Philox block (4 x 32 bits) yields two doubles with 53 random bits each; value i of
// a stream comes from block i >> 1, half i & 1.
//
// Gaussians are Box-Muller on a block's two uniforms, with log, sin and cos evaluated by our
// own polynomials rather than Math.*: AssemblyScript's Math.log/cos/sin are scalar routines
// with branches and argument reduction for any input, which cost most of a Gaussian, while
// the inputs here are confined enough for branch-free code that runs two lanes per f64x2
// instruction.
//  - log(v), v = 1 - u1 in [2^-53, 1] (exact): fdlibm's e_log (as in musl): v = 2^k (1 + f) with
//    sqrt(2)/2 <= 1 + f < sqrt(2) split off by integer operations on the bits, then
//    log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)), s = f / (2 + f), R the Lg1..Lg7 minimax
//    polynomial. v is never zero, subnormal, negative or infinite, so no special cases.
//  - sin and cos of 2 pi u2: t = 4 u2 is exact, q = nearest(t) and r = t - q in [-1/2, 1/2] are
//    exact, so the only reduction error is the rounding of theta = r pi/2 in [-pi/4, pi/4];
//    fdlibm's __kernel_sin / __kernel_cos polynomials (S1..S6, C1..C6) give sin and cos of theta,
//    and q mod 4 picks and negates them (a lane select and a sign-bit xor in SIMD).
// Every path (scalar build, SIMD lanes, the scalar head and tail of a SIMD fill, f64 or f32
// output) runs the same rounded IEEE operations in the same order, with plain mul and add
// (never a fused or relaxed multiply-add), so every build draws the same bits; where the SIMD
// lanes reach a value by other steps (1 - u1 and 4 u2 from signed conversions) every step is
// exact. In the SIMD builds this takes about a third of the time of the Math.* version
// (bench/gaussianRates.ts), half of it now in Philox.

const M0: u64 = 0xD2511F53;
const M1: u64 = 0xCD9E8D57;
const W0: u32 = 0x9E3779B9;
const W1: u32 = 0xBB67AE85;
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

// e_log.c: ln 2 split so that k ln2_hi is exact, and the minimax coefficients of R(s^2).
const LN2_HI = reinterpret<f64>(0x3FE62E42FEE00000);
const LN2_LO = reinterpret<f64>(0x3DEA39EF35793C76);
const LG1 = reinterpret<f64>(0x3FE5555555555593);
const LG2 = reinterpret<f64>(0x3FD999999997FA04);
const LG3 = reinterpret<f64>(0x3FD2492494229359);
const LG4 = reinterpret<f64>(0x3FCC71C51D8E78AF);
const LG5 = reinterpret<f64>(0x3FC7466496CB03DE);
const LG6 = reinterpret<f64>(0x3FC39A09D078C69F);
const LG7 = reinterpret<f64>(0x3FC2F112DF3E5244);
// Adding LOG_SHIFT to the bits carries into the exponent exactly when the mantissa is at
// least sqrt(2)/2 (high word 0x3fe6a09e), so 1 + f lands in [sqrt(2)/2, sqrt(2)).
const LOG_SHIFT: u64 = <u64>(0x3FF00000 - 0x3FE6A09E) << 32;
const LOG_MANTISSA: u64 = 0x000FFFFFFFFFFFFF;
const LOG_REBASE: u64 = <u64>0x3FE6A09E << 32;
// k_sin.c and k_cos.c: sin and cos on [-pi/4, pi/4].
const S1 = reinterpret<f64>(0xBFC5555555555549);
const S2 = reinterpret<f64>(0x3F8111111110F8A6);
const S3 = reinterpret<f64>(0xBF2A01A019C161D5);
const S4 = reinterpret<f64>(0x3EC71DE357B1FE7D);
const S5 = reinterpret<f64>(0xBE5AE5E68A2B9CEB);
const S6 = reinterpret<f64>(0x3DE5D93A5ACFD57C);
const C1 = reinterpret<f64>(0x3FA555555555554C);
const C2 = reinterpret<f64>(0xBF56C16C16C15177);
const C3 = reinterpret<f64>(0x3EFA01A019CB1590);
const C4 = reinterpret<f64>(0xBE927E4F809C52AD);
const C5 = reinterpret<f64>(0x3E21EE9EBDB4B1C4);
const C6 = reinterpret<f64>(0xBDA8FAE9BE8838D4);
const PI_2: f64 = 1.5707963267948966;
// 1.5 2^52: adding it to a small integer q leaves q mod 4 in the low mantissa bits.
const ROUND_MAGIC: f64 = 6755399441055744.0;
const LOG_SHIFT_F = reinterpret<f64>(LOG_SHIFT);
const LOG_MANTISSA_F = reinterpret<f64>(LOG_MANTISSA);
const LOG_REBASE_F = reinterpret<f64>(LOG_REBASE);
const INT_ONE_F = reinterpret<f64>(1);
const INT_TWO_F = reinterpret<f64>(2);
const EXPONENT_BIAS_F = reinterpret<f64>(0x000003FF000003FF);
const SIGN32_F = reinterpret<f64>(0x8000000080000000);
const INV_2_32: f64 = 2.3283064365386963e-10;
const INV_2_30: f64 = 9.313225746154785e-10;
const INV_2_51: f64 = 4.440892098500626e-16;

/** log(v) for v in [2^-53, 1]: fdlibm's e_log without its special cases. */
@inline function logUnit(v: f64): f64 {
  const bits = reinterpret<u64>(v) + LOG_SHIFT;
  const k = <i32>(<u32>(bits >> 52)) - 0x3FF;
  const f = reinterpret<f64>((bits & LOG_MANTISSA) + LOG_REBASE) - 1.0;
  const hfsq = 0.5 * f * f;
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const dk = <f64>k;
  return s * (hfsq + (t2 + t1)) + dk * LN2_LO - hfsq + f + dk * LN2_HI;
}

/** sin(x), |x| <= pi/4: fdlibm's __kernel_sin with no tail. */
@inline function sinKernel(x: f64): f64 {
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x + v * (S1 + z * r);
}

/** cos(x), |x| <= pi/4: fdlibm's __kernel_cos with no tail (1 - z/2 summed with its rounding error). */
@inline function cosKernel(x: f64): f64 {
  const z = x * x;
  const w = z * z;
  const r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z;
  const h = 1.0 - hz;
  return h + (((1.0 - h) - hz) + z * r);
}

// The pair of Gaussians of the last scalar gaussianPair call.
let gaussCos: f64 = 0.0;
let gaussSin: f64 = 0.0;

/**
 * Values 2m and 2m + 1 of a Gaussian stream from block m's words: r cos(2 pi u2) and
 * r sin(2 pi u2) with r = sqrt(-2 log(1 - u1)), u1 from (w0, w1) and u2 from (w2, w3).
 */
@inline function gaussianPair(w0: u32, w1: u32, w2: u32, w3: u32): void {
  const radius = Math.sqrt(-2.0 * logUnit(1.0 - unitFromWords(w0, w1)));
  const t = 4.0 * unitFromWords(w2, w3);
  const q = nearest(t);
  const theta = (t - q) * PI_2;
  const s = radius * sinKernel(theta);
  const c = radius * cosKernel(theta);
  const quadrant = <i32>q & 3;
  if (quadrant == 0) {
    gaussCos = c;
    gaussSin = s;
  } else if (quadrant == 1) {
    gaussCos = -s;
    gaussSin = c;
  } else if (quadrant == 2) {
    gaussCos = -c;
    gaussSin = -s;
  } else {
    gaussCos = s;
    gaussSin = -c;
  }
}

// The SIMD code's constants, each in both lanes of a v128, read from memory: V8 (Node 20)
// rebuilds a v128.const at every use from a general register (three instructions), a load
// from here is one.
const X2 = memory.data<f64>([
  1.0, 1.0, 0.5, 0.5, 2.0, 2.0, -2.0, -2.0,
  INV_2_32, INV_2_32, INV_2_53, INV_2_53, INV_2_30, INV_2_30, INV_2_51, INV_2_51,
  PI_2, PI_2, ROUND_MAGIC, ROUND_MAGIC, LN2_HI, LN2_HI, LN2_LO, LN2_LO,
  LG1, LG1, LG2, LG2, LG3, LG3, LG4, LG4, LG5, LG5, LG6, LG6, LG7, LG7,
  S1, S1, S2, S2, S3, S3, S4, S4, S5, S5, S6, S6,
  C1, C1, C2, C2, C3, C3, C4, C4, C5, C5, C6, C6,
  LOG_SHIFT_F, LOG_SHIFT_F, LOG_MANTISSA_F, LOG_MANTISSA_F, LOG_REBASE_F, LOG_REBASE_F,
  INT_ONE_F, INT_ONE_F, INT_TWO_F, INT_TWO_F, EXPONENT_BIAS_F, EXPONENT_BIAS_F, SIGN32_F, SIGN32_F,
], 16);

@inline function x2(slot: i32): v128 {
  return v128.load(X2 + (<usize>slot << 4));
}

const ONE_X2 = 0, HALF_X2 = 1, TWO_X2 = 2, MINUS_TWO_X2 = 3;
const INV_2_32_X2 = 4, INV_2_53_X2 = 5, INV_2_30_X2 = 6, INV_2_51_X2 = 7;
const PI_2_X2 = 8, ROUND_MAGIC_X2 = 9, LN2_HI_X2 = 10, LN2_LO_X2 = 11;
const LG_X2 = 12, S_X2 = 19, C_X2 = 25;
const LOG_SHIFT_X2 = 31, LOG_MANTISSA_X2 = 32, LOG_REBASE_X2 = 33;
const INT_ONE_X2 = 34, INT_TWO_X2 = 35, EXPONENT_BIAS_X2 = 36, SIGN32_X2 = 37;

@inline function add2(a: v128, b: v128): v128 {
  return f64x2.add(a, b);
}

@inline function mul2(a: v128, b: v128): v128 {
  return f64x2.mul(a, b);
}

/** Two lanes of logUnit, operation for operation. */
@inline function logUnitX2(v: v128): v128 {
  const bits = i64x2.add(v, x2(LOG_SHIFT_X2));
  // The exponents k (|k| <= 53) sit in the high words, lanes 1 and 3.
  const k = i32x4.sub(i32x4.shr_u(i32x4.shuffle(bits, bits, 1, 3, 1, 3), 20), x2(EXPONENT_BIAS_X2));
  const f = f64x2.sub(i64x2.add(v128.and(bits, x2(LOG_MANTISSA_X2)), x2(LOG_REBASE_X2)), x2(ONE_X2));
  const hfsq = mul2(mul2(x2(HALF_X2), f), f);
  const s = f64x2.div(f, add2(x2(TWO_X2), f));
  const z = mul2(s, s);
  const w = mul2(z, z);
  const t1 = mul2(w, add2(x2(LG_X2 + 1), mul2(w, add2(x2(LG_X2 + 3), mul2(w, x2(LG_X2 + 5))))));
  const t2 = mul2(z, add2(x2(LG_X2), mul2(w, add2(x2(LG_X2 + 2), mul2(w, add2(x2(LG_X2 + 4), mul2(w, x2(LG_X2 + 6))))))));
  const dk = f64x2.convert_low_i32x4_s(k);
  let acc = mul2(s, add2(hfsq, add2(t2, t1)));
  acc = add2(acc, mul2(dk, x2(LN2_LO_X2)));
  acc = f64x2.sub(acc, hfsq);
  acc = add2(acc, f);
  return add2(acc, mul2(dk, x2(LN2_HI_X2)));
}

/** Two lanes of sinKernel. */
@inline function sinKernelX2(x: v128): v128 {
  const z = mul2(x, x);
  const v = mul2(z, x);
  const r = add2(x2(S_X2 + 1), mul2(z, add2(x2(S_X2 + 2), mul2(z, add2(x2(S_X2 + 3), mul2(z, add2(x2(S_X2 + 4), mul2(z, x2(S_X2 + 5)))))))));
  return add2(x, mul2(v, add2(x2(S_X2), mul2(z, r))));
}

/** Two lanes of cosKernel. */
@inline function cosKernelX2(x: v128): v128 {
  const z = mul2(x, x);
  const w = mul2(z, z);
  const low = mul2(z, add2(x2(C_X2), mul2(z, add2(x2(C_X2 + 1), mul2(z, x2(C_X2 + 2))))));
  const high = mul2(mul2(w, w), add2(x2(C_X2 + 3), mul2(z, add2(x2(C_X2 + 4), mul2(z, x2(C_X2 + 5))))));
  const r = add2(low, high);
  const hz = mul2(x2(HALF_X2), z);
  const one = x2(ONE_X2);
  const h = f64x2.sub(one, hz);
  return add2(h, add2(f64x2.sub(f64x2.sub(one, h), hz), mul2(z, r)));
}

/**
 * hi 2^-32 + lo 2^-53 for the words in lanes 0 and 1 of hi and lo, hi taken as signed: both
 * products and the sum (a multiple of 2^-53 below 1/2 in size) are exact.
 */
@inline function signedUnitX2(hi: v128, lo: v128, hiScale: v128, loScale: v128): v128 {
  return add2(mul2(f64x2.convert_low_i32x4_s(hi), hiScale), mul2(f64x2.convert_low_i32x4_s(lo), loScale));
}

/**
 * gaussianPair for two blocks at once, from w = u1 - 1/2 and t = 4 u2 - 4 [u2 >= 1/2] (both
 * exact): 1 - u1 = 1/2 - w is exact and so the same double as in gaussianPair, and t differs
 * from gaussianPair's by 0 or 4, which changes neither t - nearest(t) nor nearest(t) mod 4.
 * Writes values 2m .. 2m + 3 at `at` as T.
 */
@inline function gaussianPairsX2<T>(w: v128, t: v128, at: usize): void {
  const radius = f64x2.sqrt(mul2(x2(MINUS_TWO_X2), logUnitX2(f64x2.sub(x2(HALF_X2), w))));
  const q = f64x2.nearest(t);
  const theta = mul2(f64x2.sub(t, q), x2(PI_2_X2));
  const s = mul2(radius, sinKernelX2(theta));
  const c = mul2(radius, cosKernelX2(theta));
  // Quadrant q mod 4 as in gaussianPair: odd q swaps sin and cos; cos is negated for q = 1, 2
  // and sin for q = 2, 3 (a sign-bit flip, as exact as scalar negation). q + 1.5 2^52 holds
  // q mod 4 in the low bits of its mantissa, for negative q too.
  const qi = add2(q, x2(ROUND_MAGIC_X2));
  const swap = i64x2.eq(v128.and(qi, x2(INT_ONE_X2)), x2(INT_ONE_X2));
  const cosSign = i64x2.shl(v128.and(i64x2.add(qi, x2(INT_ONE_X2)), x2(INT_TWO_X2)), 62);
  const sinSign = i64x2.shl(v128.and(qi, x2(INT_TWO_X2)), 62);
  const cosv = v128.xor(v128.bitselect(s, c, swap), cosSign);
  const sinv = v128.xor(v128.bitselect(c, s, swap), sinSign);
  if (sizeof<T>() == 8) {
    v128.store(at, f64x2.shuffle(cosv, sinv, 0, 2));
    v128.store(at, f64x2.shuffle(cosv, sinv, 1, 3), 16);
  } else {
    v128.store(at, i32x4.shuffle(f32x4.demote_f64x2_zero(cosv), f32x4.demote_f64x2_zero(sinv), 0, 4, 1, 5));
  }
}

/**
 * Blocks m .. m + 3, one per lane of c0 .. c3, made into values 2m .. 2m + 7 at `at`. f64
 * output takes two passes: here the blocks' (w, t) pairs (for blocks m, m + 1, then m + 2,
 * m + 3) are staged in the output's eight slots, and transformStaged turns them into the values
 * in place; f32 output, with too little room to stage, is transformed at once.
 */
@inline function blocksX4<T>(c0: v128, c1: v128, c2: v128, c3: v128, at: usize): void {
  // hi ^ 2^31 as signed is hi - 2^31, so signedUnitX2 of it is u1 - 1/2; hi as signed is
  // hi - 2^32 [hi >= 2^31], so signedUnitX2 of it at scale 4 is t.
  const a = v128.xor(c0, x2(SIGN32_X2));
  const b = i32x4.shr_u(c1, 11);
  const d = i32x4.shr_u(c3, 11);
  const i32 = x2(INV_2_32_X2), i53 = x2(INV_2_53_X2), i30 = x2(INV_2_30_X2), i51 = x2(INV_2_51_X2);
  const wLow = signedUnitX2(a, b, i32, i53);
  const tLow = signedUnitX2(c2, d, i30, i51);
  const wHigh = signedUnitX2(i32x4.shuffle(a, a, 2, 3, 2, 3), i32x4.shuffle(b, b, 2, 3, 2, 3), i32, i53);
  const tHigh = signedUnitX2(i32x4.shuffle(c2, c2, 2, 3, 2, 3), i32x4.shuffle(d, d, 2, 3, 2, 3), i30, i51);
  if (sizeof<T>() == 8) {
    v128.store(at, wLow);
    v128.store(at, tLow, 16);
    v128.store(at, wHigh, 32);
    v128.store(at, tHigh, 48);
  } else {
    gaussianPairsX2<T>(wLow, tLow, at);
    gaussianPairsX2<T>(wHigh, tHigh, at + 4 * sizeof<T>());
  }
}

/** The second pass of f64 output: the staged (w, t) pairs of f64 slots [from, to) made into values in place. */
@inline function transformStaged(from: usize, to: usize): void {
  for (let at = from; at < to; at += 32) gaussianPairsX2<f64>(v128.load(at), v128.load(at, 16), at);
}

// Values per chunk of f64 output: the staged chunk (8 KB) is still in L1 for the second pass.
const STAGE_CHUNK = 1024;

/**
 * out[j] = standard normal, value index start + j of the stream, stored as T (f32 values are
 * the f64 ones rounded). The SIMD build draws eight blocks per step, two interleaved runs of
 * four (one Philox round's latency is longer than its instructions take to issue, so the
 * second run fills the gaps), and transforms them two lanes at a time; the values are the same
 * either way.
 */
@inline function fillGaussianAs<T>(k0: u32, k1: u32, s0: u32, s1: u32, start: f64, out: usize, n: i32): void {
  const first = <u64>start;
  const size = <usize>sizeof<T>();
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    if ((first & 1) != 0 && n > 0) {
      block(first >> 1, k0, k1, s0, s1);
      gaussianPair(r0, r1, r2, r3);
      store<T>(out, <T>gaussSin);
      j = 1;
    }
    const m0 = i32x4.splat(<i32>M0);
    const m1 = i32x4.splat(<i32>M1);
    const w0 = i32x4.splat(<i32>W0);
    const w1 = i32x4.splat(<i32>W1);
    // Round 1 multiplies the stream words, the same for every block: its (c2, c3) products
    // are computed once here.
    const s0m = <u64>s0 * M1;
    const round1Hi = i32x4.splat(<i32>(s0m >> 32) ^ <i32>k0);
    const round1Lo = i32x4.splat(<i32>s0m);
    const c3First = i32x4.splat(<i32>s1 ^ <i32>k1);
    // Whole runs of four blocks; the last step may have only one.
    const simdEnd = j + ((n - j) & ~7);
    while (j < simdEnd) {
      const chunkStart = j;
      const chunkEnd = min(j + STAGE_CHUNK, simdEnd);
      for (; j < chunkEnd; j += 16) {
        // Blocks m .. m + 3 (c) and m + 4 .. m + 7 (e), one per i32x4 lane, by the integer
        // operations of philox(). Each round's 64-bit products give both its high words and
        // its low words.
        const m = (first + <u64>j) >> 1;
        let c0 = i32x4(<i32>m, <i32>(m + 1), <i32>(m + 2), <i32>(m + 3));
        let e0 = i32x4(<i32>(m + 4), <i32>(m + 5), <i32>(m + 6), <i32>(m + 7));
        const cHi = i32x4(<i32>(m >> 32), <i32>((m + 1) >> 32), <i32>((m + 2) >> 32), <i32>((m + 3) >> 32));
        const eHi = i32x4(<i32>((m + 4) >> 32), <i32>((m + 5) >> 32), <i32>((m + 6) >> 32), <i32>((m + 7) >> 32));
        let p0 = i64x2.extmul_low_i32x4_u(c0, m0);
        let p1 = i64x2.extmul_high_i32x4_u(c0, m0);
        let c2 = v128.xor(i32x4.shuffle(p0, p1, 1, 3, 5, 7), c3First);
        let c3 = i32x4.shuffle(p0, p1, 0, 2, 4, 6);
        c0 = v128.xor(round1Hi, cHi);
        let c1 = round1Lo;
        p0 = i64x2.extmul_low_i32x4_u(e0, m0);
        p1 = i64x2.extmul_high_i32x4_u(e0, m0);
        let e2 = v128.xor(i32x4.shuffle(p0, p1, 1, 3, 5, 7), c3First);
        let e3 = i32x4.shuffle(p0, p1, 0, 2, 4, 6);
        e0 = v128.xor(round1Hi, eHi);
        let e1 = round1Lo;
        let key0 = i32x4.add(i32x4.splat(<i32>k0), w0);
        let key1 = i32x4.add(i32x4.splat(<i32>k1), w1);
        for (let round = 1; round < 10; round++) {
          p0 = i64x2.extmul_low_i32x4_u(c0, m0);
          p1 = i64x2.extmul_high_i32x4_u(c0, m0);
          let q0 = i64x2.extmul_low_i32x4_u(c2, m1);
          let q1 = i64x2.extmul_high_i32x4_u(c2, m1);
          c0 = v128.xor(v128.xor(i32x4.shuffle(q0, q1, 1, 3, 5, 7), c1), key0);
          c2 = v128.xor(v128.xor(i32x4.shuffle(p0, p1, 1, 3, 5, 7), c3), key1);
          c1 = i32x4.shuffle(q0, q1, 0, 2, 4, 6);
          c3 = i32x4.shuffle(p0, p1, 0, 2, 4, 6);
          p0 = i64x2.extmul_low_i32x4_u(e0, m0);
          p1 = i64x2.extmul_high_i32x4_u(e0, m0);
          q0 = i64x2.extmul_low_i32x4_u(e2, m1);
          q1 = i64x2.extmul_high_i32x4_u(e2, m1);
          e0 = v128.xor(v128.xor(i32x4.shuffle(q0, q1, 1, 3, 5, 7), e1), key0);
          e2 = v128.xor(v128.xor(i32x4.shuffle(p0, p1, 1, 3, 5, 7), e3), key1);
          e1 = i32x4.shuffle(q0, q1, 0, 2, 4, 6);
          e3 = i32x4.shuffle(p0, p1, 0, 2, 4, 6);
          key0 = i32x4.add(key0, w0);
          key1 = i32x4.add(key1, w1);
        }
        blocksX4<T>(c0, c1, c2, c3, out + <usize>j * size);
        if (j + 16 <= chunkEnd) blocksX4<T>(e0, e1, e2, e3, out + <usize>(j + 8) * size);
      }
      j = chunkEnd;
      if (sizeof<T>() == 8) transformStaged(out + (<usize>chunkStart << 3), out + (<usize>chunkEnd << 3));
    }
  }
  while (j < n) {
    const idx = first + <u64>j;
    block(idx >> 1, k0, k1, s0, s1);
    gaussianPair(r0, r1, r2, r3);
    if ((idx & 1) == 0) {
      store<T>(out + <usize>j * size, <T>gaussCos);
      j++;
      if (j == n) break;
    }
    store<T>(out + <usize>j * size, <T>gaussSin);
    j++;
  }
}

/**
 * out[j] = standard normal, value index start + j of the stream, by Box-Muller on the two
 * halves of a block: values 2m and 2m+1 are r cos(2 pi u2) and r sin(2 pi u2) with
 * r = sqrt(-2 log(1 - u1)) from block m.
 */
export function fillGaussian(k0: u32, k1: u32, s0: u32, s1: u32, start: f64, out: usize, n: i32): void {
  fillGaussianAs<f64>(k0, k1, s0, s1, start, out, n);
}

/** fillGaussian's values rounded to f32, written as f32 (for the single-precision path). */
export function fillGaussian32(k0: u32, k1: u32, s0: u32, s1: u32, start: f64, out: usize, n: i32): void {
  fillGaussianAs<f32>(k0, k1, s0, s1, start, out, n);
}

/**
 * The Box-Muller transform alone, on chosen words (for tests): block b's words
 * words[4b .. 4b + 3] give out[2b] and out[2b + 1] as fillGaussian would. The SIMD build
 * transforms runs of four blocks as fillGaussian's SIMD loop does, the scalar build one
 * block at a time.
 */
export function gaussianFromWords(words: usize, blocks: i32, out: usize): void {
  let b = 0;
  if (ASC_FEATURE_SIMD) {
    for (; b + 4 <= blocks; b += 4) {
      const p = v128.load(words + (<usize>b << 4));
      const q = v128.load(words + (<usize>b << 4), 16);
      const r = v128.load(words + (<usize>b << 4), 32);
      const s = v128.load(words + (<usize>b << 4), 48);
      // Blocks b .. b + 3 transposed to one block per lane.
      const p01 = i32x4.shuffle(p, q, 0, 4, 1, 5);
      const p23 = i32x4.shuffle(p, q, 2, 6, 3, 7);
      const r01 = i32x4.shuffle(r, s, 0, 4, 1, 5);
      const r23 = i32x4.shuffle(r, s, 2, 6, 3, 7);
      const at = out + (<usize>b << 4);
      blocksX4<f64>(
        f64x2.shuffle(p01, r01, 0, 2),
        f64x2.shuffle(p01, r01, 1, 3),
        f64x2.shuffle(p23, r23, 0, 2),
        f64x2.shuffle(p23, r23, 1, 3),
        at,
      );
      transformStaged(at, at + 64);
    }
  }
  for (; b < blocks; b++) {
    const at = words + (<usize>b << 4);
    gaussianPair(load<u32>(at), load<u32>(at, 4), load<u32>(at, 8), load<u32>(at, 12));
    store<f64>(out + (<usize>b << 4), gaussCos);
    store<f64>(out + (<usize>b << 4), gaussSin, 8);
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
