// Exact population loss and gradients of f(x) = scale sum_i a_i sigma(<w_i, x>) on Gaussian
// input x ~ N(0, I_d), weights of any norm, for two kinds of target:
//   teacher neurons y = sum_j b_j tau(<v_j, x>) (single-index: one neuron; the teacher of Li, Ma, Zhang 2020
//     a*^T |W* x|: abs neurons with orthonormal v_j), and
//   Hermite polynomials of a few directions, y = sum_t c_t prod_p h_{k_tp}(<u_p, x>) with
//     orthonormal u_p (multi-index / subspace-sparse targets, Chen, Ge 2024).
// Every expectation is a pair E[sigma(<w,x>) tau(<v,x>)] = C(|w|, |v|, cos angle) from
// gaussianPair.ts, or, for Hermite targets, the identity
//   E[sigma(<w,x>) prod_p h_{k_p}(<u_p,x>)] = alpha_K(|w|) sqrt(K!/prod k_p!) prod_p (<u_p,w>/|w|)^{k_p}
// with K = sum_p k_p and alpha_K(r) = E[sigma(rZ) h_K(Z)].

import type { ActivationSpec } from "../activation/spec.js";
import { checkCount, checkFinite, checkFiniteNumber, checkNetworkArguments } from "../argumentChecks.js";
import { GaussianActivation } from "../activation/gaussianMoments.js";
import { neuronState, pairMoments, type NeuronState, type PairMoments } from "../activation/gaussianPair.js";
import { integerPower } from "../special/portableMath.js";

/**
 * A target made of teacher neurons y = sum_j b_j tau(<v_j, x>): single-index with one neuron, Li, Ma, Zhang
 * 2020's |W* x| with abs neurons.
 */
export interface TeacherNeuronsTarget {
  kind: "neurons";
  activation: ActivationSpec;
  /** M x d directions v_j (any norm). */
  weights: Float64Array;
  /** b_j, M of them. */
  outputs: Float64Array;
}

/** One term c prod_p h_{k_p}(<u_p, x>) of a Hermite target, normalized Hermite h_k (E[h_k^2] = 1). */
export interface HermiteTerm {
  coefficient: number;
  /** Degree in each of the P directions. */
  degrees: number[];
}

/**
 * A polynomial target in normalized Hermite polynomials of a few orthonormal directions: multi-index and
 * subspace-sparse targets.
 */
export interface HermitePolynomialTarget {
  kind: "hermite";
  /** P x d orthonormal rows u_p. */
  directions: Float64Array;
  terms: HermiteTerm[];
}

/** The targets whose population loss has a closed form against a two-layer network on Gaussian input. */
export type GaussianTarget = TeacherNeuronsTarget | HermitePolynomialTarget;

/** A student/target pair on x ~ N(0, I_d) whose population loss is computed exactly. */
export interface GaussianNetworkSpec {
  d: number;
  activation: ActivationSpec;
  target: GaussianTarget;
  /** Degree at which Hermite series of smooth non-polynomial pairs stop (default 120). */
  seriesDegree?: number;
}

/**
 * The exact population loss 1/2 E[(f - y)^2] and its gradients in w and a: the infinite-sample GD the finite-
 * sample runs are measured against.
 */
export interface PopulationResult {
  loss: number;
  gradW: Float64Array;
  gradA: Float64Array;
  /** Bound on |loss - exact loss| from truncated series (0 when every term is exact). */
  truncationBound: number;
}

/**
 * |w_i| for each row, rejecting a zero row: the pair integrals are in terms of norm and angle, undefined at w =
 * 0.
 */
export function rowNorms(w: Float64Array, rows: number, d: number, name: string): Float64Array {
  const r = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += w[i * d + k]! ** 2;
    r[i] = Math.sqrt(s);
    if (!(r[i]! > 0)) throw new RangeError(`meanfield: ${name} row ${i} is zero; Gaussian expectations need a nonzero weight`);
  }
  return r;
}

function dotRows(u: Float64Array, i: number, v: Float64Array, j: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += u[i * d + k]! * v[j * d + k]!;
  return s;
}

function factorial(n: number): number {
  let f = 1;
  for (let k = 2; k <= n; k++) f *= k;
  return f;
}

