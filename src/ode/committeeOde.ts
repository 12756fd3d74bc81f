// The order-parameter ODEs of online SGD for a two-layer student of K neurons learning a teacher
// of M neurons on Gaussian input, exact as d -> infinity (Saad, Solla 1995; Goldt, Advani, Saxe,
// Krzakala, Zdeborová 2019, arXiv 1906.08632, eqs. (5)-(7)).
//
// Student f(x) = sum_k v_k g(λ_k), λ_k = <w_k, x>; teacher y = sum_n ṽ_n g̃(ν_n), ν_n = <w*_n, x>;
// x ~ N(0, I_d). The order parameters are Q = W W^T, R = W W*^T, T = W* W*^T (in the package's
// units: w_i with O(1/sqrt d) entries, so <w, x> = O(1)) and v. With Δ = y - f, one SGD step
// on a batch of B samples is
//   w_k <- w_k + (η / d) v_k mean_b[g'(λ_k) Δ x],   v_k <- v_k + (η_v / d) mean_b[g(λ_k) Δ],
// and in the time t = steps / d, as d -> infinity with η, η_v, B fixed,
//   dR_kn/dt = η v_k E[g'(λ_k) ν_n Δ]
//   dQ_kl/dt = η v_k E[g'(λ_k) λ_l Δ] + η v_l E[g'(λ_l) λ_k Δ] + (η² / B) v_k v_l E[g'(λ_k) g'(λ_l) Δ²]
//   dv_k/dt  = η_v E[g(λ_k) Δ]
// (the η² term is the self-overlap of the gradient steps: |x|² / d -> 1). Output noise (labels
// y + σζ, ζ ~ N(0, 1) fresh per sample) enters only there: Δ² gains σ², so dQ_kl/dt gains
// (η² / B) σ² v_k v_l E[g'(λ_k) g'(λ_l)]; its first-order averages vanish. Weight decay
// w_k <- (1 - c_w) w_k, v_k <- (1 - c_v) v_k per step with c_w d -> κ_w, c_v d -> κ_v adds
// -κ_w R, -2 κ_w Q and -κ_v v (the cross terms are O(1/d) per unit time). The population loss is
// L = 1/2 E[Δ²] against the clean teacher. Averages over the fields are the I2, I3, I4, J2 of
// fieldIntegrals.ts.

import type { FieldIntegrals, FieldRole } from "./fieldIntegrals.js";

/** Q (K x K), R (K x M), v (K), row-major. */
export interface OrderParameters {
  q: Float64Array;
  r: Float64Array;
  v: Float64Array;
}

/**
 * The committee ODE's constants: widths K and M, T = W* W*ᵀ and ṽ, learning rates η and η_v in
 * time t = steps / d, batch B, output-noise variance σ² and weight decays κ_w, κ_v per unit time.
 */
export interface CommitteeOdeSpec {
  /** Student width K. */
  k: number;
  /** Teacher width M. */
  m: number;
  /** T = W* W*^T (M x M). */
  t: Float64Array;
  /** Teacher second layer ṽ (M). */
  teacherOutputs: Float64Array;
  /** η: the first layer's learning rate in the units above (0 freezes it). */
  learningRate: number;
  /** η_v: the second layer's (0 freezes it). */
  secondLayerRate: number;
  /** B, samples per step. */
  batch: number;
  /** σ², the variance of the output noise added to each training label (0: clean labels). */
  outputNoiseVariance?: number;
  /** κ_w and κ_v: weight decay of the first and second layer per unit ODE time (0: none). */
  firstLayerDecay?: number;
  secondLayerDecay?: number;
  integrals: FieldIntegrals;
}

