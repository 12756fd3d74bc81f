// Legendre polynomials of dimension d (normalized Gegenbauer polynomials) and the dimension
// of the space of degree-k spherical harmonics on S^{d-1}, in the conventions of docs/conventions.md:
// P_{k,d}(1) = 1 and E_u[P_{k,d}(u_1)^2] = 1/N(d,k) for u uniform on S^{d-1}.

import { checkInteger, checkUnitInterval } from "../argumentChecks.js";

/**
 * Values P_{0,d}(t) .. P_{kmax,d}(t) written to out[offset ..]. The three-term recurrence
 * P_{k+1} = ((2k+d-2) t P_k - k P_{k-1}) / (k+d-2) has positive coefficients and no
 * binomials, so nothing overflows; for |t| inside the zeros the errors grow like the
 * polynomials themselves (both solutions of the recurrence oscillate with the same
 * amplitude) and outside them P is the dominant solution, so the error stays a few ulps
 * times k relative to the local amplitude. assembly/special.ts repeats these exact
 * operations, so the Wasm tables agree bit for bit.
 */
export function fillGegenbauer(out: Float64Array, offset: number, kmax: number, d: number, t: number): void {
  out[offset] = 1;
  if (kmax === 0) return;
  let prev = 1;
  let cur = t;
  out[offset + 1] = cur;
  for (let k = 1; k < kmax; k++) {
    const next = ((2 * k + d - 2) * t * cur - k * prev) / (k + d - 2);
    prev = cur;
    cur = next;
    out[offset + k + 1] = cur;
  }
}

function recurrence(k: number, d: number, t: number): number {
  if (k === 0) return 1;
  let prev = 1;
  let cur = t;
  for (let j = 1; j < k; j++) {
    const next = ((2 * j + d - 2) * t * cur - j * prev) / (j + d - 2);
    prev = cur;
    cur = next;
  }
  return cur;
}

/** k(k+d-2)/(d-1), the factor in P'_{k,d} = k(k+d-2)/(d-1) * P_{k-1,d+2}. */
export function derivativeFactor(k: number, d: number): number {
  return (k * (k + d - 2)) / (d - 1);
}

function checkArguments(fn: string, k: number, d: number, t: number, kName = "k"): void {
  checkInteger(fn, kName, k, 0);
  checkInteger(fn, "d", d, 2);
  checkUnitInterval(fn, "t", t);
}

/**
 * N(d, k) = (2k+d-2)/k * C(k+d-3, k-1), N(d, 0) = 1: the number of linearly independent
 * degree-k spherical harmonics on S^{d-1} (N(2, k) = 2 for k >= 1), and 1/E[P_{k,d}(u_1)^2].
 *
 * Computed in exact integer arithmetic and rounded once, so the result is the correctly
 * rounded N(d, k): exact whenever N(d, k) < 2^53, relative error <= 2^-53 otherwise, and
 * Infinity only when N(d, k) exceeds the largest double (never for k <= 30, d <= 1e5,
 * where N reaches about 1e114).
 */
export function sphericalHarmonicsDim(d: number, k: number): number {
  checkInteger("sphericalHarmonicsDim", "d", d, 2);
  checkInteger("sphericalHarmonicsDim", "k", k, 0);
  if (k === 0) return 1;
  // C(n, m) with n = (k-1) + (d-2) and m the smaller part; once m > 600, C(n, m) >= C(2m, m)
  // > 4^m / (2m+1) exceeds 2^1024 and so does N >= C.
  const m = Math.min(k - 1, d - 2);
  if (m > 600) return Infinity;
  const base = BigInt(Math.max(k - 1, d - 2));
  let binomial = 1n;
  for (let j = 1n; j <= BigInt(m); j++) {
    // binomial = C(base + j - 1, j - 1) here, so the product is divisible by j.
    binomial = (binomial * (base + j)) / j;
  }
  return Number((binomial * (2n * BigInt(k) + BigInt(d) - 2n)) / BigInt(k));
}

/**
 * P_{k,d}(t), the Legendre polynomial of degree k in dimension d: the normalized Gegenbauer
 * polynomial C_k^{(d-2)/2}(t) / C_k^{(d-2)/2}(1), with P_{k,d}(1) = 1 and
 * E_u[P_{k,d}(u_1)^2] = 1/N(d,k); d = 2 gives the Chebyshev polynomial T_k, d = 3 the
 * Legendre polynomial P_k.
 *
 * Accuracy (test/gegenbauer.test.ts, against the terminating 2F1 series at 150 digits,
 * d = 2 .. 1e5, k <= 30): the error is below 1e-14 (8.2e-15 measured) relative to the local
 * amplitude sqrt(P^2 + (1-t^2) P'^2 / (k(k+d-2))), which equals |P| at its extrema and outside
 * its zeros; as a plain relative error, below 1.5e-13 wherever |P| is at least 1% of that
 * amplitude (only next to a zero of P does the relative error grow, as for any evaluation).
 *
 * @throws RangeError unless k is an integer >= 0, d an integer >= 2 and t a number in [-1, 1].
 */
export function gegenbauer(k: number, d: number, t: number): number {
  checkArguments("gegenbauer", k, d, t);
  return recurrence(k, d, t);
}

/**
 * d/dt P_{k,d}(t) = k(k+d-2)/(d-1) * P_{k-1,d+2}(t) (0 for k = 0), evaluated with the
 * recurrence in dimension d+2, so it is as accurate as gegenbauer() (relative to the
 * derivative's own amplitude).
 */
export function gegenbauerDerivative(k: number, d: number, t: number): number {
  checkArguments("gegenbauerDerivative", k, d, t);
  if (k === 0) return 0;
  return derivativeFactor(k, d) * recurrence(k - 1, d + 2, t);
}

/** [P_{0,d}(t), ..., P_{kmax,d}(t)] from one pass of the recurrence (values as gegenbauer()). */
export function gegenbauerAll(kmax: number, d: number, t: number): Float64Array {
  checkArguments("gegenbauerAll", kmax, d, t, "kmax");
  const out = new Float64Array(kmax + 1);
  fillGegenbauer(out, 0, kmax, d, t);
  return out;
}

/** [P'_{0,d}(t), ..., P'_{kmax,d}(t)] (values as gegenbauerDerivative()). */
export function gegenbauerDerivativeAll(kmax: number, d: number, t: number): Float64Array {
  checkArguments("gegenbauerDerivativeAll", kmax, d, t, "kmax");
  const out = new Float64Array(kmax + 1);
  if (kmax === 0) return out;
  fillGegenbauer(out, 1, kmax - 1, d + 2, t);
  for (let k = 1; k <= kmax; k++) out[k] = derivativeFactor(k, d) * out[k]!;
  return out;
}
