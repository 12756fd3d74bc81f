// Exact population loss of the Mei–Montanari–Nguyen isotropic-Gaussians task: y = +1 or -1
// with probability 1/2, x | y ~ N(0, (1 + y Delta)^2 I_d), square loss 1/2 E[(y - f(x))^2] for
// f(x) = scale sum_i a_i sigma(<w_i, x>). With tau_pm = 1 pm Delta,
//   L = 1/2 - 1/2 scale sum_i a_i (E sigma(tau_+ |w_i| Z) - E sigma(tau_- |w_i| Z)) + 1/2 (S_+ + S_-)/2,
// where S_pm = E[f^2] under x ~ N(0, tau_pm^2 I): the Gaussian self term at weights tau_pm w_i.

import type { ActivationSpec } from "../activation/spec.js";
import { checkCount, checkFiniteNumber, checkNetworkArguments } from "../argumentChecks.js";
import { GaussianNeurons, rowNorms, type PopulationResult } from "./gaussianNetwork.js";

/**
 * The two-class isotropic Gaussian task of Mei, Montanari, Nguyen 2018 (standard deviations 1 +- Delta, labels
 * +-1).
 */
export interface IsotropicGaussiansSpec {
  d: number;
  activation: ActivationSpec;
  /** Delta in (0, 1): the classes have standard deviations 1 + Delta and 1 - Delta. */
  delta: number;
}

/**
 * Exact population loss and gradients of a two-layer network on MMN18's isotropic Gaussians, in our 1/2 E[(f -
 * y)^2] normalization (half MMN18's risk).
 */
export class IsotropicGaussiansPopulation {
  readonly d: number;
  readonly delta: number;
  private readonly neurons: GaussianNeurons;

  constructor(spec: IsotropicGaussiansSpec) {
    checkCount("d (input dimension)", spec.d);
    checkFiniteNumber("delta", spec.delta);
    if (!(spec.delta > 0 && spec.delta < 1)) throw new RangeError(`meanfield: delta must be in (0, 1), got ${spec.delta}`);
    this.d = spec.d;
    this.delta = spec.delta;
    this.neurons = new GaussianNeurons(spec.activation, 120);
  }

  evaluate(w: Float64Array, a: Float64Array, scale: number): PopulationResult {
    const { d } = this;
    const n = checkNetworkArguments(w, a, scale, d);
    const r = rowNorms(w, n, d, "w");
    const gradW = new Float64Array(n * d);
    const gradA = new Float64Array(n);
    let loss = 0.5;
    let bound = 0;
    for (const [tau, sign] of [[1 + this.delta, 1], [1 - this.delta, -1]] as const) {
      const scaled = w.map((v) => tau * v);
      const self = this.neurons.halfSquare(scaled, a, scale, d);
      loss += 0.5 * self.loss;
      bound += 0.5 * self.truncationBound;
      for (let k = 0; k < n * d; k++) gradW[k]! += 0.5 * tau * self.gradW[k]!;
      for (let i = 0; i < n; i++) {
        gradA[i]! += 0.5 * self.gradA[i]!;
        // The class mean E[sigma(tau |w_i| Z)] is alpha_0 at norm tau |w_i|.
        const h = this.neurons.act.hermite(tau * r[i]!, 0);
        const c = 0.5 * scale * sign;
        loss -= c * a[i]! * h.values[0]!;
        gradA[i]! -= c * h.values[0]!;
        const g = (c * a[i]! * tau * h.derivatives[0]!) / r[i]!;
        for (let k = 0; k < d; k++) gradW[i * d + k]! -= g * w[i * d + k]!;
      }
    }
    return { loss, gradW, gradA, truncationBound: bound };
  }
}