/** The right-hand side and the loss of the ODEs for one spec; scratch arrays are reused. */
export class CommitteeOde {
  private readonly c2 = new Float64Array(4);
  private readonly c3 = new Float64Array(9);
  private readonly c4 = new Float64Array(16);
  private readonly idx = new Int32Array(4);
  /** Field covariance of all K + M fields, rebuilt from (Q, R, T) at each evaluation. */
  private readonly cov: Float64Array;
  private readonly fields: number;
  /** Scratch of FieldIntegrals.committeeTerms: weights of Δ, drift (K x F) and square (K x K) terms. */
  private readonly weights: Float64Array;
  private readonly drift: Float64Array;
  private readonly square: Float64Array;

  constructor(readonly spec: CommitteeOdeSpec) {
    const { k, m, t, teacherOutputs, batch } = spec;
    if (t.length !== m * m) throw new RangeError(`meanfield: ode: T must be M x M = ${m * m} numbers, got ${t.length}`);
    if (teacherOutputs.length !== m) throw new RangeError(`meanfield: ode: teacher outputs must be M = ${m} numbers, got ${teacherOutputs.length}`);
    if (!(batch >= 1)) throw new RangeError(`meanfield: ode: batch must be >= 1, got ${batch}`);
    this.fields = k + m;
    this.cov = new Float64Array(this.fields * this.fields);
    this.weights = new Float64Array(this.fields);
    this.drift = new Float64Array(k * this.fields);
    this.square = new Float64Array(k * k);
  }

  private role(field: number): FieldRole {
    return field < this.spec.k ? "student" : "teacher";
  }

  /** Second-layer weight of field i: v_i for a student field, -ṽ_n for a teacher's (Δ = Σ c_i g_i, c = (-v, ṽ)). */
  private weight(p: OrderParameters, field: number): number {
    return field < this.spec.k ? -p.v[field]! : this.spec.teacherOutputs[field - this.spec.k]!;
  }

