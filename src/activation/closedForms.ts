// Closed-form kernels of infinite-width two-layer networks, for the kernel baselines.
//
// Normalization: expectations over a first-layer weight w ~ N(0, I_d) (no factor 2 as in
// Cho & Saul), inputs x, y with <x, y> = rho |x| |y|:
//   arc-cosine order 0: E[1{<w,x> > 0} 1{<w,y> > 0}] = (pi - acos rho) / (2 pi)
//   arc-cosine order 1: E[relu(<w,x>) relu(<w,y>)] = |x||y| (sqrt(1 - rho^2) + (pi - acos rho) rho) / (2 pi)
//   arc-cosine order 2: E[relu(<w,x>)^2 relu(<w,y>)^2] = |x|^2|y|^2 (3 sin t cos t + (pi - t)(1 + 2 cos^2 t)) / (2 pi), t = acos rho
// The ReLU NTK of f(x) = N^{-1/2} sum_i a_i relu(<w_i, x>) with w_i ~ N(0, I), a_i ~ N(0, 1) at
// unit inputs is the sum of the second-layer part (order 1) and first-layer part (rho * order 0).

import type { ActivationSpec } from "./spec.js";
import { sphereCoefficients } from "./coefficients.js";
import { sphereExpectation } from "../special/expectation.js";
import { activationFunction } from "./activationFunction.js";
import { sphericalHarmonicsDim } from "../special/gegenbauer.js";
import { gegenbauerSeries } from "../special/gegenbauerSeries.js";
import { GaussianActivation } from "./gaussianMoments.js";
import { neuronState, pairMoments } from "./gaussianPair.js";
import { checkCount } from "../argumentChecks.js";
import { acos, sin } from "../special/portableMath.js";

function checkCorrelation(rho: number): void {
  if (!(Math.abs(rho) <= 1)) throw new RangeError(`meanfield: rho must be a correlation in [-1, 1], got ${rho}`);
}

/** Arc-cosine kernel of order 0, 1 or 2 at correlation rho for unit-norm inputs. */
export function arcCosineKernel(order: 0 | 1 | 2, rho: number): number {
  checkCorrelation(rho);
  const t = acos(rho);
  switch (order) {
    case 0:
      return (Math.PI - t) / (2 * Math.PI);
    case 1:
      return (sin(t) + (Math.PI - t) * rho) / (2 * Math.PI);
    case 2:
      return (3 * sin(t) * rho + (Math.PI - t) * (1 + 2 * rho * rho)) / (2 * Math.PI);
    default:
      throw new RangeError(`meanfield: arcCosineKernel order must be 0, 1 or 2, got ${String(order)}`);
  }
}

/** NTK of the two-layer ReLU network (both layers trained) at unit-norm inputs with <x, y> = rho. */
export function reluNtk(rho: number): number {
  return arcCosineKernel(1, rho) + rho * arcCosineKernel(0, rho);
}

/**
 * A dot-product kernel on the unit sphere as its Legendre series in P_{k,d} (P(1) = 1), with the truncation
 * bound every consumer needs to know how far to trust it.
 */
export interface SphereKernel {
  /** kappa_k: K(t) = sum_k kappa_k P_{k,d}(t). */
  coefficients: Float64Array;
  /** Bound on |K(t) - truncated K(t)| over t in [-1, 1] (Parseval tail; |P_k| <= 1). */
  tail: number;
  value(t: number): number;
}

/**
 * The conjugate (NNGP) kernel K(<x,y>) = E_w[sigma(<w,x>) sigma(<w,y>)] of an activation for
 * x, y, w uniform on S^{d-1}: kappa_k = sigma_k^2 / N(d,k), truncated at maxDegree.
 */
export function sphereActivationKernel(spec: ActivationSpec, d: number, maxDegree = 60): SphereKernel {
  checkCount("d (dimension)", d, 2);
  checkCount("maxDegree", maxDegree, 0);
  const sigma = sphereCoefficients(spec, d, maxDegree);
  const f = activationFunction(spec);
  const square = sphereExpectation((t) => f.value(t) ** 2, d, { kinks: f.kinks });
  const coefficients = sigma.map((s, k) => (s * s) / sphericalHarmonicsDim(d, k));
  const captured = coefficients.reduce((s, c) => s + c, 0);
  return {
    coefficients,
    tail: Math.max(0, square - captured),
    value: (t: number) => {
      checkCorrelation(t);
      return gegenbauerSeries(coefficients, d, t).value;
    },
  };
}

/**
 * The conjugate kernel E_{w ~ N(0, I)}[sigma(<w,x>) sigma(<w,y>)] of any activation as a function
 * of |x|, |y| and their correlation: closed forms for relu, abs and erf, exact Hermite sums for
 * polynomials, quadrature otherwise (see src/activation/gaussianPair.ts).
 */
export function gaussianActivationKernel(spec: ActivationSpec): (normX: number, normY: number, rho: number) => number {
  const act = new GaussianActivation(spec);
  return (normX, normY, rho) => {
    checkCorrelation(rho);
    const a = neuronState(act, normX, 60);
    const b = neuronState(act, normY, 60);
    return pairMoments(act, act, a.r, b.r, rho, a.hermite, b.hermite).value;
  };
}
