// The radial PDE of the isotropic-Gaussians task (radialModel.ts) with the diffusion of noisy GD
// (docs/conventions.md, "Noisy GD"). A neuron w in R^d follows
//   dw = -grad Psi_lambda(w; rho) dt + sqrt(2/beta) dB,   Psi_lambda = psi(|w|; rho) + lambda |w|^2 / 2,
// with psi(r; rho) = sum_pm (c/2) D_pm q_pm(r) the radial potential of radialModel.ts (its r-derivative
// is minus the noiseless velocity). For a rotation-invariant law of w, the law p of r = |w| solves
//   d_t p = d_r [ (1/beta) e^{-beta Phi} d_r (e^{beta Phi} p) ],  Phi = psi + lambda r^2/2 - ((d - 1)/beta) log r,
// the last term being the Jacobian r^{d-1} of the sphere (Ito's drift (d - 1)/(beta r) of a Bessel
// process). Its stationary points are the self-consistent Gibbs laws p ∝ r^{d-1} exp(-beta Psi_lambda(r; p)),
// and it is the Wasserstein gradient flow of the free energy
//   F(p) = R(p) + (lambda/2) E r^2 - (1/beta) Ent,  Ent = -int p log p dr + (d - 1) E log r + log |S^{d-1}|,
// the entropy of the law of w in R^d (the constant log |S^{d-1}| is left out of `freeEnergy`).
//
// Discretization: uniform cells on [0, rMax], zero flux at both ends, the Scharfetter-Gummel flux
//   J_{i+1/2} = (1 / (beta dr)) [B(x) p_i - B(-x) p_{i+1}],  x = beta (Phi_{i+1} - Phi_i),  B(x) = x / (e^x - 1),
// which vanishes exactly when p_{i+1} / p_i = e^{-x}: the discrete stationary laws are the discrete Gibbs
// laws, and the semi-discrete scheme dissipates the discrete free energy (midpoint quadrature on the
// cells) exactly. Time: linearly implicit Euler, the potential Phi taken from the start of the step and
// the transport-diffusion implicit (a tridiagonal M-matrix: positive, mass-conserving, stable at any
// step; the stiff Jacobian term near r = 0 sets no step bound).
// With `entropicDrift: false` the Jacobian term is left out (the broken "drift without the entropy
// term" of mmn18-langevin): its stationary law is then p ∝ exp(-beta Psi_lambda) in r, not in w.

import type { ActivationSpec } from "../../activation/spec.js";
import { checkCount, checkFiniteNumber } from "../../argumentChecks.js";
import { RadialModel } from "./radialModel.js";
import { exp, log, sin, sinh } from "../../special/portableMath.js";

/**
 * The noisy (Langevin) radial PDE of Mei, Montanari, Nguyen 2018 on isotropic Gaussians: temperature 1/beta adds
 * diffusion in r.
 */
export interface RadialLangevinOptions {
  /** Input dimension d (>= 2). */
  d: number;
  delta: number;
  activation: ActivationSpec;
  /** Weight decay lambda >= 0. */
  lambda: number;
  /** Inverse temperature beta > 0. */
  beta: number;
  /** c, the fixed second-layer weight (default 1). */
  secondLayer?: number;
  /** w ~ N(0, kappa^2/d I_d): r^2 d / kappa^2 ~ chi^2_d. */
  kappa: number;
  times: ArrayLike<number>;
  /** Default 600. */
  cells?: number;
  /** Default 4. */
  rMax?: number;
  /** The largest time step (default 0.01). */
  maxStep?: number;
  /** Keep the Jacobian drift (d - 1)/(beta r) (default true). */
  entropicDrift?: boolean;
}

/** The risk at one time; R uses our 1/2 E[(y - f)^2] normalization (MMN18's is twice it). */
export interface RadialLangevinRecord {
  time: number;
  /** R(p) = 1/2 E[(y - f)^2]. */
  risk: number;
  /** F(p) = R + (lambda/2) E r^2 - (1/beta) Ent, without the constant -(1/beta) log |S^{d-1}|. */
  freeEnergy: number;
  /** Ent without log |S^{d-1}|: -int p log p dr + (d - 1) E log r. */
  entropy: number;
  meanNorm: number;
}

/** The risk curve and the final density of r, to compare with the Gibbs fixed point. */
export interface RadialLangevinResult {
  records: RadialLangevinRecord[];
  /** Cell centres and the final density of r on them. */
  centres: Float64Array;
  density: Float64Array;
  /** The self-consistent Gibbs law r^{d-1} exp(-beta Psi_lambda(r; p)) of the final p, on the cells. */
  gibbs: Float64Array;
  /** int |p - Gibbs(p)| dr at the end: 0 at a stationary point of the free energy. */
  gibbsResidual: number;
  /** The largest mass in the outer 2% of [0, rMax] at a record (rMax too small if not ~0). */
  edgeMass: number;
  steps: number;
  wallSeconds: number;
}

