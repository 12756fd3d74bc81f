// The d -> infinity limit of spherical online SGD for one neuron on a Gaussian single-index target
// (Ben Arous, Gheissari, Jagannath 2021, arXiv 2003.10409): the overlap m = <w, w*> of a student
// sigma(<w, x>) trained on y = h(<w*, x>), x ~ N(0, I_d), with the square loss l = (sigma - y)^2 / 2,
// batch 1, step eta = c / d, the gradient projected on the tangent space and w renormalized
// after every step. With t = steps / d and c fixed, m follows (as d -> infinity at fixed m)
//
//   dm/dt = c (1 - m^2) sum_k k a_k b_k m^{k-1}  -  (c^2 / 2) m E_m[(sigma(z) - h(z*))^2 sigma'(z)^2],
//
// a_k, b_k the normalized-Hermite coefficients of h and sigma (docs/conventions.md), (z, z*)
// standard Gaussians with correlation m. The first term is the population drift (Stein's lemma:
// E[h(z*) sigma'(z) (z* - m z)] = (1 - m^2) E[h'(z*) sigma'(z)]); the second is the retraction of
// the renormalization, eta^2 |g|^2 m / 2 with |g|^2 ~ d (sigma - y)^2 sigma'^2. Its fluctuations are
// O(c / sqrt(d)) per unit time and vanish in the limit. The smallest k with a_k b_k != 0 is the
// information exponent s: near m = 0 the drift is c s a_s b_s m^{s-1}, so for s >= 3 the
// retraction wins below m ~ (c C / (2 s a_s b_s))^{1/(s-2)} (C the retraction's coefficient at
// m = 0), which is why the step must shrink as d grows for the escape from m0 ~ d^{-1/2}.

import { activationFunction, type ActivationFunction } from "../activation/activationFunction.js";
import type { ActivationSpec } from "../activation/spec.js";
import { hermiteCoefficients } from "../activation/coefficients.js";
import { integrate } from "./dormandPrince.js";
import { gaussHermite, gaussLegendre } from "../special/quadrature.js";
import { exp, log } from "../special/portableMath.js";

/**
 * The single-index overlap ODE's inputs: link h and activation σ (normalized-Hermite coefficients),
 * the step c = η d, and the degrees and quadrature nodes that make it exact for polynomials.
 */
export interface SingleIndexOdeOptions {
  /** h, the target's link. */
  link: ActivationSpec;
  /** sigma, the student's activation. */
  activation: ActivationSpec;
  /** c = eta d, the step in units of 1/d. */
  c: number;
  /** Hermite degrees kept in the drift (exact for polynomials up to this degree; default 12). */
  degrees?: number;
  /**
   * Gauss–Hermite nodes per axis of the retraction's two-dimensional expectation (default 24):
   * exact for polynomial sigma and h with 4 deg + 2 <= 2 nodes - 1, i.e. degree <= 11.
   */
  nodes?: number;
  /**
   * Whether the renormalization's retraction term is kept (default true). False drops it: the
   * population gradient flow alone, wrong for any step that is not infinitesimal (a broken variant).
   */
  retraction?: boolean;
}

/** The right-hand side and escape times of the single-index overlap ODE (see the file header). */
export class SingleIndexOde {
  readonly c: number;
  /** Whether rate() includes the retraction (SingleIndexOdeOptions.retraction). */
  readonly withRetraction: boolean;
  /** k a_k b_k for k = 0.. degrees: the drift is (1 - m^2) sum_k drift[k] m^{k-1}. */
  readonly driftCoefficients: Float64Array;
  private readonly sigma: ActivationFunction;
  private readonly h: ActivationFunction;
  private readonly nodes: Float64Array;
  private readonly weights: Float64Array;

  constructor(options: SingleIndexOdeOptions) {
    if (!(options.c > 0 && Number.isFinite(options.c))) throw new RangeError(`meanfield: SingleIndexOde c must be a positive number, got ${options.c}`);
    this.c = options.c;
    this.withRetraction = options.retraction ?? true;
    const degrees = options.degrees ?? 12;
    const a = hermiteCoefficients(options.link, degrees);
    const b = hermiteCoefficients(options.activation, degrees);
    this.driftCoefficients = Float64Array.from(a, (ak, k) => k * ak * b[k]!);
    this.sigma = activationFunction(options.activation, "activation");
    this.h = activationFunction(options.link, "link");
    const rule = gaussHermite(options.nodes ?? 24);
    this.nodes = rule.nodes;
    this.weights = rule.weights;
  }

  /** E[h'(z*) sigma'(z)] = sum_k k a_k b_k m^{k-1}: the population drift without (1 - m^2). */
  signal(m: number): number {
    const q = this.driftCoefficients;
    let s = 0;
    for (let k = q.length - 1; k >= 1; k--) s = s * m + q[k]!;
    return s;
  }

  /** E_m[(sigma(z) - h(z*))^2 sigma'(z)^2], corr(z, z*) = m, by the Gauss–Hermite product rule. */
  retraction(m: number): number {
    const { nodes, weights, sigma, h } = this;
    const r = Math.sqrt(Math.max(0, 1 - m * m));
    let sum = 0;
    for (let i = 0; i < nodes.length; i++) {
      const z = nodes[i]!;
      const sz = sigma.value(z);
      const ds = sigma.derivative(z);
      let inner = 0;
      for (let j = 0; j < nodes.length; j++) {
        const e = sz - h.value(m * z + r * nodes[j]!);
        inner += weights[j]! * e * e;
      }
      sum += weights[i]! * inner * ds * ds;
    }
    return sum;
  }

  /** dm/dt at m (t = steps / d). */
  rate(m: number): number {
    const c = this.c;
    const drift = c * (1 - m * m) * this.signal(m);
    return this.withRetraction ? drift - 0.5 * c * c * m * this.retraction(m) : drift;
  }

  /**
   * The time t = steps / d for m to go from m0 to m1 > m0: the integral of dm / rate(m), by
   * composite Gauss–Legendre in log m (the integrand behaves like m^{2-s} near small m0).
   * Infinity when the rate is not positive somewhere on [m0, m1] (the retraction traps m).
   */
  escapeTime(m0: number, m1: number, panels = 64): number {
    if (!(m0 > 0 && m1 > m0 && m1 < 1)) throw new RangeError(`meanfield: escapeTime needs 0 < m0 < m1 < 1, got m0 = ${m0}, m1 = ${m1}`);
    const rule = gaussLegendre(16);
    const u0 = log(m0);
    const width = (log(m1) - u0) / panels;
    let total = 0;
    for (let p = 0; p < panels; p++) {
      const mid = u0 + (p + 0.5) * width;
      for (let i = 0; i < rule.nodes.length; i++) {
        const m = exp(mid + 0.5 * width * rule.nodes[i]!);
        const rate = this.rate(m);
        if (!(rate > 0)) return Infinity;
        total += 0.5 * width * rule.weights[i]! * (m / rate);
      }
    }
    return total;
  }

  /**
   * m(t) at the given increasing times from m(0) = m0, by the Dormand–Prince pair: the trajectory
   * beside the escape time, and an independent computation of it for the tests.
   */
  trajectory(m0: number, times: readonly number[], rtol = 1e-10): Float64Array {
    const y = Float64Array.of(m0);
    const state = { h: 1e-3 };
    let t = 0;
    return Float64Array.from(times, (next) => {
      if (next > t) integrate((m, dm) => (dm[0] = this.rate(m[0]!)), y, t, next, { rtol, atol: rtol * 1e-3 }, state);
      t = next;
      return y[0]!;
    });
  }
}
