// solvePde(config): the mean-field limit of a run config, by the solver its symmetry allows
// (noisy isotropic Gaussians: the radial Langevin PDE).
// Records share one shape, { step, time, loss, ... }, whatever the solver.

import { ConfigError, parseConfig, type Config, type ConfigInput } from "../config.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { pdeFromConfig, radialLangevinFromConfig, radialQuantileFromConfig } from "./fromConfig.js";
import { solveReducedParticles } from "./reduced/reducedRun.js";

/** The common form of every PDE family's result, so the CLI and reports handle them alike. */
export interface PdeSolution {
  kind: "sphere" | "radial" | "radialQuantile" | "radialLangevin" | "reducedParticles";
  records: ({ step: number; time: number; loss: number } & Record<string, unknown>)[];
  summary: Record<string, unknown>;
  /** What the solver could not do as asked (a series truncated above its tolerance); empty when nothing. */
  warnings: string[];
}

/**
 * The mean-field limit of a run config by the solver its symmetry allows (sphere or radial
 * finite volumes, the radial Langevin PDE under noise, reduced particles), with records in the run's steps (step = round(t / stepSize),
 * mean-field time t) and the loss in the run's 1/2-normalization. `initial: "particles"` starts the
 * sphere or radial PDE from the empirical law of the run's exact initial weights (pdeFromConfig);
 * `method: "quantile"` (radial PDE only, from those weights) moves the N initial radii as the law's
 * quantiles instead of finite volumes (radialQuantileFromConfig).
 */
export async function solvePde(
  input: ConfigInput | Config,
  options: { cells?: number; runtime?: WasmRuntime; initial?: "law" | "particles"; method?: "finiteVolume" | "quantile" } = {},
): Promise<PdeSolution> {
  const config = parseConfig(input);
  const { stepSize } = config.algorithm;
  const stepOf = (time: number) => Math.round(time / stepSize);
  if (options.method === "quantile") {
    if (options.initial !== "particles") throw new ConfigError('method: the quantile solver moves the run\'s N initial radii; it needs initial "particles"');
    if (config.algorithm.noise) throw new ConfigError("algorithm.noise: the quantile solver has no diffusion; remove the noise");
    const { records, steps, wallSeconds } = (await radialQuantileFromConfig(config, options)).result;
    return {
      kind: "radialQuantile",
      records: records.map((r) => ({ step: stepOf(r.time), loss: r.risk, ...r })),
      summary: { kind: "radialQuantile", particles: config.model.width, steps, wallSeconds },
      warnings: [],
    };
  }
  if (config.task.kind === "isotropicGaussians" && config.algorithm.noise) {
    const { records, gibbsResidual, edgeMass, steps, wallSeconds } = radialLangevinFromConfig(config, options).result;
    return {
      kind: "radialLangevin",
      records: records.map((r) => ({ step: stepOf(r.time), loss: r.risk, ...r })),
      summary: { kind: "radialLangevin", gibbsResidual, edgeMass, steps, wallSeconds },
      warnings: [],
    };
  }
  if (config.task.kind === "sphereSingleIndex" || config.task.kind === "isotropicGaussians") {
    const limit = await pdeFromConfig(config, options);
    if (limit.kind === "sphere") {
      const { records, ...rest } = limit.result;
      return {
        kind: "sphere",
        records: records.map((r) => ({ step: stepOf(r.time), ...r })),
        summary: { kind: "sphere", ...rest, final: undefined },
        warnings: rest.model.warnings,
      };
    }
    const { records, ...rest } = limit.result;
    return {
      kind: "radial",
      records: records.map((r) => ({ step: stepOf(r.time), loss: r.risk, ...r })),
      summary: { kind: "radial", ...rest, final: undefined },
      warnings: [],
    };
  }
  const reduced = await solveReducedParticles(config, options.runtime ? { runtime: options.runtime } : {});
  return {
    kind: "reducedParticles",
    records: reduced.records.map((r) => ({ ...r })),
    summary: { kind: "reducedParticles", basis: reduced.basisNames, ...reduced.summary },
    warnings: [],
  };
}