/** B(x) = x / (e^x - 1), with its limit 1 at 0. */
function bernoulli(x: number): number {
  if (Math.abs(x) < 1e-8) return 1 - x / 2;
  if (x > 700) return x * exp(-x);
  // e^x - 1 = 2 sinh(x/2) e^(x/2): no cancellation near 0, and portable (no Math.expm1).
  return x / (2 * sinh(x / 2) * exp(x / 2));
}

/**
 * Solves the tridiagonal system (lower_i x_{i-1} + diagonal_i x_i + upper_i x_{i+1} = rhs_i) in place
 * of rhs by the Thomas algorithm; the SG matrix is diagonally dominant by columns, so no pivoting.
 */
function solveTridiagonal(lower: Float64Array, diagonal: Float64Array, upper: Float64Array, rhs: Float64Array): void {
  const n = rhs.length;
  const c = new Float64Array(n);
  let denominator = diagonal[0]!;
  c[0] = upper[0]! / denominator;
  rhs[0]! /= denominator;
  for (let i = 1; i < n; i++) {
    denominator = diagonal[i]! - lower[i]! * c[i - 1]!;
    c[i] = upper[i]! / denominator;
    rhs[i] = (rhs[i]! - lower[i]! * rhs[i - 1]!) / denominator;
  }
  for (let i = n - 2; i >= 0; i--) rhs[i]! -= c[i]! * rhs[i + 1]!;
}

/** log Gamma(x) for x > 0 (Lanczos, g = 7), for the chi law of the start. */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return log(Math.PI / sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * log(2 * Math.PI) + (x + 0.5) * log(t) - t + log(a);
}

/** The density of r = kappa sqrt(chi^2_d / d), |w| for w ~ N(0, kappa^2/d I_d), at the given radii. */
function chiDensity(radii: Float64Array, d: number, kappa: number): Float64Array {
  const out = new Float64Array(radii.length);
  const logNorm = log(2) + (d / 2) * log(d / (2 * kappa * kappa)) - logGamma(d / 2);
  for (let i = 0; i < radii.length; i++) {
    const r = radii[i]!;
    out[i] = exp(logNorm + (d - 1) * log(r) - (d * r * r) / (2 * kappa * kappa));
  }
  return out;
}

/** The options with their defaults, every one checked (one-line RangeError naming it). */
function checkedOptions(options: RadialLangevinOptions): { cells: number; rMax: number; maxStep: number; times: Float64Array } {
  const { d, lambda, beta, kappa } = options;
  checkCount("d (input dimension)", d);
  if (d < 2) throw new RangeError(`meanfield: d must be >= 2, got ${d}`);
  checkFiniteNumber("lambda", lambda);
  if (!(lambda >= 0)) throw new RangeError(`meanfield: lambda must be >= 0, got ${lambda}`);
  checkFiniteNumber("beta", beta);
  if (!(beta > 0)) throw new RangeError(`meanfield: beta must be > 0, got ${beta}`);
  checkFiniteNumber("kappa", kappa);
  if (!(kappa > 0)) throw new RangeError(`meanfield: kappa must be > 0, got ${kappa}`);
  const cells = options.cells ?? 600;
  checkCount("cells", cells);
  const rMax = options.rMax ?? 4;
  checkFiniteNumber("rMax", rMax);
  if (!(rMax > 0)) throw new RangeError(`meanfield: rMax must be > 0, got ${rMax}`);
  const maxStep = options.maxStep ?? 0.01;
  checkFiniteNumber("maxStep", maxStep);
  if (!(maxStep > 0)) throw new RangeError(`meanfield: maxStep must be > 0, got ${maxStep}`);
  const times = Float64Array.from(options.times);
  for (let k = 0; k < times.length; k++) {
    if (!(times[k]! >= (k > 0 ? times[k - 1]! : 0))) throw new RangeError(`meanfield: times must be non-decreasing and >= 0 (times[${k}] = ${times[k]})`);
  }
  return { cells, rMax, maxStep, times };
}

/**
 * One backward-Euler step of the Scharfetter–Gummel fluxes in place on the cell densities p, for
 * the potential phi at the cell centres and k = dt / (beta dr^2); bands is scratch.
 */
function implicitStep(
  p: Float64Array, phi: Float64Array, k: number, beta: number,
  bands: { lower: Float64Array; diagonal: Float64Array; upper: Float64Array },
): void {
  const { lower, diagonal, upper } = bands;
  const cells = p.length;
  diagonal.fill(1);
  lower.fill(0);
  upper.fill(0);
  for (let i = 0; i < cells - 1; i++) {
    const x = beta * (phi[i + 1]! - phi[i]!);
    const bx = k * bernoulli(x);
    const bmx = k * bernoulli(-x);
    // J_{i+1/2} dt / dr = bx p_i - bmx p_{i+1}: leaves cell i, enters cell i + 1.
    diagonal[i]! += bx;
    upper[i] = -bmx;
    diagonal[i + 1]! += bmx;
    lower[i + 1] = -bx;
  }
  solveTridiagonal(lower, diagonal, upper, p);
}

