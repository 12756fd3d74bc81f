// Kernel baselines on samples of a config's task: kernel ridge regression with the model's
// infinite-width NNGP or NTK (dense Cholesky, conjugate gradients on the fly, or explicit
// features of the kernel truncated at degree K, chosen by n, d and memory), and random features
// (the model's first layer frozen). Training data are the first n samples of the stream the
// trained network uses ("train"), with the config's label noise (data.labelNoise) added as the
// network sees it, test data its test set ("test", clean), so the NN and every kernel see the
// same draws. The ridge is one lambda, or the best of kernel.ridges on held-out training samples
// (ridgeSelection.ts).

import { ConfigError, dataOf, parseConfig, type Config, type ConfigInput } from "../config.js";
import { labelNoise } from "../tasks/labelNoise.js";
import { sphericalHarmonicsDim } from "../special/gegenbauer.js";
import { createTask } from "../tasks/createTask.js";
import { linkToActivation } from "../activation/link.js";
import { formatBytes, MAX_WASM_BYTES } from "../wasm/arena.js";
import { loadRuntime, type WasmRuntime } from "../wasm/runtime.js";
import { featureRidgeBytes } from "./featureRidge.js";
import { carriesWeight, featureDim } from "./kernelFeatures.js";
import { modelKernel, type KernelKind, type ModelKernel } from "./modelKernel.js";
import { fitInFeatures, fitOnGram, scoreOnTestSet, type FitContext, type Fitted, type SolveDiagnostics } from "./ridgeFits.js";
import { selectRidge, type RidgeSelection } from "./ridgeSelection.js";
import type { DegreeFractions } from "./targetFractions.js";

export type { KernelKind } from "./modelKernel.js";
/** A kernel baseline: the model's infinite-width NNGP or NTK, or random features (first layer frozen). */
export type BaselineKind = KernelKind | "rf";
/**
 * How kernel ridge is solved: dense Cholesky, conjugate gradients on the fly, truncated explicit
 * features, or the random-feature ridge.
 */
export type SolverMethod = "cholesky" | "cg" | "features" | "randomFeatures";

/** Largest n the automatic choice gives the dense Cholesky solver (n^3 / 3 flops: ~1 min here). */
export const DENSE_MAX = 8000;
/** Largest n the automatic choice gives conjugate gradients (n^2 d flops per product). */
export const CG_MAX = 60_000;
/** Largest feature dimension the automatic choice of degree allows (p^2 doubles, n p^2 / 2 flops). */
export const FEATURE_MAX_DIM = 4000;
/** Multiply-adds n p^2 / 2 of the normal equations the automatic choice of degree allows (about a minute here). */
export const FEATURE_MAX_WORK = 2e11;
/** Training samples when the config has no fixed training set. */
export const DEFAULT_KERNEL_SAMPLES = 1000;

/**
 * A kernel baseline's sizes and solver: n training samples of the "train" stream, m test samples,
 * ridge λ in (K + λ n I) α = y (default 1e-6 E_x K(x, x)), truncation degree, and memory.
 */
export interface KernelBaselineOptions {
  /** Training samples (default: the config's fixed training set size, else 1000). */
  n?: number;
  /** Test samples (default metrics.testSamples). */
  m?: number;
  kernel?: BaselineKind;
  /** Solver (default: chosen by n, d and memory). */
  method?: "auto" | "cholesky" | "cg" | "features";
  /** Truncation degree K of the feature solver (default: the kernel's degree if it is a polynomial, else the largest K with p <= 4000 and p <= n). */
  degree?: number;
  /** Random features: width M (default model.width). */
  width?: number;
  /** lambda in (K + lambda n I) alpha = y (default: kernel.ridges, chosen on held-out samples, else 1e-6 E_x K(x, x)). */
  ridge?: number;
  /** CG: relative residual to reach (default 1e-10). */
  tolerance?: number;
  /** Bytes the solver may use (default: what a Wasm module can address, 4 GiB). */
  memoryBytes?: number;
  runtime?: WasmRuntime;
  /** Called as each stage of the fit begins (sampling, the solve, each block of test samples), for progress. */
  onStage?: (stage: string) => void;
}

/**
 * A kernel baseline's test loss 1/2 mean (f - y)² with its standard error, solver diagnostics, and
 * for single-index tasks the fraction of each degree of the target it reproduces.
 */
