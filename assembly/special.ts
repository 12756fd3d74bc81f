// Tables of the sphere's Legendre polynomials P_{k,d} and the normalized Hermite polynomials
// h_k (and their derivatives) at many points, by the three-term recurrences of
// src/special/gegenbauer.ts and src/special/hermite.ts with the same operations in the same
// order, so every entry equals the TypeScript scalar function bit for bit (neither side fuses
// multiply-adds).
//
// Layout: t (or z) holds n points; out is n x (kmax+1) row-major, out[i*(kmax+1) + k] is the
// degree-k value at point i. The SIMD build runs two points per f64x2, the lanes going to two
// rows; the scalar build, and the last point when n is odd, go point by point. No allocation.
//
// A derivative table is the value recurrence one degree behind and scaled:
// P'_{k,d} = k(k+d-2)/(d-1) * P_{k-1,d+2} and h_k' = sqrt(k) h_{k-1}.

/** k(k+D-2)/(D-1), evaluated as in src/special/gegenbauer.ts. */
@inline function gegenbauerFactor(k: i32, dim: f64): f64 {
  return (<f64>k * (<f64>k + dim - 2.0)) / (dim - 1.0);
}

/**
 * Q_0 .. Q_{count-1} of the recurrence in dimension dim at t, written to dst[j] as
 * Q_j * gegenbauerFactor(j+1, factorDim) when factorDim > 0, else as Q_j.
 */
function gegenbauerRun(count: i32, dim: f64, t: f64, dst: usize, factorDim: f64): void {
  const scaled = factorDim > 0.0;
  let prev: f64 = 1.0;
  let cur: f64 = t;
  store<f64>(dst, scaled ? gegenbauerFactor(1, factorDim) * prev : prev);
  if (count == 1) return;
  store<f64>(dst, scaled ? gegenbauerFactor(2, factorDim) * cur : cur, 8);
  for (let k = 1; k + 1 < count; k++) {
    const next = ((<f64>(2 * k) + dim - 2.0) * t * cur - <f64>k * prev) / (<f64>k + dim - 2.0);
    prev = cur;
    cur = next;
    store<f64>(dst + (<usize>(k + 1) << 3), scaled ? gegenbauerFactor(k + 2, factorDim) * cur : cur);
  }
}

@inline function storePair(row0: usize, row1: usize, offset: usize, v: v128): void {
  v128.store64_lane(row0 + offset, v, 0);
  v128.store64_lane(row1 + offset, v, 1);
}

/** gegenbauerRun for the two points in the lanes of t, into dst0 and dst1. */
function gegenbauerRunPair(count: i32, dim: f64, t: v128, dst0: usize, dst1: usize, factorDim: f64): void {
  const scaled = factorDim > 0.0;
  let prev = f64x2.splat(1.0);
  let cur = t;
  storePair(dst0, dst1, 0, scaled ? f64x2.mul(f64x2.splat(gegenbauerFactor(1, factorDim)), prev) : prev);
  if (count == 1) return;
  storePair(dst0, dst1, 8, scaled ? f64x2.mul(f64x2.splat(gegenbauerFactor(2, factorDim)), cur) : cur);
  for (let k = 1; k + 1 < count; k++) {
    const a = f64x2.splat(<f64>(2 * k) + dim - 2.0);
    const next = f64x2.div(
      f64x2.sub(f64x2.mul(f64x2.mul(a, t), cur), f64x2.mul(f64x2.splat(<f64>k), prev)),
      f64x2.splat(<f64>k + dim - 2.0),
    );
    prev = cur;
    cur = next;
    const v = scaled ? f64x2.mul(f64x2.splat(gegenbauerFactor(k + 2, factorDim)), cur) : cur;
    storePair(dst0, dst1, <usize>(k + 1) << 3, v);
  }
}

