// The mean-field PDE of a run config, when the config's symmetry reduces it to one dimension:
//   sphereSingleIndex, projected GD/SGD, first layer only, a_i = c  -> the sphere PDE of w = <q*, u>;
//   isotropicGaussians, plain GD/SGD, first layer only, a_i = c     -> the MMN18 radial PDE of r = |w|.
// Records come at the config's metric schedule, t = step * stepSize. Population GD and online SGD
// have the same limit (N -> infinity, then stepSize -> 0), so both are accepted; fixed-sample
// training, linearization, NTK scaling and a trained second layer are not this PDE and are refused
// with a ConfigError naming the field. Langevin noise on isotropicGaussians has its own radial PDE
// (radialLangevinFromConfig); elsewhere it is refused.

import { ConfigError, parseConfig, type Config, type ConfigInput } from "../config.js";
import { TwoLayerNetwork } from "../model/network.js";
import { metricSteps } from "../metricSchedule.js";
import { linkToActivation } from "../activation/link.js";
import { loadRuntime, type WasmRuntime } from "../wasm/runtime.js";
import type { FiniteVolumeOptions } from "./grid/finiteVolume.js";
import type { DensityOutput } from "./grid/output.js";
import type { PhaseOptions } from "./sphere/phases.js";
import { solveRadialLangevin, type RadialLangevinResult } from "./radial/radialLangevin.js";
import { solveRadialPde, type RadialInitialLaw, type RadialPdeResult } from "./radial/radialPde.js";
import { solveRadialQuantile, type RadialQuantileResult } from "./radial/radialQuantile.js";
import { solveSpherePde, type SphereInitialLaw, type SpherePdeResult } from "./sphere/spherePde.js";

/** Resolution and output controls of the PDE built from a config; the physics comes from the config alone. */
export interface PdeFromConfigOptions {
  runtime?: WasmRuntime;
  /** Grid cells (default 4096). */
  cells?: number;
  /**
   * "law" (default): the initial law of the config's init (sphere-uniform, or N(0, kappa^2/d I));
   * "particles": the empirical law of the exact weights the config's run starts from, so a
   * comparison with that run carries no initial sampling error.
   */
  initial?: "law" | "particles";
  /** K for the sphere PDE (default as SphereModel). */
  degree?: number;
  solver?: FiniteVolumeOptions;
  density?: DensityOutput | boolean;
  phases?: PhaseOptions;
}

/**
 * The mean-field limit of a config: the sphere PDE (spherical weights, single-index target) or the radial PDE
 * (isotropic Gaussians), with the mean-field record times t = step h.
 */
export type PdeFromConfigResult =
  | { kind: "sphere"; config: Config; times: number[]; result: SpherePdeResult }
  | { kind: "radial"; config: Config; times: number[]; result: RadialPdeResult };

/** The fixed second-layer weight c, after checking the config trains the first layer only (and, unless `noisy`, without noise). */
function secondLayerOf(config: Config, noisy = false): number {
  const { model, algorithm } = config;
  if (model.scaling !== "meanfield") throw new ConfigError(`model.scaling: the mean-field PDE needs "meanfield" scaling, got "${model.scaling}"`);
  if (model.train !== "first") throw new ConfigError(`model.train: the reduced PDE holds the second layer fixed; set "first", got "${model.train}"`);
  if (model.bias) throw new ConfigError("model.bias: the reduced PDE has no bias; set it false");
  const second = model.init.secondLayer;
  if (second.kind !== "constant") throw new ConfigError(`model.init.secondLayer: the reduced PDE needs every a_i equal (kind "constant"), got "${second.kind}"`);
  if (algorithm.kind !== "populationGd" && algorithm.kind !== "onlineSgd") {
    throw new ConfigError(`algorithm.kind: the PDE is the limit of populationGd or onlineSgd, not ${algorithm.kind}`);
  }
  if (algorithm.noise && !noisy) throw new ConfigError("algorithm.noise: Langevin noise adds diffusion, which this PDE has not; remove it");
  if (algorithm.linearize) throw new ConfigError("algorithm.linearize: a linearized model has no mean-field PDE; set it false");
  return second.value;
}

/** The config's initial first-layer weights (N x d), exactly as simulate() draws them. */
function initialWeights(runtime: WasmRuntime, config: Config): Float64Array {
  const { model, task } = config;
  const net = new TwoLayerNetwork(runtime, {
    n: model.width,
    d: task.d,
    activation: linkToActivation(model.activation, task.d),
    scaling: model.scaling,
    seed: config.seed,
    firstLayer: model.init.firstLayer,
    secondLayer: model.init.secondLayer,
  });
  try {
    return net.w.toArray();
  } finally {
    net.free();
  }
}

function rowNorm(w: Float64Array, i: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += w[i * d + k]! ** 2;
  return Math.sqrt(s);
}

/**
 * Picks the PDE family a config reduces to and solves it at the config's logging times, so a network run and its
 * limit are compared without restating the setting.
 */