/** Accumulates d/dw_i of c * P(|w_i|, |v_j|, <w_i, v_j>/(|w_i||v_j|)) into grad. */
function addPairGradient(
  grad: Float64Array, w: Float64Array, i: number, ri: number, d: number,
  c: number, dr: number, drho: number, rho: number, v: Float64Array, j: number, rv: number,
): void {
  const radial = c * (dr / ri - (drho * rho) / (ri * ri));
  const along = (c * drho) / (ri * rv);
  for (let k = 0; k < d; k++) grad[i * d + k]! += radial * w[i * d + k]! + along * v[j * d + k]!;
}

/** A layer of neurons sharing one activation: moments of single neurons and of pairs. */
export class GaussianNeurons {
  readonly act: GaussianActivation;

  constructor(
    spec: ActivationSpec,
    /** Degree at which Hermite series of smooth non-polynomial pairs stop. */
    private readonly seriesDegree: number,
  ) {
    checkCount("seriesDegree", seriesDegree, 1);
    this.act = new GaussianActivation(spec);
  }

  state(r: number): NeuronState {
    return neuronState(this.act, r, this.seriesDegree);
  }

  /** E[sigma(<w,x>) tau(<v,x>)] for this layer's sigma and other's tau, from the two states and <w, v>. */
  pair(other: GaussianNeurons, a: NeuronState, b: NeuronState, dot: number): PairMoments {
    return pairMoments(this.act, other.act, a.r, b.r, dot / (a.r * b.r), a.hermite, b.hermite);
  }

  /**
   * 1/2 E[f(x)^2] for f = scale sum_i a_i sigma(<w_i, x>), x ~ N(0, I_d), with its gradients
   * and the bound from truncated series.
   */
  halfSquare(w: Float64Array, a: Float64Array, scale: number, d: number): PopulationResult & { states: NeuronState[]; norms: Float64Array } {
    const n = a.length;
    const r = rowNorms(w, n, d, "w");
    const states = Array.from(r, (ri) => this.state(ri));
    const gradW = new Float64Array(n * d);
    const gradA = new Float64Array(n);
    const s2 = scale * scale;
    let loss = 0;
    let bound = 0;
    for (let i = 0; i < n; i++) {
      const ai = a[i]!;
      const sq = states[i]!.square;
      loss += 0.5 * s2 * ai * ai * sq.value;
      gradA[i]! += s2 * ai * sq.value;
      const c = (0.5 * s2 * ai * ai * sq.dr) / r[i]!;
      for (let k = 0; k < d; k++) gradW[i * d + k]! += c * w[i * d + k]!;
      for (let j = 0; j < i; j++) {
        const dot = dotRows(w, i, w, j, d);
        const p = this.pair(this, states[i]!, states[j]!, dot);
        const rho = Math.max(-1, Math.min(1, dot / (r[i]! * r[j]!)));
        const aj = a[j]!;
        loss += s2 * ai * aj * p.value;
        bound += s2 * Math.abs(ai * aj) * p.bound;
        gradA[i]! += s2 * aj * p.value;
        gradA[j]! += s2 * ai * p.value;
        addPairGradient(gradW, w, i, r[i]!, d, s2 * ai * aj, p.dr1, p.drho, rho, w, j, r[j]!);
        addPairGradient(gradW, w, j, r[j]!, d, s2 * ai * aj, p.dr2, p.drho, rho, w, i, r[i]!);
      }
    }
    return { loss, gradW, gradA, truncationBound: bound, states, norms: r };
  }
}

/**
 * Exact population loss and gradients on Gaussian input: online SGD with infinitely many samples, without Monte
 * Carlo noise.
 */
export class GaussianNetworkPopulation {
  readonly d: number;
  readonly student: GaussianNeurons;
  readonly target: GaussianTarget;
  /** E[y^2], exact up to targetBound. */
  readonly targetSquare: number;
  private readonly teacher: GaussianNeurons | null;
  private readonly teacherNorms: Float64Array;
  private readonly teacherStates: NeuronState[];
  private readonly targetBound: number;
  private readonly terms: { coefficient: number; degrees: number[]; total: number; multinomial: number }[];

