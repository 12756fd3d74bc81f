// Exact population loss of a two-layer network on the sphere for a single-index target
// (the setting of Mahankali et al. 2023): x ~ Unif(S^{d-1}), y = h(<q, x>), f(x) = scale sum_i a_i sigma(<w_i, x>)
// with unit-norm w_i and q.
//
// By Funk–Hecke, E[sigma(<u,x>) g(<v,x>)] = sum_k sigma_k g_k P_{k,d}(<u,v>) / N(d,k) for unit u, v,
// so with rho_ij = <w_i, w_j> and m_i = <w_i, q>,
//   L = 1/2 scale^2 sum_ij a_i a_j K_ss(rho_ij) - scale sum_i a_i K_sh(m_i) + 1/2 E[h^2].
// The diagonal K_ss(1) = E[sigma^2] and E[h^2] are computed directly, so only the off-diagonal
// and cross terms are truncated, at the first degree K where both Parseval tails
// tail_s = E[sigma^2] - sum_{k<=K} sigma_k^2/N(d,k) (and tail_h) fall below tolerance; since
// |P_k| <= 1 the truncation changes L by at most
//   1/2 scale^2 sum_{i != j} |a_i a_j| tail_s + scale sum_i |a_i| sqrt(tail_s tail_h),
// which every result reports as `truncationBound`.

import { activationFunction } from "../activation/activationFunction.js";
import type { ActivationSpec } from "../activation/spec.js";
import { sphereCoefficients } from "../activation/coefficients.js";
import { sphereExpectation } from "../special/expectation.js";
import { gegenbauerAll, sphericalHarmonicsDim } from "../special/gegenbauer.js";
import { gegenbauerSeries } from "../special/gegenbauerSeries.js";
import { checkCount, checkFinite, checkFiniteNumber, checkNetworkArguments } from "../argumentChecks.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { spherePairSums } from "./spherePairSums.js";

/**
 * A student network on the unit sphere and a single-index target h(<q, x>), x ~ Unif(S^{d-1}) (Mahankali et al.
 * 2023).
 */
export interface SphereSingleIndexSpec {
  d: number;
  activation: ActivationSpec;
  link: ActivationSpec;
  /** Relative Parseval tail at which the expansions stop (default 1e-14). */
  tolerance?: number;
  /** Largest degree used whatever the tail (default 120). */
  maxDegree?: number;
}

/**
 * Exact population loss 1/2 E[(f - y)^2] on the sphere (up to the reported truncation bound) and the Riemannian
 * gradients.
 */
export interface SpherePopulationResult {
  loss: number;
  /** Riemannian gradient: the Euclidean gradient projected on the tangent space at each w_i (N x d). */
  gradW: Float64Array;
  gradA: Float64Array;
  /** Bound on |loss - exact loss| from truncating the expansions. */
  truncationBound: number;
}

/** Unit-norm tolerance for weights and q. */
const UNIT_TOLERANCE = 1e-9;

function checkUnitRows(name: string, values: Float64Array, rows: number, d: number): void {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += values[i * d + k]! ** 2;
    if (Math.abs(Math.sqrt(s) - 1) > UNIT_TOLERANCE) {
      throw new RangeError(
        `meanfield: ${name}${rows > 1 ? ` row ${i}` : ""} has norm ${Math.sqrt(s)}; on the sphere it must have norm 1`,
      );
    }
  }
}

/**
 * Exact population loss on the sphere via Funk–Hecke: Legendre P_{k,d} series (P(1) = 1, N(d,k) harmonics)
 * truncated where the Parseval tails fall below tolerance; the infinite-sample reference for the sphere
 * experiments.
 */
export class SphereSingleIndexPopulation {
  readonly d: number;
  /** Degree K where the expansions stop. */
  readonly degree: number;
  /** sigma_k and h_k, k = 0..K: sigma = sum_k sigma_k P_{k,d}. */
  readonly activationCoefficients: Float64Array;
  readonly linkCoefficients: Float64Array;
  /** E[sigma(u_1)^2] and E[h(u_1)^2]. */
  readonly activationSquare: number;
  readonly linkSquare: number;
  /** Parseval tails beyond degree K. */
  readonly activationTail: number;
  readonly linkTail: number;
  /** sigma_k^2 / N(d,k) and sigma_k h_k / N(d,k): the series of K_ss and K_sh. */
  private readonly kss: Float64Array;
  private readonly ksh: Float64Array;

