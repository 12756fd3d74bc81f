// How much of a single-index target's degree-k part a predictor f has learned:
//   fraction_k = <f, y_k> / ||y_k||^2,  y_k = h_k P_{k,d}(<q, x>) (sphere) or h_k h_k(<q, x>) (Gaussian),
// 1 when f reproduces the target's degree-k component, 0 when it misses it. Exact, without
// sampling, for predictors that are sums of ridge functions:
//   kernel on the sphere  f = sum_j alpha_j K(<x_j, x>): fraction_k = kappa_k sum_j alpha_j P_k(<q, x_j>) / h_k (Funk–Hecke)
//   network / random features  f = sum_i c_i sigma(<w_i, x>): with r_i = |w_i|, u_i = w_i / r_i,
//     sphere    fraction_k = sum_i c_i sigma_k(r_i) P_k(<u_i, q>) / h_k,  sigma_k(r) = N(d,k) E[sigma(r t) P_k(t)]
//     Gaussian  fraction_k = sum_i c_i b_k(r_i) <u_i, q>^k / h_k,          b_k(r) = E[sigma(r z) h_k(z)]
// and by Monte Carlo on the test set, with its standard error, for kernels of Gaussian inputs.

import type { ActivationSpec } from "../activation/spec.js";
import { activationFunction } from "../activation/activationFunction.js";
import { fillGegenbauer, gegenbauerAll, sphericalHarmonicsDim } from "../special/gegenbauer.js";
import { fillHermite, hermiteAll } from "../special/hermite.js";
import { gaussianRule, sphereRule } from "../special/expectation.js";
import type { InputLaw } from "./modelKernel.js";
import { integerPower } from "../special/portableMath.js";

/** Per degree k: the fraction, null where the target has no degree-k part. */
export type DegreeFractions = (number | null)[];

/** The link's coefficients with those at rounding level (below 1e-12 of the largest) set to exactly 0. */
export function cleanLink(link: Float64Array | null): Float64Array | null {
  if (!link) return null;
  const max = link.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return link.map((v) => (Math.abs(v) <= 1e-12 * max ? 0 : v));
}

function finish(sums: Float64Array, link: Float64Array): DegreeFractions {
  return Array.from(link, (h, k) => (h === 0 ? null : sums[k]! / h));
}

/** Kernel predictor on the sphere: alpha (n) on the training points x (n x d), degree weights kappa. */
export function kernelFractions(alpha: Float64Array, x: Float64Array, d: number, kappa: Float64Array, q: Float64Array, link: Float64Array): DegreeFractions {
  const kmax = link.length - 1;
  const sums = new Float64Array(kmax + 1);
  const n = alpha.length;
  for (let j = 0; j < n; j++) {
    let t = 0;
    for (let c = 0; c < d; c++) t += x[j * d + c]! * q[c]!;
    const p = gegenbauerAll(kmax, d, Math.max(-1, Math.min(1, t)));
    for (let k = 0; k <= kmax; k++) sums[k]! += alpha[j]! * p[k]!;
  }
  for (let k = 0; k <= kmax; k++) sums[k] = sums[k]! * (kappa[k] ?? 0);
  return finish(sums, link);
}

/** f = sum_i c_i sigma(<w_i, x>) with w (N x d). */
export function ridgeSumFractions(
  law: InputLaw,
  spec: ActivationSpec,
  w: Float64Array,
  c: Float64Array,
  d: number,
  q: Float64Array,
  link: Float64Array,
): DegreeFractions {
  const kmax = link.length - 1;
  const f = activationFunction(spec);
  const rule = law === "sphere" ? sphereRule(d, { kinks: f.kinks }) : gaussianRule({ kinks: f.kinks });
  const m = rule.nodes.length;
  const basis = new Float64Array(m * (kmax + 1));
  for (let i = 0; i < m; i++) {
    if (law === "sphere") fillGegenbauer(basis, i * (kmax + 1), kmax, d, rule.nodes[i]!);
    else fillHermite(basis, i * (kmax + 1), kmax, rule.nodes[i]!);
  }
  const sums = new Float64Array(kmax + 1);
  const coef = new Float64Array(kmax + 1);
  const cache = new Map<number, Float64Array>();
  for (let i = 0; i < c.length; i++) {
    let r2 = 0;
    let t = 0;
    for (let k = 0; k < d; k++) {
      r2 += w[i * d + k]! ** 2;
      t += w[i * d + k]! * q[k]!;
    }
    const r = Math.sqrt(r2);
    if (r === 0) continue;
    let radial = cache.get(r);
    if (!radial) {
      coef.fill(0);
      for (let s = 0; s < m; s++) {
        const v = rule.weights[s]! * f.value(r * rule.nodes[s]!);
        for (let k = 0; k <= kmax; k++) coef[k]! += v * basis[s * (kmax + 1) + k]!;
      }
      if (law === "sphere") for (let k = 0; k <= kmax; k++) coef[k] = coef[k]! * sphericalHarmonicsDim(d, k);
      radial = coef.slice();
      cache.set(r, radial);
    }
    const u = Math.max(-1, Math.min(1, t / r));
    const along = law === "sphere" ? gegenbauerAll(kmax, d, u) : Float64Array.from({ length: kmax + 1 }, (_, k) => integerPower(u, k));
    for (let k = 0; k <= kmax; k++) sums[k]! += c[i]! * radial[k]! * along[k]!;
  }
  return finish(sums, link);
}

/**
 * Monte-Carlo fractions from predictions f at test points x (m x d): E[f y_k] / ||y_k||^2, with
 * the standard error of each.
 */
export function monteCarloFractions(
  law: InputLaw,
  predictions: Float64Array,
  x: Float64Array,
  d: number,
  q: Float64Array,
  link: Float64Array,
): { fractions: DegreeFractions; standardErrors: DegreeFractions } {
  const kmax = link.length - 1;
  const m = predictions.length;
  const sum = new Float64Array(kmax + 1);
  const sumSq = new Float64Array(kmax + 1);
  for (let s = 0; s < m; s++) {
    let t = 0;
    for (let c = 0; c < d; c++) t += x[s * d + c]! * q[c]!;
    const basis = law === "sphere" ? gegenbauerAll(kmax, d, Math.max(-1, Math.min(1, t))) : hermiteAll(kmax, t);
    for (let k = 0; k <= kmax; k++) {
      const norm = law === "sphere" ? sphericalHarmonicsDim(d, k) : 1;
      const v = predictions[s]! * basis[k]! * norm;
      sum[k]! += v;
      sumSq[k]! += v * v;
    }
  }
  const fractions: DegreeFractions = [];
  const standardErrors: DegreeFractions = [];
  for (let k = 0; k <= kmax; k++) {
    const h = link[k]!;
    if (h === 0) {
      fractions.push(null);
      standardErrors.push(null);
      continue;
    }
    const mean = sum[k]! / m;
    const variance = m > 1 ? Math.max(0, (sumSq[k]! - m * mean * mean) / (m - 1)) : 0;
    fractions.push(mean / h);
    standardErrors.push(Math.sqrt(variance / m) / Math.abs(h));
  }
  return { fractions, standardErrors };
}
