// E[sigma(r1 X) tau(r2 Y)] for standard normals X, Y with correlation rho, and its partial
// derivatives in r1, r2, rho, by the most exact route available:
//   closed forms when sigma = tau is relu, abs (arc-cosine kernels) or erf;
//   the Hermite series sum_k alpha_k(r1) beta_k(r2) rho^k when either is a polynomial (finite,
//     exact) or both are smooth (tanh, erf, sigmoid: geometric decay, truncated at the degree
//     of the moments given, with the Parseval bound sqrt(tail_sigma tail_tau));
//   the same series when |rho| <= 1/2, where it converges geometrically whatever the factors;
//   otherwise one of them is piecewise linear, and conditioning on X leaves a closed form,
//     E[tau(r2 Y) | X = x] = K + s_0 r2 rho x + sum_l delta_l G(r2 rho x - b_l, r2 sqrt(1-rho^2)),
//     G(mu, s) = E[(mu + s xi)_+] = mu Phi(mu/s) + s phi(mu/s), integrated over x by panels split
//     at every kink and graded to every smooth transition (gaussianMoments.ts gradedCuts).
// Partials follow from d/drho = r1 r2 E[sigma'(U) tau'(V)] (Price's theorem) and
// d/dr1 = E[sigma'(r1 X) X tau(r2 Y)].

import { gaussianRule } from "../special/expectation.js";
import {
  gradedCuts, normalCdf, normalPdf, ORDER, PANELS,
  type GaussianActivation, type HermiteMoments, type PiecewiseLinearForm,
} from "./gaussianMoments.js";
import { acos, asin, integerPower } from "../special/portableMath.js";

/**
 * C = E[sigma(r1 X) tau(r2 Y)] for standard normals with correlation rho, and its partials in r1, r2, rho: the
 * one pair integral the exact population losses are built from.
 */
export interface PairMoments {
  value: number;
  dr1: number;
  dr2: number;
  drho: number;
  /** Bound on |value - exact| from truncating a series (0 for closed forms and quadrature). */
  bound: number;
}

/** Hermite moments of one factor with E[f^2] and the Parseval tail E[f^2] - sum alpha_k^2 beyond them. */
export interface TruncatedHermite extends HermiteMoments {
  square: number;
  tail: number;
}

/**
 * Below this |rho| the Hermite series is used even for piecewise-linear factors: its terms
 * shrink like |rho|^k, so the remainder after degree K is at most
 * |rho|^{K+1} sqrt(E[sigma^2] E[tau^2]) (Cauchy–Schwarz), 1e-37 at K = 120.
 */
const SERIES_CORRELATION = 0.5;

function closedForm(kind: string, r1: number, r2: number, rho: number): PairMoments | null {
  switch (kind) {
    case "relu": {
      const k1 = (Math.sqrt(1 - rho * rho) + (Math.PI - acos(rho)) * rho) / (2 * Math.PI);
      const dk = (Math.PI - acos(rho)) / (2 * Math.PI);
      return { value: r1 * r2 * k1, dr1: r2 * k1, dr2: r1 * k1, drho: r1 * r2 * dk, bound: 0 };
    }
    case "abs": {
      const k = (2 / Math.PI) * (Math.sqrt(1 - rho * rho) + rho * asin(rho));
      const dk = (2 / Math.PI) * asin(rho);
      return { value: r1 * r2 * k, dr1: r2 * k, dr2: r1 * k, drho: r1 * r2 * dk, bound: 0 };
    }
    case "erf": {
      const q1 = 1 + 2 * r1 * r1;
      const q2 = 1 + 2 * r2 * r2;
      const b = (2 * r1 * r2) / Math.sqrt(q1 * q2);
      const a = b * rho;
      const inv = 2 / Math.PI / Math.sqrt(1 - a * a);
      return { value: (2 / Math.PI) * asin(a), dr1: (inv * a) / (r1 * q1), dr2: (inv * a) / (r2 * q2), drho: inv * b, bound: 0 };
    }
    default:
      return null;
  }
}

function series(alpha: TruncatedHermite, beta: TruncatedHermite, rho: number): PairMoments {
  const kmax = Math.min(alpha.values.length, beta.values.length) - 1;
  let value = 0;
  let dr1 = 0;
  let dr2 = 0;
  let drho = 0;
  let power = 1;
  let lower = 0;
  for (let k = 0; k <= kmax; k++) {
    const a = alpha.values[k]!;
    const b = beta.values[k]!;
    value += a * b * power;
    dr1 += alpha.derivatives[k]! * b * power;
    dr2 += a * beta.derivatives[k]! * power;
    drho += k * a * b * lower;
    lower = power;
    power *= rho;
  }
  const parseval = Math.sqrt(Math.max(0, alpha.tail) * Math.max(0, beta.tail));
  const geometric = integerPower(Math.abs(rho), kmax + 1) * Math.sqrt(alpha.square * beta.square);
  return { value, dr1, dr2, drho, bound: Math.min(parseval, geometric) };
}

