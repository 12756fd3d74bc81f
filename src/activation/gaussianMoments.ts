// Gaussian moments of one activation at a given weight norm r: for Z ~ N(0,1),
//   alpha_k(r) = E[sigma(r Z) h_k(Z)]   (the Hermite coefficients of sigma(r .)),
//   E[sigma(r Z)^2],
// each with its derivative in r, exactly where a closed form exists:
//   polynomial: alpha_k(r) from the monomial-to-Hermite change of basis (finite, exact);
//   piecewise-linear (relu and abs included), sigma = K + s_0 t + sum_j delta_j (t - b_j)_+:
//     E[(Z - c)_+ h_0] = phi(c) - c Qc, E[(Z - c)_+ h_1] = Qc, E[(Z - c)_+ h_k] = phi(c) h_{k-2}(c)/sqrt(k(k-1))
//     (Qc = P(Z > c); Rodrigues' formula and two integrations by parts);
//   tanh, erf, sigmoid: hermiteCoefficients (composite Gauss–Legendre) with extra cuts graded
//     to the transition width 1/r, error ~1e-13 of |sigma|_2.

import { encodeActivation, parseActivation, type Activation, type ActivationSpec } from "./spec.js";
import { activationFunction, type ActivationFunction } from "./activationFunction.js";
import { hermiteCoefficients, hermiteCoefficientsOfPolynomial } from "./coefficients.js";
import { erf } from "../special/erf.js";
import { hermiteAll } from "../special/hermite.js";
import { type GaussRule } from "../special/quadrature.js";
import { gaussianRule } from "../special/expectation.js";
import { asin, exp, integerPower } from "../special/portableMath.js";

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
/** Composite rule resolution for the quadratures here: 32 panels of 16 nodes, plus the cuts. */
export const PANELS = 32;
export const ORDER = 16;

/**
 * Cuts at and around a smooth transition of width h centred at `at`, spaced geometrically
 * (h, 4h, 16h, ... up to 1) so every panel sees a function smooth on its own scale.
 */
export function gradedCuts(at: number, h: number): number[] {
  const cuts = [at];
  for (let s = h; s < 1; s *= 4) cuts.push(at - s, at + s);
  return cuts;
}

/** phi(x) = exp(-x^2/2)/sqrt(2 pi), through portableMath so Node and browsers agree bit for bit. */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * exp(-0.5 * x * x);
}

/** P(Z <= x). */
export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

/** sigma(t) = constant + slope t + sum_j jumps[j] (t - kinks[j])_+. */
export interface PiecewiseLinearForm {
  constant: number;
  slope: number;
  kinks: number[];
  jumps: number[];
}

/**
 * sigma = constant + slope t + sum_j jumps_j (t - kinks_j)_+ when the activation is piecewise linear (relu, abs,
 * ...), null otherwise: this form has exact Gaussian moments, so callers take the closed form instead of a
 * quadrature.
 */
export function piecewiseLinearForm(act: Activation): PiecewiseLinearForm | null {
  switch (act.kind) {
    case "relu":
      return { constant: 0, slope: 0, kinks: [0], jumps: [1] };
    case "abs":
      return { constant: 0, slope: -1, kinks: [0], jumps: [2] };
    case "piecewiseLinear": {
      // The Wasm encoding is already this form: [K, s_0, b_1, delta_1, ..., b_m, delta_m].
      const p = encodeActivation(act).params;
      const kinks: number[] = [];
      const jumps: number[] = [];
      for (let j = 2; j < p.length; j += 2) {
        kinks.push(p[j]!);
        jumps.push(p[j + 1]!);
      }
      return { constant: p[0]!, slope: p[1]!, kinks, jumps };
    }
    default:
      return null;
  }
}

/**
 * alpha_k(r) = E[sigma(r Z) h_k(Z)] for the normalized Hermite h_k (E[h_j h_k] = delta_jk), with r-derivatives
 * for gradients through the weight norm.
 */
export interface HermiteMoments {
  /** alpha_0(r) .. alpha_K(r). */
  values: Float64Array;
  /** d alpha_k / dr. */
  derivatives: Float64Array;
}

/**
 * E[sigma(r Z)^2] and its r-derivative: the diagonal of the population loss, computed directly rather than from
 * a truncated Hermite sum.
 */
export interface SquareMoment {
  value: number;
  dr: number;
}

function checkNorm(r: number): void {
  if (!(r > 0) || !Number.isFinite(r)) {
    throw new RangeError(`meanfield: a weight norm must be finite and > 0 for Gaussian expectations, got ${r}`);
  }
}

/** The Gaussian moments of one activation. */
export class GaussianActivation {
  readonly activation: Activation;
  /** Non-null for relu, abs and piecewise-linear activations. */
  readonly piecewise: PiecewiseLinearForm | null;
  /** Monomial coefficients for polynomial activations. */
  readonly polynomial: readonly number[] | null;

  private readonly fn: ActivationFunction;

  constructor(spec: ActivationSpec) {
    this.activation = parseActivation(spec);
    this.fn = activationFunction(spec);
    this.piecewise = piecewiseLinearForm(this.activation);
    this.polynomial = this.activation.kind === "polynomial" ? this.activation.coefficients : null;
  }

