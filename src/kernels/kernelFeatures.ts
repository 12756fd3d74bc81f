// Explicit features of an inner-product kernel truncated at degree K: the truncated kernel is
// exactly a linear model on them, so kernel ridge regression becomes a p x p solve with
// p = sum_k dim(degree-k space), streamed over the samples (assembly/features.ts).
//
// Sphere: for each degree k with kappa_k > 0, N(d,k) generic anchors v_j on the sphere give
// psi_j(x) = P_{k,d}(<x, v_j>), a basis of the degree-k harmonics with E_x[psi_j psi_l] =
// G_jl = P_k(<v_j, v_l>) / N(d,k). The degree-k part of K is (kappa_k / N) Y^T Y for any
// orthonormal basis Y, which is kappa_k psi^T (N G)^{-1} psi; so the kernel is psi^T M psi
// with M^{-1} = blockdiag(P_k(<v_j, v_l>) / kappa_k), the ridge's metric on the coefficients.
// Gaussian: the orthonormal Hermite products H_alpha, |alpha| = k, with M^{-1} = C(d+k-1, k) / e_k I.

import { ConfigError } from "../config.js";
import { gegenbauer, sphericalHarmonicsDim } from "../special/gegenbauer.js";
import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import type { FeatureMap } from "./featureRidge.js";
import type { ModelKernel } from "./modelKernel.js";

/** Degree weights below this fraction of the largest carry no features (an infinite penalty). */
const NEGLIGIBLE = 1e-14;

/** Whether degree k of the kernel carries features (weights below NEGLIGIBLE of the largest are rounding). */
export function carriesWeight(kernel: ModelKernel, k: number): boolean {
  const w = kernel.degreeWeights;
  return k < w.length && w[k]! > NEGLIGIBLE * Math.max(...w);
}

/** Number of multi-indices alpha in N^d with |alpha| = k: C(d + k - 1, k). */
export function hermiteDim(d: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (d + i - 1)) / i;
  return Math.round(c);
}

/** The feature dimension of the kernel truncated at `degree` (degrees with zero weight skipped). */
export function featureDim(kernel: ModelKernel, degree: number): number {
  const max = Math.max(...kernel.degreeWeights);
  let p = 0;
  for (let k = 0; k <= Math.min(degree, kernel.degreeWeights.length - 1); k++) {
    if (kernel.degreeWeights[k]! > NEGLIGIBLE * max) p += kernel.law === "sphere" ? sphericalHarmonicsDim(kernel.d, k) : hermiteDim(kernel.d, k);
  }
  return p;
}

function multiIndices(d: number, k: number): number[][] {
  const out: number[][] = [];
  const walk = (start: number, left: number, prefix: number[]) => {
    if (left === 0) {
      out.push(prefix.slice());
      return;
    }
    for (let i = start; i < d; i++) {
      prefix.push(i);
      walk(i, left - 1, prefix);
      prefix.pop();
    }
  };
  walk(0, k, []);
  return out;
}

/**
 * The features of one degree k: their offset and count (N(d,k) anchors on the sphere,
 * C(d+k-1, k) Hermite products on Gaussian input).
 */
export interface DegreeBlock {
  degree: number;
  /** First feature of the block. */
  offset: number;
  size: number;
}

/**
 * Explicit features of a kernel truncated at degree K, on which it is exactly a linear model:
 * Legendre P_{k,d}(<x, v_j>) at N(d,k) anchors per degree on the sphere, orthonormal Hermite
 * products H_α (|α| = k) on Gaussian input, with the ridge's metric M from the degree weights.
 */
export class KernelFeatures implements FeatureMap {
  readonly p: number;
  readonly d: number;
  readonly blocks: DegreeBlock[];
  /** Sphere anchors (p x d) and their degrees, or Hermite codes (p x degree). */
  private readonly anchors: WasmF64Array | null = null;
  private readonly codes: WasmF64Array;
  /** Sphere: the anchors as plain rows, for the penalty and target projections. */
  private readonly anchorRows: Float64Array | null = null;
  /** Hermite: the coordinates of each feature's monomial, with repeats. */
  private readonly monomials: number[][] = [];

