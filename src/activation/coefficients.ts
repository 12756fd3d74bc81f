// Expansion coefficients of functions in the sphere's Legendre basis P_{k,d} and in the
// normalized Hermite basis h_k, with the normalizations of docs/conventions.md:
//   f(t) = sum_k c_k P_{k,d}(t),  c_k = N(d,k) E_u[f(u_1) P_{k,d}(u_1)],  u ~ Unif(S^{d-1});
//   f(z) = sum_k a_k h_k(z),      a_k = E[f(z) h_k(z)],                  z ~ N(0,1).
// Polynomials are expanded exactly (no quadrature); everything else by the composite rules of
// expectation.ts, split at the kinks.

import { activationFunction } from "./activationFunction.js";
import { parseActivation, type ActivationSpec } from "./spec.js";
import { fillGegenbauer, sphericalHarmonicsDim } from "../special/gegenbauer.js";
import { fillHermite } from "../special/hermite.js";
import { type GaussRule } from "../special/quadrature.js";
import { DEFAULT_ORDER, gaussianRule, sphereRule } from "../special/expectation.js";
import { checkInteger, checkReal } from "../argumentChecks.js";

/** A function of one variable, or an activation spec as accepted by parseActivation. */
export type ExpandableFunction = ((t: number) => number) | ActivationSpec;

/**
 * Quadrature controls for Hermite/Legendre coefficients: kinks are panel cuts, since a composite rule converges
 * slowly across a jump in f or a derivative.
 */
export interface CoefficientOptions {
  /** Where f or a derivative jumps, in addition to the kinks of an activation spec. */
  kinks?: readonly number[];
  /** Composite-rule panels (default 32) and nodes per panel (default max(32, kmax + 8)). */
  panels?: number;
  order?: number;
}

function checkCoefficients(fn: string, coeffs: ArrayLike<number>): void {
  if (coeffs == null || typeof coeffs.length !== "number" || coeffs.length === 0) {
    throw new RangeError(`meanfield: ${fn}: coeffs must be a non-empty array of monomial coefficients c_0, c_1, ...`);
  }
  for (let j = 0; j < coeffs.length; j++) checkReal(fn, `coeffs[${j}]`, coeffs[j]!);
}

/**
 * Exact expansion sum_k c_k P_{k,d} of the polynomial sum_j coeffs[j] t^j (degree m: returns
 * c_0 .. c_m). Horner's scheme in the Legendre basis: multiplying by t maps P_k to
 * [(k+d-2) P_{k+1} + k P_{k-1}] / (2k+d-2), with nonnegative weights, so each c_k is accurate
 * to a few ulps times the degree relative to the same coefficient of sum_j |coeffs[j]| t^j
 * (a relative error <= 1e-14 whenever the monomials' contributions do not cancel; 6.5e-16
 * measured against exact rational arithmetic for d = 2 .. 1e5, degree <= 12, in
 * test/coefficients.test.ts).
 */
export function sphereCoefficientsOfPolynomial(coeffs: ArrayLike<number>, d: number): Float64Array {
  checkCoefficients("sphereCoefficientsOfPolynomial", coeffs);
  checkInteger("sphereCoefficientsOfPolynomial", "d", d, 2);
  const m = coeffs.length - 1;
  let c = new Float64Array(m + 1);
  let next = new Float64Array(m + 1);
  c[0] = coeffs[m]!;
  for (let j = m - 1; j >= 0; j--) {
    // c holds degrees 0 .. m-1-j; next = t * c + coeffs[j].
    const degree = m - 1 - j;
    next.fill(0, 0, degree + 2);
    next[1] = c[0]!;
    for (let k = 1; k <= degree; k++) {
      const denominator = 2 * k + d - 2;
      next[k + 1] = next[k + 1]! + (c[k]! * (k + d - 2)) / denominator;
      next[k - 1] = next[k - 1]! + (c[k]! * k) / denominator;
    }
    next[0] = next[0]! + coeffs[j]!;
    [c, next] = [next, c];
  }
  return c;
}

/**
 * Exact expansion sum_k a_k h_k of the polynomial sum_j coeffs[j] z^j (a_0 .. a_m), by Horner's
 * scheme with z h_k = sqrt(k+1) h_{k+1} + sqrt(k) h_{k-1}; accuracy as for
 * sphereCoefficientsOfPolynomial.
 */
export function hermiteCoefficientsOfPolynomial(coeffs: ArrayLike<number>): Float64Array {
  checkCoefficients("hermiteCoefficientsOfPolynomial", coeffs);
  const m = coeffs.length - 1;
  let c = new Float64Array(m + 1);
  let next = new Float64Array(m + 1);
  c[0] = coeffs[m]!;
  for (let j = m - 1; j >= 0; j--) {
    const degree = m - 1 - j;
    next.fill(0, 0, degree + 2);
    for (let k = 0; k <= degree; k++) {
      next[k + 1] = next[k + 1]! + c[k]! * Math.sqrt(k + 1);
      if (k > 0) next[k - 1] = next[k - 1]! + c[k]! * Math.sqrt(k);
    }
    next[0] = next[0]! + coeffs[j]!;
    [c, next] = [next, c];
  }
  return c;
}

/** An exact polynomial, or a function with its kinks for quadrature. */
type Resolved = { polynomial: number[] } | { value: (t: number) => number; kinks: number[] };

