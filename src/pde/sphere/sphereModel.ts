// The reduced dynamics of Mahankali et al. (2023) on the sphere as a MomentModel: x ~ Unif(S^{d-1}), y = h(<q*, x>),
// f(x) = (c/N) sum_i sigma(<u_i, x>) with unit u_i trained by projected gradient flow (velocity
// -N grad, mean-field time) and the second layer fixed at a_i = c (c = 1 in Mahankali et al. 2023). For a law
// of u that is invariant under rotations fixing q*, only w = <q*, u> matters: with sigma and h
// truncated to degrees <= K,
//   D_k = c sigma_k E[P_{k,d}(w)] - h_k,   loss = 1/2 sum_{k<=K} D_k^2 / N(d,k) + 1/2 tail_h,
//   v(w) = -(1 - w^2) sum_{k=1}^K c sigma_k D_k P'_{k,d}(w) / N(d,k)
// (docs/conventions.md), tail_h = E[h^2] - sum_{k<=K} h_k^2 / N(d,k) the part of the target no degree <= K
// reaches. Degree 0 does not move w, so the moments are k = 1..K and D_0 = c sigma_0 - h_0 sits in
// the loss offset. Degrees of sigma above K are dropped: the PDE is that of the truncated
// activation, exact for polynomial activations of degree <= K (the quartic of Mahankali et al. 2023).

import { parseActivation, type ActivationSpec } from "../../activation/spec.js";
import { SphereSingleIndexPopulation } from "../../population/sphereSingleIndex.js";
import { derivativeFactor, fillGegenbauer, sphericalHarmonicsDim } from "../../special/gegenbauer.js";
import { checkCount, checkFiniteNumber } from "../../argumentChecks.js";
import type { MomentModel } from "../grid/momentModel.js";

/**
 * The sphere PDE's physics: dimension d, student activation, link, scaling; the Legendre P_{k,d} coefficients
 * (P(1) = 1) of both define the velocity.
 */
export interface SphereModelOptions {
  d: number;
  /** sigma (an activation spec; convert a config's link-style activation with linkToActivation). */
  activation: ActivationSpec;
  /** h, as an activation spec (linkToActivation(task.link, d)). */
  link: ActivationSpec;
  /** K. Default: the larger polynomial degree when both are polynomials, else the first degree
   * where both relative Parseval tails fall below `tolerance`. */
  degree?: number;
  /** Relative Parseval tail that picks K when `degree` is not given (default 1e-10). */
  tolerance?: number;
  /** Largest K considered when `degree` is not given (default 40). */
  maxDegree?: number;
  /** c, the fixed second-layer weight (default 1). */
  secondLayer?: number;
}

/**
 * The MomentModel of the sphere PDE: by symmetry the velocity of w = <u, q> depends only on the Legendre moments
 * D_k = E[P_{k,d}(w)], truncated at degree K.
 */
export class SphereModel implements MomentModel {
  readonly interval = [-1, 1] as const;
  readonly d: number;
  /** K. */
  readonly degree: number;
  readonly count: number;
  /** sigma_k and h_k, k = 0..K (sum_k sigma_k P_{k,d} = sigma up to degree K). */
  readonly activationCoefficients: Float64Array;
  readonly linkCoefficients: Float64Array;
  /** Parseval tails beyond K: E[sigma^2] - sum_{k<=K} sigma_k^2/N(d,k), and the same for h. */
  readonly activationTail: number;
  readonly linkTail: number;
  readonly secondLayer: number;
  /** N(d,k), k = 0..K. */
  readonly harmonics: Float64Array;
  readonly weights: Float64Array;
  readonly targets: Float64Array;
  readonly lossWeights: Float64Array;
  readonly lossOffset: number;
  readonly cellOrder: number;
  /** Degree-0 residual D_0 = c sigma_0 - h_0, constant in time. */
  readonly constantResidual: number;
  /**
   * Why the truncation at K misses the requested tolerance, one line per function (empty when it
   * meets it or K was given): a non-polynomial sigma or h whose relative Parseval tail at
   * maxDegree is still above `tolerance` (ReLU at K = 40 leaves about 6e-5), so the PDE solved is
   * that of the truncated functions.
   */
  readonly warnings: string[];
  private readonly scratch: Float64Array;

