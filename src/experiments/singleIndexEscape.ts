// Escape times of spherical online SGD on a Gaussian single-index target, and the per-d search
// for the step that minimizes them (Ben Arous, Gheissari, Jagannath 2021, arXiv 2003.10409).
// One neuron f(x) = a sigma(<w, x>) with a fixed second-layer weight a, trained by the package's
// Trainer (onlineSgd, batch 1, projected: the gradient's tangent part, then w / |w|), from |w| = 1
// with overlap m0 = <w, w*> = 1/sqrt(d). The step eta is searched on the ladder eta_j = eta0 2^{j/2},
// so no power of d is imposed on it: for s >= 3 the measured optimum shrinks faster than 1/d
// because the renormalization's retraction (eta^2 d terms) traps larger steps. The same search
// runs on the exact overlap chain (overlapChain.ts), which the information-exponent experiment
// uses for its sweep; these Trainer runs are its cross-check on the d-dimensional network.

import { parseConfig, type ConfigInput } from "../config.js";
import { networkOptionsOf, TwoLayerNetwork } from "../model/network.js";
import { createTask } from "../tasks/createTask.js";
import { linkSchema, linkToActivation, type LinkSpec } from "../activation/link.js";
import { Trainer } from "../train/trainer.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { exp, log } from "../special/portableMath.js";
import { medianIntervalRank } from "./medianInterval.js";

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
  /** Steps |m| must then stay above the threshold for the hit to count (OverlapChainProblem.hold). */
  hold: number;
  /** Whether w moves (false only for a broken variant). */
  trainFirstLayer: boolean;
}

/** The run's config: the given initial row puts the overlap at exactly 1/sqrt(d). */
export function escapeConfig(problem: EscapeProblem, seed: number, eta: number, steps: number, initial: number[]): ConfigInput {
  return {
    name: `escape-d${problem.d}-eta${eta.toPrecision(4)}-seed${seed}`,
    seed,
    task: { kind: "gaussianSingleIndex", d: problem.d, link: problem.link },
    model: {
      width: 1,
      activation: problem.activation,
      scaling: "committee",
      train: problem.trainFirstLayer ? "first" : "second",
      init: { firstLayer: { kind: "given", weights: [initial] }, secondLayer: { kind: "constant", value: problem.outputWeight } },
    },
    algorithm: { kind: "onlineSgd", batch: 1, steps, stepSize: eta, projected: true },
  };
}

/**
 * Steps of one run until |<w, w*>| >= threshold (the first step of a stretch of `hold` steps
 * above it), or null if no such stretch starts within `cap` steps. The overlap is read after every
 * step (d multiplications, a few percent of the step's cost).
 */
export function escapeSteps(rt: WasmRuntime, problem: EscapeProblem, seed: number, eta: number, cap: number): { steps: number | null; config: ConfigInput } {
  const { d, hold } = problem;
  const activation = linkToActivation(linkSchema.parse(problem.activation), d);
  const probe = parseConfig(escapeConfig(problem, seed, eta, cap + hold, [1, ...new Array<number>(d - 1).fill(0)]));
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
  const input = escapeConfig(problem, seed, eta, cap + hold, initial);
  const config = parseConfig(input);
  const net = new TwoLayerNetwork(rt, networkOptionsOf(config, activation));
  const trainer = new Trainer(config, task, net);
  try {
    let since = 0;
    for (let step = 1; step <= cap + hold; step++) {
      trainer.advance();
      const w = net.w.view;
      let m = 0;
      for (let k = 0; k < d; k++) m += w[k]! * q[k]!;
      if (Math.abs(m) < problem.threshold) {
        since = 0;
        if (step >= cap) break;
        continue;
      }
      if (since === 0) since = step;
      if (step - since + 1 >= hold) return { steps: since, config: input };
    }
    return { steps: null, config: input };
  } finally {
    trainer.free();
    net.free();
    task.free();
  }
}

/**
 * One rung of the step ladder eta_j = eta0 2^{j/2}: steps to escape per seed (+Infinity for a run
 * that did not escape within its cap), and their median.
 */
export interface RungResult {
  /** The step size eta of the rung. */
  eta: number;
  /** Steps per seed run, +Infinity for a run that did not escape; a rung that cannot count stops early. */
  steps: number[];
  /** Seeds that escaped; the rung counts only if the upper end of its median's 95% interval did. */
  escaped: number;
  /** Median of the steps over the seeds run (+Infinity if half of them did not escape). */
  median: number;
}

