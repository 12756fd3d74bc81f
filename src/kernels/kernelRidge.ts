// Exact kernel ridge regression with the infinite-width kernel of a config's model on samples
// of its task: the first kernel baseline against which trained networks are compared.

import { ConfigError, dataOf, parseConfig, type Config, type ConfigInput } from "../config.js";
import { parseActivation } from "../model/activation.js";
import { GaussianNeurons, type NeuronState } from "../population/gaussianNetwork.js";
import { createTask } from "../tasks/createTask.js";
import { linkToActivation } from "../tasks/link.js";
import type { WasmF64Array } from "../wasm/arena.js";
import { loadRuntime, type WasmRuntime } from "../wasm/runtime.js";
import { choleskySolve } from "./cholesky.js";
import { reluNtk, sphereActivationKernel } from "./closedForms.js";

/** The dense Gram takes 8 n^2 bytes (200 MB at this n) and is copied once for the factorization. */
export const MAX_KERNEL_SAMPLES = 5000;
const DEFAULT_TRAIN = 1000;
const TEST_BLOCK_ROWS = 256;

export type KernelKind = "nngp" | "ntk";

export interface KernelBaselineOptions {
  /** Training samples (default: the config's fixed training set, else 1000). */
  n?: number;
  /** Test samples (default metrics.testSamples). */
  m?: number;
  kernel?: KernelKind;
  /** lambda in (K + lambda n I) alpha = y (default 1e-6 trace(K) / n). */
  ridge?: number;
  runtime?: WasmRuntime;
}

export interface KernelBaselineResult {
  /** 1/2 mean (f(x) - y)^2 over the test samples. */
  testLoss: number;
  testLossSE: number;
  n: number;
  m: number;
  kernel: KernelKind;
  ridge: number;
  seconds: number;
}

function checkSize(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    const why = name === "n" ? ` (the dense n x n Gram matrix needs 8 n^2 bytes)` : "";
    throw new ConfigError(`${name}: expected an integer in [1, ${max}]${why}, got ${value}`);
  }
}

/** K(x_i, x'_j) from the inner product <x_i, x'_j> of the raw inputs. */
export type EntryKernel = (i: number, j: number, dot: number) => number;

/**
 * The kernel between rows with the given squared norms. First-layer weights are w ~ N(0, I/d), so
 * that <w, x> has unit variance on Gaussian inputs; the NNGP on the sphere task takes w uniform on
 * the unit sphere, as the mean-field model there does.
 */
export function kernelEntries(config: Config, kind: KernelKind, leftSquares: Float64Array, rightSquares: Float64Array): EntryKernel {
  const d = config.task.d;
  const spec = parseActivation(linkToActivation(config.model.activation, d), "model.activation");
  if (kind === "ntk") {
    if (spec.kind !== "relu") {
      throw new ConfigError(`kernel: the NTK has a closed form for model.activation relu only, got ${spec.kind}; use the nngp kernel`);
    }
    const left = leftSquares.map((s) => Math.sqrt(s / d));
    const right = rightSquares.map((s) => Math.sqrt(s / d));
    return (i, j, dot) => {
      const scale = left[i]! * right[j]!;
      return scale === 0 ? 0 : scale * reluNtk(clampCorrelation(dot / d / scale));
    };
  }
  if (config.task.kind === "sphereSingleIndex") {
    const sphere = sphereActivationKernel(spec, d);
    return (_i, _j, dot) => sphere.value(clampCorrelation(dot));
  }
  const neurons = new GaussianNeurons(spec, 60);
  const statesOf = (squares: Float64Array): NeuronState[] => Array.from(squares, (s) => neurons.state(Math.sqrt(s / d)));
  const left = statesOf(leftSquares);
  const right = leftSquares === rightSquares ? left : statesOf(rightSquares);
  return (i, j, dot) => neurons.pair(neurons, left[i]!, right[j]!, dot / d).value;
}

// Rounding can push a correlation of (near-)parallel inputs just past +-1.
function clampCorrelation(rho: number): number {
  return Math.min(1, Math.max(-1, rho));
}

function rowSquares(x: Float64Array, rows: number, d: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[r * d + k]! ** 2;
    out[r] = s;
  }
  return out;
}