  constructor(options: SphereModelOptions) {
    const { d, activation, link } = options;
    checkCount("d (input dimension)", d, 2);
    const c = options.secondLayer ?? 1;
    checkFiniteNumber("secondLayer", c);
    let population: SphereSingleIndexPopulation;
    let tolerance = 0;
    if (options.degree !== undefined) {
      checkCount("degree", options.degree, 1);
      // Tolerance 0 never stops early: the expansion runs to maxDegree = degree.
      population = new SphereSingleIndexPopulation({ d, activation, link, tolerance: 0, maxDegree: options.degree });
    } else {
      const polynomialDegree = (spec: ActivationSpec) => {
        const parsed = parseActivation(spec);
        return parsed.kind === "polynomial" ? parsed.coefficients.length - 1 : null;
      };
      const ps = polynomialDegree(activation);
      const ph = polynomialDegree(link);
      const maxDegree = ps !== null && ph !== null ? Math.max(1, ps, ph) : (options.maxDegree ?? 40);
      tolerance = ps !== null && ph !== null ? 0 : (options.tolerance ?? 1e-10);
      population = new SphereSingleIndexPopulation({ d, activation, link, tolerance, maxDegree });
    }
    const K = Math.max(1, population.degree);
    this.warnings = tolerance > 0 ? truncationWarnings(population, tolerance) : [];
    this.d = d;
    this.degree = K;
    this.count = K;
    this.secondLayer = c;
    this.activationCoefficients = padded(population.activationCoefficients, K);
    this.linkCoefficients = padded(population.linkCoefficients, K);
    this.activationTail = population.activationTail;
    this.linkTail = population.linkTail;
    this.harmonics = Float64Array.from({ length: K + 1 }, (_, k) => sphericalHarmonicsDim(d, k));
    this.weights = new Float64Array(K);
    this.targets = new Float64Array(K);
    this.lossWeights = new Float64Array(K);
    for (let k = 1; k <= K; k++) {
      this.weights[k - 1] = c * this.activationCoefficients[k]!;
      this.targets[k - 1] = this.linkCoefficients[k]!;
      this.lossWeights[k - 1] = 1 / this.harmonics[k]!;
    }
    this.constantResidual = c * this.activationCoefficients[0]! - this.linkCoefficients[0]!;
    this.lossOffset = 0.5 * this.constantResidual ** 2 + 0.5 * this.linkTail;
    // Gauss with n nodes is exact to degree 2n - 1 >= K.
    this.cellOrder = Math.ceil((K + 1) / 2);
    this.scratch = new Float64Array(K + 1);
  }

  /** P_{1,d}(w) .. P_{K,d}(w). */
  basis(w: number, out: Float64Array): void {
    fillGegenbauer(this.scratch, 0, this.degree, this.d, w);
    for (let k = 1; k <= this.degree; k++) out[k - 1] = this.scratch[k]!;
  }

  /** c sigma_k (1 - w^2) P'_{k,d}(w) / N(d,k), k = 1..K, with P'_{k,d} = k(k+d-2)/(d-1) P_{k-1,d+2}. */
  transport(w: number, out: Float64Array): void {
    const { d, degree } = this;
    fillGegenbauer(this.scratch, 0, degree - 1, d + 2, w);
    const tangent = 1 - w * w;
    for (let k = 1; k <= degree; k++) {
      out[k - 1] = (this.weights[k - 1]! * tangent * derivativeFactor(k, d) * this.scratch[k - 1]!) / this.harmonics[k]!;
    }
  }
}

/** One line per function whose relative tail at the population's last degree exceeds `tolerance`. */
function truncationWarnings(population: SphereSingleIndexPopulation, tolerance: number): string[] {
  const parts = [
    ["activation", population.activationTail, population.activationSquare],
    ["link", population.linkTail, population.linkSquare],
  ] as const;
  return parts
    .filter(([, tail, square]) => tail > tolerance * square)
    .map(
      ([name, tail, square]) =>
        `sphere PDE: the Legendre series of the ${name} stops at degree ${population.degree} with relative tail ` +
        `${(tail / square).toExponential(1)} (E[${name}^2] - sum_k c_k^2 / N(d,k) = ${tail.toExponential(1)}), above the ` +
        `requested ${tolerance.toExponential(0)}: the PDE is that of the ${name} truncated at that degree (raise maxDegree, or give degree)`,
    );
}

function padded(c: Float64Array, K: number): Float64Array {
  const out = new Float64Array(K + 1);
  out.set(c.subarray(0, K + 1));
  return out;
}
