// The radial PDE of Mei–Montanari–Nguyen (MMN18, isotropic Gaussians) as a MomentModel.
//
// Task: y = +-1 with probability 1/2, x | y ~ N(0, tau_y^2 I_d) with tau_+ = 1 + Delta and
// tau_- = 1 - Delta; network f(x) = (c/N) sum_i sigma(<w_i, x>) with the second layer fixed at
// a_i = c (c = 1 in MMN18). As d -> infinity distinct neurons are orthogonal, so with
// q_pm(r) = E sigma(tau_pm r Z), Z ~ N(0,1), the loss 1/2 E[(y - f)^2] of a law rho of r = |w| is
//   R(rho) = 1/2 + int V drho + 1/2 int int U drho drho,
//   V(r) = -E[y c sigma(<w,x>)] = -c/2 (q_+(r) - q_-(r)),   U(r, r') = c^2/2 sum_pm q_pm(r) q_pm(r'),
// and a neuron moves with velocity -N grad_w (mean-field time), dr/dt = -d_r psi(r; rho),
// psi = V + int U(., r') rho(dr'), so that d_t rho = d_r(rho d_r psi). In the moments
// Q_pm = E_rho[q_pm(r)] this is the MomentModel form with
//   D_+ = c Q_+ - 1,  D_- = c Q_- + 1,  T_pm(r) = (c/2) q_pm'(r),  v(r) = -D_+ T_+(r) - D_- T_-(r),
//   R(rho) = 1/4 (D_+^2 + D_-^2)   (expanding the squares gives the formula above).
//
// Relation to MMN18: their risk is R_MMN = E[(y - y_hat)^2] = 2 R, their SGD step
// theta <- theta + 2 s_k (y - y_hat) grad sigma with s_k = eps xi(k eps) has the limit (their eq. (13))
// d_t rho = 2 xi(t) d_r(rho d_r psi) in time t_MMN = k eps, with the same psi for c = 1. Our SGD
// step of size h (theta <- theta + h (y - f) grad sigma, time advancing by h) is theirs with
// s_k = h/2, so t = 2 int_0^{t_MMN} xi(s) ds: t = 2 t_MMN for constant xi = 1.

import { GaussianActivation } from "../../activation/gaussianMoments.js";
import type { ActivationSpec } from "../../activation/spec.js";
import { checkFiniteNumber } from "../../argumentChecks.js";
import type { MomentModel } from "../grid/momentModel.js";

/**
 * The radial mean-field model of Mei, Montanari, Nguyen 2018: isotropic Gaussian classes with standard
 * deviations 1 +- Delta, weights described by their norm r only.
 */
export interface RadialModelOptions {
  /** sigma: any activation GaussianActivation handles (closed forms for piecewise-linear ones, MMN18's). */
  activation: ActivationSpec;
  /** Delta in (0, 1). */
  delta: number;
  /** c, the fixed second-layer weight (default 1). */
  secondLayer?: number;
  /** The interval [0, rMax] of r. */
  rMax: number;
}

/** Gauss nodes per cell: q_pm are analytic for r > 0 and cells are far narrower than their scale. */
const CELL_ORDER = 4;

/**
 * The MomentModel of the radial PDE: by isotropy the velocity of a neuron depends only on r and two moments of
 * the law of r.
 */
export class RadialModel implements MomentModel {
  readonly interval: readonly [number, number];
  readonly count = 2;
  readonly weights: Float64Array;
  readonly targets = Float64Array.of(1, -1);
  readonly lossWeights = Float64Array.of(0.5, 0.5);
  readonly lossOffset = 0;
  readonly cellOrder = CELL_ORDER;
  readonly delta: number;
  readonly secondLayer: number;
  /** tau_+ = 1 + Delta, tau_- = 1 - Delta. */
  readonly scales: readonly [number, number];
  private readonly act: GaussianActivation;

  constructor(options: RadialModelOptions) {
    const { delta, rMax } = options;
    checkFiniteNumber("delta", delta);
    if (!(delta > 0 && delta < 1)) throw new RangeError(`meanfield: delta must be in (0, 1), got ${delta}`);
    checkFiniteNumber("rMax", rMax);
    if (!(rMax > 0)) throw new RangeError(`meanfield: rMax must be > 0, got ${rMax}`);
    const c = options.secondLayer ?? 1;
    checkFiniteNumber("secondLayer", c);
    this.delta = delta;
    this.secondLayer = c;
    this.interval = [0, rMax];
    this.weights = Float64Array.of(c, c);
    this.scales = [1 + delta, 1 - delta];
    this.act = new GaussianActivation(options.activation);
  }

  /**
   * q_pm(r) = E sigma(tau_pm r Z) and its r-derivative. At r = 0 (where quantile particles may
   * stop) the limit r -> 0+: the closed forms take kinks b to b / r, finite for r = 1e-300.
   */
  mean(sign: 0 | 1, r: number): { value: number; derivative: number } {
    const tau = this.scales[sign];
    const h = this.act.hermite(Math.max(tau * r, 1e-300), 0);
    return { value: h.values[0]!, derivative: tau * h.derivatives[0]! };
  }

  basis(r: number, out: Float64Array): void {
    out[0] = this.mean(0, r).value;
    out[1] = this.mean(1, r).value;
  }

  transport(r: number, out: Float64Array): void {
    const half = 0.5 * this.secondLayer;
    out[0] = half * this.mean(0, r).derivative;
    out[1] = half * this.mean(1, r).derivative;
  }
}