/**
 * Solves the radial noisy-GD PDE from w ~ N(0, kappa^2/d I_d), recording the risk, the free energy
 * and its entropy at the given times, and returns the final law with its self-consistent Gibbs law.
 */
export function solveRadialLangevin(options: RadialLangevinOptions): RadialLangevinResult {
  const started = performance.now();
  const { d, lambda, beta, kappa } = options;
  const { cells, rMax, maxStep, times } = checkedOptions(options);
  const model = new RadialModel({ activation: options.activation, delta: options.delta, secondLayer: options.secondLayer, rMax });
  const c = model.secondLayer;
  const dr = rMax / cells;
  const centres = new Float64Array(cells);
  const qPlus = new Float64Array(cells);
  const qMinus = new Float64Array(cells);
  // The fixed part of Phi: lambda r^2 / 2 and the Jacobian term.
  const fixed = new Float64Array(cells);
  const jacobian = options.entropicDrift === false ? 0 : d - 1;
  for (let i = 0; i < cells; i++) {
    const r = (i + 0.5) * dr;
    centres[i] = r;
    qPlus[i] = model.mean(0, r).value;
    qMinus[i] = model.mean(1, r).value;
    fixed[i] = (lambda * r * r) / 2 - (jacobian / beta) * log(r);
  }
  // Start: the chi law of r = kappa sqrt(chi^2_d / d), density at the cell centres, normalized.
  const p = chiDensity(centres, d, kappa);
  const normalize = (values: Float64Array) => {
    let mass = 0;
    for (let i = 0; i < cells; i++) mass += values[i]! * dr;
    for (let i = 0; i < cells; i++) values[i]! /= mass;
  };
  normalize(p);

  const phi = new Float64Array(cells);
  const residuals = (values: Float64Array) => {
    let qp = 0;
    let qm = 0;
    for (let i = 0; i < cells; i++) {
      qp += values[i]! * qPlus[i]! * dr;
      qm += values[i]! * qMinus[i]! * dr;
    }
    return { plus: c * qp - 1, minus: c * qm + 1 };
  };
  /** Phi = psi(r; values) + fixed, psi = sum_pm (c/2) D_pm q_pm. */
  const potential = (values: Float64Array, out: Float64Array) => {
    const D = residuals(values);
    for (let i = 0; i < cells; i++) out[i] = (c / 2) * (D.plus * qPlus[i]! + D.minus * qMinus[i]!) + fixed[i]!;
  };
  const record = (time: number): RadialLangevinRecord => {
    const D = residuals(p);
    const risk = 0.25 * (D.plus * D.plus + D.minus * D.minus);
    let second = 0;
    let first = 0;
    let entropy = 0;
    for (let i = 0; i < cells; i++) {
      const m = p[i]! * dr;
      const r = centres[i]!;
      second += m * r * r;
      first += m * r;
      if (p[i]! > 0) entropy -= m * log(p[i]!);
      entropy += (d - 1) * m * log(r);
    }
    return { time, risk, freeEnergy: risk + (lambda / 2) * second - entropy / beta, entropy, meanNorm: first };
  };

  const records: RadialLangevinRecord[] = [];
  const bands = { lower: new Float64Array(cells), diagonal: new Float64Array(cells), upper: new Float64Array(cells) };
  let time = 0;
  let steps = 0;
  let edgeMass = 0;
  const edgeFrom = Math.floor(0.98 * cells);
  for (const target of times) {
    while (time < target) {
      const dt = Math.min(target - time, maxStep);
      potential(p, phi);
      implicitStep(p, phi, dt / (beta * dr * dr), beta, bands);
      time = dt === target - time ? target : time + dt;
      steps++;
    }
    let edge = 0;
    for (let i = edgeFrom; i < cells; i++) edge += p[i]! * dr;
    edgeMass = Math.max(edgeMass, edge);
    records.push(record(target));
  }

  // The self-consistent Gibbs law of the final p, always with the Jacobian r^{d-1}.
  const gibbs = new Float64Array(cells);
  const D = residuals(p);
  let top = -Infinity;
  for (let i = 0; i < cells; i++) {
    const r = centres[i]!;
    const psi = (c / 2) * (D.plus * qPlus[i]! + D.minus * qMinus[i]!) + (lambda * r * r) / 2;
    gibbs[i] = (d - 1) * log(r) - beta * psi;
    top = Math.max(top, gibbs[i]!);
  }
  for (let i = 0; i < cells; i++) gibbs[i] = exp(gibbs[i]! - top);
  normalize(gibbs);
  let gibbsResidual = 0;
  for (let i = 0; i < cells; i++) gibbsResidual += Math.abs(p[i]! - gibbs[i]!) * dr;
  return { records, centres, density: p.slice(), gibbs, gibbsResidual, edgeMass, steps, wallSeconds: (performance.now() - started) / 1000 };
}