  private fillCovariance(p: OrderParameters): void {
    const { k, m, t } = this.spec;
    const f = this.fields;
    const c = this.cov;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) c[i * f + j] = p.q[i * k + j]!;
      for (let n = 0; n < m; n++) {
        c[i * f + k + n] = p.r[i * m + n]!;
        c[(k + n) * f + i] = p.r[i * m + n]!;
      }
    }
    for (let n = 0; n < m; n++) for (let o = 0; o < m; o++) c[(k + n) * f + k + o] = t[n * m + o]!;
  }

  private sub2(a: number, b: number): Float64Array {
    const f = this.fields;
    const c = this.cov;
    const o = this.c2;
    o[0] = c[a * f + a]!;
    o[1] = o[2] = c[a * f + b]!;
    o[3] = c[b * f + b]!;
    return o;
  }

  /** The covariance of fields idx[0 .. n) into out (n x n); idx is scratch the caller fills. */
  private subN(n: number, out: Float64Array): Float64Array {
    const f = this.fields;
    const idx = this.idx;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = this.cov[idx[i]! * f + idx[j]!]!;
    return out;
  }

  /** L = 1/2 E[Δ²]. */
  loss(p: OrderParameters): number {
    this.fillCovariance(p);
    const f = this.fields;
    let s = 0;
    for (let i = 0; i < f; i++) {
      for (let j = i; j < f; j++) {
        const term = this.weight(p, i) * this.weight(p, j) * this.spec.integrals.i2(this.sub2(i, j), this.role(i), this.role(j));
        s += i === j ? term : 2 * term;
      }
    }
    return 0.5 * s;
  }

  /** E[g'(λ_a) x_b Δ] for a student field a and any field b. */
  private driftTerm(p: OrderParameters, a: number, b: number): number {
    if (this.spec.integrals.committeeTerms) return this.drift[a * this.fields + b]!;
    let s = 0;
    this.idx[0] = a;
    this.idx[1] = b;
    for (let c = 0; c < this.fields; c++) {
      this.idx[2] = c;
      s += this.weight(p, c) * this.spec.integrals.i3(this.subN(3, this.c3), this.role(c));
    }
    return s;
  }

  /** E[g'(λ_a) g'(λ_b) Δ²] for student fields a, b. */
  private squareTerm(p: OrderParameters, a: number, b: number): number {
    if (this.spec.integrals.committeeTerms) return this.square[a * this.spec.k + b]!;
    let s = 0;
    this.idx[0] = a;
    this.idx[1] = b;
    for (let c = 0; c < this.fields; c++) {
      this.idx[2] = c;
      for (let e = c; e < this.fields; e++) {
        this.idx[3] = e;
        const term = this.weight(p, c) * this.weight(p, e) * this.spec.integrals.i4(this.subN(4, this.c4), this.role(c), this.role(e));
        s += c === e ? term : 2 * term;
      }
    }
    return s;
  }

  /** dQ/dt, dR/dt, dv/dt at p into out. */
  derivative(p: OrderParameters, out: OrderParameters): void {
    const { k, m, learningRate: eta, secondLayerRate: etaV, batch } = this.spec;
    const noiseVariance = this.spec.outputNoiseVariance ?? 0;
    this.fillCovariance(p);
    out.q.fill(0);
    out.r.fill(0);
    out.v.fill(0);
    if (eta !== 0) {
      if (this.spec.integrals.committeeTerms) {
        for (let c = 0; c < this.fields; c++) this.weights[c] = this.weight(p, c);
        this.spec.integrals.committeeTerms(this.cov, this.fields, k, this.weights, this.drift, this.square);
      }
      for (let a = 0; a < k; a++) {
        const va = p.v[a]!;
        for (let n = 0; n < m; n++) out.r[a * m + n] = eta * va * this.driftTerm(p, a, k + n);
        for (let b = 0; b < k; b++) out.q[a * k + b] = eta * va * this.driftTerm(p, a, b);
      }
      // Symmetrize the first-order part and add the second-order one on the upper triangle.
      for (let a = 0; a < k; a++) {
        for (let b = a; b < k; b++) {
          const first = out.q[a * k + b]! + out.q[b * k + a]!;
          let square = this.squareTerm(p, a, b);
          if (noiseVariance > 0 && Number.isFinite(batch)) square += noiseVariance * this.spec.integrals.j2(this.sub2(a, b));
          const second = ((eta * eta) / batch) * p.v[a]! * p.v[b]! * square;
          out.q[a * k + b] = out.q[b * k + a] = first + second;
        }
      }
    }
    if (etaV !== 0) {
      for (let a = 0; a < k; a++) {
        let s = 0;
        for (let c = 0; c < this.fields; c++) s += this.weight(p, c) * this.spec.integrals.i2(this.sub2(a, c), "student", this.role(c));
        out.v[a] = etaV * s;
      }
    }
    const decayW = this.spec.firstLayerDecay ?? 0;
    const decayV = this.spec.secondLayerDecay ?? 0;
    if (decayW !== 0) {
      for (let i = 0; i < k * k; i++) out.q[i]! -= 2 * decayW * p.q[i]!;
      for (let i = 0; i < k * m; i++) out.r[i]! -= decayW * p.r[i]!;
    }
    if (decayV !== 0) for (let a = 0; a < k; a++) out.v[a]! -= decayV * p.v[a]!;
  }
}

/** Q, R, v as views of one flat vector [Q | R | v], the form the integrator works on. */
export function parameterViews(y: Float64Array, k: number, m: number): OrderParameters {
  return { q: y.subarray(0, k * k), r: y.subarray(k * k, k * k + k * m), v: y.subarray(k * k + k * m, k * k + k * m + k) };
}

/** [Q | R | v] of p in one new vector. */
export function flatten(p: OrderParameters): Float64Array {
  const y = new Float64Array(p.q.length + p.r.length + p.v.length);
  y.set(p.q, 0);
  y.set(p.r, p.q.length);
  y.set(p.v, p.q.length + p.r.length);
  return y;
}