/** E[sigma(r1 X) tau(r2 Y)] with tau piecewise linear, by conditioning on X. */
function conditional(sigma: GaussianActivation, tau: PiecewiseLinearForm, r1: number, r2: number, rho: number): PairMoments {
  const s = Math.sqrt(Math.max(0, 1 - rho * rho));
  const spread = r2 * s;
  const cuts = sigma.cuts(r1);
  if (rho !== 0) {
    for (const b of tau.kinks) {
      const at = b / (r2 * rho);
      if (Math.abs(at) < 40) cuts.push(...(s > 0 ? gradedCuts(at, s / Math.abs(rho)) : [at]));
    }
  }
  const { nodes, weights } = gaussianRule({ kinks: cuts, panels: PANELS, order: ORDER });
  let value = 0;
  let dr1 = 0;
  let dr2 = 0;
  let dprice = 0;
  for (let i = 0; i < nodes.length; i++) {
    const x = nodes[i]!;
    // m = E[tau(V) | x], m1 = E[tau'(V) | x], m2 = E[tau'(V) Y | x] with V = r2 Y, Y = rho x + s xi.
    let m = tau.constant + tau.slope * r2 * rho * x;
    let m1 = tau.slope;
    let m2 = tau.slope * rho * x;
    for (let l = 0; l < tau.kinks.length; l++) {
      const mu = r2 * rho * x - tau.kinks[l]!;
      const delta = tau.jumps[l]!;
      if (spread > 0) {
        const u = mu / spread;
        const cdf = normalCdf(u);
        const pdf = normalPdf(u);
        m += delta * (mu * cdf + spread * pdf);
        m1 += delta * cdf;
        m2 += delta * (rho * x * cdf + s * pdf);
      } else if (mu > 0) {
        m += delta * mu;
        m1 += delta;
        m2 += delta * rho * x;
      }
    }
    const wgt = weights[i]!;
    const sv = sigma.value(r1 * x);
    const sd = sigma.derivative(r1 * x);
    value += wgt * sv * m;
    dr1 += wgt * sd * x * m;
    dr2 += wgt * sv * m2;
    dprice += wgt * sd * m1;
  }
  return { value, dr1, dr2, drho: r1 * r2 * dprice, bound: 0 };
}

function swap(p: PairMoments): PairMoments {
  return { value: p.value, dr1: p.dr2, dr2: p.dr1, drho: p.drho, bound: p.bound };
}

/**
 * E[sigma(r1 X) tau(r2 Y)], corr(X, Y) = rho, with partials. `alpha` and `beta` are the Hermite
 * moments of sigma(r1 .) and tau(r2 .), used when the series is the route.
 */
export function pairMoments(
  sigma: GaussianActivation,
  tau: GaussianActivation,
  r1: number,
  r2: number,
  rho: number,
  alpha: () => TruncatedHermite,
  beta: () => TruncatedHermite,
): PairMoments {
  const c = rho > 1 ? 1 : rho < -1 ? -1 : rho;
  if (sigma.activation.kind === tau.activation.kind && sigma.activation.kind !== "piecewiseLinear" && sigma.activation.kind !== "polynomial") {
    const closed = closedForm(sigma.activation.kind, r1, r2, c);
    if (closed) return closed;
  }
  if (sigma.polynomial || tau.polynomial || (!sigma.piecewise && !tau.piecewise) || Math.abs(c) <= SERIES_CORRELATION) {
    return series(alpha(), beta(), c);
  }
  if (tau.piecewise) return conditional(sigma, tau.piecewise, r1, r2, c);
  return swap(conditional(tau, sigma.piecewise!, r2, r1, c));
}

/** One neuron's norm with its moments, Hermite moments computed on first use. */
export interface NeuronState {
  r: number;
  square: { value: number; dr: number };
  hermite: () => TruncatedHermite;
}

/**
 * The moments of sigma(r Z), Z ~ N(0, 1), that pairMoments reads: E[sigma^2] now, the Hermite
 * moments (up to seriesDegree unless sigma is a polynomial, with their Parseval tail) on first use.
 */
export function neuronState(act: GaussianActivation, r: number, seriesDegree: number): NeuronState {
  let cached: TruncatedHermite | null = null;
  const square = act.square(r);
  const degree = act.polynomial ? act.polynomial.length - 1 : seriesDegree;
  return {
    r,
    square,
    hermite: () => {
      if (!cached) {
        const h = act.hermite(r, degree);
        let captured = 0;
        for (const v of h.values) captured += v * v;
        const tail = act.polynomial ? 0 : Math.max(square.value - captured, 4 * Number.EPSILON * square.value);
        cached = { ...h, square: square.value, tail };
      }
      return cached;
    },
  };
}