function resolve(fn: string, f: ExpandableFunction, options: CoefficientOptions): Resolved {
  const extra = options.kinks ?? [];
  if (!Array.isArray(extra)) throw new RangeError(`meanfield: ${fn}: options.kinks must be an array of finite numbers`);
  // Checked before the spec's own kinks are prepended, so the index is the caller's.
  extra.forEach((kink, i) => checkReal(fn, `options.kinks[${i}]`, kink));
  if (typeof f === "function") return { value: f as (t: number) => number, kinks: [...extra] };
  const spec = parseActivation(f, "f");
  if (spec.kind === "polynomial" && extra.length === 0) return { polynomial: spec.coefficients };
  const act = activationFunction(spec, "f");
  return { value: act.value, kinks: [...act.kinks, ...extra] };
}

function resized(c: Float64Array, kmax: number): Float64Array {
  const out = new Float64Array(kmax + 1);
  out.set(c.subarray(0, kmax + 1));
  return out;
}

/** sum_i w_i f(x_i) B_k(x_i) for k = 0 .. kmax, with `fill` writing B_0 .. B_kmax at a point. */
function project(
  rule: GaussRule,
  f: (x: number) => number,
  kmax: number,
  fill: (out: Float64Array, x: number) => void,
): Float64Array {
  const sums = new Float64Array(kmax + 1);
  const basis = new Float64Array(kmax + 1);
  for (let i = 0; i < rule.nodes.length; i++) {
    const w = rule.weights[i]!;
    // Far-tail weights underflow to 0; skipping them also keeps an f that overflows there out.
    if (w === 0) continue;
    const x = rule.nodes[i]!;
    const fw = w * f(x);
    fill(basis, x);
    for (let k = 0; k <= kmax; k++) sums[k] = sums[k]! + fw * basis[k]!;
  }
  return sums;
}

function ruleOptions(options: CoefficientOptions, kinks: number[], kmax: number) {
  return { kinks, panels: options.panels, order: options.order ?? Math.max(DEFAULT_ORDER, kmax + 8) };
}

/**
 * c_0 .. c_kmax of f(t) = sum_k c_k P_{k,d}(t) on [-1, 1], c_k = N(d,k) E_u[f(u_1) P_{k,d}(u_1)]
 * for u uniform on S^{d-1} (so sum_k c_k = f(1) for smooth f, and E[f(u_1)^2] = sum_k c_k^2/N(d,k)).
 *
 * `f` is a function or an activation spec. A polynomial spec is expanded exactly
 * (sphereCoefficientsOfPolynomial); otherwise the sphere rule (sin substitution, 32 panels of
 * max(32, kmax+8) Gauss-Legendre nodes) is split at the kinks of the spec (relu/abs at 0,
 * piecewiseLinear at its breakpoints) and at options.kinks. Accuracy for k <= 30 and d = 2 .. 1e5
 * (test/coefficients.test.ts, against exact moments at 80 digits): for relu, abs and
 * piecewise-linear f, |c_k - exact| / sqrt(N(d,k)) <= 1e-13 ||f||_{L2} (2.6e-15 measured), the
 * error of the coefficient in the orthonormal basis sqrt(N) P_k; c_k itself grows like
 * sqrt(N(d,k)), about 1e57 at d = 1e5, k = 30. Smooth f reach the same without kinks.
 */
export function sphereCoefficients(
  f: ExpandableFunction,
  d: number,
  kmax: number,
  options: CoefficientOptions = {},
): Float64Array {
  checkInteger("sphereCoefficients", "d", d, 2);
  checkInteger("sphereCoefficients", "kmax", kmax, 0);
  const resolved = resolve("sphereCoefficients", f, options);
  if ("polynomial" in resolved) return resized(sphereCoefficientsOfPolynomial(resolved.polynomial, d), kmax);
  const rule = sphereRule(d, ruleOptions(options, resolved.kinks, kmax), "sphereCoefficients");
  const sums = project(rule, resolved.value, kmax, (out, t) => fillGegenbauer(out, 0, kmax, d, t));
  for (let k = 0; k <= kmax; k++) sums[k] = sums[k]! * sphericalHarmonicsDim(d, k);
  return sums;
}

/**
 * a_0 .. a_kmax of f(z) = sum_k a_k h_k(z) in L2(N(0,1)), a_k = E[f(z) h_k(z)] (so
 * E[f^2] = sum_k a_k^2 and E[f(<u,x>) g(<v,x>)] = sum_k a_k b_k <u,v>^k for unit u, v).
 *
 * `f` is a function or an activation spec; polynomials are expanded exactly
 * (hermiteCoefficientsOfPolynomial), everything else by composite Gauss-Legendre on
 * [-37.2, 37.2] split at the kinks. Accuracy for k <= 30 (test/coefficients.test.ts, against
 * closed forms and 40-digit mpmath): |a_k - exact| <= 1e-13 ||f||_{L2} (2.5e-15 measured) for
 * relu, abs, piecewise-linear, tanh, erf and sigmoid.
 */
export function hermiteCoefficients(f: ExpandableFunction, kmax: number, options: CoefficientOptions = {}): Float64Array {
  checkInteger("hermiteCoefficients", "kmax", kmax, 0);
  const resolved = resolve("hermiteCoefficients", f, options);
  if ("polynomial" in resolved) return resized(hermiteCoefficientsOfPolynomial(resolved.polynomial), kmax);
  const rule = gaussianRule(ruleOptions(options, resolved.kinks, kmax), "hermiteCoefficients");
  return project(rule, resolved.value, kmax, (out, z) => fillHermite(out, 0, kmax, z));
}
