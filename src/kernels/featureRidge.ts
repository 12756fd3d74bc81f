// Kernel ridge regression with an inner-product kernel truncated at degree K, solved in its
// explicit features: with the kernel psi^T M psi (kernelFeatures.ts), the minimizer of
// sum_i (f(x_i) - y_i)^2 + lambda ||f||_K^2 is f = psi^T beta with
//   (Psi^T Psi + lambda M^{-1}) beta = Psi^T y,
// the push-through form of (K + lambda I) alpha = y. Psi^T Psi and Psi^T y are accumulated
// over blocks of samples (assembly/features.ts), so memory is O(p^2 + block p), never n x p.

import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { CholeskyFactor } from "./cholesky.js";

/** A feature map psi: R^d -> R^p with the ridge metric M^{-1} of its kernel psi^T M psi. */
export interface FeatureMap {
  readonly p: number;
  readonly d: number;
  /** phiT (p x rows, feature-major) = psi of the rows points x (rows x d). */
  fill(x: WasmF64Array, rows: number, phiT: WasmF64Array, scratch: WasmF64Array | null): void;
  scratchLength(rows: number): number;
  /** M^{-1}, p x p row-major. */
  penalty(): Float64Array;
}

/** Samples per block of features: p x 512 doubles (4 MiB at p = 1000). */
export const FEATURE_BLOCK = 512;

/**
 * Doubles of accumulateNormal's packed panels budgeted per feature: it packs chunks of 128
 * samples of up to p + 3 features (assembly/features.ts; test/kernelWasm.test.ts holds it to this).
 */
export const NORMAL_SCRATCH_PER_FEATURE = FEATURE_BLOCK / 4;

/** Bytes the streamed normal equations hold at once, besides the data. */
export function featureRidgeBytes(p: number, d: number, degree: number): number {
  return 8 * (p * p + 2 * p + FEATURE_BLOCK * (p + d * (degree + 1)) + (p + 3) * NORMAL_SCRATCH_PER_FEATURE);
}

/** Streams over the n points x (n x d) in blocks, calling visit with each block's features (p x rows). */
export function forEachFeatureBlock(
  runtime: WasmRuntime,
  features: FeatureMap,
  x: WasmF64Array,
  n: number,
  visit: (phiT: WasmF64Array, start: number, rows: number) => void,
): void {
  const d = features.d;
  const block = Math.min(FEATURE_BLOCK, n);
  const phiT = runtime.arena.f64(features.p * block);
  const scratchLength = features.scratchLength(block);
  let scratch: WasmF64Array | null = null;
  try {
    scratch = scratchLength > 0 ? runtime.arena.f64(scratchLength) : null;
    for (let s0 = 0; s0 < n; s0 += block) {
      const rows = Math.min(block, n - s0);
      const out = phiT.subarray(0, features.p * rows);
      features.fill(x.subarray(s0 * d, (s0 + rows) * d), rows, out, scratch);
      visit(out, s0, rows);
    }
  } finally {
    phiT.free();
    scratch?.free();
  }
}

/**
 * The factored Psi^T Psi + shift M^{-1} over the n points, and Psi^T y when y is given (else
 * zeros). The caller frees the factor and the right-hand side.
 */
export function factorNormalEquations(
  runtime: WasmRuntime,
  features: FeatureMap,
  x: WasmF64Array,
  n: number,
  y: WasmF64Array | null,
  shift: number,
): { factor: CholeskyFactor; rhs: WasmF64Array } {
  const { p } = features;
  const ex = runtime.features;
  const matrix = runtime.arena.f64(p * p);
  let rhs: WasmF64Array | null = null;
  try {
    rhs = runtime.arena.f64(p);
    matrix.view.fill(0);
    rhs.view.fill(0);
    forEachFeatureBlock(runtime, features, x, n, (phiT, start, rows) => {
      ex.accumulateNormal(phiT, p, rows, matrix);
      if (y) ex.featuresTransposedTimes(phiT, p, rows, y.subarray(start), rhs!);
    });
    const penalty = features.penalty();
    const a = matrix.view;
    for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) a[i * p + j]! += shift * penalty[i * p + j]!;
  } catch (err) {
    matrix.free();
    rhs?.free();
    throw err;
  }
  try {
    return { factor: CholeskyFactor.inPlace(runtime, matrix, p), rhs };
  } catch (err) {
    rhs.free();
    throw err;
  }
}