  constructor(spec: GaussianNetworkSpec) {
    checkCount("d (input dimension)", spec.d);
    this.d = spec.d;
    const seriesDegree = spec.seriesDegree ?? 120;
    this.student = new GaussianNeurons(spec.activation, seriesDegree);
    this.target = spec.target;
    const d = spec.d;
    if (spec.target.kind === "neurons") {
      const t = spec.target;
      const m = t.outputs.length;
      checkCount("target.outputs.length", m);
      if (t.weights.length !== m * d) {
        throw new RangeError(`meanfield: target.weights has length ${t.weights.length}, expected ${m * d} (M x d)`);
      }
      checkFinite("target.weights", t.weights);
      checkFinite("target.outputs", t.outputs);
      const teacher = new GaussianNeurons(t.activation, seriesDegree);
      const self = teacher.halfSquare(t.weights, t.outputs, 1, d);
      this.teacher = teacher;
      this.teacherNorms = self.norms;
      this.teacherStates = self.states;
      this.targetSquare = 2 * self.loss;
      this.targetBound = self.truncationBound;
      this.terms = [];
    } else {
      const t = spec.target;
      const p = t.directions.length / d;
      if (!Number.isInteger(p) || p < 1) {
        throw new RangeError(`meanfield: target.directions has length ${t.directions.length}, expected P x d with d = ${d}`);
      }
      checkFinite("target.directions", t.directions);
      for (let a = 0; a < p; a++) {
        for (let b = 0; b <= a; b++) {
          const g = dotRows(t.directions, a, t.directions, b, d);
          if (Math.abs(g - (a === b ? 1 : 0)) > 1e-9) {
            throw new RangeError(`meanfield: target.directions must have orthonormal rows (<u_${a}, u_${b}> = ${g})`);
          }
        }
      }
      // Merge repeated multi-indices so that E[y^2] is the sum of squared coefficients.
      const merged = new Map<string, { coefficient: number; degrees: number[] }>();
      for (const [n, term] of t.terms.entries()) {
        if (term.degrees.length !== p || term.degrees.some((k) => !Number.isInteger(k) || k < 0)) {
          throw new RangeError(`meanfield: target.terms[${n}].degrees must be ${p} non-negative integers`);
        }
        checkFiniteNumber(`target.terms[${n}].coefficient`, term.coefficient);
        const key = term.degrees.join(",");
        const prev = merged.get(key);
        merged.set(key, { coefficient: (prev?.coefficient ?? 0) + term.coefficient, degrees: term.degrees });
      }
      this.terms = [...merged.values()].map((term) => {
        const total = term.degrees.reduce((s, k) => s + k, 0);
        const multinomial = Math.sqrt(factorial(total) / term.degrees.reduce((s, k) => s * factorial(k), 1));
        return { ...term, total, multinomial };
      });
      this.targetSquare = this.terms.reduce((s, term) => s + term.coefficient ** 2, 0);
      this.teacher = null;
      this.teacherNorms = new Float64Array(0);
      this.teacherStates = [];
      this.targetBound = 0;
    }
  }