  constructor(
    private readonly runtime: WasmRuntime,
    readonly kernel: ModelKernel,
    readonly degree: number,
    seed: number,
  ) {
    const { d, degreeWeights } = kernel;
    this.d = d;
    const max = Math.max(...degreeWeights);
    this.blocks = [];
    let p = 0;
    for (let k = 0; k <= Math.min(degree, degreeWeights.length - 1); k++) {
      if (!(degreeWeights[k]! > NEGLIGIBLE * max)) continue;
      const size = kernel.law === "sphere" ? sphericalHarmonicsDim(d, k) : hermiteDim(d, k);
      this.blocks.push({ degree: k, offset: p, size });
      p += size;
    }
    if (p === 0) throw new ConfigError(`degree: the kernel has no weight in degrees 0 .. ${degree}; raise the degree`);
    this.p = p;
    const arena = runtime.arena;
    if (kernel.law === "sphere") {
      this.anchorRows = runtime.random.sphere(seed, "kernel.anchors", p, d);
      this.anchors = arena.f64From(this.anchorRows);
      const degrees = new Float64Array(p);
      for (const b of this.blocks) degrees.fill(b.degree, b.offset, b.offset + b.size);
      try {
        this.codes = arena.f64From(degrees);
      } catch (err) {
        this.anchors.free();
        throw err;
      }
    } else {
      const slots = Math.max(1, degree);
      const codes = new Float64Array(p * slots).fill(-1);
      const width = degree + 1;
      for (const b of this.blocks) {
        multiIndices(d, b.degree).forEach((coords, j) => {
          this.monomials.push(coords);
          const counts = new Map<number, number>();
          for (const c of coords) counts.set(c, (counts.get(c) ?? 0) + 1);
          let slot = 0;
          for (const [coord, power] of counts) codes[(b.offset + j) * slots + slot++] = coord * width + power;
        });
      }
      this.codes = arena.f64From(codes);
    }
  }

  /** The ridge metric M^{-1} (p x p, row-major, block diagonal by degree). */
  penalty(): Float64Array {
    const { p } = this;
    const out = new Float64Array(p * p);
    const d = this.kernel.d;
    for (const b of this.blocks) {
      const kappa = this.kernel.degreeWeights[b.degree]!;
      if (this.kernel.law === "gaussian") {
        const v = hermiteDim(d, b.degree) / kappa;
        for (let j = b.offset; j < b.offset + b.size; j++) out[j * p + j] = v;
        continue;
      }
      const rows = this.anchorRows!;
      for (let j = b.offset; j < b.offset + b.size; j++) {
        for (let l = b.offset; l <= j; l++) {
          let t = 0;
          for (let k = 0; k < d; k++) t += rows[j * d + k]! * rows[l * d + k]!;
          const v = j === l ? 1 / kappa : gegenbauer(b.degree, d, Math.max(-1, Math.min(1, t))) / kappa;
          out[j * p + l] = v;
          out[l * p + j] = v;
        }
      }
    }
    return out;
  }

  /** phiT (p x rows, feature-major) = the features of `rows` points x (rows x d). scratch: scratchLength(rows). */
  fill(x: WasmF64Array, rows: number, phiT: WasmF64Array, scratch: WasmF64Array | null): void {
    const ex = this.runtime.features;
    if (this.anchors) ex.sphereFeatures(x, rows, this.kernel.d, this.anchors, this.codes, this.p, phiT);
    else ex.hermiteFeatures(x, rows, this.kernel.d, this.degree, this.codes, Math.max(1, this.degree), this.p, phiT, scratch!);
  }

  /** Length of the scratch buffer `fill` needs for `rows` points (0 on the sphere). */
  scratchLength(rows: number): number {
    return this.anchors ? 0 : rows * this.kernel.d * (this.degree + 1);
  }

