// Kernel ridge regression of a single-index target on the sphere, y = sum_k h_k P_{k,d}(<q, x>)
// (x uniform on S^{d-1}, P_{k,d}(1) = 1), with inner-product kernels given by their degree weights,
// K(t) = sum_k kappa_k P_{k,d}(t), scored by the exact population loss (Funk–Hecke:
// E_x[P_k(<a, x>) P_l(<b, x>)] = delta_kl P_k(<a, b>) / N(d,k)). For f = sum_i alpha_i K(<x_i, x>):
//   E f^2   = alpha^T K2 alpha,  K2(t) = sum_k kappa_k^2 / N(d,k) P_k(t)  (one Wasm Gram product)
//   E f y   = sum_k kappa_k h_k / N(d,k) sum_i alpha_i P_k(<x_i, q>)
//   E y^2   = sum_k h_k^2 / N(d,k),
// loss = 1/2 (E f^2 - 2 E f y + E y^2), without a test sample. The solve is a dense Cholesky
// factorization up to SPHERE_DENSE_MAX samples and preconditioned conjugate gradients above (the
// Gram matrix never stored), so the kernels reach any n a network is trained on. Non-polynomial
// kernels are summed to the degree of their table (SERIES_DEGREE), whose tail bounds the error.

import { parseConfig, ConfigError, type ConfigInput } from "../config.js";
import { gegenbauerAll, sphericalHarmonicsDim } from "../special/gegenbauer.js";
import { gegenbauerSeries } from "../special/gegenbauerSeries.js";
import { createTask } from "../tasks/createTask.js";
import { linkToActivation } from "../activation/link.js";
import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { CholeskyFactor } from "./cholesky.js";
import { solveConjugateGradient } from "./conjugateGradient.js";
import { GramOperator } from "./gramOperator.js";
import { modelKernel, tabulate, type KernelKind, type ModelKernel } from "./modelKernel.js";
import { cleanLink } from "./targetFractions.js";

/** Largest n solved by a dense Cholesky factorization (n^2 doubles: 128 MiB); above it, conjugate gradients. */
export const SPHERE_DENSE_MAX = 4000;

/**
 * A kernel ridge fit on the sphere scored without a test sample: the exact loss 1/2 E_x[(f - y)²]
 * by Funk–Hecke, and the fraction of each Legendre degree of the target reproduced.
 */
export interface SphereKernelFit {
  n: number;
  method: "cholesky" | "cg";
  /** Exact population loss 1/2 E_x[(f(x) - y(x))^2]. */
  loss: number;
  /** Per degree k: the fraction of the target's degree-k part the predictor reproduces, null where h_k = 0. */
  degreeFractions: (number | null)[];
  alpha: Float64Array;
}

/** Ridge λ = ridge · n · K(1) (default 1e-6, near-interpolation), the dense-solve limit, and the CG preconditioner's seed. */
export interface SphereFitOptions {
  /** lambda = ridge * n * K(1) (default 1e-6: near-interpolation of a noiseless target). */
  ridge?: number;
  /** Largest n solved densely (default SPHERE_DENSE_MAX). */
  denseMax?: number;
  /** Seed of the conjugate-gradient preconditioner's anchors. */
  seed?: number;
}

/** The inner-product kernel of degree weights kappa on S^{d-1} as a Gram-operator kernel (kind only names it in errors). */
function innerProductKernel(d: number, kappa: Float64Array): ModelKernel {
  let top = kappa.length - 1;
  while (top > 0 && kappa[top] === 0) top--;
  return {
    kind: "nngp",
    law: "sphere",
    d,
    degreeWeights: kappa,
    diagonal: kappa.reduce((s, v) => s + v, 0),
    polynomialDegree: top,
    table: tabulate((t) => gegenbauerSeries(kappa, d, t).value),
    homogeneous: false,
    bias: 0,
    entry: null,
  };
}

/** alpha solving (K + lambda I) alpha = y, by Cholesky up to denseMax rows, else by conjugate gradients. */
function solve(runtime: WasmRuntime, kernel: ModelKernel, x: WasmF64Array, y: Float64Array, lambda: number, denseMax: number, seed: number) {
  const n = y.length;
  const gram = new GramOperator(runtime, kernel, x, n);
  try {
    if (n > denseMax) return { method: "cg" as const, alpha: solveConjugateGradient(runtime, gram, y, lambda, { seed }).alpha };
    const factor = CholeskyFactor.inPlace(runtime, gram.dense(), n, lambda);
    const b = runtime.arena.f64From(y);
    try {
      factor.solveInPlace(b);
      return { method: "cholesky" as const, alpha: b.toArray() };
    } finally {
      b.free();
      factor.free();
    }
  } finally {
    gram.free();
  }
}

/**
 * Fits (K + lambda I) alpha = y, lambda = ridge * n * K(1), for each kernel (degree weights kappa,
 * k = 0..) on the n points x (n x d, unit rows), and scores each fit by its exact population loss
 * for the target with direction q (unit) and Legendre coefficients link (h_k of P_{k,d}, k = 0..).
 */
