// Kernel ridge regression of a single-index target on the sphere, y = sum_k h_k P_{k,d}(<q, x>)
// (x uniform on S^{d-1}, P_{k,d}(1) = 1), with the model's inner-product kernel
// K(t) = sum_k kappa_k P_{k,d}(t), scored by its exact population loss (Funk–Hecke:
// E_x[P_k(<a, x>) P_l(<b, x>)] = delta_kl P_k(<a, b>) / N(d,k)). For f = sum_i alpha_i K(<x_i, x>):
//   E f^2   = alpha^T K2 alpha,  K2(t) = sum_k kappa_k^2 / N(d,k) P_k(t)  (a Gram matrix, Wasm products)
//   E f y   = sum_k kappa_k h_k / N(d,k) sum_i alpha_i P_k(<x_i, q>)
//   E y^2   = sum_k h_k^2 / N(d,k),
// loss = 1/2 (E f^2 - 2 E f y + E y^2), without a test sample. Non-polynomial kernels are
// summed to the degree of their table (SERIES_DEGREE), whose tail bounds the error.

import { parseConfig, ConfigError, type ConfigInput } from "../config.js";
import { gegenbauerAll, sphericalHarmonicsDim } from "../special/gegenbauer.js";
import { gegenbauerSeries } from "../special/gegenbauerSeries.js";
import { createTask } from "../tasks/createTask.js";
import { linkToActivation } from "../tasks/link.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { CholeskyFactor } from "./cholesky.js";
import { solveConjugateGradient } from "./conjugateGradient.js";
import { GramOperator } from "./gramOperator.js";
import { modelKernel, tabulate, type KernelKind } from "./modelKernel.js";
import { cleanLink } from "./targetFractions.js";

/** Largest n solved by a dense Cholesky factorization; above it, conjugate gradients. */
export const SPHERE_DENSE_MAX = 4000;

export interface SphereKernelRidgeResult {
  n: number;
  kernel: KernelKind;
  method: "cholesky" | "cg";
  /** Exact population loss 1/2 E[(f - y)^2]. */
  loss: number;
  /** Per degree k: the fraction of the target's degree-k part the predictor reproduces, null where h_k = 0. */
  degreeFractions: (number | null)[];
}

/**
 * Fits (K + lambda n I) alpha = y, lambda = 1e-6 E_x K(x, x), on the first n samples of the
 * task's "train" stream for each n in `ns` and each kernel (dense Cholesky up to `denseMax`
 * samples, conjugate gradients above); the config's task must be sphereSingleIndex with a
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
  const x = runtime.arena.f64(nMax * d);
  const y = runtime.arena.f64(nMax);
  const out: SphereKernelRidgeResult[] = [];
  try {
    task.sampleInto("train", 0, x, y);
    const link = cleanLink(task.linkCoefficients(8))!;
    const q = task.directions.slice(0, d);
    const energy = Array.from(link, (h, k) => (h * h) / sphericalHarmonicsDim(d, k));
    for (const kind of kinds) {
      const kernel = modelKernel(config, kind);
      const kappa = kernel.degreeWeights;
      const squared = kappa.map((w, k) => (w * w) / sphericalHarmonicsDim(d, k));
      const squareKernel = { ...kernel, table: tabulate((t) => gegenbauerSeries(squared, d, t).value) };
      for (const n of ns) {
        const xn = x.subarray(0, n * d);
        const lambda = 1e-6 * kernel.diagonal * n;
        const gram = new GramOperator(runtime, kernel, xn, n);
        let alpha: Float64Array;
        let method: "cholesky" | "cg";
        try {
          if (n <= denseMax) {
            method = "cholesky";
            const factor = CholeskyFactor.inPlace(runtime, gram.dense(), n, lambda);
            const b = runtime.arena.f64From(y.view.subarray(0, n));
            try {
              factor.solveInPlace(b);
              alpha = b.toArray();
            } finally {
              b.free();
              factor.free();
            }
          } else {
            method = "cg";
            alpha = solveConjugateGradient(runtime, gram, y.view.slice(0, n), lambda, { seed: config.seed }).alpha;
          }
        } finally {
          gram.free();
        }
        // alpha^T K2 alpha by one Wasm Gram product.
        const square = new GramOperator(runtime, squareKernel, xn, n);
        const a = runtime.arena.f64From(alpha);
        const ka = runtime.arena.f64(n);
        let fSquare = 0;
        try {
          square.times(a, ka, 0);
          const kv = ka.view;
          for (let i = 0; i < n; i++) fSquare += alpha[i]! * kv[i]!;
        } finally {
          a.free();
          ka.free();
          square.free();
        }
        const kmax = link.length - 1;
        // Views detach when Wasm memory grows: take x's after the allocations above.
        const xs = x.view;
        const along = new Float64Array(kmax + 1);
        for (let i = 0; i < n; i++) {
          let t = 0;
          for (let c = 0; c < d; c++) t += xs[i * d + c]! * q[c]!;
          const p = gegenbauerAll(kmax, d, Math.max(-1, Math.min(1, t)));
          for (let k = 0; k <= kmax; k++) along[k]! += alpha[i]! * p[k]!;
        }
        // fraction_k = E[f y_k] / E[y_k^2] = kappa_k sum_i alpha_i P_k(<x_i, q>) / h_k (as targetFractions.ts).
        const degreeFractions = Array.from(link, (h, k) => (h === 0 ? null : ((kappa[k] ?? 0) * along[k]!) / h));
        let crossTotal = 0;
        for (let k = 0; k <= kmax; k++) crossTotal += ((kappa[k] ?? 0) * link[k]! * along[k]!) / sphericalHarmonicsDim(d, k);
        const ySquare = energy.reduce((s, v) => s + v, 0);
        out.push({ n, kernel: kind, method: method!, loss: 0.5 * (fSquare - 2 * crossTotal + ySquare), degreeFractions });
      }
    }
    return out;
  } finally {
    x.free();
    y.free();
    task.free();
  }
}
