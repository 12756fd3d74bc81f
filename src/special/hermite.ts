// Normalized probabilists' Hermite polynomials h_k = He_k / sqrt(k!), the orthonormal basis
// of L2(N(0,1)) in the conventions of docs/conventions.md: E[h_k(z) h_l(z)] = delta_kl for z ~ N(0,1).

import { checkInteger, checkReal } from "../argumentChecks.js";

/**
 * Values h_0(z) .. h_kmax(z) written to out[offset ..] by
 * h_{k+1} = (z h_k - sqrt(k) h_{k-1}) / sqrt(k+1): no factorials, so nothing overflows
 * before h_k itself does, and inside the oscillatory region |z| < 2 sqrt(k) the error grows
 * like the polynomials (a few ulps times k relative to the local amplitude).
 * assembly/special.ts repeats these exact operations.
 */
export function fillHermite(out: Float64Array, offset: number, kmax: number, z: number): void {
  out[offset] = 1;
  if (kmax === 0) return;
  let prev = 1;
  let cur = z;
  out[offset + 1] = cur;
  for (let k = 1; k < kmax; k++) {
    const next = (z * cur - Math.sqrt(k) * prev) / Math.sqrt(k + 1);
    prev = cur;
    cur = next;
    out[offset + k + 1] = cur;
  }
}

function recurrence(k: number, z: number): number {
  if (k === 0) return 1;
  let prev = 1;
  let cur = z;
  for (let j = 1; j < k; j++) {
    const next = (z * cur - Math.sqrt(j) * prev) / Math.sqrt(j + 1);
    prev = cur;
    cur = next;
  }
  return cur;
}

/**
 * h_k(z) = He_k(z) / sqrt(k!), with E[h_k h_l] = delta_kl under N(0,1) (h_0 = 1, h_1 = z,
 * h_2 = (z^2 - 1)/sqrt(2)).
 *
 * Accuracy (test/hermite.test.ts, against 50-digit mpmath, k <= 40, |z| <= 12): error below
 * 1e-14 (3.9e-15 measured) relative to the local amplitude sqrt(h_k^2 + h_k'^2 / k), which
 * equals |h_k| at its extrema and beyond its zeros, i.e. a relative error except next to a zero.
 *
 * @throws RangeError unless k is an integer >= 0 and z a finite number.
 */
export function hermite(k: number, z: number): number {
  checkInteger("hermite", "k", k, 0);
  checkReal("hermite", "z", z);
  return recurrence(k, z);
}

/** h_k'(z) = sqrt(k) h_{k-1}(z) (0 for k = 0); accurate like hermite(). */
export function hermiteDerivative(k: number, z: number): number {
  checkInteger("hermiteDerivative", "k", k, 0);
  checkReal("hermiteDerivative", "z", z);
  if (k === 0) return 0;
  return Math.sqrt(k) * recurrence(k - 1, z);
}

/** [h_0(z), ..., h_kmax(z)] from one pass of the recurrence (values as hermite()). */
export function hermiteAll(kmax: number, z: number): Float64Array {
  checkInteger("hermiteAll", "kmax", kmax, 0);
  checkReal("hermiteAll", "z", z);
  const out = new Float64Array(kmax + 1);
  fillHermite(out, 0, kmax, z);
  return out;
}
