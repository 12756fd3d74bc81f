// The mean-field limit of a run config by reduced particles (src/pde/reduced/reducedParticles.ts): the
// same task, model and step schedule as `simulate`, with M reduced particles in place of N
// neurons and no dimension in the dynamics. Records at the config's metric schedule:
//   loss          1/2 E[(f - y)^2], exact for the reduced model
//   coefficients  E[f b] for the task's basis functions (result.basisNames): the staircase
//                 monomials x1, x1x2, ... (ABAM22 Figure 1, right), the Hermite monomials of a
//                 multi-index target, h_0..h_K along q* for a single index
//   projections   sqrt(mean_i w_{S,ik}^2) per relevant coordinate, as the finite-N metric of that name
//   meanAbsW      mean_i |w_{S,ik}| per relevant coordinate
//   meanR         mean_i r_i, the limit of the finite-N metric orthogonalNorm

import { ConfigError, parseConfig, type Config, type ConfigInput } from "../../config.js";
import { linkToActivation } from "../../activation/link.js";
import { metricSteps } from "../../metricSchedule.js";
import { loadRuntime, type WasmRuntime } from "../../wasm/runtime.js";
import { initialParticles, type ReducedParticleState } from "./reducedInit.js";
import { ReducedParticles, type ReducedParticlesOptions, type ReducedScheme } from "./reducedParticles.js";
import { createReducedTask, type ReducedTaskOptions } from "./reducedTask.js";

/**
 * One logged time of a reduced-particle run: loss 1/2 E[(f - y)^2] at mean-field time t = step h, and the
 * overlaps with the relevant directions.
 */
export interface ReducedRecord {
  step: number;
  time: number;
  loss: number;
  coefficients: number[];
  projections: number[];
  meanAbsW: number[];
  meanR: number;
}

/** train and bias come from the config's model, firstLayerStepRatio and projected from its algorithm. */
export interface ReducedRunOptions extends Omit<ReducedParticlesOptions, "train" | "bias" | "firstLayerStepRatio" | "projected">, ReducedTaskOptions {
  runtime?: WasmRuntime;
  /** M, the number of reduced particles; default model.width. */
  particles?: number;
  /**
   * Particles to start from instead of a draw of the config's initialization law, e.g. the
   * d -> infinity law w_S = 0, r = 1 of Berthier, Montanari, Zhou (2023); M is then their number.
   */
  initial?: ReducedParticleState;
  /** Default "heun". */
  scheme?: ReducedScheme;
  onRecord?: (record: ReducedRecord) => void;
  /** Called at every recorded step with the particles (copies), e.g. to draw their law. */
  observe?: (step: number, time: number, particles: ReducedParticleState) => void;
}

/** What a reduced run reports in its summary, like a network run's, so the two can be tabulated side by side. */
export interface ReducedRunSummary {
  name: string;
  status: "completed" | "diverged";
  steps: number;
  totalSteps: number;
  time: number;
  particles: number;
  /** P, the relevant coordinates. */
  coordinates: number;
  /** Q, the points of the rule over them. */
  points: number;
  scheme: ReducedScheme;
  wallSeconds: number;
  divergence: { step: number; loss: number } | null;
  final: ReducedRecord | null;
}

/** A reduced-particle run from a config: its records and the names of the basis coordinates they refer to. */
export interface ReducedRunResult {
  config: Config;
  basisNames: string[];
  records: ReducedRecord[];
  /** The particles after the last step. */
  particles: ReducedParticleState;
  summary: ReducedRunSummary;
}