  /** With a runtime the O(N^2) pair sums run in Wasm (spherePairSums.ts); without, in TypeScript. */
  constructor(
    spec: SphereSingleIndexSpec,
    private readonly runtime?: WasmRuntime,
  ) {
    checkCount("d (input dimension)", spec.d, 2);
    const tolerance = spec.tolerance ?? 1e-14;
    const maxDegree = spec.maxDegree ?? 120;
    checkFiniteNumber("tolerance", tolerance);
    checkCount("maxDegree", maxDegree, 0);
    const d = spec.d;
    this.d = d;
    const sigma = activationFunction(spec.activation);
    const link = activationFunction(spec.link);
    this.activationSquare = sphereExpectation((t) => sigma.value(t) ** 2, d, { kinks: sigma.kinks });
    this.linkSquare = sphereExpectation((t) => link.value(t) ** 2, d, { kinks: link.kinks });
    const sAll = sphereCoefficients(spec.activation, d, maxDegree);
    const hAll = sphereCoefficients(spec.link, d, maxDegree);
    // Stop at the first K where both tails are small; never below round-off of the sums.
    let sTail = this.activationSquare;
    let hTail = this.linkSquare;
    let degree = maxDegree;
    for (let k = 0; k <= maxDegree; k++) {
      const n = sphericalHarmonicsDim(d, k);
      sTail -= sAll[k]! ** 2 / n;
      hTail -= hAll[k]! ** 2 / n;
      if (sTail <= tolerance * this.activationSquare && hTail <= tolerance * this.linkSquare) {
        degree = k;
        break;
      }
    }
    const floor = 4 * Number.EPSILON;
    this.activationTail = Math.max(sTail, floor * this.activationSquare);
    this.linkTail = Math.max(hTail, floor * this.linkSquare);
    this.degree = degree;
    this.activationCoefficients = sAll.slice(0, degree + 1);
    this.linkCoefficients = hAll.slice(0, degree + 1);
    this.kss = new Float64Array(degree + 1);
    this.ksh = new Float64Array(degree + 1);
    for (let k = 0; k <= degree; k++) {
      const n = sphericalHarmonicsDim(d, k);
      this.kss[k] = this.activationCoefficients[k]! ** 2 / n;
      this.ksh[k] = (this.activationCoefficients[k]! * this.linkCoefficients[k]!) / n;
    }
  }

  /** Loss and gradients at unit-norm w (N x d), any a (N), unit q (d). */
  evaluate(w: Float64Array, a: Float64Array, q: Float64Array, scale: number): SpherePopulationResult {
    const { d } = this;
    const n = checkNetworkArguments(w, a, scale, d);
    if (q.length !== d) throw new RangeError(`meanfield: q has length ${q.length}, expected d = ${d}`);
    checkFinite("q", q);
    checkUnitRows("w", w, n, d);
    checkUnitRows("q", q, 1, d);

    const gradW = new Float64Array(n * d);
    const gradA = new Float64Array(n);
    const s2 = scale * scale;
    let crossTerm = 0;
    let sumAbsA = 0;
    for (let i = 0; i < n; i++) {
      const ai = a[i]!;
      sumAbsA += Math.abs(ai);
      const wi = i * d;
      let m = 0;
      for (let k = 0; k < d; k++) m += w[wi + k]! * q[k]!;
      const cross = gegenbauerSeries(this.ksh, d, clampUnit(m));
      crossTerm += ai * cross.value;
      gradA[i] = -scale * cross.value;
      for (let k = 0; k < d; k++) gradW[wi + k]! -= scale * ai * cross.derivative * q[k]!;
    }
    const pairTerm = this.runtime ? this.pairsWasm(this.runtime, w, a, s2, gradW, gradA) : this.pairs(w, a, s2, gradW, gradA);
    for (let i = 0; i < n; i++) {
      const wi = i * d;
      let radial = 0;
      for (let k = 0; k < d; k++) radial += gradW[wi + k]! * w[wi + k]!;
      for (let k = 0; k < d; k++) gradW[wi + k]! -= radial * w[wi + k]!;
    }
    const loss = 0.5 * s2 * pairTerm - scale * crossTerm + 0.5 * this.linkSquare;
    let offDiagonal = sumAbsA * sumAbsA;
    for (let i = 0; i < n; i++) offDiagonal -= a[i]! ** 2;
    const truncationBound =
      0.5 * s2 * offDiagonal * this.activationTail + Math.abs(scale) * sumAbsA * Math.sqrt(this.activationTail * this.linkTail);
    return { loss, gradW, gradA, truncationBound };
  }