export interface KernelBaselineResult {
  /** 1/2 mean (f(x) - y)^2 over the test samples. */
  testLoss: number;
  testLossSE: number;
  n: number;
  m: number;
  kernel: BaselineKind;
  method: SolverMethod;
  /** The lambda of the final fit on all n samples. */
  ridge: number;
  /** With a grid of ridges (kernel.ridges): each lambda's validation loss and the split; else null. */
  ridgeSelection: RidgeSelection | null;
  /** Half-width sigma of the label noise eps ~ Unif[-sigma, sigma] on the training labels (data.labelNoise; 0: none). */
  labelNoise: number;
  seconds: number;
  /** Feature solver: truncation degree K and feature dimension p (random features: p = M). */
  degree: number | null;
  features: number | null;
  /** Feature solver: sup |K - K_{<=K}| on the sphere, E_x of the dropped diagonal on Gaussian inputs. */
  truncationBound: number | null;
  /** CG: iterations, final relative residual and preconditioner degree. */
  iterations: number | null;
  relativeResidual: number | null;
  preconditionerDegree: number | null;
  /** Estimated peak memory of the solve in bytes. */
  bytes: number;
  /**
   * Single-index tasks: per degree k, the fraction of the target's degree-k part the predictor
   * reproduces (targetFractions.ts), null where the target has none; null for other tasks.
   */
  degreeFractions: DegreeFractions | null;
  /** Standard errors of degreeFractions when they are Monte-Carlo estimates, else null (exact). */
  degreeFractionsSE: DegreeFractions | null;
  /** Per degree k, the target's energy E[y_k^2] (h_k^2 / N(d,k) on the sphere, h_k^2 on Gaussian inputs). */
  targetEnergy: number[] | null;
}