/** The parts of a config the reduced limit cannot represent, as a ConfigError naming the field. */
export function checkReducible(config: Config): void {
  const { task, model, algorithm } = config;
  if (task.kind !== "staircase" && task.kind !== "gaussianMultiIndex" && task.kind !== "gaussianSingleIndex") {
    throw new ConfigError(`task.kind: the reduced-coordinate solver needs a target of a few coordinates (staircase, gaussianMultiIndex, gaussianSingleIndex), not ${task.kind}`);
  }
  if (model.scaling !== "meanfield") throw new ConfigError(`model.scaling: the reduced-coordinate solver is the mean-field limit; NTK scaling has a different one`);
  if (algorithm.kind !== "populationGd" && algorithm.kind !== "onlineSgd") {
    throw new ConfigError(`algorithm.kind: the reduced-coordinate solver is the limit of populationGd and onlineSgd, not ${algorithm.kind}`);
  }
  if (algorithm.noise) throw new ConfigError(`algorithm.noise: the reduced-coordinate solver has no Langevin noise`);
  if (algorithm.linearize) throw new ConfigError(`algorithm.linearize: the reduced-coordinate solver is the nonlinear limit`);
}

function relevantCoordinates(config: Config): number {
  const task = config.task;
  if (task.kind === "staircase") return task.degree;
  if (task.kind === "gaussianMultiIndex") return task.terms[0]!.degrees.length;
  return 1;
}

function particleStatistics(s: ReducedParticleState, p: number): Pick<ReducedRecord, "projections" | "meanAbsW" | "meanR"> {
  const m = s.a.length;
  const squares = new Array<number>(p).fill(0);
  const abs = new Array<number>(p).fill(0);
  let r = 0;
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < p; k++) {
      const w = s.wS[i * p + k]!;
      squares[k]! += w * w;
      abs[k]! += Math.abs(w);
    }
    r += s.r[i]!;
  }
  return { projections: squares.map((v) => Math.sqrt(v / m)), meanAbsW: abs.map((v) => v / m), meanR: r / m };
}

/** Runs the reduced mean-field limit of a config from t = 0 to steps * stepSize. */
export async function solveReducedParticles(input: ConfigInput | Config, options: ReducedRunOptions = {}): Promise<ReducedRunResult> {
  const config = parseConfig(input);
  checkReducible(config);
  const runtime = options.runtime ?? (await loadRuntime());
  const p = relevantCoordinates(config);
  const m = options.initial?.a.length ?? options.particles ?? config.model.width;
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`meanfield: particles must be an integer >= 1, got ${m}`);
  const scheme = options.scheme ?? "heun";
  if (scheme !== "heun" && scheme !== "euler") throw new RangeError(`meanfield: scheme must be "heun" or "euler", got ${String(scheme)}`);
  const task = createReducedTask(config, options);
  const activation = linkToActivation(config.model.activation, config.task.d);
  const system = new ReducedParticles(runtime, task, activation, options.initial ?? initialParticles(runtime, config, p, m), {
    ...options,
    train: config.model.train,
    bias: config.model.bias,
    firstLayerStepRatio: config.algorithm.firstLayerStepRatio,
    projected: config.algorithm.projected,
  });
  try {
    const { steps, stepSize } = config.algorithm;
    const schedule = new Set(metricSteps(config.metrics.schedule, steps));
    const divergenceLimit = 1e6 * (1 + task.targetSquare);
    const records: ReducedRecord[] = [];
    let divergence: ReducedRunSummary["divergence"] = null;
    let step = 0;
    const started = performance.now();
    while (true) {
      if (schedule.has(step)) {
        const { loss, coefficients } = system.measure();
        const state = system.getState();
        const record = { step, time: step * stepSize, loss, coefficients: Array.from(coefficients), ...particleStatistics(state, p) };
        records.push(record);
        options.observe?.(step, step * stepSize, state);
        options.onRecord?.(record);
      }
      if (step >= steps) break;
      const loss = system.step(stepSize, scheme);
      if (!Number.isFinite(loss) || loss > divergenceLimit) {
        divergence = { step, loss };
        break;
      }
      step++;
    }
    return {
      config,
      basisNames: task.basisNames,
      records,
      particles: system.getState(),
      summary: {
        name: config.name,
        status: divergence ? "diverged" : "completed",
        steps: step,
        totalSteps: steps,
        time: step * stepSize,
        particles: m,
        coordinates: p,
        points: task.rule.q,
        scheme,
        wallSeconds: (performance.now() - started) / 1000,
        divergence,
        final: records[records.length - 1] ?? null,
      },
    };
  } finally {
    system.free();
  }
}