/** sqrt(k) h_{k-1} scaling of the Hermite run (see gegenbauerRun). */
function hermiteRun(count: i32, z: f64, dst: usize, scaled: bool): void {
  let prev: f64 = 1.0;
  let cur: f64 = z;
  store<f64>(dst, scaled ? Math.sqrt(1.0) * prev : prev);
  if (count == 1) return;
  store<f64>(dst, scaled ? Math.sqrt(2.0) * cur : cur, 8);
  for (let k = 1; k + 1 < count; k++) {
    const next = (z * cur - Math.sqrt(<f64>k) * prev) / Math.sqrt(<f64>(k + 1));
    prev = cur;
    cur = next;
    store<f64>(dst + (<usize>(k + 1) << 3), scaled ? Math.sqrt(<f64>(k + 2)) * cur : cur);
  }
}

function hermiteRunPair(count: i32, z: v128, dst0: usize, dst1: usize, scaled: bool): void {
  let prev = f64x2.splat(1.0);
  let cur = z;
  storePair(dst0, dst1, 0, scaled ? f64x2.mul(f64x2.splat(Math.sqrt(1.0)), prev) : prev);
  if (count == 1) return;
  storePair(dst0, dst1, 8, scaled ? f64x2.mul(f64x2.splat(Math.sqrt(2.0)), cur) : cur);
  for (let k = 1; k + 1 < count; k++) {
    const next = f64x2.div(
      f64x2.sub(f64x2.mul(z, cur), f64x2.mul(f64x2.splat(Math.sqrt(<f64>k)), prev)),
      f64x2.splat(Math.sqrt(<f64>(k + 1))),
    );
    prev = cur;
    cur = next;
    const v = scaled ? f64x2.mul(f64x2.splat(Math.sqrt(<f64>(k + 2))), cur) : cur;
    storePair(dst0, dst1, <usize>(k + 1) << 3, v);
  }
}

// kind: 0 Legendre values, 1 Legendre derivatives, 2 Hermite values, 3 Hermite derivatives.
function table(kind: i32, kmax: i32, d: f64, x: usize, n: i32, out: usize): void {
  const stride = <usize>(kmax + 1) << 3;
  const derivative = (kind & 1) != 0;
  // A derivative row is 0 followed by the scaled run of kmax values.
  const count = derivative ? kmax : kmax + 1;
  const skip: usize = derivative ? 8 : 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= n; i += 2) {
      const row0 = out + <usize>i * stride;
      const row1 = row0 + stride;
      const points = v128.load(x + (<usize>i << 3));
      if (derivative) {
        store<f64>(row0, 0.0);
        store<f64>(row1, 0.0);
      }
      if (count == 0) continue;
      if (kind < 2) gegenbauerRunPair(count, derivative ? d + 2.0 : d, points, row0 + skip, row1 + skip, derivative ? d : 0.0);
      else hermiteRunPair(count, points, row0 + skip, row1 + skip, derivative);
    }
  }
  for (; i < n; i++) {
    const row = out + <usize>i * stride;
    const point = load<f64>(x + (<usize>i << 3));
    if (derivative) store<f64>(row, 0.0);
    if (count == 0) continue;
    if (kind < 2) gegenbauerRun(count, derivative ? d + 2.0 : d, point, row + skip, derivative ? d : 0.0);
    else hermiteRun(count, point, row + skip, derivative);
  }
}

/** out (n x (kmax+1)): P_{k,d}(t_i), k = 0 .. kmax. The caller guarantees d >= 2 and |t_i| <= 1. */
export function gegenbauerTable(kmax: i32, d: f64, t: usize, n: i32, out: usize): void {
  table(0, kmax, d, t, n, out);
}

/** out (n x (kmax+1)): P'_{k,d}(t_i) = k(k+d-2)/(d-1) P_{k-1,d+2}(t_i), 0 for k = 0. */
export function gegenbauerDerivativeTable(kmax: i32, d: f64, t: usize, n: i32, out: usize): void {
  table(1, kmax, d, t, n, out);
}

/** out (n x (kmax+1)): h_k(z_i) = He_k(z_i) / sqrt(k!), k = 0 .. kmax. */
export function hermiteTable(kmax: i32, z: usize, n: i32, out: usize): void {
  table(2, kmax, 0.0, z, n, out);
}

/** out (n x (kmax+1)): h_k'(z_i) = sqrt(k) h_{k-1}(z_i), 0 for k = 0. */
export function hermiteDerivativeTable(kmax: i32, z: usize, n: i32, out: usize): void {
  table(3, kmax, 0.0, z, n, out);
}
