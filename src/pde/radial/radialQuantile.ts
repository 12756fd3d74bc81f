// The MMN18 radial PDE (radialModel.ts) solved by the quantile solver from N given radii: the N
// particles are the empirical law's quantiles, so a finite network's own initial |w_i| start the
// limit with no sampling or binning error, and the law's fine structure (which seeds the kappa =
// 0.4 plateau's escape, docs/experiments.md) is kept exactly. One function for the experiment
// mmn18-isotropic and for `meanfield pde --solver quantile`, so the two give the same bits at the
// same record times.

import { checkCount, checkFinite } from "../../argumentChecks.js";
import type { ActivationSpec } from "../../activation/spec.js";
import { lossOf, residualsOf, type MomentModel } from "../grid/momentModel.js";
import { QuantileSolver } from "../sphere/quantileSolver.js";
import { RadialModel } from "./radialModel.js";

/** Largest RK4 step (mean-field time): halving it moves MMN18's kappa = 0.4 risk by < 1e-4 relative through t = 400. */
export const RADIAL_QUANTILE_MAX_STEP = 0.2;

/** r-interval of the model: far above every radius the kappa = 0.4 law reaches (2.7). */
const R_MAX = 20;

/** The radial PDE from given radii, recorded at given times. */
export interface RadialQuantileOptions {
  activation: ActivationSpec;
  delta: number;
  /** c, the fixed second-layer weight (default 1). */
  secondLayer?: number;
  /** The N initial radii |w_i| (any order). */
  radii: ArrayLike<number>;
  /** Ascending record times t >= 0 (mean-field time, radialModel.ts). */
  times: ArrayLike<number>;
  /** Largest RK4 step (default RADIAL_QUANTILE_MAX_STEP). */
  maxStep?: number;
  /** The velocity field, if not the radial model's own (a broken variant's); records always use the radial model. */
  dynamics?: (model: RadialModel) => MomentModel;
}

/** One record: risk 1/2 E[(y - f)^2] (half MMN18's), the moments Q_pm, residuals D_pm and the mean radius. */
export interface RadialQuantileRecord {
  time: number;
  risk: number;
  moments: number[];
  residuals: number[];
  meanNorm: number;
}

/** The records, the final particles and the solver's work. */
export interface RadialQuantileResult {
  records: RadialQuantileRecord[];
  /** The particles at the last record time, ascending. */
  final: Float64Array;
  steps: number;
  wallSeconds: number;
}

/** Moments Q_pm of the particles by the midpoint rule in the quantile level. */
function momentsOf(model: MomentModel, radii: Float64Array): Float64Array {
  const phi = new Float64Array(model.count);
  const sums = new Float64Array(model.count);
  for (const r of radii) {
    model.basis(r, phi);
    for (let k = 0; k < model.count; k++) sums[k]! += phi[k]! / radii.length;
  }
  return sums;
}

function recordOf(model: RadialModel, time: number, radii: Float64Array): RadialQuantileRecord {
  const moments = momentsOf(model, radii);
  const residuals = residualsOf(model, moments, new Float64Array(model.count));
  let meanNorm = 0;
  for (const r of radii) meanNorm += r / radii.length;
  return { time, risk: lossOf(model, residuals), moments: Array.from(moments), residuals: Array.from(residuals), meanNorm };
}

/**
 * Solves MMN18's radial PDE (isotropic Gaussians, d -> infinity, a_i = c) from the empirical law of
 * `radii` by the quantile solver (RK4, step <= maxStep), recording at `times`. Risks are 1/2 E[(y - f)^2].
 */
export function solveRadialQuantile(options: RadialQuantileOptions): RadialQuantileResult {
  const started = performance.now();
  checkCount("radii.length", options.radii.length);
  checkFinite("radii", options.radii);
  checkFinite("times", options.times);
  const radii = Float64Array.from(options.radii).sort();
  if (!(radii[0]! >= 0)) throw new RangeError(`meanfield: radii must be >= 0, got ${radii[0]}`);
  const times = Array.from(options.times);
  times.forEach((t, k) => {
    if (!(t >= 0 && (k === 0 || t >= times[k - 1]!))) throw new RangeError(`meanfield: times must be ascending and >= 0 (times[${k}] = ${t})`);
  });
  const model = new RadialModel({ activation: options.activation, delta: options.delta, secondLayer: options.secondLayer, rMax: Math.max(R_MAX, 2 * radii[radii.length - 1]!) });
  const solver = new QuantileSolver(options.dynamics ? options.dynamics(model) : model, radii, { maxStep: options.maxStep ?? RADIAL_QUANTILE_MAX_STEP });
  const records = times.map((t) => {
    solver.advanceTo(t);
    return recordOf(model, t, solver.positions);
  });
  return { records, final: Float64Array.from(solver.positions), steps: solver.steps, wallSeconds: (performance.now() - started) / 1000 };
}