export function fitSphereKernels(
  runtime: WasmRuntime,
  x: Float64Array,
  y: Float64Array,
  d: number,
  kernels: readonly ArrayLike<number>[],
  q: Float64Array,
  link: ArrayLike<number>,
  options: SphereFitOptions = {},
): SphereKernelFit[] {
  const n = y.length;
  const ridge = options.ridge ?? 1e-6;
  if (x.length !== n * d) throw new RangeError(`meanfield: x must be n x d = ${n} x ${d}, got length ${x.length}`);
  if (!(ridge >= 0)) throw new RangeError(`meanfield: ridge must be >= 0, got ${ridge}`);
  const kmax = link.length - 1;
  const harmonics = Array.from({ length: kmax + 1 }, (_, k) => sphericalHarmonicsDim(d, k));
  const ySquare = Array.from(link, (h, k) => (h * h) / harmonics[k]!).reduce((s, v) => s + v, 0);
  // P_k(<x_i, q>) for the cross term, per point.
  const along = new Float64Array(n * (kmax + 1));
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let c = 0; c < d; c++) t += x[i * d + c]! * q[c]!;
    along.set(gegenbauerAll(kmax, d, Math.max(-1, Math.min(1, t))), i * (kmax + 1));
  }
  const xw = runtime.arena.f64From(x);
  try {
    return kernels.map((weights) => {
      const kappa = Float64Array.from(weights);
      const kernel = innerProductKernel(d, kappa);
      const { method, alpha } = solve(runtime, kernel, xw, y, ridge * n * kernel.diagonal, options.denseMax ?? SPHERE_DENSE_MAX, options.seed ?? 0);
      const square = innerProductKernel(d, kappa.map((w, k) => (w * w) / sphericalHarmonicsDim(d, k)));
      const gram = new GramOperator(runtime, square, xw, n);
      const a = runtime.arena.f64From(alpha);
      const ka = runtime.arena.f64(n);
      let fSquare = 0;
      try {
        gram.times(a, ka, 0);
        const kv = ka.view;
        for (let i = 0; i < n; i++) fSquare += alpha[i]! * kv[i]!;
      } finally {
        a.free();
        ka.free();
        gram.free();
      }
      const sums = new Float64Array(kmax + 1);
      for (let i = 0; i < n; i++) for (let k = 0; k <= kmax; k++) sums[k]! += alpha[i]! * along[i * (kmax + 1) + k]!;
      // fraction_k = E[f y_k] / E[y_k^2] = kappa_k sum_i alpha_i P_k(<x_i, q>) / h_k (as targetFractions.ts).
      const degreeFractions = Array.from(link, (h, k) => (h === 0 ? null : ((kappa[k] ?? 0) * sums[k]!) / h));
      let cross = 0;
      for (let k = 0; k <= kmax; k++) cross += ((kappa[k] ?? 0) * link[k]! * sums[k]!) / harmonics[k]!;
      return { n, method, loss: 0.5 * (fSquare - 2 * cross + ySquare), degreeFractions, alpha };
    });
  } finally {
    xw.free();
  }
}

/** A fit of sphereKernelRidge, labelled by the model kernel it used. */
export interface SphereKernelRidgeResult extends Omit<SphereKernelFit, "alpha"> {
  kernel: KernelKind;
}

/**
 * The model's NNGP / NTK fitted on the first n samples of the task's "train" stream for each n in
 * `ns` (fitSphereKernels, lambda = 1e-6 n K(1)); the config's task must be sphereSingleIndex with a
 * polynomial link of degree <= 8.
 */
export function sphereKernelRidge(
  runtime: WasmRuntime,
  input: ConfigInput,
  kinds: readonly KernelKind[],
  ns: readonly number[],
  denseMax = SPHERE_DENSE_MAX,
): SphereKernelRidgeResult[] {
  const config = parseConfig(input);
  if (config.task.kind !== "sphereSingleIndex") throw new ConfigError(`task.kind: exact sphere kernel losses need a sphereSingleIndex task, got ${config.task.kind}`);
  const d = config.task.d;
  const nMax = Math.max(...ns);
  const task = createTask(runtime, config.task, config.seed, linkToActivation(config.model.activation, d));
  const xs = runtime.arena.f64(nMax * d);
  const ys = runtime.arena.f64(nMax);
  try {
    task.sampleInto("train", 0, xs, ys);
    const [x, y] = [xs.toArray(), ys.toArray()];
    const link = cleanLink(task.linkCoefficients(8))!;
    const q = task.directions.slice(0, d);
    const weights = kinds.map((kind) => modelKernel(config, kind).degreeWeights);
    const fits = ns.map((n) => fitSphereKernels(runtime, x.subarray(0, n * d), y.subarray(0, n), d, weights, q, link, { denseMax, seed: config.seed }));
    return kinds.flatMap((kernel, j) => fits.map((perKernel) => {
      const fit = perKernel[j]!;
      return { n: fit.n, kernel, method: fit.method, loss: fit.loss, degreeFractions: fit.degreeFractions };
    }));
  } finally {
    xs.free();
    ys.free();
    task.free();
  }
}