  value(t: number): number {
    return this.fn.value(t);
  }

  /** Left derivative at kinks, as the Wasm kernels. */
  derivative(t: number): number {
    return this.fn.derivative(t);
  }

  /** Cuts for quadrature in z of functions of sigma(r z): its kinks, or its transition graded at width 1/r. */
  cuts(r: number): number[] {
    if (this.piecewise) return this.piecewise.kinks.map((b) => b / r);
    if (this.polynomial) return [];
    return gradedCuts(0, 1 / r);
  }

  rule(r: number): GaussRule {
    return gaussianRule({ kinks: this.cuts(r), panels: PANELS, order: ORDER });
  }

  /** alpha_k(r) and d alpha_k/dr for k = 0..kmax. */
  hermite(r: number, kmax: number): HermiteMoments {
    checkNorm(r);
    const values = new Float64Array(kmax + 1);
    const derivatives = new Float64Array(kmax + 1);
    if (this.polynomial) {
      const c = this.polynomial;
      const scaled = c.map((ck, k) => ck * integerPower(r, k));
      const dScaled = c.map((ck, k) => (k === 0 ? 0 : k * ck * integerPower(r, k - 1)));
      const a = hermiteCoefficientsOfPolynomial(scaled);
      const da = hermiteCoefficientsOfPolynomial(dScaled);
      for (let k = 0; k <= kmax && k < a.length; k++) {
        values[k] = a[k]!;
        derivatives[k] = da[k]!;
      }
      return { values, derivatives };
    }
    const pw = this.piecewise;
    if (pw) {
      values[0] = pw.constant;
      if (kmax >= 1) {
        values[1] = pw.slope * r;
        derivatives[1] = pw.slope;
      }
      for (let j = 0; j < pw.kinks.length; j++) {
        const c = pw.kinks[j]! / r;
        const delta = pw.jumps[j]!;
        const density = normalPdf(c);
        const upper = normalCdf(-c);
        // r g_k(c) and its r-derivative g_k(c) - c g_k'(c), with c = b / r.
        values[0]! += delta * r * (density - c * upper);
        derivatives[0]! += delta * density;
        if (kmax >= 1) {
          values[1]! += delta * r * upper;
          derivatives[1]! += delta * (upper + c * density);
        }
        if (kmax >= 2) {
          const h = hermiteAll(kmax, c);
          for (let k = 2; k <= kmax; k++) {
            const g = (density * h[k - 2]!) / Math.sqrt(k * (k - 1));
            const dg = (-density * h[k - 1]!) / Math.sqrt(k);
            values[k]! += delta * r * g;
            derivatives[k]! += delta * (g - c * dg);
          }
        }
      }
      return { values, derivatives };
    }
    // d/dr E[sigma(rZ) h_k] = E[Z sigma'(rZ) h_k] = (k alpha_k + sqrt((k+1)(k+2)) alpha_{k+2}) / r,
    // from Z h_k = sqrt(k+1) h_{k+1} + sqrt(k) h_{k-1} and Gaussian integration by parts.
    const a = hermiteCoefficients((z: number) => this.fn.value(r * z), kmax + 2, { kinks: this.cuts(r) });
    for (let k = 0; k <= kmax; k++) {
      values[k] = a[k]!;
      derivatives[k] = (k * a[k]! + Math.sqrt((k + 1) * (k + 2)) * a[k + 2]!) / r;
    }
    return { values, derivatives };
  }

  /** E[sigma(r Z)^2] and its r-derivative 2 E[sigma(rZ) sigma'(rZ) Z]. */
  square(r: number): SquareMoment {
    checkNorm(r);
    const kind = this.activation.kind;
    if (kind === "relu") return { value: (r * r) / 2, dr: r };
    if (kind === "abs") return { value: r * r, dr: 2 * r };
    if (kind === "erf") {
      // E[erf(rX) erf(rY)] at correlation 1: (2/pi) asin(2r^2 / (1 + 2r^2)).
      const u = (2 * r * r) / (1 + 2 * r * r);
      const du = (4 * r) / (1 + 2 * r * r) ** 2;
      return { value: (2 / Math.PI) * asin(u), dr: ((2 / Math.PI) * du) / Math.sqrt(1 - u * u) };
    }
    if (this.polynomial) {
      const deg = this.polynomial.length - 1;
      const { values, derivatives } = this.hermite(r, deg);
      let value = 0;
      let dr = 0;
      for (let k = 0; k <= deg; k++) {
        value += values[k]! ** 2;
        dr += 2 * values[k]! * derivatives[k]!;
      }
      return { value, dr };
    }
    const { nodes, weights } = this.rule(r);
    let value = 0;
    let dr = 0;
    for (let i = 0; i < nodes.length; i++) {
      const z = nodes[i]!;
      const s = this.value(r * z);
      value += weights[i]! * s * s;
      dr += weights[i]! * 2 * s * this.derivative(r * z) * z;
    }
    return { value, dr };
  }
}
