// What a run will take, estimated from its config before it starts: the Wasm memory its buffers
// need and the arithmetic of its steps and metric records. The estimates are rough (within a small
// factor on the bench machines) and exist to refuse, in one line naming the field that dominates,
// a config that cannot fit or would not finish: `meanfield run`, `demo` and `sweep` refuse a run
// above MEMORY_BUDGET_BYTES or TIME_BUDGET_SECONDS unless --force, and above WASM_MEMORY_BYTES
// always (a 32-bit Wasm memory cannot hold it).

import { ConfigError, dataOf, totalStepsOf, type Config } from "../config.js";
import { integerPower } from "../special/portableMath.js";

/** A 32-bit Wasm memory holds at most 4 GiB. */
export const WASM_MEMORY_BYTES = 4 * 2 ** 30;
/** Runs estimated above this need --force (room for the arena's fragmentation and the JS side). */
export const MEMORY_BUDGET_BYTES = 3 * 2 ** 30;
/** Runs estimated to take longer than this need --force. */
export const TIME_BUDGET_SECONDS = 24 * 3600;
/** Assumed arithmetic rate of one thread: the demo example runs at about 6 GFLOP/s on a loaded 2-core machine; 4 keeps estimates on the long side. */
const FLOPS_PER_SECOND = 4e9;
/** Rows per kernel call of the sample objective (src/train/sampleObjective.ts). */
const CHUNK = 4096;

/**
 * A run's estimated Wasm memory and wall time on the bench machines (rough, within a small factor),
 * with the config field behind the largest term of each, so a refusal can name what to shrink.
 */
export interface RunEstimate {
  bytes: number;
  seconds: number;
  /** The config field behind the largest memory term and the largest time term. */
  memoryField: string;
  timeField: string;
}

function largest(terms: [string, number][]): [string, number] {
  return terms.reduce((best, t) => (t[1] > best[1] ? t : best));
}

/** Estimated peak Wasm memory (bytes) and wall time (seconds) of a run of config. */
export function estimateRun(config: Config): RunEstimate {
  const { task, model, algorithm, metrics } = config;
  const n = model.width;
  const inputDim = task.d + (model.bias ? 1 : 0);
  const data = dataOf(algorithm);
  const copies = 4 + (algorithm.noise ? 1 : 0) + (algorithm.linearize ? 1 : 0) + (algorithm.kind === "layerwise" ? 1 : 0);
  const rows = data.kind === "samples" ? data.n : data.kind === "online" ? data.batch : 0;
  const chunk = Math.min(rows, CHUNK);
  const include = metrics.include;
  const testRows = include.includes("testLoss") || include.includes("overlaps") ? metrics.testSamples : 0;
  const memory: [string, number][] = [
    ["model.width x task.d (weights and their copies)", 8 * copies * n * (inputDim + 1)],
    [data.kind === "samples" ? "algorithm.samples x task.d (the training set)" : "algorithm.batch x task.d", 8 * (data.kind === "samples" ? rows * (inputDim + 1) : 0) + 8 * chunk * (2 * inputDim + 5 * n)],
    ["metrics.testSamples x task.d (the test set)", 8 * testRows * (inputDim + 1) + 8 * Math.min(testRows, CHUNK) * 2 * n],
    ["metrics.alignmentSamples x task.d", include.includes("alignment") ? 8 * metrics.alignmentSamples * (inputDim + 2) + 8 * 2 ** 20 : 0],
    ["model.width (population Gram matrices)", data.kind === "population" || include.includes("populationLoss") ? 8 * 4 * n * n : 0],
  ];
  const steps = totalStepsOf(algorithm);
  const records = metrics.schedule.kind === "every" ? Math.floor(steps / metrics.schedule.steps) + 2 : Math.min(metrics.schedule.points, steps + 1);
  const stepFlops = data.kind === "population" ? 8 * n * n * inputDim : 6 * rows * n * inputDim;
  const ridgeFlops = algorithm.kind === "twoTimescale" ? integerPower(n, 3) / 3 + 2 * rows * n * n : 0;
  const recordFlops = 2 * testRows * n * inputDim + (include.includes("alignment") ? 2 * metrics.alignmentSamples ** 2 * (inputDim + n) : 0) + (include.includes("trainLoss") ? 2 * rows * n * inputDim : 0);
  const time: [string, number][] = [
    [data.kind === "population" ? "algorithm.steps x model.width^2" : data.kind === "samples" ? "algorithm.steps x algorithm.samples" : "algorithm.steps x algorithm.batch", (steps * (stepFlops + ridgeFlops)) / FLOPS_PER_SECOND],
    ["metrics.schedule x metrics.testSamples", (records * recordFlops) / FLOPS_PER_SECOND],
  ];
  const bytes = memory.reduce((s, [, b]) => s + b, 0);
  const seconds = time.reduce((s, [, t]) => s + t, 0);
  return { bytes, seconds, memoryField: largest(memory)[0], timeField: largest(time)[0] };
}

/** Bytes for people: 1.5 GB, 12 MB. */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let k = 0;
  while (bytes >= 1000 && k < units.length - 1) {
    bytes /= 1000;
    k++;
  }
  return `${bytes.toPrecision(3)} ${units[k]}`;
}

/** Seconds for people: 40 s, 3.2 h, 12 days. */
export function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${seconds.toPrecision(2)} s`;
  if (seconds < 7200) return `${(seconds / 60).toPrecision(2)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toPrecision(2)} h`;
  return `${(seconds / 86400).toPrecision(2)} days`;
}

/**
 * The run's estimate, or a ConfigError when it is beyond the budget (and force is not set) or
 * beyond what a Wasm memory can hold (always), naming the dominating field and the estimate.
 */
export function checkBudget(config: Config, force = false): RunEstimate {
  const e = estimateRun(config);
  const memory = `${formatBytes(e.bytes)} of memory, mostly ${e.memoryField}`;
  if (e.bytes > WASM_MEMORY_BYTES) throw new ConfigError(`${e.memoryField.split(" ")[0]}: this run needs an estimated ${memory}; a Wasm memory holds at most ${formatBytes(WASM_MEMORY_BYTES)}`);
  if (force) return e;
  if (e.bytes > MEMORY_BUDGET_BYTES) throw new ConfigError(`${e.memoryField.split(" ")[0]}: this run needs an estimated ${memory}, above the budget of ${formatBytes(MEMORY_BUDGET_BYTES)}; make it smaller or pass --force`);
  if (e.seconds > TIME_BUDGET_SECONDS) throw new ConfigError(`${e.timeField.split(" ")[0]}: this run needs an estimated ${formatSeconds(e.seconds)}, mostly ${e.timeField}, above the budget of ${formatSeconds(TIME_BUDGET_SECONDS)}; make it smaller or pass --force`);
  return e;
}
