// The runs of the reflective-trap experiment (reflective-trap.ts, Chen, Ge 2024, arXiv 2402.08948):
// stage 1 by population GD on the exact Gaussian loss, stage 2 as an exact ridge solve for the
// second layer, and the initial laws and measurements they share. Kept apart so that the experiment
// file reads as its phases: trap runs over d, averaged trajectories, checks, figures.

import type { ConfigInput } from "../config.js";
import { simulate } from "../run/simulate.js";
import type { MonomialTerm } from "../tasks/reflectiveProperty.js";
import type { ExperimentContext } from "./experiment.js";

/** Population GD step; 0.05 already oscillates once the features reach norm ~1.3 (cubic curvature). */
const STEP_SIZE = 0.02;
/** Ridge of the stage-2 solve: small against the Gram matrix's scale, enough to keep it invertible when features coincide. */
const STAGE2_RIDGE = 1e-6;

/** Stage 1 (w trained by population GD, a fixed): the exact Gaussian loss, so finite-N particles follow the mean-field flow of their empirical law with no sampling noise to break a symmetry. */
export function firstStageConfig(name: string, d: number, terms: MonomialTerm[], activation: number[], weights: number[][], a: number[], time: number): ConfigInput {
  return {
    name,
    seed: 1,
    task: { kind: "gaussianMultiIndex", d, terms: terms.map((t) => ({ coefficient: t.coefficient, degrees: [...t.degrees] })) },
    model: {
      width: weights.length,
      activation: { kind: "polynomial", coefficients: activation },
      train: "first",
      init: { firstLayer: { kind: "given", weights }, secondLayer: { kind: "given", values: a } },
    },
    algorithm: { kind: "populationGd", steps: Math.round(time / STEP_SIZE), stepSize: STEP_SIZE },
    metrics: { include: ["populationLoss", "projections"], schedule: { kind: "every", steps: 5 } },
  };
}

/** N rows of d Gaussians of variance scale^2/d: the standard mean-field initialization. */
export function drawWeights(context: ExperimentContext, name: string, n: number, d: number, scale: number): number[][] {
  const g = context.runtime.random.gaussian(context.seed, name, n * d);
  return Array.from({ length: n }, (_, i) => Array.from(g.subarray(i * d, (i + 1) * d), (v) => (scale * v) / Math.sqrt(d)));
}

/**
 * The d -> infinity limit of rows w ~ N(0, I/d) seen from the relevant subspace: no component on
 * the coordinates in `zeroed` and unit norm off them (|w|^2 = chi^2_d / d -> 1), so that only the
 * O(1/sqrt d) overlaps between neurons still depend on d.
 */
export function limitRows(rows: number[][], zeroed: number[]): number[][] {
  return rows.map((row) => {
    const out = [...row];
    for (const k of zeroed) out[k] = 0;
    const norm = Math.sqrt(out.reduce((acc, v) => acc + v * v, 0));
    return out.map((v) => v / norm);
  });
}

/** N second-layer signs a_i = ±1, each with probability 1/2: the two-atom law the averaging needs. */
export function drawSigns(context: ExperimentContext, name: string, n: number): number[] {
  return Array.from(context.runtime.random.uniform(context.seed, name, n), (u) => (u < 0.5 ? -1 : 1));
}

/** First time the series reaches `level`, interpolated linearly between records; Infinity if never (an escape time). */
export function crossingTime(times: number[], values: number[], level: number): number {
  const k = values.findIndex((v) => v >= level);
  if (k < 0) return Infinity;
  if (k === 0) return times[0]!;
  const [t0, t1, v0, v1] = [times[k - 1]!, times[k]!, values[k - 1]!, values[k]!];
  return t0 + ((level - v0) / (v1 - v0)) * (t1 - t0);
}

/** One stage-1 trap run: the RMS projection on S and the loss over time. */
export interface TrapRun {
  times: number[];
  projectionS: number[];
  loss: number[];
}

/** Runs one stage-1 trap configuration (saved for reproduction); throws if it diverges. */
export async function trapRun(context: ExperimentContext, label: string, config: ConfigInput): Promise<TrapRun> {
  context.saveConfig(label, config);
  const result = await simulate(config, { runtime: context.runtime });
  if (result.summary.status !== "completed") throw new Error(`reflective-trap: ${label} diverged: ${result.summary.divergence?.message}`);
  return {
    times: result.records.map((r) => r.time),
    projectionS: result.records.map((r) => (r.projections as number[])[1]!),
    loss: result.records.map((r) => r.populationLoss as number),
  };
}

/** Stage 1 of one trajectory: the end point of w (N x d), the features the averaging combines. */
export async function firstStageEndPoint(context: ExperimentContext, label: string, config: ConfigInput): Promise<Float64Array> {
  let last: Float64Array | null = null;
  const result = await simulate(config, { runtime: context.runtime, observe: (_s, _t, w) => (last = w) });
  if (result.summary.status !== "completed" || !last) throw new Error(`reflective-trap: ${label} diverged: ${result.summary.divergence?.message}`);
  return last;
}

/** Stage 2: a re-solved exactly (ridge on the population Gram matrix) for fixed features w; the population loss, which says whether the features can fit the target. */
export async function secondStageLoss(context: ExperimentContext, label: string, d: number, terms: MonomialTerm[], activation: number[], w: Float64Array, n: number): Promise<number> {
  const weights = Array.from({ length: n }, (_, i) => Array.from(w.subarray(i * d, (i + 1) * d)));
  const config: ConfigInput = {
    name: label,
    seed: 1,
    task: { kind: "gaussianMultiIndex", d, terms: terms.map((t) => ({ coefficient: t.coefficient, degrees: [...t.degrees] })) },
    model: {
      width: n,
      activation: { kind: "polynomial", coefficients: activation },
      train: "second",
      init: { firstLayer: { kind: "given", weights }, secondLayer: { kind: "constant", value: 0 } },
    },
    // One two-timescale step: the ridge solve for a, then a first-layer step too small to matter.
    algorithm: { kind: "twoTimescale", data: { kind: "population" }, ridge: STAGE2_RIDGE, steps: 1, stepSize: 1e-12 },
    metrics: { include: ["populationLoss"], schedule: { kind: "every", steps: 1 } },
  };
  context.saveConfig(label, config);
  const result = await simulate(config, { runtime: context.runtime });
  return result.records[result.records.length - 1]!.populationLoss as number;
}

/** Rows of w that differ by more than tol (max norm) from every earlier distinct row: the number of distinct features. */
export function distinctRows(w: Float64Array, n: number, d: number, tol: number): number {
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    const same = kept.some((j) => {
      let m = 0;
      for (let k = 0; k < d; k++) m = Math.max(m, Math.abs(w[i * d + k]! - w[j * d + k]!));
      return m <= tol;
    });
    if (!same) kept.push(i);
  }
  return kept.length;
}
