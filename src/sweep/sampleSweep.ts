// Sample complexity: test loss against the number of training samples n for the trained network
// (empirical GD on the first n samples of the "train" stream) and each kernel baseline fitted
// on the same n samples, all scored on the same test set, with the per-degree fractions of a
// single-index target each one has learned.

import { ConfigError, parseConfig, type Config, type ConfigInput } from "../config.js";
import { outputScale } from "../model/network.js";
import { simulate } from "../run/simulate.js";
import { createTask } from "../tasks/createTask.js";
import { linkToActivation } from "../activation/link.js";
import { loadRuntime, type WasmRuntime } from "../wasm/runtime.js";
import { kernelBaseline, type BaselineKind, type KernelBaselineOptions } from "../kernels/kernelRidge.js";
import { inputLawOf } from "../kernels/modelKernel.js";
import { cleanLink, ridgeSumFractions, type DegreeFractions } from "../kernels/targetFractions.js";
import { pow } from "../special/portableMath.js";

/**
 * A sample-complexity sweep: the training-set sizes n, the kernels fitted at each, and whether the
 * network is trained at each n too.
 */
export interface SweepOptions extends Omit<KernelBaselineOptions, "n" | "kernel" | "runtime"> {
  /** The training-set sizes (default: 6 points log-spaced over [100, 10000]). */
  ns?: number[];
  /** Kernels to fit at every n (default nngp, ntk, rf). */
  kernels?: BaselineKind[];
  /** Also train the network at every n (default true). */
  network?: boolean;
  runtime?: WasmRuntime;
  /** Called with every row as soon as it is computed. */
  onRow?: (row: SweepRow) => void;
}

/**
 * One (n, model) point: test loss 1/2 mean (f - y)² with its standard error on the shared test set,
 * and the per-degree fractions of the target learned.
 */
export interface SweepRow {
  n: number;
  /** "network" or the kernel's name. */
  model: string;
  /** Solver (kernels) or algorithm (network). */
  method: string;
  testLoss: number;
  testLossSE: number;
  degreeFractions: DegreeFractions | null;
  seconds: number;
}

/** count integers log-spaced over [min, max] (rounded, deduplicated). */
export function logGrid(min: number, max: number, count: number): number[] {
  if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 1 && max >= min)) {
    throw new ConfigError(`--sweep-n: expected integers 1 <= min <= max, got ${min}:${max}`);
  }
  if (!(Number.isInteger(count) && count >= 1 && count <= 100)) throw new ConfigError(`--sweep-n: expected 1 to 100 points, got ${count}`);
  const out = new Set<number>();
  for (let i = 0; i < count; i++) out.add(Math.round(count === 1 ? max : min * pow(max / min, i / (count - 1))));
  return [...out];
}

/** The config's network trained by empirical GD on n samples, with its steps, step size and projection. */
export function networkConfigFor(config: Config, n: number): Config {
  const alg = config.algorithm;
  const metrics = config.metrics.include.includes("testLoss") ? config.metrics.include : [...config.metrics.include, "testLoss" as const];
  return parseConfig({
    ...config,
    algorithm: { kind: "empiricalGd", steps: alg.steps, stepSize: alg.stepSize, projected: alg.projected, linearize: alg.linearize, samples: n },
    metrics: { ...config.metrics, include: metrics, schedule: { kind: "logSpaced", points: 2 } },
  });
}

async function trainNetwork(config: Config, n: number, link: Float64Array | null, q: Float64Array): Promise<SweepRow> {
  const started = performance.now();
  const run = networkConfigFor(config, n);
  let last: { w: Float64Array; a: Float64Array } | null = null;
  const result = await simulate(run, { observe: (_step, _time, w, a) => (last = { w, a }) });
  const final = result.summary.final;
  if (result.summary.status !== "completed" || !final) {
    throw new ConfigError(`network at n = ${n}: ${result.summary.divergence?.message ?? "did not complete"}; lower algorithm.stepSize`);
  }
  let fractions: DegreeFractions | null = null;
  const weights = last as { w: Float64Array; a: Float64Array } | null;
  if (link && weights && !run.model.bias) {
    const d = run.task.d;
    const scale = outputScale(run.model.scaling, run.model.width);
    const spec = linkToActivation(run.model.activation, d);
    fractions = ridgeSumFractions(inputLawOf(run), spec, weights.w, weights.a.map((v) => v * scale), d, q, link);
  }
  return {
    n,
    model: "network",
    method: `empiricalGd, ${run.algorithm.steps} steps`,
    testLoss: final.testLoss as number,
    testLossSE: final.testLossSE as number,
    degreeFractions: fractions,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Test loss vs n for the network and each kernel on the same data. */
export async function sampleComplexitySweep(input: ConfigInput | Config, options: SweepOptions = {}): Promise<SweepRow[]> {
  const config = parseConfig(input);
  const ns = options.ns ?? logGrid(100, 10_000, 6);
  const kernels = options.kernels ?? ["nngp", "ntk", "rf"];
  const runtime = options.runtime ?? (await loadRuntime());
  const d = config.task.d;
  const task = createTask(runtime, config.task, config.seed, linkToActivation(config.model.activation, d));
  const singleIndex = config.task.kind === "sphereSingleIndex" || config.task.kind === "gaussianSingleIndex";
  const link = singleIndex ? cleanLink(task.linkCoefficients(Math.min(8, config.metrics.degrees))) : null;
  const q = task.directions.slice();
  task.free();
  const rows: SweepRow[] = [];
  const emit = (row: SweepRow) => {
    rows.push(row);
    options.onRow?.(row);
  };
  const { ns: _ns, kernels: _k, network: _net, onRow: _on, runtime: _rt, ...baselineOptions } = options;
  for (const n of ns) {
    if (options.network ?? true) emit(await trainNetwork(config, n, link, q));
    for (const kernel of kernels) {
      const r = await kernelBaseline(config, { ...baselineOptions, n, kernel, m: config.metrics.testSamples, runtime });
      emit({
        n,
        model: kernel,
        method: r.method + (r.degree !== null ? ` K=${r.degree}` : "") + (r.iterations !== null ? ` (${r.iterations} it)` : ""),
        testLoss: r.testLoss,
        testLossSE: r.testLossSE,
        degreeFractions: r.degreeFractions,
        seconds: r.seconds,
      });
    }
  }
  return rows;
}
