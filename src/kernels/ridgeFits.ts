// The phases of a kernel baseline after its plan (kernelRidge.ts): the ridge fit in explicit
// features (the kernel truncated at degree K, or random features with the model's first layer
// frozen at NTK scale 1/sqrt(M)), the fit on the Gram matrix (dense Cholesky or conjugate
// gradients), and the score on the test set, 1/2 mean (f - y)^2 with its standard error and the
// fraction of each degree of the target reproduced.

import type { Config } from "../config.js";
import type { ActivationSpec } from "../activation/spec.js";
import { TwoLayerNetwork, type FirstLayerInit } from "../model/network.js";
import type { Task } from "../tasks/task.js";
import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { CholeskyFactor } from "./cholesky.js";
import { solveConjugateGradient } from "./conjugateGradient.js";
import { fitFeatureRidge, predictFeatures, type FeatureMap } from "./featureRidge.js";
import { GramOperator } from "./gramOperator.js";
import { KernelFeatures } from "./kernelFeatures.js";
import { kernelTail, type ModelKernel } from "./modelKernel.js";
import { RandomFeatures } from "./randomFeatures.js";
import { cleanLink, kernelFractions, monteCarloFractions, ridgeSumFractions, type DegreeFractions } from "./targetFractions.js";

const TEST_BLOCK_ROWS = 256;
/** The most test points whose inputs are kept for Monte-Carlo degree fractions. */
const MONTE_CARLO_MAX = 200_000;

/** A fitted predictor: out = f(x) for rows points x (rows x d) in Wasm memory. */
export interface Fitted {
  predict(x: WasmF64Array, rows: number, out: WasmF64Array): void;
  /** Exact degree fractions, or null to estimate them on the test set. */
  fractions(q: Float64Array, link: Float64Array): DegreeFractions | null;
}

/** Solver diagnostics reported beside the test loss (null where the solver has none). */
export interface SolveDiagnostics {
  degree: number | null;
  features: number | null;
  truncationBound: number | null;
  iterations: number | null;
  relativeResidual: number | null;
  preconditionerDegree: number | null;
}

/**
 * What every fit shares: n training samples (x, y) in Wasm memory, lambda = ridge n in
 * (K + lambda I) alpha = y, an allocator whose buffers the caller frees, and the diagnostics to fill.
 */
export interface FitContext {
  rt: WasmRuntime;
  config: Config;
  kernel: ModelKernel | null;
  spec: ActivationSpec;
  x: WasmF64Array;
  y: WasmF64Array;
  n: number;
  lambda: number;
  alloc: (length: number) => WasmF64Array;
  owned: { free(): void }[];
  stage: (stage: string) => void;
  result: SolveDiagnostics;
}

/**
 * Ridge in p explicit features: the kernel's features truncated at `degree` (the truncation bound
 * is reported), or, without a kernel, the random features of a width-M network at NTK scale, whose
 * first layer is the model's initialization.
 */
export function fitInFeatures(c: FitContext, degree: number | null, width: number): Fitted {
  const { rt, config, kernel, spec, result } = c;
  const d = config.task.d;
  let map: FeatureMap;
  let net: TwoLayerNetwork | null = null;
  if (kernel) {
    const features = new KernelFeatures(rt, kernel, degree!, config.seed);
    c.owned.push(features);
    map = features;
    result.degree = degree;
    result.truncationBound = kernelTail(kernel, degree!);
  } else {
    const init = config.model.init.firstLayer;
    net = new TwoLayerNetwork(rt, {
      n: width,
      d,
      activation: spec,
      scaling: "ntk",
      seed: config.seed,
      firstLayer: init.kind === "given" ? { kind: "sphere" } : (init as FirstLayerInit),
    });
    c.owned.push(net);
    map = new RandomFeatures(rt, net);
  }
  result.features = map.p;
  c.stage(`solving the ridge system in ${map.p} features`);
  const beta = fitFeatureRidge(rt, map, c.x, c.y, c.n, c.lambda);
  const betaW = c.alloc(beta.length);
  betaW.view.set(beta);
  return {
    predict: (xs, rows, out) => predictFeatures(rt, map, betaW, xs, rows, out),
    fractions: (q, link) =>
      net
        ? ridgeSumFractions(kernel ? kernel.law : config.task.kind === "sphereSingleIndex" ? "sphere" : "gaussian", spec, net.w.toArray(), beta.map((b) => b / Math.sqrt(width)), d, q, link)
        : (map as KernelFeatures).targetFractions(beta, q, link),
  };
}