/** beta of the feature model fitted to (x, y) with ridge lambda (the lambda of (K + lambda I) alpha = y). */
export function fitFeatureRidge(
  runtime: WasmRuntime,
  features: FeatureMap,
  x: WasmF64Array,
  y: WasmF64Array,
  n: number,
  lambda: number,
): Float64Array {
  const { factor, rhs } = factorNormalEquations(runtime, features, x, n, y, lambda);
  try {
    factor.solveInPlace(rhs);
    return rhs.toArray();
  } finally {
    factor.free();
    rhs.free();
  }
}

/** out = psi(x)^T beta for the rows points x (rows x d); beta and out in Wasm memory. */
export function predictFeatures(
  runtime: WasmRuntime,
  features: FeatureMap,
  beta: WasmF64Array,
  x: WasmF64Array,
  rows: number,
  out: WasmF64Array,
): void {
  forEachFeatureBlock(runtime, features, x, rows, (phiT, start, count) => {
    runtime.features.featuresTimes(phiT, features.p, count, beta, out.subarray(start));
  });
}

/**
 * beta of the feature model fitted on the first n samples for every n in `ns` (increasing) and
 * every ridge metric in `penalties` (M^{-1} of kernels sharing these features, p x p), with
 * lambda(n) = ridge * n: one streaming pass over x, since Psi^T Psi and Psi^T y over the first n
 * samples are prefix sums. out[i][j] is beta at ns[i] with penalties[j].
 */
export function fitFeatureRidgePath(
  runtime: WasmRuntime,
  features: FeatureMap,
  x: WasmF64Array,
  y: WasmF64Array,
  ns: readonly number[],
  penalties: readonly Float64Array[],
  ridge: number,
): Float64Array[][] {
  const { p } = features;
  for (let i = 0; i < ns.length; i++) {
    if (!(Number.isInteger(ns[i]) && ns[i]! >= 1 && (i === 0 || ns[i]! > ns[i - 1]!))) throw new RangeError(`meanfield: ns must be increasing positive integers, got ${ns.join(", ")}`);
  }
  for (const penalty of penalties) if (penalty.length !== p * p) throw new RangeError(`meanfield: every penalty must be p x p = ${p * p} numbers, got ${penalty.length}`);
  const ex = runtime.features;
  const arena = runtime.arena;
  const matrix = arena.f64(p * p);
  const rhs = arena.f64(p);
  const out: Float64Array[][] = [];
  try {
    matrix.view.fill(0);
    rhs.view.fill(0);
    let done = 0;
    for (const n of ns) {
      const view = x.subarray(done * features.d, n * features.d);
      forEachFeatureBlock(runtime, features, view, n - done, (phiT, start, rows) => {
        ex.accumulateNormal(phiT, p, rows, matrix);
        ex.featuresTransposedTimes(phiT, p, rows, y.subarray(done + start), rhs);
      });
      done = n;
      out.push(
        penalties.map((penalty) => {
          const shifted = arena.f64(p * p);
          const a = shifted.view;
          a.set(matrix.view);
          for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) a[i * p + j]! += ridge * n * penalty[i * p + j]!;
          const factor = CholeskyFactor.inPlace(runtime, shifted, p);
          const b = arena.f64From(rhs.view);
          try {
            factor.solveInPlace(b);
            return b.toArray();
          } finally {
            b.free();
            factor.free();
          }
        }),
      );
    }
    return out;
  } finally {
    matrix.free();
    rhs.free();
  }
}