  /**
   * For a single-index target with direction q (unit) and link coefficients h_k: the component of
   * the linear model sum_j beta_j psi_j along the target's degree-k part, as a fraction of it:
   * <f, h_k P_k(<q, .>)> / ||h_k P_k(<q, .>)||^2 on the sphere (exact by Funk–Hecke:
   * E[psi_j P_k(<q,x>)] = P_k(<v_j, q>) / N(d,k)); on Gaussian inputs with h_k(<q, x>) in place of
   * P_k (E[H_alpha h_k(<q,x>)] = sqrt(k! / alpha!) q^alpha). Null where h_k = 0.
   */
  targetFractions(beta: ArrayLike<number>, q: Float64Array, link: Float64Array): (number | null)[] {
    const d = this.kernel.d;
    const out: (number | null)[] = Array.from({ length: link.length }, () => (link.length > 0 ? 0 : null));
    for (let k = 0; k < link.length; k++) if (link[k] === 0) out[k] = null;
    for (const b of this.blocks) {
      const k = b.degree;
      if (k >= link.length || out[k] === null) continue;
      let s = 0;
      for (let j = b.offset; j < b.offset + b.size; j++) {
        if (this.anchorRows) {
          let t = 0;
          for (let c = 0; c < d; c++) t += this.anchorRows[j * d + c]! * q[c]!;
          s += beta[j]! * gegenbauer(k, d, Math.max(-1, Math.min(1, t)));
        } else {
          const coords = this.monomials[j]!;
          let qa = 1;
          for (const c of coords) qa *= q[c]!;
          s += beta[j]! * qa * Math.sqrt(multinomial(coords));
        }
      }
      out[k] = s / link[k]!;
    }
    return out;
  }

  /**
   * Gaussian features only: c_j = E[H_alpha_j(x) y(x)] for a sum of neurons y = sum_m b_m tau(<v_m, x>)
   * (rows v_m of `weights`, any norm), from E[H_alpha tau(<v, x>)] = tau_k(|v|) sqrt(k! / alpha!) u^alpha,
   * u = v / |v|, k = |alpha|, tau_k(r) = E[tau(r z) h_k(z)] (`hermiteOf(r)`: tau_0 .. tau_K, orthonormal
   * h_k). With these, the population loss of the model psi^T beta is
   * 1/2 (|beta - c|^2 + E y^2 - |c|^2), the features being orthonormal.
   */
  neuronProjection(weights: Float64Array, outputs: Float64Array, hermiteOf: (r: number) => Float64Array): Float64Array {
    if (this.anchorRows) throw new ConfigError("kernel: neuron projections are for Hermite features (Gaussian inputs)");
    const d = this.kernel.d;
    const out = new Float64Array(this.p);
    for (let m = 0; m < outputs.length; m++) {
      let r2 = 0;
      for (let c = 0; c < d; c++) r2 += weights[m * d + c]! ** 2;
      const r = Math.sqrt(r2);
      if (!(r > 0)) throw new RangeError(`meanfield: weights row ${m} is zero`);
      const tau = hermiteOf(r);
      for (const b of this.blocks) {
        const scale = outputs[m]! * (tau[b.degree] ?? 0);
        if (scale === 0) continue;
        for (let j = b.offset; j < b.offset + b.size; j++) {
          let ua = 1;
          for (const c of this.monomials[j]!) ua *= weights[m * d + c]! / r;
          out[j]! += scale * ua * Math.sqrt(multinomial(this.monomials[j]!));
        }
      }
    }
    return out;
  }

  free(): void {
    this.anchors?.free();
    this.codes.free();
  }
}

/** k! / alpha! for the multi-index given as its coordinates with repeats. */
function multinomial(coords: number[]): number {
  let v = 1;
  let run = 0;
  for (let i = 0; i < coords.length; i++) {
    run = i > 0 && coords[i] === coords[i - 1] ? run + 1 : 1;
    v = (v * (i + 1)) / run;
  }
  return v;
}