  /** Loss 1/2 E[(f - y)^2] and its gradients at w (N x d), a (N). */
  evaluate(w: Float64Array, a: Float64Array, scale: number): PopulationResult {
    const { d } = this;
    const n = checkNetworkArguments(w, a, scale, d);
    const self = this.student.halfSquare(w, a, scale, d);
    const { gradW, gradA, states, norms: r } = self;
    let loss = self.loss + 0.5 * this.targetSquare;
    let bound = self.truncationBound + this.targetBound;
    const target = this.target;
    if (target.kind === "neurons") {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < target.outputs.length; j++) {
          const dot = dotRows(w, i, target.weights, j, d);
          const p = this.student.pair(this.teacher!, states[i]!, this.teacherStates[j]!, dot);
          const rho = Math.max(-1, Math.min(1, dot / (r[i]! * this.teacherNorms[j]!)));
          const c = scale * target.outputs[j]!;
          loss -= c * a[i]! * p.value;
          bound += Math.abs(c * a[i]!) * p.bound;
          gradA[i]! -= c * p.value;
          addPairGradient(gradW, w, i, r[i]!, d, -c * a[i]!, p.dr1, p.drho, rho, target.weights, j, this.teacherNorms[j]!);
        }
      }
    } else {
      const p = target.directions.length / d;
      const maxDegree = Math.max(...this.terms.map((t) => t.total));
      for (let i = 0; i < n; i++) {
        const ri = r[i]!;
        const h = this.student.act.hermite(ri, maxDegree);
        const e = new Float64Array(p);
        for (let q = 0; q < p; q++) e[q] = dotRows(target.directions, q, w, i, d) / ri;
        let cross = 0;
        let dr = 0;
        const de = new Float64Array(p);
        for (const term of this.terms) {
          let mono = 1;
          for (let q = 0; q < p; q++) mono *= integerPower(e[q]!, term.degrees[q]!);
          const base = term.coefficient * term.multinomial;
          cross += base * h.values[term.total]! * mono;
          dr += base * h.derivatives[term.total]! * mono;
          for (let q = 0; q < p; q++) {
            const kq = term.degrees[q]!;
            if (kq === 0) continue;
            let partial = kq * integerPower(e[q]!, kq - 1);
            for (let o = 0; o < p; o++) if (o !== q) partial *= integerPower(e[o]!, term.degrees[o]!);
            de[q]! += base * h.values[term.total]! * partial;
          }
        }
        const c = scale * a[i]!;
        loss -= c * cross;
        gradA[i]! -= scale * cross;
        // e_q = <u_q, w>/|w|, so de_q/dw = u_q/|w| - e_q w/|w|^2.
        let radial = dr / ri;
        for (let q = 0; q < p; q++) radial -= (de[q]! * e[q]!) / (ri * ri);
        for (let k = 0; k < d; k++) {
          let g = radial * w[i * d + k]!;
          for (let q = 0; q < p; q++) g += (de[q]! * target.directions[q * d + k]!) / ri;
          gradW[i * d + k]! -= c * g;
        }
      }
    }
    return { loss, gradW, gradA, truncationBound: bound };
  }

  /**
   * The loss split by Hermite order for teacher-neuron targets: L = sum_k L_k with
   * L_k = 1/2 |scale sum_i a_i alpha_k(|w_i|) (w_i/|w_i|)^{(x)k} - sum_j b_j beta_k(|v_j|) (v_j/|v_j|)^{(x)k}|^2,
   * the "tensor" terms of Li, Ma, Zhang 2020 (odd orders above 1 vanish for even activations such as abs).
   */
  hermiteOrders(w: Float64Array, a: Float64Array, scale: number, kmax: number): Float64Array {
    const target = this.target;
    if (target.kind !== "neurons") throw new RangeError("meanfield: hermiteOrders needs a teacher-neuron target");
    checkCount("kmax", kmax, 0);
    const { d } = this;
    const n = a.length;
    const r = rowNorms(w, n, d, "w");
    const m = target.outputs.length;
    // Stack student (scaled by scale * a_i) and teacher (scaled by -b_j) neurons: L_k is half the
    // squared norm of the stacked order-k tensor.
    const coefficient = Float64Array.from([...Array.from(a, (ai) => scale * ai), ...Array.from(target.outputs, (bj) => -bj)]);
    const alpha = [
      ...Array.from(r, (ri) => this.student.act.hermite(ri, kmax).values),
      ...Array.from(this.teacherNorms, (rj) => this.teacher!.act.hermite(rj, kmax).values),
    ];
    const direction = (u: number, k: number) => (u < n ? w[u * d + k]! / r[u]! : target.weights[(u - n) * d + k]! / this.teacherNorms[u - n]!);
    const out = new Float64Array(kmax + 1);
    for (let u = 0; u < n + m; u++) {
      for (let v = 0; v <= u; v++) {
        let rho = 1;
        if (u !== v) {
          rho = 0;
          for (let k = 0; k < d; k++) rho += direction(u, k) * direction(v, k);
        }
        const c = (u === v ? 0.5 : 1) * coefficient[u]! * coefficient[v]!;
        let power = 1;
        for (let k = 0; k <= kmax; k++) {
          out[k]! += c * alpha[u]![k]! * alpha[v]![k]! * power;
          power *= rho;
        }
      }
    }
    return out;
  }
}