  /**
   * Adds the pair terms to gradW and gradA and returns sum_ij a_i a_j K_ss(rho_ij), one pair at a time
   * using the symmetry: the path without a runtime.
   */
  private pairs(w: Float64Array, a: Float64Array, s2: number, gradW: Float64Array, gradA: Float64Array): number {
    const { d } = this;
    let pairTerm = 0;
    for (let i = 0; i < a.length; i++) {
      const ai = a[i]!;
      const wi = i * d;
      gradA[i]! += s2 * ai * this.activationSquare;
      pairTerm += ai * ai * this.activationSquare;
      for (let j = 0; j < i; j++) {
        const wj = j * d;
        let rho = 0;
        for (let k = 0; k < d; k++) rho += w[wi + k]! * w[wj + k]!;
        const pair = gegenbauerSeries(this.kss, d, clampUnit(rho));
        const aj = a[j]!;
        pairTerm += 2 * ai * aj * pair.value;
        gradA[i]! += s2 * aj * pair.value;
        gradA[j]! += s2 * ai * pair.value;
        const gi = s2 * ai * aj * pair.derivative;
        for (let k = 0; k < d; k++) {
          gradW[wi + k]! += gi * w[wj + k]!;
          gradW[wj + k]! += gi * w[wi + k]!;
        }
      }
    }
    return pairTerm;
  }

  /** pairs() by the blocked Wasm kernels: the same sums in another order. */
  private pairsWasm(
    runtime: WasmRuntime, w: Float64Array, a: Float64Array, s2: number, gradW: Float64Array, gradA: Float64Array,
  ): number {
    const { d } = this;
    const { rowSums, gradients } = spherePairSums(runtime, w, a, d, this.kss, this.activationSquare);
    let pairTerm = 0;
    for (let i = 0; i < a.length; i++) {
      const ai = a[i]!;
      pairTerm += ai * rowSums[i]!;
      gradA[i]! += s2 * rowSums[i]!;
      for (let k = i * d; k < (i + 1) * d; k++) gradW[k]! += s2 * ai * gradients[k]!;
    }
    return pairTerm;
  }

  /**
   * D_k = sigma_k * scale * sum_i a_i P_{k,d}(<w_i, q>) - h_k for k = 0..K: the residual of f - y along
   * the degree-k zonal harmonic of q (Mahankali et al.'s D_k(t) for a_i = 1, scale = 1/N).
   */
  residualComponents(w: Float64Array, a: Float64Array, q: Float64Array, scale: number): Float64Array {
    const { d, degree } = this;
    const n = a.length;
    const sums = new Float64Array(degree + 1);
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (let k = 0; k < d; k++) m += w[i * d + k]! * q[k]!;
      const p = gegenbauerAll(degree, d, clampUnit(m));
      for (let k = 0; k <= degree; k++) sums[k]! += a[i]! * p[k]!;
    }
    return sums.map((s, k) => this.activationCoefficients[k]! * scale * s - this.linkCoefficients[k]!);
  }
}

/** Round-off can put a dot product of unit vectors a hair outside [-1, 1]. */
function clampUnit(t: number): number {
  return t > 1 ? 1 : t < -1 ? -1 : t;
}
