// Two-sided quantiles of Student's t with an integer number of degrees of freedom, for confidence
// intervals over a few seeds. For integer nu, P(|T| <= t) is a finite trigonometric sum in
// theta = atan(t / sqrt(nu)) (Abramowitz & Stegun 26.7.3-4), so no incomplete beta function is
// needed; the quantile is found by bisection on that monotone function.

import { checkInteger } from "../argumentChecks.js";
import { atan, cos, sin } from "./portableMath.js";

/** P(|T| <= t) for T ~ Student t with nu degrees of freedom (t >= 0). */
export function studentTCentralProbability(t: number, nu: number): number {
  checkInteger("studentTCentralProbability", "nu", nu, 1);
  const theta = atan(t / Math.sqrt(nu));
  const s = sin(theta);
  const c2 = cos(theta) ** 2;
  if (nu % 2 === 0) {
    // sin(theta) (1 + 1/2 cos^2 + (1 3)/(2 4) cos^4 + ... up to cos^(nu-2))
    let term = 1;
    let sum = 1;
    for (let k = 2; k <= nu - 2; k += 2) {
      term *= ((k - 1) / k) * c2;
      sum += term;
    }
    return s * sum;
  }
  if (nu === 1) return (2 / Math.PI) * theta;
  // (2/pi) (theta + sin(theta) cos(theta) (1 + 2/3 cos^2 + (2 4)/(3 5) cos^4 + ... up to cos^(nu-3)))
  let term = 1;
  let sum = 1;
  for (let k = 3; k <= nu - 2; k += 2) {
    term *= ((k - 1) / k) * c2;
    sum += term;
  }
  return (2 / Math.PI) * (theta + s * cos(theta) * sum);
}

/** The t with P(|T| <= t) = level, e.g. level 0.95 gives the half-width factor of a 95% interval. */
export function studentTTwoSidedQuantile(level: number, nu: number): number {
  checkInteger("studentTTwoSidedQuantile", "nu", nu, 1);
  if (!(level > 0 && level < 1)) throw new RangeError(`studentTTwoSidedQuantile: level must be in (0, 1), got ${level}`);
  let lo = 0;
  let hi = 1;
  while (studentTCentralProbability(hi, nu) < level) hi *= 2;
  // Bisection to the last bit: the interval halves until its midpoint is one of its ends.
  for (;;) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) return hi;
    if (studentTCentralProbability(mid, nu) < level) lo = mid;
    else hi = mid;
  }
}