export async function pdeFromConfig(input: ConfigInput | Config, options: PdeFromConfigOptions = {}): Promise<PdeFromConfigResult> {
  const config = parseConfig(input);
  const { task, model, algorithm } = config;
  const c = secondLayerOf(config);
  const runtime = options.runtime ?? (await loadRuntime());
  const times = metricSteps(config.metrics.schedule, algorithm.steps).map((s) => s * algorithm.stepSize);
  const first = model.init.firstLayer;
  const particles = options.initial === "particles";
  if (options.initial !== undefined && options.initial !== "law" && !particles) {
    throw new RangeError(`meanfield: initial must be "law" or "particles", got ${String(options.initial)}`);
  }
  const common = { times, solver: options.solver, density: options.density, runtime };
  const cells = options.cells;

  if (task.kind === "sphereSingleIndex") {
    if (!algorithm.projected) throw new ConfigError("algorithm.projected: the sphere PDE is the limit of projected training; set it true");
    if (first.kind === "gaussian") throw new ConfigError(`model.init.firstLayer: the sphere PDE needs unit-norm weights ("sphere" or "given"), got "gaussian"`);
    let initial: SphereInitialLaw = { kind: "uniform" };
    if (particles || first.kind === "given") {
      const w = initialWeights(runtime, config);
      // q* exactly as the task draws it (src/tasks/sphereSingleIndex.ts).
      const q = runtime.random.sphere(config.seed, "task.q", 1, task.d);
      const overlaps = new Float64Array(model.width);
      for (let i = 0; i < model.width; i++) {
        let s = 0;
        for (let k = 0; k < task.d; k++) s += w[i * task.d + k]! * q[k]!;
        overlaps[i] = Math.max(-1, Math.min(1, s / rowNorm(w, i, task.d)));
      }
      initial = { kind: "samples", samples: overlaps };
    }
    const result = await solveSpherePde({
      ...common,
      d: task.d,
      activation: linkToActivation(model.activation, task.d),
      link: linkToActivation(task.link, task.d),
      secondLayer: c,
      degree: options.degree,
      initial,
      grid: cells === undefined ? {} : { cells },
      phases: options.phases,
    });
    return { kind: "sphere", config, times, result };
  }

  if (task.kind === "isotropicGaussians") {
    if (algorithm.projected) throw new ConfigError("algorithm.projected: projection fixes every |w_i| = 1, so the radial PDE would not move; set it false");
    let initial: RadialInitialLaw;
    if (first.kind === "gaussian" && !particles) initial = { kind: "gaussian", kappa: first.kappa };
    else {
      const w = initialWeights(runtime, config);
      initial = { kind: "samples", samples: Float64Array.from({ length: model.width }, (_, i) => rowNorm(w, i, task.d)) };
    }
    const result = await solveRadialPde({
      ...common,
      d: task.d,
      delta: task.delta,
      activation: linkToActivation(model.activation, task.d),
      secondLayer: c,
      initial,
      grid: cells === undefined ? {} : { cells },
    });
    return { kind: "radial", config, times, result };
  }

  throw new ConfigError(`task.kind: no one-dimensional mean-field PDE for ${task.kind}; supported: sphereSingleIndex, isotropicGaussians`);
}

/**
 * The mean-field Langevin limit of a noisy isotropic-Gaussians config (noise lambda, beta): the radial
 * Langevin PDE from the Gaussian init's chi law, at the config's record times t = step h, with the
 * risk in the 1/2-normalization. `cells` defaults to the solver's 600 (not 4096).
 */
export function radialLangevinFromConfig(input: ConfigInput | Config, options: { cells?: number } = {}): { config: Config; times: number[]; result: RadialLangevinResult } {
  const config = parseConfig(input);
  const { task, model, algorithm } = config;
  if (task.kind !== "isotropicGaussians") throw new ConfigError(`task.kind: the radial Langevin PDE is for isotropicGaussians, got ${task.kind}`);
  const c = secondLayerOf(config, true);
  if (algorithm.projected) throw new ConfigError("algorithm.projected: the radial Langevin PDE is the limit of unprojected training; set it false");
  const beta = algorithm.noise?.beta;
  if (beta === undefined) throw new ConfigError("algorithm.noise.beta: the radial Langevin PDE needs a finite inverse temperature; set beta > 0");
  const first = model.init.firstLayer;
  if (first.kind !== "gaussian") throw new ConfigError(`model.init.firstLayer: the radial Langevin PDE starts from the Gaussian init's law; set kind "gaussian", got "${first.kind}"`);
  const times = metricSteps(config.metrics.schedule, algorithm.steps).map((s) => s * algorithm.stepSize);
  const result = solveRadialLangevin({
    d: task.d,
    delta: task.delta,
    activation: linkToActivation(model.activation, task.d),
    lambda: algorithm.noise!.lambda,
    beta,
    secondLayer: c,
    kappa: first.kappa,
    times,
    ...(options.cells !== undefined ? { cells: options.cells } : {}),
  });
  return { config, times, result };
}

/**
 * MMN18's radial PDE of an isotropic-Gaussians config by the quantile solver, its N particles the
 * norms |w_i| of the exact initial weights the config's run starts from (radialQuantile.ts), at the
 * config's record times t = step h; risks in the 1/2-normalization.
 */
export async function radialQuantileFromConfig(input: ConfigInput | Config, options: { runtime?: WasmRuntime } = {}): Promise<{ config: Config; times: number[]; result: RadialQuantileResult }> {
  const config = parseConfig(input);
  const { task, model, algorithm } = config;
  if (task.kind !== "isotropicGaussians") throw new ConfigError(`task.kind: the quantile solver is for the radial PDE of isotropicGaussians, got ${task.kind}`);
  const c = secondLayerOf(config);
  if (algorithm.projected) throw new ConfigError("algorithm.projected: projection fixes every |w_i| = 1, so the radial PDE would not move; set it false");
  const runtime = options.runtime ?? (await loadRuntime());
  const w = initialWeights(runtime, config);
  const times = metricSteps(config.metrics.schedule, algorithm.steps).map((s) => s * algorithm.stepSize);
  const result = solveRadialQuantile({
    activation: linkToActivation(model.activation, task.d),
    delta: task.delta,
    secondLayer: c,
    radii: Float64Array.from({ length: model.width }, (_, i) => rowNorm(w, i, task.d)),
    times,
  });
  return { config, times, result };
}