/** Ridge on the n x n Gram matrix: factorized (Cholesky) or solved by conjugate gradients on the fly; predictions stream test blocks of cross-kernel rows. */
export function fitOnGram(c: FitContext, method: "cholesky" | "cg", m: number, tolerance: number | undefined): Fitted {
  const { rt, config, n, lambda, result } = c;
  const kernel = c.kernel!;
  const gram = new GramOperator(rt, kernel, c.x, n);
  c.owned.push(gram);
  let alpha: Float64Array;
  if (method === "cholesky") {
    c.stage(`factorizing the ${n} x ${n} Gram matrix (Cholesky)`);
    const factor = CholeskyFactor.inPlace(rt, gram.dense(), n, lambda);
    c.owned.push(factor);
    const b = c.alloc(n);
    b.view.set(c.y.view);
    factor.solveInPlace(b);
    alpha = b.toArray();
  } else {
    c.stage(`solving the ${n} x ${n} Gram system (conjugate gradient)`);
    const solved = solveConjugateGradient(rt, gram, c.y.toArray(), lambda, { tolerance, seed: config.seed });
    alpha = solved.alpha;
    result.iterations = solved.iterations;
    result.relativeResidual = solved.relativeResidual;
    result.preconditionerDegree = solved.preconditionerDegree;
  }
  const alphaW = c.alloc(n);
  alphaW.view.set(alpha);
  const block = c.alloc(Math.min(m, TEST_BLOCK_ROWS) * n);
  return {
    predict: (xs, rows, out) => {
      gram.crossBlock(xs, rows, block);
      rt.linalg.blockGemv(block, rows, n, alphaW, out);
    },
    fractions: (q, link) => (kernel.law === "sphere" ? kernelFractions(alpha, c.x.toArray(), config.task.d, kernel.degreeWeights, q, link) : null),
  };
}

/**
 * Scores a fit on the first m samples of the "test" stream in blocks: the test loss 1/2 mean (f - y)^2
 * with its standard error, and on single-index tasks the degree fractions, exact where the fit
 * knows them, else Monte Carlo on the test set with standard errors.
 */
export function scoreOnTestSet(c: FitContext, task: Task, fitted: Fitted, m: number) {
  const { config, kernel, alloc, stage } = c;
  const d = config.task.d;
  const singleIndex = task.link !== null && (config.task.kind === "sphereSingleIndex" || config.task.kind === "gaussianSingleIndex");
  const link = singleIndex ? cleanLink(task.linkCoefficients(Math.min(8, config.metrics.degrees))) : null;
  const q = task.directions;
  let degreeFractions = link ? fitted.fractions(q, link) : null;
  const keep = link !== null && degreeFractions === null && m <= MONTE_CARLO_MAX;
  const testX = keep ? new Float64Array(m * d) : null;
  const testF = keep ? new Float64Array(m) : null;

  const rows = Math.min(m, TEST_BLOCK_ROWS);
  const xt = alloc(rows * d);
  const yt = alloc(rows);
  const ft = alloc(rows);
  let sum = 0;
  let sumSquares = 0;
  for (let start = 0; start < m; start += rows) {
    const count = Math.min(rows, m - start);
    stage(`testing on samples ${start + 1}..${start + count} of ${m}`);
    const xb = xt.subarray(0, count * d);
    const yb = yt.subarray(0, count);
    task.sampleInto("test", start, xb, yb);
    fitted.predict(xb, count, ft);
    const f = ft.view;
    const targets = yb.view;
    for (let b = 0; b < count; b++) {
      const loss = 0.5 * (f[b]! - targets[b]!) ** 2;
      sum += loss;
      sumSquares += loss * loss;
    }
    if (testX && testF) {
      testX.set(xb.view, start * d);
      testF.set(f.subarray(0, count), start);
    }
  }
  let degreeFractionsSE: DegreeFractions | null = null;
  if (link && testX && testF) {
    const mc = monteCarloFractions(kernel?.law ?? "gaussian", testF, testX, d, q, link);
    degreeFractions = mc.fractions;
    degreeFractionsSE = mc.standardErrors;
  }
  const testLoss = sum / m;
  const variance = m > 1 ? Math.max(0, (sumSquares - m * testLoss * testLoss) / (m - 1)) : 0;
  return { testLoss, testLossSE: Math.sqrt(variance / m), link, degreeFractions, degreeFractionsSE };
}
