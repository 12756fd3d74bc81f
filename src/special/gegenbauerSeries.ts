// Sums of normalized Gegenbauer polynomials S(t) = sum_k c_k P_{k,d}(t) and S'(t), by the
// three-term recurrence run forward once for both (no per-degree calls, no binomials).

/** Value and derivative of sum_{k=0}^{K} c[k] P_{k,d}(t); |t| <= 1, d >= 2. */
export function gegenbauerSeries(c: ArrayLike<number>, d: number, t: number): { value: number; derivative: number } {
  const kmax = c.length - 1;
  if (kmax < 0) return { value: 0, derivative: 0 };
  let p0 = 1;
  let dp0 = 0;
  let value = c[0]!;
  let derivative = 0;
  if (kmax === 0) return { value, derivative };
  let p1 = t;
  let dp1 = 1;
  value += c[1]! * p1;
  derivative += c[1]!;
  for (let k = 1; k < kmax; k++) {
    // P_{k+1} = ((2k+d-2) t P_k - k P_{k-1}) / (k+d-2), differentiated term by term.
    const a = 2 * k + d - 2;
    const inv = 1 / (k + d - 2);
    const p2 = (a * t * p1 - k * p0) * inv;
    const dp2 = (a * (p1 + t * dp1) - k * dp0) * inv;
    p0 = p1;
    dp0 = dp1;
    p1 = p2;
    dp1 = dp2;
    value += c[k + 1]! * p2;
    derivative += c[k + 1]! * dp2;
  }
  return { value, derivative };
}
