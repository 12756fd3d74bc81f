// Escape times of spherical online SGD on a Gaussian single-index target, and the per-d search
// for the step that minimizes them (Ben Arous, Gheissari, Jagannath 2021, arXiv 2003.10409).
// One neuron f(x) = a sigma(<w, x>) with a fixed small second-layer weight a, trained by the
// package's Trainer (onlineSgd, batch 1, projected: the gradient's tangent part, then w / |w|),
// from |w| = 1 with overlap m0 = <w, w*> = 1/sqrt(d). The step is eta = c / d; c is searched on the
// ladder c_j = c0 2^{j/2}, so no power of d is imposed on it: for s >= 3 the measured optimum
// shrinks with d because the renormalization's retraction (c^2 terms) traps larger steps.

import { parseConfig, type ConfigInput } from "../config.js";
import { networkOptionsOf, TwoLayerNetwork } from "../model/network.js";
import { createTask } from "../tasks/createTask.js";
import { linkSchema, linkToActivation, type LinkSpec } from "../activation/link.js";
import { Trainer } from "../train/trainer.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { exp, log } from "../special/portableMath.js";

/**
 * One escape problem of Ben Arous, Gheissari, Jagannath 2021: dimension, link h and activation σ in
 * the normalized Hermite basis, the fixed second-layer weight, and the overlap |m| that counts as escaped.
 */
export interface EscapeProblem {
  d: number;
  /** h, the target's link. */
  link: LinkSpec;
  /** sigma, the student's activation (a link spec like the target's). */
  activation: LinkSpec;
  /** a, the fixed second-layer weight. */
  outputWeight: number;
  /** |m| to reach. */
  threshold: number;
  /** Whether w moves (false only for a broken variant). */
  trainFirstLayer: boolean;
}

/** The run's config: the given initial row puts the overlap at exactly 1/sqrt(d). */
export function escapeConfig(problem: EscapeProblem, seed: number, c: number, steps: number, initial: number[]): ConfigInput {
  return {
    name: `escape-d${problem.d}-c${c.toPrecision(4)}-seed${seed}`,
    seed,
    task: { kind: "gaussianSingleIndex", d: problem.d, link: problem.link },
    model: {
      width: 1,
      activation: problem.activation,
      scaling: "committee",
      train: problem.trainFirstLayer ? "first" : "second",
      init: { firstLayer: { kind: "given", weights: [initial] }, secondLayer: { kind: "constant", value: problem.outputWeight } },
    },
    algorithm: { kind: "onlineSgd", batch: 1, steps, stepSize: c / problem.d, projected: true },
  };
}

/**
 * Steps of one run until |<w, w*>| >= threshold, or null if it has not happened after `cap` steps.
 * The overlap is read after every step (d multiplications, a few percent of the step's cost).
 */
export function escapeSteps(rt: WasmRuntime, problem: EscapeProblem, seed: number, c: number, cap: number): { steps: number | null; config: ConfigInput } {
  const { d } = problem;
  const activation = linkToActivation(linkSchema.parse(problem.activation), d);
  const probe = parseConfig(escapeConfig(problem, seed, c, cap, [1, ...new Array<number>(d - 1).fill(0)]));
  const task = createTask(rt, probe.task, seed, activation);
  const q = Float64Array.from(task.directions);
  // A uniform direction, made orthogonal to w*, then tilted to overlap m0 = 1/sqrt(d).
  const u = rt.random.sphere(seed, "init.escape", 1, d);
  let along = 0;
  for (let k = 0; k < d; k++) along += u[k]! * q[k]!;
  let norm = 0;
  for (let k = 0; k < d; k++) {
    u[k] = u[k]! - along * q[k]!;
    norm += u[k]! * u[k]!;
  }
  const m0 = 1 / Math.sqrt(d);
  const scale = Math.sqrt(1 - m0 * m0) / Math.sqrt(norm);
  const initial = Array.from(q, (qk, k) => m0 * qk + scale * u[k]!);
  const input = escapeConfig(problem, seed, c, cap, initial);
  const config = parseConfig(input);
  const net = new TwoLayerNetwork(rt, networkOptionsOf(config, activation));
  const trainer = new Trainer(config, task, net);
  try {
    for (let step = 1; step <= cap; step++) {
      trainer.advance();
      const w = net.w.view;
      let m = 0;
      for (let k = 0; k < d; k++) m += w[k]! * q[k]!;
      if (Math.abs(m) >= problem.threshold) return { steps: step, config: input };
    }
    return { steps: null, config: input };
  } finally {
    trainer.free();
    net.free();
    task.free();
  }
}

/**
 * One rung c of the step ladder η = c / d: steps to escape per seed (a non-escaping run counts as its
 * cap, a lower bound), and their geometric mean.
 */
export interface RungResult {
  c: number;
  /** Steps per seed; a run that did not escape counts as its cap (a lower bound). */
  steps: number[];
  escaped: number;
  /** Geometric mean of the steps (the cap for runs that did not escape). */
  geometricMean: number;
}

/** The search over the ladder c_j = c0 2^{j/2} (no power of d imposed): seeds, start rung, step caps and the rung limit. */
export interface SearchOptions {
  seeds: number[];
  /** c0 of the ladder c_j = c0 2^{j/2}. */
  c0: number;
  /** Rung the search starts on. */
  start: number;
  /** Steps a run may take on the start rung. */
  firstCap: number;
  /** Later runs are cut at this multiple of the best geometric mean so far. */
  capFactor: number;
  /** At most this many rungs per search. */
  maxRungs: number;
}

function geometricMean(values: number[]): number {
  return exp(values.reduce((s, v) => s + log(v), 0) / values.length);
}

/**
 * The rung with the fewest steps (geometric mean over the seeds, every seed escaped): from the
 * start rung, towards larger c while that improves, else towards smaller c; a rung on which some
 * seed did not escape counts as worse. Returns the best rung (null if none escaped) and all rungs run.
 */
export function searchStep(run: (c: number, seed: number, cap: number) => number | null, options: SearchOptions): { best: RungResult | null; bestRung: number; rungs: Map<number, RungResult> } {
  const rungs = new Map<number, RungResult>();
  let best: RungResult | null = null;
  let bestRung = options.start;
  const evaluate = (j: number): RungResult => {
    const c = options.c0 * exp((j * log(2)) / 2);
    const cap = best ? Math.ceil(options.capFactor * best.geometricMean) : options.firstCap;
    const steps = options.seeds.map((seed) => run(c, seed, cap));
    const escaped = steps.filter((s) => s !== null).length;
    const counted = steps.map((s) => s ?? cap);
    const result = { c, steps: counted, escaped, geometricMean: geometricMean(counted) };
    rungs.set(j, result);
    if (escaped === steps.length && (!best || result.geometricMean < best.geometricMean)) {
      best = result;
      bestRung = j;
    }
    return result;
  };
  evaluate(options.start);
  // Downwards until some rung escapes (the start may sit above the trapping threshold).
  let j = options.start;
  while (!best && rungs.size < options.maxRungs) evaluate(--j);
  if (!best) return { best: null, bestRung, rungs };
  for (const direction of [1, -1]) {
    j = bestRung + direction;
    while (rungs.size < options.maxRungs && !rungs.has(j)) {
      const before = bestRung;
      evaluate(j);
      if (bestRung === before) break;
      j += direction;
    }
  }
  return { best, bestRung, rungs };
}
