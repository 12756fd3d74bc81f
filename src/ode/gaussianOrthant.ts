// Orthant probabilities P(x_1 > 0, ..., x_m > 0) of a zero-mean Gaussian, m <= 4: the leaves of
// the ReLU field averages (reluIntegrals.ts). For m <= 3 they are Sheppard's closed forms; for
// m = 4 no closed form in elementary functions exists for a general correlation, and Plackett's
// reduction (Plackett 1954) writes it as a 1-D integral of a closed-form integrand: along the
// path R(t) = (1 - t) I + t R of correlation matrices,
//   dP/dt = sum_{i<j} ρ_ij φ2(0, 0; t ρ_ij) P(x_k > 0, x_l > 0 | x_i = x_j = 0; R(t)),
// the last factor a bivariate orthant probability of the conditional law (again zero-mean), and
// P(R(0)) = 1/16. R(t) is positive definite on [0, 1], so the integrand is analytic there; it is
// singular only at t >= 1 (where R(t) or a 2 x 2 block becomes singular) or t < 0, and near t = 1
// when R is nearly singular, where the integrand behaves like 1 / sqrt(1 - t): the substitution
// t = 1 - s² makes that smooth, and adaptive Gauss–Legendre in s resolves what is left.

import { asin } from "../special/portableMath.js";
import { gaussLegendre } from "../special/quadrature.js";

const INV_TWO_PI = 1 / (2 * Math.PI);
const INV_FOUR_PI = 1 / (4 * Math.PI);

/** Nodes of the panel rule and the local error each panel of length h must reach (times h). */
const PANEL_NODES = 12;
const PANEL_TOLERANCE = 1e-14;
const ROUNDING = 1e-16;
const MAX_DEPTH = 12;
const panel = gaussLegendre(PANEL_NODES);
/** A finer rule on the whole of [0, 1] that settles a well-conditioned R at once. */
const whole = gaussLegendre(20);

/** asin of a correlation that rounding may have pushed just past ±1. */
function asinClamped(r: number): number {
  return asin(r > 1 ? 1 : r < -1 ? -1 : r);
}

/** Bivariate orthant probability at correlation ρ (Sheppard): 1/4 + asin(ρ) / (2π). */
export function orthant2(rho: number): number {
  return 0.25 + asinClamped(rho) * INV_TWO_PI;
}

/** Index pairs (i, j) of 4 variables with their complements (k, l). */
const PAIRS: readonly (readonly [number, number, number, number])[] = [
  [0, 1, 2, 3],
  [0, 2, 1, 3],
  [0, 3, 1, 2],
  [1, 2, 0, 3],
  [1, 3, 0, 2],
  [2, 3, 0, 1],
];

/** Plackett's integrand dP/dt at t for the correlation matrix r (4 x 4, row-major). */
function plackettIntegrand(r: Float64Array, t: number): number {
  let sum = 0;
  for (const [i, j, k, l] of PAIRS) {
    const rij = t * r[i * 4 + j]!;
    if (rij === 0) continue;
    const det = 1 - rij * rij;
    const rki = t * r[k * 4 + i]!;
    const rkj = t * r[k * 4 + j]!;
    const rli = t * r[l * 4 + i]!;
    const rlj = t * r[l * 4 + j]!;
    // Conditional covariance of (x_k, x_l) given x_i = x_j = 0, times det (the factor cancels in the correlation).
    const skk = det - (rki * rki - 2 * rij * rki * rkj + rkj * rkj);
    const sll = det - (rli * rli - 2 * rij * rli * rlj + rlj * rlj);
    const skl = t * r[k * 4 + l]! * det - (rki * rli - rij * (rki * rlj + rkj * rli) + rkj * rlj);
    const denominator = Math.sqrt(Math.max(skk, 0) * Math.max(sll, 0));
    const conditional = denominator > 0 ? orthant2(skl / denominator) : 0.25;
    sum += ((r[i * 4 + j]! * INV_TWO_PI) / Math.sqrt(det)) * conditional;
  }
  return sum;
}

/** ∫ over s in [a, b] of the integrand at t = 1 - s², times |dt/ds| = 2s. */
function panelIntegral(r: Float64Array, a: number, b: number, rule = panel): number {
  const half = 0.5 * (b - a);
  const mid = 0.5 * (a + b);
  let sum = 0;
  for (let q = 0; q < rule.nodes.length; q++) {
    const s = mid + half * rule.nodes[q]!;
    sum += rule.weights[q]! * 2 * s * plackettIntegrand(r, 1 - s * s);
  }
  return half * sum;
}

/**
 * ∫_a^b by bisection until a panel and its two halves agree to PANEL_TOLERANCE (b - a), or to
 * ROUNDING (the differences left are rounding errors of the integrand near a singular R).
 */
function adaptive(r: Float64Array, a: number, b: number, whole: number, depth: number): number {
  const mid = 0.5 * (a + b);
  const left = panelIntegral(r, a, mid);
  const right = panelIntegral(r, mid, b);
  const change = Math.abs(left + right - whole);
  if (change <= PANEL_TOLERANCE * (b - a) || change <= ROUNDING || depth >= MAX_DEPTH) return left + right;
  return adaptive(r, a, mid, left, depth + 1) + adaptive(r, mid, b, right, depth + 1);
}

/**
 * P(x > 0) for x ~ N(0, C), C an m x m covariance (row-major), m <= 4, every variance positive.
 * Exact formulas for m <= 3; for m = 4 Plackett's 1-D integral: 12- and 20-point Gauss–Legendre
 * on the whole interval when they agree to 1e-14, else adaptive 12-point panels (local error
 * below 1e-14 per unit length, at most 12 bisections). Error (test/odeRelu.test.ts, against
 * 30-digit mpmath): below 2e-14 while the smallest eigenvalue of the correlation matrix exceeds
 * ~1e-8; nearer to singular the rounded input itself fixes P only to ~1e-16 / sqrt(λ_min), and the
 * bisection cap gives errors up to 1e-10 at λ_min ~ 1e-10. 1/5 at equicorrelation 1/2 and the
 * m = 3 formula with an independent fourth variable hold to 1e-16.
 */
export function orthantProbability(c: Float64Array, m: number): number {
  if (m === 0) return 1;
  if (m === 1) return 0.5;
  const rho = (i: number, j: number) => c[i * m + j]! / Math.sqrt(c[i * m + i]! * c[j * m + j]!);
  if (m === 2) return orthant2(rho(0, 1));
  if (m === 3) return 0.125 + (asinClamped(rho(0, 1)) + asinClamped(rho(0, 2)) + asinClamped(rho(1, 2))) * INV_FOUR_PI;
  if (m !== 4) throw new RangeError(`meanfield: orthantProbability: at most 4 variables, got ${m}`);
  const r = new Float64Array(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) r[i * 4 + j] = i === j ? 1 : rho(i, j);
  const coarse = panelIntegral(r, 0, 1);
  const fine = panelIntegral(r, 0, 1, whole);
  return 0.0625 + (Math.abs(fine - coarse) <= PANEL_TOLERANCE ? fine : adaptive(r, 0, 1, coarse, 0));
}
