// AssemblyScript: independent multiply-add chains with no memory traffic, the practical peak of
// each Wasm instruction set on this machine. acc = acc * m + c keeps every chain dependent on
// itself (the optimizer cannot hoist the product), and 12 chains cover the latency of a
// multiply followed by an add on two pipes each while leaving registers for m and c (x64 V8
// allocates v128 values to 16 xmm registers). Compiled twice by bench/ceiling.ts: with SIMD
// only (f64x2, f32x4, and scalar f64: the peak of the no-SIMD build) and with relaxed SIMD (the
// same vector chains through relaxed_madd; Wasm has no scalar relaxed multiply-add).

/** Multiply-adds (as 2 flops each) done by one call of a chain kernel: 12 chains of `lanes` lanes per iteration. */
export function flopsPerIteration(lanes: i32): i32 {
  return 12 * lanes * 2;
}

@inline function mul64(acc: v128, m: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(acc, m, c);
  return f64x2.add(f64x2.mul(acc, m), c);
}

@inline function mul32(acc: v128, m: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(acc, m, c);
  return f32x4.add(f32x4.mul(acc, m), c);
}

/** `iterations` rounds of 12 f64x2 chains; returns a sum so nothing is dead. */
export function chainsF64(iterations: i32, seed: f64): f64 {
  const m = f64x2.splat(0.9999999);
  const c = f64x2.splat(1e-7);
  let a0 = f64x2.splat(seed), a1 = f64x2.splat(seed + 1), a2 = f64x2.splat(seed + 2), a3 = f64x2.splat(seed + 3);
  let a4 = f64x2.splat(seed + 4), a5 = f64x2.splat(seed + 5), a6 = f64x2.splat(seed + 6), a7 = f64x2.splat(seed + 7);
  let a8 = f64x2.splat(seed + 8), a9 = f64x2.splat(seed + 9), a10 = f64x2.splat(seed + 10), a11 = f64x2.splat(seed + 11);
  for (let t = 0; t < iterations; t++) {
    a0 = mul64(a0, m, c); a1 = mul64(a1, m, c); a2 = mul64(a2, m, c); a3 = mul64(a3, m, c);
    a4 = mul64(a4, m, c); a5 = mul64(a5, m, c); a6 = mul64(a6, m, c); a7 = mul64(a7, m, c);
    a8 = mul64(a8, m, c); a9 = mul64(a9, m, c); a10 = mul64(a10, m, c); a11 = mul64(a11, m, c);
  }
  const s = f64x2.add(f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3)), f64x2.add(f64x2.add(a4, a5), f64x2.add(a6, a7)));
  const u = f64x2.add(f64x2.add(a8, a9), f64x2.add(a10, a11));
  const v = f64x2.add(s, u);
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** `iterations` rounds of 12 f32x4 chains. */
export function chainsF32(iterations: i32, seed: f32): f64 {
  const m = f32x4.splat(0.99999);
  const c = f32x4.splat(1e-5);
  let a0 = f32x4.splat(seed), a1 = f32x4.splat(seed + 1), a2 = f32x4.splat(seed + 2), a3 = f32x4.splat(seed + 3);
  let a4 = f32x4.splat(seed + 4), a5 = f32x4.splat(seed + 5), a6 = f32x4.splat(seed + 6), a7 = f32x4.splat(seed + 7);
  let a8 = f32x4.splat(seed + 8), a9 = f32x4.splat(seed + 9), a10 = f32x4.splat(seed + 10), a11 = f32x4.splat(seed + 11);
  for (let t = 0; t < iterations; t++) {
    a0 = mul32(a0, m, c); a1 = mul32(a1, m, c); a2 = mul32(a2, m, c); a3 = mul32(a3, m, c);
    a4 = mul32(a4, m, c); a5 = mul32(a5, m, c); a6 = mul32(a6, m, c); a7 = mul32(a7, m, c);
    a8 = mul32(a8, m, c); a9 = mul32(a9, m, c); a10 = mul32(a10, m, c); a11 = mul32(a11, m, c);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  const u = f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11));
  const v = f32x4.add(s, u);
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

/** `iterations` rounds of 12 scalar f64 chains (f64.mul then f64.add): the no-SIMD build's peak. */
export function chainsScalarF64(iterations: i32, seed: f64): f64 {
  const m: f64 = 0.9999999;
  const c: f64 = 1e-7;
  let a0 = seed, a1 = seed + 1, a2 = seed + 2, a3 = seed + 3, a4 = seed + 4, a5 = seed + 5;
  let a6 = seed + 6, a7 = seed + 7, a8 = seed + 8, a9 = seed + 9, a10 = seed + 10, a11 = seed + 11;
  for (let t = 0; t < iterations; t++) {
    a0 = a0 * m + c; a1 = a1 * m + c; a2 = a2 * m + c; a3 = a3 * m + c;
    a4 = a4 * m + c; a5 = a5 * m + c; a6 = a6 * m + c; a7 = a7 * m + c;
    a8 = a8 * m + c; a9 = a9 * m + c; a10 = a10 * m + c; a11 = a11 * m + c;
  }
  return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
}
