// The exact population risk of a network on MMN18's isotropic Gaussians, loss only, fast enough to
// log a width-800, d = 320 SGD run tens of times (the population metric also builds the N x d
// gradient over pairs, about 20 s a record there).
//
// y = +-1 with probability 1/2, x | y ~ N(0, tau_y^2 I_d), tau_pm = 1 pm Delta, f(x) = (c/N) sum_i
// sigma(<w_i, x>). With u_i = w_i/|w_i|, rho_ij = <u_i, u_j> and alpha_k(s) = E[sigma(sZ) h_k(Z)]
// (normalized Hermite h_k), Mehler's formula gives
//   E_tau[sigma(<w_i,x>) sigma(<w_j,x>)] = sum_k alpha_k(tau r_i) alpha_k(tau r_j) rho_ij^k,
// and R = 1/2 E[(y - f)^2] = 1/2 - 1/2 (m_+ - m_-) + 1/4 (S_+ + S_-), m_pm = (c/N) sum_i alpha_0(tau_pm r_i),
// S_pm = E_tau f^2. The series stops at degree K; its tail is at most |rho|^(K+1) sqrt(t_i t_j), t_i =
// E sigma^2 - sum_{k <= K} alpha_k^2, and pairs whose bound exceeds PAIR_TOLERANCE (rare: random directions in
// d = 320 have |rho| ~ 0.06) take the closed-form pair moment instead.

import type { ActivationSpec } from "../activation/spec.js";
import { integerPower } from "../special/portableMath.js";
import { GaussianNeurons } from "../population/gaussianNetwork.js";
import type { NeuronState } from "../activation/gaussianPair.js";

/** Mehler series degree. */
const DEGREE = 100;
/**
 * Pairs whose series tail bound exceeds this take the closed-form pair moment (slow: quadrature).
 * Near w = 0 (kappa = 0.1) SGD's common-mode noise aligns neurons, but their tails t_i are then
 * tiny, so the series still serves; the risk's bound is at most 1/2 of this tolerance.
 */
const PAIR_TOLERANCE = 1e-9;
/** Norms below this are taken as this (the closed forms need r > 0; sigma(rZ) is then sigma(0) to 1e-300). */
const TINY_NORM = 1e-300;

/** The population risk of one network on the isotropic Gaussians, with its truncation bound. */
export interface IsotropicRisk {
  /** 1/2 E[(y - f)^2] (MMN18's risk is twice this). */
  risk: number;
  /** Bound on |risk - exact| from the truncated series. */
  bound: number;
  /** Mean |w_i|. */
  meanNorm: number;
}

/**
 * Exact population risk 1/2 E[(y - f)^2] of f = (c/N) Σ σ(<w_i, x>) on MMN18's isotropic Gaussians
 * (x | y ~ N(0, (1 + yΔ)² I_d)) by Mehler's series over pairs; loss only, so a width-800 SGD run can
 * log it often. Its normalization matches the population-loss metric (tested to 1e-12).
 */
export class IsotropicRiskEvaluator {
  private readonly neurons: GaussianNeurons;

  constructor(
    activation: ActivationSpec,
    readonly d: number,
    readonly delta: number,
    /** c, the fixed second-layer weight. */
    readonly secondLayer = 1,
  ) {
    this.neurons = new GaussianNeurons(activation, DEGREE);
  }

  /** The risk of the N x d weights w (row-major). */
  evaluate(weights: ArrayLike<number>): IsotropicRisk {
    const { d } = this;
    const w = Float64Array.from(weights);
    const n = w.length / d;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`meanfield: w has ${w.length} entries, not N x d with d = ${d}`);
    const norms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += w[i * d + k]! ** 2;
      norms[i] = Math.max(Math.sqrt(s), TINY_NORM);
    }
    const cos = this.cosines(w, norms, n);
    const c = this.secondLayer / n;
    let risk = 0.5;
    let bound = 0;
    for (const [tau, sign] of [[1 + this.delta, 1], [1 - this.delta, -1]] as const) {
      const states = Array.from(norms, (r) => this.neurons.state(tau * r));
      // At small tau r the closed forms' far kinks (b / r) give 0 * infinity in alpha_k for large k,
      // whose true size is exp(-b^2 / 2r^2) (b/r)^k, below any double: those terms are 0.
      const alpha = states.map((s) => s.hermite().values.map((v) => (Number.isFinite(v) ? v : 0)));
      const tails = alpha.map((al, i) => Math.max(states[i]!.square.value - al.reduce((t, v) => t + v * v, 0), 0));
      let mean = 0;
      let square = 0;
      let tailSum = 0;
      for (let i = 0; i < n; i++) {
        mean += alpha[i]![0]!;
        square += states[i]!.square.value;
        for (let j = 0; j < i; j++) {
          const rho = cos[i * n + j]!;
          const tail = integerPower(Math.abs(rho), DEGREE + 1) * Math.sqrt(tails[i]! * tails[j]!);
          if (tail > PAIR_TOLERANCE) square += 2 * this.exactPair(states[i]!, states[j]!, rho);
          else {
            square += 2 * mehler(alpha[i]!, alpha[j]!, rho);
            tailSum += 2 * tail;
          }
        }
      }
      risk += -0.5 * sign * c * mean + 0.25 * c * c * square;
      bound += 0.25 * c * c * tailSum;
    }
    let meanNorm = 0;
    for (const r of norms) meanNorm += r / n;
    return { risk, bound, meanNorm };
  }

  /** cos[i n + j] = <u_i, u_j> for j < i. */
  private cosines(w: Float64Array, norms: Float64Array, n: number): Float64Array {
    const { d } = this;
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += w[i * d + k]! * w[j * d + k]!;
        out[i * n + j] = Math.max(-1, Math.min(1, s / (norms[i]! * norms[j]!)));
      }
    }
    return out;
  }

  private exactPair(a: NeuronState, b: NeuronState, rho: number): number {
    return this.neurons.pair(this.neurons, a, b, rho * a.r * b.r).value;
  }
}

function mehler(a: Float64Array, b: Float64Array, rho: number): number {
  let sum = 0;
  let power = 1;
  for (let k = 0; k <= DEGREE; k++) {
    sum += a[k]! * b[k]! * power;
    power *= rho;
  }
  return sum;
}
