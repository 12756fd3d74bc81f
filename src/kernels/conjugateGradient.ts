// Preconditioned conjugate gradients for (K + lambda I) alpha = y with K never stored: every
// product K v is built row by row in Wasm (GramOperator.times, O(n^2 d) time, O(n) memory).
//
// The preconditioner is the kernel's own low-degree part in explicit features,
//   P = Psi M Psi^T + mu I,  mu = lambda + (the diagonal mass of the degrees left out),
// applied by Woodbury, P^{-1} r = (r - Psi (Psi^T Psi + mu M^{-1})^{-1} Psi^T r) / mu, with the
// features recomputed block by block. On the sphere the low-degree part is exact, so P removes
// the large eigenvalues n kappa_k / N(d,k) of the low degrees that make K ill-conditioned; the
// rest of the spectrum sits near mu.

import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import type { CholeskyFactor } from "./cholesky.js";
import { factorNormalEquations, forEachFeatureBlock } from "./featureRidge.js";
import type { GramOperator } from "./gramOperator.js";
import { carriesWeight, featureDim, KernelFeatures } from "./kernelFeatures.js";
import { kernelTail } from "./modelKernel.js";

/**
 * Stopping rule (|y - (K + λI) α| <= tolerance |y|), iteration cap and the size of the low-degree
 * feature preconditioner.
 */
export interface ConjugateGradientOptions {
  /** Stop when |y - (K + lambda I) alpha| <= tolerance |y| (default 1e-10). */
  tolerance?: number;
  /** Default 1000. */
  maxIterations?: number;
  /** Largest feature dimension of the preconditioner (default 2000; 0 for none). */
  preconditionerDim?: number;
  /** Seed of the preconditioner's anchors. */
  seed?: number;
}

/** The CG solution with its iterations, relative residual recomputed from a fresh product, and preconditioner degree. */
export interface ConjugateGradientResult {
  alpha: Float64Array;
  iterations: number;
  /** Final |y - (K + lambda I) alpha| / |y|, recomputed from a fresh product. */
  relativeResidual: number;
  /** Degree of the feature preconditioner, or null without one. */
  preconditionerDegree: number | null;
  converged: boolean;
}

/** The feature preconditioner of degree <= L; apply works on Wasm vectors of length n. */
export class FeaturePreconditioner {
  private readonly factor: CholeskyFactor;
  private readonly u: WasmF64Array;

  constructor(
    private readonly runtime: WasmRuntime,
    private readonly features: KernelFeatures,
    private readonly x: WasmF64Array,
    private readonly n: number,
    readonly mu: number,
  ) {
    const { factor, rhs } = factorNormalEquations(runtime, features, x, n, null, mu);
    this.factor = factor;
    this.u = rhs;
  }

  /** z = P^{-1} r. */
  apply(r: WasmF64Array, z: WasmF64Array): void {
    const ex = this.runtime.features;
    const { p } = this.features;
    const u = this.u;
    u.view.fill(0);
    forEachFeatureBlock(this.runtime, this.features, this.x, this.n, (phiT, start, rows) => {
      ex.featuresTransposedTimes(phiT, p, rows, r.subarray(start), u);
    });
    this.factor.solveInPlace(u);
    forEachFeatureBlock(this.runtime, this.features, this.x, this.n, (phiT, start, rows) => {
      ex.featuresTimes(phiT, p, rows, u, z.subarray(start));
    });
    const zv = z.view;
    const rv = r.view;
    const inv = 1 / this.mu;
    for (let i = 0; i < this.n; i++) zv[i] = (rv[i]! - zv[i]!) * inv;
  }

  free(): void {
    this.factor.free();
    this.u.free();
    this.features.free();
  }
}

/** The largest degree whose features fit in maxDim (and leave most of n to the rest of the spectrum). */
export function preconditionerDegree(gram: GramOperator, maxDim: number): number | null {
  const kernel = gram.kernel;
  let best: number | null = null;
  for (let k = 0; k < kernel.degreeWeights.length; k++) {
    const p = featureDim(kernel, k);
    if (p > maxDim || p > gram.n / 2) break;
    if (carriesWeight(kernel, k) || best === null) best = k;
  }
  return best;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Solves (K + lambda I) alpha = y by preconditioned CG on the Gram operator. */
export function solveConjugateGradient(
  runtime: WasmRuntime,
  gram: GramOperator,
  y: Float64Array,
  lambda: number,
  options: ConjugateGradientOptions = {},
): ConjugateGradientResult {
  const n = gram.n;
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 1000;
  const degree = preconditionerDegree(gram, options.preconditionerDim ?? 2000);
  const arena = runtime.arena;
  const owned: WasmF64Array[] = [];
  const alloc = () => {
    const a = arena.f64(n);
    owned.push(a);
    return a;
  };
  let pre: FeaturePreconditioner | null = null;
  try {
    const pv = alloc();
    const kp = alloc();
    const rw = alloc();
    const zw = alloc();
    if (degree !== null) {
      const features = new KernelFeatures(runtime, gram.kernel, degree, options.seed ?? 0);
      try {
        pre = new FeaturePreconditioner(runtime, features, gram.x, n, lambda + kernelTail(gram.kernel, degree));
      } catch (err) {
        features.free();
        throw err;
      }
    }
    const precondition = (r: Float64Array, z: Float64Array) => {
      if (!pre) {
        z.set(r);
        return;
      }
      rw.view.set(r);
      pre.apply(rw, zw);
      z.set(zw.view);
    };
    const alpha = new Float64Array(n);
    const r = Float64Array.from(y);
    const z = new Float64Array(n);
    const norm = Math.sqrt(dot(y, y));
    if (norm === 0) return { alpha, iterations: 0, relativeResidual: 0, preconditionerDegree: degree, converged: true };
    precondition(r, z);
    const p = Float64Array.from(z);
    let rz = dot(r, z);
    let iterations = 0;
    let residual = 1;
    while (iterations < maxIterations) {
      pv.view.set(p);
      gram.times(pv, kp, lambda);
      const q = kp.view;
      const step = rz / dot(p, q);
      for (let i = 0; i < n; i++) {
        alpha[i]! += step * p[i]!;
        r[i]! -= step * q[i]!;
      }
      iterations++;
      residual = Math.sqrt(dot(r, r)) / norm;
      if (residual <= tolerance) break;
      precondition(r, z);
      const next = dot(r, z);
      const beta = next / rz;
      rz = next;
      for (let i = 0; i < n; i++) p[i] = z[i]! + beta * p[i]!;
    }
    // The recursive residual drifts from the true one in floating point: report the true one.
    pv.view.set(alpha);
    gram.times(pv, kp, lambda);
    const k = kp.view;
    let s = 0;
    for (let i = 0; i < n; i++) s += (y[i]! - k[i]!) ** 2;
    const relativeResidual = Math.sqrt(s) / norm;
    return { alpha, iterations, relativeResidual, preconditionerDegree: degree, converged: residual <= tolerance };
  } finally {
    pre?.free();
    for (const a of owned) a.free();
  }
}
