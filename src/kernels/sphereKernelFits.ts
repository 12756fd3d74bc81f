// Kernel ridge regression on the sphere with inner-product kernels given by their degree weights,
// K(x, y) = sum_k kappa_k P_{k,d}(<x, y>) (P_{k,d}(1) = 1), fitted on one sample set by dense
// Cholesky (Gram built once per sample set, one factorization per kernel), and scored by the exact
// population loss for a single-index target y = sum_k h_k P_{k,d}(<q, x>) (Funk–Hecke,
// E_x[P_k(<a, x>) P_l(<b, x>)] = delta_kl P_k(<a, b>) / N(d,k)):
//   f = sum_j alpha_j K(<x_j, .>),   E f^2 = alpha^T K2 alpha,  K2(t) = sum_k kappa_k^2 P_k(t) / N(d,k),
//   E f y = sum_k kappa_k h_k / N(d,k) sum_j alpha_j P_k(<x_j, q>),   E y^2 = sum_k h_k^2 / N(d,k),
//   loss = 1/2 (E f^2 - 2 E f y + E y^2).
// No test set: the loss is the expectation a test set would estimate.

import { fillGegenbauer, sphericalHarmonicsDim } from "../special/gegenbauer.js";
import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { CholeskyFactor } from "./cholesky.js";

export interface SphereKernelFit {
  /** 1/2 E_x (f(x) - y(x))^2, exact. */
  populationLoss: number;
  alpha: Float64Array;
}

/**
 * Fits (K + lambda I) alpha = y for each kernel (degree weights kappa, k = 0..K) on the n points x
 * (n x d, unit rows) with lambda = ridge * n * K(1), and returns each fit's exact population loss for
 * the target with direction q (unit) and Legendre coefficients link (h_k of P_{k,d}, k = 0..).
 */
export function fitSphereKernels(
  runtime: WasmRuntime,
  x: Float64Array,
  y: Float64Array,
  d: number,
  kernels: ArrayLike<number>[],
  ridge: number,
  q: Float64Array,
  link: ArrayLike<number>,
): SphereKernelFit[] {
  const n = y.length;
  if (x.length !== n * d) throw new RangeError(`meanfield: x must be n x d = ${n} x ${d}, got length ${x.length}`);
  if (!(ridge >= 0)) throw new RangeError(`meanfield: ridge must be >= 0, got ${ridge}`);
  const K = Math.max(link.length - 1, ...kernels.map((k) => k.length - 1));
  const harmonics = Float64Array.from({ length: K + 1 }, (_, k) => sphericalHarmonicsDim(d, k));
  // <x_i, x_j> for i >= j, packed by rows of the lower triangle (the Legendre values are recomputed per kernel: n^2 (K + 1) would not fit).
  const dots = new Float64Array((n * (n + 1)) / 2);
  for (let i = 0, p = 0; i < n; i++) {
    for (let j = 0; j <= i; j++, p++) {
      let t = 0;
      for (let c = 0; c < d; c++) t += x[i * d + c]! * x[j * d + c]!;
      dots[p] = Math.max(-1, Math.min(1, t));
    }
  }
  const legendre = new Float64Array(K + 1);
  const along = new Float64Array(n * (K + 1));
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let c = 0; c < d; c++) t += x[i * d + c]! * q[c]!;
    fillGegenbauer(along, i * (K + 1), K, d, Math.max(-1, Math.min(1, t)));
  }
  let targetEnergy = 0;
  for (let k = 0; k < link.length; k++) targetEnergy += link[k]! ** 2 / harmonics[k]!;

  return kernels.map((kappaIn) => {
    const kappa = Float64Array.from({ length: K + 1 }, (_, k) => kappaIn[k] ?? 0);
    const diagonal = kappa.reduce((s, v) => s + v, 0);
    const squares = kappa.map((v, k) => v ** 2 / harmonics[k]!);
    const kernelOf = (weights: Float64Array, p: number) => {
      fillGegenbauer(legendre, 0, K, d, dots[p]!);
      let v = 0;
      for (let k = 0; k <= K; k++) v += weights[k]! * legendre[k]!;
      return v;
    };
    let gram: WasmF64Array | null = runtime.arena.f64(n * n);
    const b = runtime.arena.f64(n);
    let factor: CholeskyFactor | null = null;
    try {
      const g = gram.view;
      for (let i = 0, p = 0; i < n; i++) {
        for (let j = 0; j <= i; j++, p++) g[i * n + j] = kernelOf(kappa, p);
      }
      // inPlace owns (and frees) the matrix from here on.
      const matrix = gram;
      gram = null;
      factor = CholeskyFactor.inPlace(runtime, matrix, n, ridge * n * diagonal);
      b.view.set(y);
      factor.solveInPlace(b);
      const alpha = b.toArray();
      let square = 0;
      for (let i = 0, p = 0; i < n; i++) {
        for (let j = 0; j <= i; j++, p++) square += (i === j ? 1 : 2) * alpha[i]! * alpha[j]! * kernelOf(squares, p);
      }
      let cross = 0;
      for (let k = 0; k < link.length; k++) {
        if (link[k] === 0 || kappa[k] === 0) continue;
        let s = 0;
        for (let i = 0; i < n; i++) s += alpha[i]! * along[i * (K + 1) + k]!;
        cross += (kappa[k]! * link[k]! * s) / harmonics[k]!;
      }
      return { populationLoss: 0.5 * (square - 2 * cross + targetEnergy), alpha };
    } finally {
      factor?.free();
      gram?.free();
      b.free();
    }
  });
}