/** The search over the ladder c_j = c0 2^{j/2} (no power of d imposed): seeds, start rung, step caps and the rung limit. */
export interface SearchOptions {
  seeds: number[];
  /** eta0 of the ladder eta_j = eta0 2^{j/2}. */
  eta0: number;
  /** Rung the search starts on. */
  start: number;
  /** Steps a run may take on the start rung. */
  firstCap: number;
  /** Later runs are cut at this multiple of the best median so far. */
  capFactor: number;
  /** At most this many rungs per search. */
  maxRungs: number;
  /**
   * Rungs in a row without improvement before a direction stops (1: the first worse rung stops it).
   * More than 1 steps over a bump: the medians are noisy, and at small d and s >= 3 they can have two
   * minima (drift-limited at small steps, noise-assisted at larger ones).
   */
  patience: number;
}

/** The median of the values (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : 0.5 * (sorted[mid - 1]! + sorted[mid]!);
}

/** Runs of one rung: the steps to escape of each (seed, cap) at step eta, null where a run did not escape, in the order given. */
export type RungRunner = (eta: number, runs: readonly { seed: number; cap: number }[]) => Promise<(number | null)[]>;

/** Seeds a rung runs at once when it may stop early (fixed, so that what is run never depends on the thread count). */
export const RUNG_CHUNK = 4;

/**
 * The rung with the fewest steps (median over the seeds, a run that did not escape counted as
 * +Infinity): from the start rung, towards larger eta until `patience` rungs in a row do not
 * improve, then towards smaller eta likewise. A rung counts only if its median's 95% interval
 * [X_(l), X_(n+1-l)] (medianInterval) is finite, i.e. at least n + 1 - l of the n seeds escape
 * (12 of 15, 10 of 11, 7 of 7): one slow or trapped seed in 15 does not push the search into
 * another regime of steps, and the chosen median and its interval are always finite.
 * No power of d enters: the ladder is in eta itself. The runs of a rung go to `run` together
 * (in chunks of RUNG_CHUNK seeds where the rung may stop early), so they can run on several
 * threads; the result is that of running the seeds one by one.
 * Returns the best rung (null if none counted) and all rungs run.
 */
export async function searchStep(run: RungRunner, options: SearchOptions): Promise<{ best: RungResult | null; bestRung: number; rungs: Map<number, RungResult> }> {
  const rungs = new Map<number, RungResult>();
  let best: RungResult | null = null;
  let bestRung = options.start;
  const n = options.seeds.length;
  const needed = n + 1 - medianIntervalRank(n);
  const evaluate = async (j: number): Promise<void> => {
    const eta = options.eta0 * exp((j * log(2)) / 2);
    // Against a best median M (odd n), a rung first runs every seed only to M steps: once more than
    // half are slower its median exceeds M and it cannot win, so it stops there (its slower seeds
    // recorded as +Infinity). The rungs that can win are run in full, as without this shortcut.
    const bar = best && n % 2 === 1 ? best.median : null;
    let quick: number[] | null = null;
    if (bar !== null) {
      quick = (await run(eta, options.seeds.map((seed) => ({ seed, cap: bar })))).map((s) => s ?? Infinity);
      if (quick.filter((t) => t > bar).length > n >> 1) {
        rungs.set(j, { eta, steps: quick, escaped: quick.filter(Number.isFinite).length, median: median(quick) });
        return;
      }
    }
    const cap = best ? Math.ceil(options.capFactor * best.median) : options.firstCap;
    // The seeds count in order and a rung stops once too many have not escaped for it to count.
    const counted: number[] = [];
    let escaped = 0;
    let stopped = false;
    for (let from = 0; from < n && !stopped; from += RUNG_CHUNK) {
      const chunk = options.seeds.slice(from, from + RUNG_CHUNK).map((seed, k) => ({ seed, known: quick?.[from + k] }));
      // A seed that escaped within the best median escapes at the same step under the larger cap (common random numbers).
      const todo = chunk.filter((c) => !(c.known !== undefined && Number.isFinite(c.known)));
      const answers = await run(eta, todo.map((c) => ({ seed: c.seed, cap })));
      for (const c of chunk) {
        const s = c.known !== undefined && Number.isFinite(c.known) ? c.known : answers[todo.indexOf(c)]!;
        counted.push(s ?? Infinity);
        if (s !== null) escaped++;
        if (counted.length - escaped > n - needed) {
          stopped = true;
          break;
        }
      }
    }
    const result = { eta, steps: counted, escaped, median: median(counted) };
    rungs.set(j, result);
    if (escaped >= needed && (!best || result.median < best.median)) {
      best = result;
      bestRung = j;
    }
  };
  await evaluate(options.start);
  // Downwards until some rung escapes (the start may sit above the trapping threshold).
  let j = options.start;
  while (!best && rungs.size < options.maxRungs) await evaluate(--j);
  if (!best) return { best: null, bestRung, rungs };
  for (const direction of [1, -1]) {
    j = bestRung + direction;
    let misses = 0;
    while (rungs.size < options.maxRungs && !rungs.has(j)) {
      const before = bestRung;
      await evaluate(j);
      misses = bestRung === before ? misses + 1 : 0;
      if (misses >= options.patience) break;
      j += direction;
    }
  }
  return { best, bestRung, rungs };
}
