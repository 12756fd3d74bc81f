// The elementwise step of the blocked pair sums of the sphere population loss
// (src/population/spherePairSums.ts): a zonal series S(t) = sum_k c_k P_{k,d}(t) and S'(t) at
// every entry of a block of Gram rows rho[r, j] = <w_{i0+r}, w_j>, reduced against a on the fly.
//
// Each entry runs the recurrence of src/special/gegenbauerSeries.ts with the same operations in
// the same order, so S and S' equal the TypeScript values bit for bit; only the sums over j
// differ in order. The per-degree constants of the recurrence, a division among them, are
// computed once by the caller rather than per entry: `series` holds c_0, c_1 (0 when K = 0), then for each
// k = 1 .. K-1 the step (2k+d-2, k, 1/(k+d-2), c_{k+1}). The SIMD build takes four entries
// (two f64x2) per pass; the scalar build and the tails go one entry at a time. No allocation.

@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Round-off can put a dot product of unit vectors a hair outside [-1, 1]. */
@inline function clampUnit(t: f64): f64 {
  return t > 1.0 ? 1.0 : t < -1.0 ? -1.0 : t;
}

/** End of the recurrence steps of a series of count coefficients (none below degree 2). */
@inline function stepsEnd(series: usize, count: i32): usize {
  return series + 16 + (count > 2 ? <usize>(count - 2) << 5 : 0);
}

/** Returns S(t_j) a_j and overwrites the entry t_j at p with S'(t_j) a_j. */
@inline function seriesEntry(series: usize, count: i32, p: usize, aj: f64): f64 {
  const t = clampUnit(load<f64>(p));
  const c1 = load<f64>(series, 8);
  let p0: f64 = 1.0, p1 = t;
  let dp0: f64 = 0.0, dp1: f64 = 1.0;
  let value = load<f64>(series) + c1 * p1;
  let derivative = 0.0 + c1;
  const end = stepsEnd(series, count);
  for (let step = series + 16; step < end; step += 32) {
    const a = load<f64>(step);
    const k = load<f64>(step, 8);
    const inv = load<f64>(step, 16);
    const p2 = (a * t * p1 - k * p0) * inv;
    const dp2 = (a * (p1 + t * dp1) - k * dp0) * inv;
    p0 = p1;
    dp0 = dp1;
    p1 = p2;
    dp1 = dp2;
    const ck = load<f64>(step, 24);
    value += ck * p2;
    derivative += ck * dp2;
  }
  store<f64>(p, derivative * aj);
  return value * aj;
}

/** sum_{j0 <= j < j1} S(t_j) a_j over one row, overwriting each t_j with S'(t_j) a_j. */
function seriesSpan(series: usize, count: i32, a: usize, row: usize, j0: i32, j1: i32): f64 {
  let j = j0;
  let s: f64 = 0.0;
  if (ASC_FEATURE_SIMD) {
    const one = f64x2.splat(1.0);
    const minusOne = f64x2.splat(-1.0);
    const zero = f64x2.splat(0.0);
    const c0 = v128.load64_splat(series);
    const c1 = v128.load64_splat(series, 8);
    const end = stepsEnd(series, count);
    let acc0 = zero, acc1 = zero;
    for (; j + 4 <= j1; j += 4) {
      const off = <usize>j << 3;
      // min/max equal clampUnit on the finite inputs evaluate() admits.
      const ta = f64x2.min(f64x2.max(v128.load(row + off), minusOne), one);
      const tb = f64x2.min(f64x2.max(v128.load(row + off, 16), minusOne), one);
      let pa0 = one, pb0 = one, pa1 = ta, pb1 = tb;
      let da0 = zero, db0 = zero, da1 = one, db1 = one;
      let va = f64x2.add(c0, f64x2.mul(c1, ta));
      let vb = f64x2.add(c0, f64x2.mul(c1, tb));
      let ga = f64x2.add(zero, c1);
      let gb = ga;
      for (let step = series + 16; step < end; step += 32) {
        const ak = v128.load64_splat(step);
        const kk = v128.load64_splat(step, 8);
        const inv = v128.load64_splat(step, 16);
        const ck = v128.load64_splat(step, 24);
        const pa2 = f64x2.mul(f64x2.sub(f64x2.mul(f64x2.mul(ak, ta), pa1), f64x2.mul(kk, pa0)), inv);
        const pb2 = f64x2.mul(f64x2.sub(f64x2.mul(f64x2.mul(ak, tb), pb1), f64x2.mul(kk, pb0)), inv);
        const da2 = f64x2.mul(f64x2.sub(f64x2.mul(ak, f64x2.add(pa1, f64x2.mul(ta, da1))), f64x2.mul(kk, da0)), inv);
        const db2 = f64x2.mul(f64x2.sub(f64x2.mul(ak, f64x2.add(pb1, f64x2.mul(tb, db1))), f64x2.mul(kk, db0)), inv);
        pa0 = pa1; pb0 = pb1; pa1 = pa2; pb1 = pb2;
        da0 = da1; db0 = db1; da1 = da2; db1 = db2;
        va = f64x2.add(va, f64x2.mul(ck, pa2));
        vb = f64x2.add(vb, f64x2.mul(ck, pb2));
        ga = f64x2.add(ga, f64x2.mul(ck, da2));
        gb = f64x2.add(gb, f64x2.mul(ck, db2));
      }
      const aa = v128.load(a + off);
      const ab = v128.load(a + off, 16);
      acc0 = f64x2.add(acc0, f64x2.mul(va, aa));
      acc1 = f64x2.add(acc1, f64x2.mul(vb, ab));
      v128.store(row + off, f64x2.mul(ga, aa));
      v128.store(row + off, f64x2.mul(gb, ab), 16);
    }
    s = hsum(f64x2.add(acc0, acc1));
  }
  for (; j < j1; j++) {
    const off = <usize>j << 3;
    s += seriesEntry(series, count, row + off, load<f64>(a + off));
  }
  return s;
}

/**
 * For the rows w_{i0} .. w_{i0+rows-1} of a unit-norm w (N x d), given their Gram block
 * rho (rows x N, rho[r, j] = <w_{i0+r}, w_j>) and the series of count = K+1 coefficients:
 *   rowSums[r] = sum_j S(rho[r, j]) a_j, with `diagonal` in place of S at j = i0 + r,
 *   rho[r, j] := S'(rho[r, j]) a_j, and 0 at j = i0 + r.
 * The diagonal is taken out of the series because S(1) is only the truncated value of the
 * exact K(1) = E[sigma^2], and w_i's own S' pulls along w_i, which the tangent projection drops.
 */
export function sphereSeriesRows(
  series: usize, count: i32, diagonal: f64, a: usize, n: i32, i0: i32, rows: i32, rho: usize, rowSums: usize,
): void {
  const nBytes = <usize>n << 3;
  for (let r = 0; r < rows; r++) {
    const i = i0 + r;
    const row = rho + <usize>r * nBytes;
    const left = seriesSpan(series, count, a, row, 0, i);
    const right = seriesSpan(series, count, a, row, i + 1, n);
    const diag = <usize>i << 3;
    store<f64>(row + diag, 0.0);
    store<f64>(rowSums + (<usize>r << 3), left + diagonal * load<f64>(a + diag) + right);
  }
}