/** The symmetric n x n Gram matrix of the training inputs x (n x d in Wasm memory). */
export function trainGram(runtime: WasmRuntime, x: WasmF64Array, n: number, d: number, entry: EntryKernel): Float64Array {
  const dots = runtime.arena.f64(n * n);
  try {
    runtime.exports.preactivations(x.ptr, x.ptr, n, d, n, dots.ptr);
    const g = dots.toArray();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const k = entry(i, j, g[i * n + j]!);
        g[i * n + j] = k;
        g[j * n + i] = k;
      }
    }
    return g;
  } finally {
    dots.free();
  }
}

/** Fits kernel ridge regression on n samples of the config's task and scores it on m fresh ones. */
export async function kernelBaseline(input: ConfigInput | Config, options: KernelBaselineOptions = {}): Promise<KernelBaselineResult> {
  const started = performance.now();
  const config = parseConfig(input);
  const data = dataOf(config.algorithm);
  const n = options.n ?? (data.kind === "samples" ? Math.min(data.n, MAX_KERNEL_SAMPLES) : DEFAULT_TRAIN);
  const m = options.m ?? config.metrics.testSamples;
  const kind = options.kernel ?? "nngp";
  checkSize("n", n, MAX_KERNEL_SAMPLES);
  checkSize("m", m, 10_000_000);
  if (kind !== "nngp" && kind !== "ntk") throw new ConfigError(`kernel: expected nngp or ntk, got ${String(kind)}`);
  if (options.ridge !== undefined && !(Number.isFinite(options.ridge) && options.ridge >= 0)) {
    throw new ConfigError(`ridge: expected a finite number >= 0, got ${options.ridge}`);
  }

  const rt = options.runtime ?? (await loadRuntime());
  const d = config.task.d;
  const task = createTask(rt, config.task, config.seed, linkToActivation(config.model.activation, d));
  const arena = rt.arena;
  const owned: WasmF64Array[] = [];
  const alloc = (length: number) => {
    const a = arena.f64(length);
    owned.push(a);
    return a;
  };
  try {
    const x = alloc(n * d);
    const y = alloc(n);
    task.sampleInto("kernel.train", 0, x, y);
    const trainSquares = rowSquares(x.view, n, d);
    const gram = trainGram(rt, x, n, d, kernelEntries(config, kind, trainSquares, trainSquares));
    let trace = 0;
    for (let i = 0; i < n; i++) trace += gram[i * (n + 1)]!;
    const ridge = options.ridge ?? (1e-6 * trace) / n;
    const alpha = choleskySolve(rt, gram, n, y.toArray(), 1, ridge * n);

    const rows = Math.min(m, TEST_BLOCK_ROWS);
    const xt = alloc(rows * d);
    const yt = alloc(rows);
    const dots = alloc(rows * n);
    let sum = 0;
    let sumSquares = 0;
    for (let start = 0; start < m; start += rows) {
      const count = Math.min(rows, m - start);
      const xb = xt.subarray(0, count * d);
      const yb = yt.subarray(0, count);
      task.sampleInto("kernel.test", start, xb, yb);
      const testSquares = rowSquares(xb.view, count, d);
      const entry = kernelEntries(config, kind, testSquares, trainSquares);
      rt.exports.preactivations(xb.ptr, x.ptr, n, d, count, dots.ptr);
      const z = dots.view;
      const targets = yb.view;
      for (let b = 0; b < count; b++) {
        let f = 0;
        for (let j = 0; j < n; j++) f += entry(b, j, z[b * n + j]!) * alpha[j]!;
        const loss = 0.5 * (f - targets[b]!) ** 2;
        sum += loss;
        sumSquares += loss * loss;
      }
    }
    const testLoss = sum / m;
    const variance = m > 1 ? Math.max(0, (sumSquares - m * testLoss * testLoss) / (m - 1)) : 0;
    return { testLoss, testLossSE: Math.sqrt(variance / m), n, m, kernel: kind, ridge, seconds: (performance.now() - started) / 1000 };
  } finally {
    for (const a of owned) a.free();
    task.free();
  }
}