function checkInteger(name: string, value: number, min: number, max: number, why = ""): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}: expected an integer in [${min}, ${max}]${why}, got ${value}`);
  }
}

interface Plan {
  method: SolverMethod;
  degree: number | null;
  p: number | null;
  bytes: number;
}

function solverBytes(method: SolverMethod, n: number, d: number, p: number, degree: number): number {
  const data = 8 * n * (d + 4);
  switch (method) {
    case "cholesky":
      return data + 8 * n * n;
    case "cg":
      return data + 8 * 6 * n + featureRidgeBytes(p, d, degree);
    case "features":
    case "randomFeatures":
      return data + featureRidgeBytes(p, d, degree) + 8 * p * p;
  }
}

/** The largest degree carrying weight whose p features fit in maxDim, with n p^2 / 2 within FEATURE_MAX_WORK. */
function largestDegree(kernel: ModelKernel, maxDim: number, n: number): number {
  let best = 0;
  for (let k = 0; k < kernel.degreeWeights.length; k++) {
    const p = featureDim(kernel, k);
    if (p > maxDim || (n * p * p) / 2 > FEATURE_MAX_WORK) break;
    if (carriesWeight(kernel, k)) best = k;
  }
  return best;
}

/** The solver for n samples: explicit or automatic, checked against the memory budget. */
export function planSolver(
  kernel: ModelKernel | null,
  n: number,
  options: Pick<KernelBaselineOptions, "method" | "degree" | "width" | "memoryBytes">,
  width: number,
): Plan {
  const budget = Math.min(options.memoryBytes ?? MAX_WASM_BYTES, MAX_WASM_BYTES);
  const check = (plan: Plan): Plan => {
    if (plan.bytes > budget) {
      const what =
        plan.method === "cholesky"
          ? `the dense ${n} x ${n} Gram matrix`
          : plan.method === "cg"
            ? `conjugate gradients at n = ${n}`
            : `${plan.p} features (p^2 normal equations)`;
      throw new ConfigError(
        `n: the ${plan.method} solver needs ${formatBytes(plan.bytes)} for ${what}, more than the ${formatBytes(budget)} available; ` +
          (plan.method === "cholesky" ? "use --method cg or features" : "lower n or the degree"),
      );
    }
    return plan;
  };
  if (!kernel) return check({ method: "randomFeatures", degree: null, p: width, bytes: solverBytes("randomFeatures", n, 0, width, 0) });
  const d = kernel.d;
  const featurePlan = (degree: number): Plan => {
    const p = featureDim(kernel, degree);
    return { method: "features", degree, p, bytes: solverBytes("features", n, d, p, degree) };
  };
  const method = options.method ?? "auto";
  if (options.degree !== undefined) checkInteger("degree", options.degree, 0, 64);
  switch (method) {
    case "cholesky":
      return check({ method, degree: null, p: null, bytes: solverBytes(method, n, d, 0, 0) });
    case "cg":
      return check({ method, degree: null, p: null, bytes: solverBytes(method, n, d, 2000, 4) });
    case "features":
      return check(featurePlan(options.degree ?? kernel.polynomialDegree ?? largestDegree(kernel, Math.min(FEATURE_MAX_DIM, n), n)));
    case "auto":
      break;
    default:
      throw new ConfigError(`method: expected auto, cholesky, cg or features, got ${String(method)}`);
  }
  if (options.degree !== undefined) return check(featurePlan(options.degree));
  const poly = kernel.polynomialDegree;
  if (poly !== null && featureDim(kernel, poly) <= Math.min(FEATURE_MAX_DIM, n)) return check(featurePlan(poly));
  const dense: Plan = { method: "cholesky", degree: null, p: null, bytes: solverBytes("cholesky", n, d, 0, 0) };
  if (n <= DENSE_MAX && dense.bytes <= budget) return dense;
  const cg: Plan = { method: "cg", degree: null, p: null, bytes: solverBytes("cg", n, d, 2000, 4) };
  if (kernel.table && n <= CG_MAX && cg.bytes <= budget) return cg;
  if (!kernel.table && n <= DENSE_MAX) return check(dense);
  return check(featurePlan(largestDegree(kernel, FEATURE_MAX_DIM, n)));
}

function targetEnergy(config: Config, link: Float64Array): number[] {
  const d = config.task.d;
  return Array.from(link, (h, k) => (config.task.kind === "sphereSingleIndex" ? (h * h) / sphericalHarmonicsDim(d, k) : h * h));
}

/** Fits kernel ridge regression (or random features) on n samples of the config's task and scores it on m test samples. */
export async function kernelBaseline(input: ConfigInput | Config, options: KernelBaselineOptions = {}): Promise<KernelBaselineResult> {
  const started = performance.now();
  const config = parseConfig(input);
  const algorithm = config.algorithm;
  const configured = algorithm.kind === "empiricalGd" ? algorithm.samples : "data" in algorithm && algorithm.data.kind === "samples" ? algorithm.data.n : DEFAULT_KERNEL_SAMPLES;
  const n = options.n ?? configured;
  const m = options.m ?? config.metrics.testSamples;
  const kind = options.kernel ?? "nngp";
  checkInteger("n", n, 1, 10_000_000);
  checkInteger("m", m, 1, 10_000_000);
  if (kind !== "nngp" && kind !== "ntk" && kind !== "rf") throw new ConfigError(`kernel: expected nngp, ntk or rf, got ${String(kind)}`);
  if (options.ridge !== undefined && !(Number.isFinite(options.ridge) && options.ridge >= 0)) {
    throw new ConfigError(`ridge: expected a finite number >= 0, got ${options.ridge}`);
  }
  if (options.tolerance !== undefined && !(options.tolerance > 0 && options.tolerance < 1)) {
    throw new ConfigError(`tolerance: expected a number in (0, 1), got ${options.tolerance}`);
  }
  const width = options.width ?? config.model.width;
  if (kind === "rf") checkInteger("width", width, 1, 20_000);
  if (kind === "rf" && (config.kernel?.bias ?? 0) > 0) {
    throw new ConfigError("kernel.bias: random features here have no bias; the network's own frozen features rerun with meanfield run (or use --kernel nngp or ntk)");
  }
  const data = dataOf(algorithm);
  const noise = data.kind === "samples" ? (data.labelNoise ?? 0) : 0;

  const kernel = kind === "rf" ? null : modelKernel(config, kind);
  const plan = planSolver(kernel, n, options, width);
  const rt = options.runtime ?? (await loadRuntime());
  const d = config.task.d;
  const spec = linkToActivation(config.model.activation, d);
  const task = createTask(rt, config.task, config.seed, spec);
  const owned: { free(): void }[] = [];
  const alloc = (length: number) => {
    const a = rt.arena.f64(length);
    owned.push(a);
    return a;
  };
  const stage = options.onStage ?? (() => {});
  try {
    const x = alloc(n * d);
    const y = alloc(n);
    stage(`drawing ${n} training samples`);
    task.sampleInto("train", 0, x, y);
    if (noise > 0) {
      const eps = labelNoise(rt, config.seed, n, noise);
      const labels = y.view;
      for (let b = 0; b < n; b++) labels[b]! += eps[b]!;
    }
    const diagonal = kernel ? kernel.diagonal : modelKernel(config, "nngp").diagonal;
    const grid = options.ridge !== undefined ? [options.ridge] : (config.kernel?.ridges ?? [1e-6 * diagonal]);
    const result: SolveDiagnostics = { degree: null, features: null, truncationBound: null, iterations: null, relativeResidual: null, preconditionerDegree: null };
    const fitWith = (c: FitContext, predictRows: number): Fitted =>
      plan.method === "features" || plan.method === "randomFeatures" ? fitInFeatures(c, plan.degree, width) : fitOnGram(c, plan.method, predictRows, options.tolerance);
    const base: FitContext = { rt, config, kernel, spec, x, y, n, lambda: grid[0]! * n, alloc, owned, stage, result };
    const ridgeSelection = grid.length > 1 ? selectRidge(base, grid, config.kernel!.validation, fitWith) : null;
    const ridge = ridgeSelection ? ridgeSelection.ridge : grid[0]!;
    const fit: FitContext = { ...base, lambda: ridge * n };
    const fitted = fitWith(fit, m);
    const { link, ...score } = scoreOnTestSet(fit, task, fitted, m);
    return {
      testLoss: score.testLoss,
      testLossSE: score.testLossSE,
      n,
      m,
      kernel: kind,
      method: plan.method,
      ridge,
      ridgeSelection,
      labelNoise: noise,
      seconds: (performance.now() - started) / 1000,
      ...result,
      bytes: plan.bytes,
      degreeFractions: score.degreeFractions,
      degreeFractionsSE: score.degreeFractionsSE,
      targetEnergy: link ? targetEnergy(config, link) : null,
    };
  } finally {
    for (const a of owned.reverse()) a.free();
    task.free();
  }
}
