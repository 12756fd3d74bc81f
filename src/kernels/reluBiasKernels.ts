// The infinite-width kernels of a ReLU network with a bias, f(x) = scale sum_i a_i relu(<w_i, x> + b_i),
// at the initialization w ~ N(0, I/d), b ~ N(0, beta^2), a = +-1, in closed form for any inputs.
// With u = (w sqrt(d), b / beta) ~ N(0, I_{d+1}) and the augmented input x~ = (x / sqrt(d), beta),
// <w, x> + b = <u, x~>, so the pair moments are the arc-cosine kernels (Cho, Saul 2009) of x~:
//   NNGP  K(x, y) = E[relu(<u,x~>) relu(<u,y~>)] = |x~||y~| (sin t + (pi - t) cos t) / (2 pi)
//   NTK   K(x, y) = NNGP + E[a^2] (<x, y>/d + beta^2) E[1{<u,x~> > 0} 1{<u,y~> > 0}]
//                = NNGP + (<x, y>/d + beta^2) (pi - t) / (2 pi)
// with cos t = <x~, y~> / (|x~||y~|) (the NTK's second term is the first layer and bias moving,
// per unit of mean-field time, for the init's variances). The bias term is what lets these kernels
// fit the even and higher odd parts of a target beyond what relu(<w, x>) alone reaches.
//
// These are the kernels of `meanfield kernel` with kernel.bias = beta (modelKernel.ts): its Wasm
// Gram kernels evaluate them on the augmented points (x, beta sqrt(d)), and its Hermite features
// use the degree energies of reluBiasDegreeWeights. reluBiasGram is their plain-loop reference.

import { normalCdf, normalPdf } from "../activation/gaussianMoments.js";
import { gaussianRule } from "../special/expectation.js";
import { acos } from "../special/portableMath.js";

/**
 * Which ReLU-with-bias kernel, at the init w ~ N(0, I/d), b ~ N(0, β²), a = ±1: the NNGP, or the NTK
 * = NNGP + (<x, y>/d + β²)(π - t)/(2π), the first layer and bias moving per unit of mean-field time.
 */
export type ReluBiasKernel = "nngp" | "ntk";

/** rows(a) x rows(b) Gram matrix K(a_r, b_c) for row-major inputs with d columns; bias scale beta. */
export function reluBiasGram(kind: ReluBiasKernel, a: Float64Array, b: Float64Array, d: number, beta: number): Float64Array {
  if (kind !== "nngp" && kind !== "ntk") throw new RangeError(`meanfield: kernel: expected nngp or ntk, got ${String(kind)}`);
  if (!(Number.isInteger(d) && d >= 1)) throw new RangeError(`meanfield: d: expected an integer >= 1, got ${d}`);
  if (a.length % d !== 0 || b.length % d !== 0) throw new RangeError(`meanfield: inputs: expected rows of d = ${d} numbers`);
  if (!(Number.isFinite(beta) && beta > 0)) throw new RangeError(`meanfield: beta: expected a finite number > 0, got ${beta}`);
  const ra = a.length / d;
  const rb = b.length / d;
  const b2 = beta * beta;
  const normsOf = (x: Float64Array, rows: number) =>
    Float64Array.from({ length: rows }, (_, r) => {
      let s = 0;
      for (let k = 0; k < d; k++) s += x[r * d + k]! ** 2;
      return Math.sqrt(s / d + b2);
    });
  const na = normsOf(a, ra);
  const nb = normsOf(b, rb);
  const out = new Float64Array(ra * rb);
  for (let r = 0; r < ra; r++) {
    for (let c = 0; c < rb; c++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += a[r * d + k]! * b[c * d + k]!;
      const inner = dot / d + b2;
      const cos = Math.max(-1, Math.min(1, inner / (na[r]! * nb[c]!)));
      const t = acos(cos);
      const sin = Math.sqrt(Math.max(0, 1 - cos * cos));
      const nngp = (na[r]! * nb[c]! * (sin + (Math.PI - t) * cos)) / (2 * Math.PI);
      out[r * rb + c] = kind === "nngp" ? nngp : nngp + (inner * (Math.PI - t)) / (2 * Math.PI);
    }
  }
  return out;
}

/** The layers in the NTK: the second (a), the first with the bias (w, b), and E[a^2] at the init. */
export interface BiasKernelLayers {
  second: boolean;
  first: boolean;
  aSquare: number;
}

/**
 * The degree energies e_k of the ReLU-with-bias kernel at |x|^2 = |y|^2 = d, where it is
 * sum_k e_k rho^k with rho = <x, y>/d (Mehler, averaged over b ~ N(0, beta^2)): the weights of the
 * rotation-averaged kernel the Hermite features represent. With c_k(b), d_k(b) the orthonormal
 * Hermite coefficients of relu(z + b) and of its derivative 1{z > -b} (Gaussian integration by
 * parts: c_0 = b Phi(b) + phi(b), c_1 = Phi(b), c_k = phi(b) h_{k-2}(-b) / sqrt(k (k-1)); d_0 = Phi(b),
 * d_k = phi(b) h_{k-1}(-b) / sqrt(k)): e_k = E c_k^2 for the second layer, and the first layer adds
 * E[a^2] (E d_{k-1}^2 + beta^2 E d_k^2), rho from w and beta^2 from b. diagonal = E_x K(x, x) in
 * closed form: (1 + beta^2)/2 per layer (E[a^2] times it for the first).
 */
export function reluBiasDegreeWeights(beta: number, layers: BiasKernelLayers, maxDegree: number): { weights: Float64Array; diagonal: number } {
  const rule = gaussianRule();
  const weights = new Float64Array(maxDegree + 1);
  const h = new Float64Array(maxDegree + 1);
  const b2 = beta * beta;
  for (let i = 0; i < rule.nodes.length; i++) {
    const b = beta * rule.nodes[i]!;
    const w = rule.weights[i]!;
    const pdf = normalPdf(b);
    const cdf = normalCdf(b);
    // h_j(-b), orthonormal Hermite, by the recurrence of src/special/hermite.ts.
    h[0] = 1;
    if (maxDegree >= 1) h[1] = -b;
    for (let j = 1; j < maxDegree; j++) h[j + 1] = (-b * h[j]! - Math.sqrt(j) * h[j - 1]!) / Math.sqrt(j + 1);
    for (let k = 0; k <= maxDegree; k++) {
      let e = 0;
      if (layers.second) {
        const c = k === 0 ? b * cdf + pdf : k === 1 ? cdf : (pdf * h[k - 2]!) / Math.sqrt(k * (k - 1));
        e += c * c;
      }
      if (layers.first) {
        const dk = k === 0 ? cdf : (pdf * h[k - 1]!) / Math.sqrt(k);
        const below = k === 0 ? 0 : k === 1 ? cdf : (pdf * h[k - 2]!) / Math.sqrt(k - 1);
        e += layers.aSquare * (below * below + b2 * dk * dk);
      }
      weights[k]! += w * e;
    }
  }
  const diagonal = ((layers.second ? 1 : 0) + (layers.first ? layers.aSquare : 0)) * (1 + b2) / 2;
  return { weights, diagonal };
}
