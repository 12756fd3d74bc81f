// A finite-width network against its mean-field limit on the same config: at every logged time,
// the Wasserstein-1 distance between the empirical law of the neurons' order parameter
// (<q*, w_i> on the sphere, |w_i| for isotropic Gaussians) and the PDE density, and the gap
// between the network's exact population loss and the PDE's. Over widths N, propagation of chaos
// predicts W1 ~ N^{-1/2}; sweepWidths fits the slope.

import { parseConfig, type Config, type ConfigInput } from "../config.js";
import { simulate } from "../run/simulate.js";
import { loadRuntime, type WasmRuntime } from "../wasm/runtime.js";
import { pdeFromConfig, type PdeFromConfigResult } from "./fromConfig.js";
import { wasserstein1 } from "./grid/gridDensity.js";
import { log } from "../special/portableMath.js";

/**
 * One logged time of a network-vs-PDE comparison: both losses at the same mean-field time t = step h, and the
 * distance between the weight law and the PDE density.
 */
export interface ComparisonRecord {
  step: number;
  time: number;
  /** The PDE's loss (the sphere loss, or the MMN18 risk in our 1/2 normalization). */
  limitLoss: number;
  /** The network's exact population loss. */
  networkLoss: number;
  lossGap: number;
  /** W1 between the neurons' order parameters and the PDE density. */
  w1: number;
}

/** A network run and its mean-field limit from the same config, aligned record by record. */
export interface ComparisonResult {
  config: Config;
  records: ComparisonRecord[];
  limit: PdeFromConfigResult;
  wallSeconds: number;
}

/** Resolution of the PDE side of a comparison; the network side is fixed by the config. */
export interface CompareOptions {
  runtime?: WasmRuntime;
  /** PDE grid cells (default 4096). */
  cells?: number;
}

/** The order parameter of each neuron that the PDE's density describes. */
function orderParameters(kind: "sphere" | "radial", w: Float64Array, n: number, d: number, q: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += kind === "sphere" ? w[i * d + k]! * q[k]! : w[i * d + k]! ** 2;
    out[i] = kind === "sphere" ? s : Math.sqrt(s);
  }
  return out;
}

/**
 * Runs the finite network and its mean-field PDE from one config and aligns them at the PDE's record times: the
 * direct test of the mean-field limit (loss gap and W1 shrinking like 1/sqrt(N)).
 */
export async function compareWithNetwork(input: ConfigInput | Config, options: CompareOptions = {}): Promise<ComparisonResult> {
  const started = performance.now();
  const parsed = parseConfig(input);
  // The network's loss must be exact, and logged at the PDE's record times.
  const config = parseConfig({ ...parsed, metrics: { ...parsed.metrics, include: ["populationLoss"] } });
  const runtime = options.runtime ?? (await loadRuntime());
  const limit = await pdeFromConfig(config, {
    runtime,
    density: { cells: options.cells ?? 4096 },
    ...(options.cells !== undefined ? { cells: options.cells } : {}),
  });
  const { d } = config.task;
  // q* exactly as the sphere task draws it (src/tasks/sphereSingleIndex.ts).
  const q = runtime.random.sphere(config.seed, "task.q", 1, d);
  const samples: Float64Array[] = [];
  const run = await simulate(config, {
    runtime,
    observe: (_step, _time, w) => samples.push(orderParameters(limit.kind, w, config.model.width, d, q)),
  });
  const limitRecords = limit.kind === "sphere" ? limit.result.records.map((r) => ({ loss: r.loss, density: r.density })) : limit.result.records.map((r) => ({ loss: r.risk, density: r.density }));
  const records = run.records.map((r, k) => {
    const pde = limitRecords[k]!;
    if (!pde.density) throw new Error(`meanfield: the PDE record at t = ${r.time} carries no density`);
    const networkLoss = r.populationLoss as number;
    return {
      step: r.step,
      time: r.time,
      limitLoss: pde.loss,
      networkLoss,
      lossGap: networkLoss - pde.loss,
      w1: wasserstein1({ faces: Float64Array.from(pde.density.faces), values: Float64Array.from(pde.density.values) }, samples[k]!),
    };
  });
  return { config, records, limit, wallSeconds: (performance.now() - started) / 1000 };
}

/** One width of a propagation-of-chaos sweep: the seed-averaged distance to the PDE at the last time. */
export interface SweepPoint {
  width: number;
  /** W1 at the last logged time, averaged over the seeds. */
  w1: number;
  /** Mean of W1 over the logged times after t = 0 and over the seeds. */
  meanW1: number;
  /** Network minus PDE loss at the last logged time, averaged over the seeds. */
  lossGap: number;
  seeds: number;
  wallSeconds: number;
}

/** A width sweep of network-vs-PDE distances with the fitted exponent in N. */
export interface SweepResult {
  points: SweepPoint[];
  /** Least-squares slope of log W1 (last time) against log N; propagation of chaos predicts -1/2. */
  slope: number;
}

/** Least-squares slope of log y against log x. */
export function logLogSlope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let k = 0; k < n; k++) {
    mx += log(x[k]!) / n;
    my += log(y[k]!) / n;
  }
  let sxy = 0;
  let sxx = 0;
  for (let k = 0; k < n; k++) {
    const dx = log(x[k]!) - mx;
    sxy += dx * (log(y[k]!) - my);
    sxx += dx * dx;
  }
  return sxy / sxx;
}

/**
 * The comparison at every width (model.width replaced), averaged over `seeds` consecutive seeds
 * from the config's (W1 of one draw fluctuates by a fraction of itself), with the fitted slope.
 */
export async function sweepWidths(
  input: ConfigInput | Config,
  widths: number[],
  options: CompareOptions & { seeds?: number; onPoint?: (point: SweepPoint) => void } = {},
): Promise<SweepResult> {
  const base = parseConfig(input);
  const runtime = options.runtime ?? (await loadRuntime());
  const seeds = options.seeds ?? 1;
  const points: SweepPoint[] = [];
  for (const width of widths) {
    let w1 = 0;
    let meanW1 = 0;
    let lossGap = 0;
    let wallSeconds = 0;
    for (let k = 0; k < seeds; k++) {
      const result = await compareWithNetwork({ ...base, seed: base.seed + k, model: { ...base.model, width } }, { ...options, runtime });
      const last = result.records[result.records.length - 1]!;
      const later = result.records.filter((r) => r.time > 0);
      w1 += last.w1 / seeds;
      meanW1 += later.reduce((s, r) => s + r.w1, 0) / Math.max(1, later.length) / seeds;
      lossGap += last.lossGap / seeds;
      wallSeconds += result.wallSeconds;
    }
    const point = { width, w1, meanW1, lossGap, seeds, wallSeconds };
    points.push(point);
    options.onPoint?.(point);
  }
  return { points, slope: logLogSlope(points.map((p) => p.width), points.map((p) => p.w1)) };
}
