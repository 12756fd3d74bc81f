// The Gaussian averages behind the order-parameter ODEs of online SGD (Saad, Solla 1995; Goldt,
// Advani, Saxe, Krzakala, Zdeborová 2019, arXiv 1906.08632). A "field" is a pre-activation: a
// student's λ_k = <w_k, x> or a teacher's ν_n = <w*_n, x>, jointly Gaussian with zero mean and a
// covariance built from the overlaps Q, R, T. Each field carries the activation of its network:
// g for the student, g̃ for the teacher. With C the covariance of the fields involved (in the
// order of the arguments):
//   I2(a, b)       = E[g_a(a) g_b(b)]
//   I3(a; b; c)    = E[g'(a) b g_c(c)]            (a a student field)
//   I4(a, b; c, e) = E[g'(a) g'(b) g_c(c) g_e(e)]  (a, b student fields)
//   J2(a, b)       = E[g'(a) g'(b)]                (a, b student fields; the output-noise term)
// Three implementations: the closed forms for g = g̃ = erf, those for g = g̃ = relu
// (reluIntegrals.ts), and Gauss–Hermite product rules for any activation the package knows.

import { activationFunction } from "../activation/activationFunction.js";
import type { ActivationSpec } from "../activation/spec.js";
import { parseActivation } from "../activation/spec.js";
import { asin } from "../special/portableMath.js";
import { gaussHermite } from "../special/quadrature.js";
import { ReluIntegrals } from "./reluIntegrals.js";

/** Which network's activation a field carries. */
export type FieldRole = "student" | "teacher";

/**
 * The Gaussian averages I2, I3, I4, J2 over jointly Gaussian fields (zero mean, covariance from Q,
 * R, T), each field carrying its network's activation: closed forms for erf, Gauss–Hermite otherwise.
 */
export interface FieldIntegrals {
  /** How the averages are computed, for reports ("closed forms (erf)", "Gauss–Hermite, n = ..."). */
  readonly method: string;
  /** c: 2x2 covariance, row-major. */
  i2(c: Float64Array, a: FieldRole, b: FieldRole): number;
  /** c: 3x3 covariance of (a, b, c); a is a student field, c carries role cRole. */
  i3(c: Float64Array, cRole: FieldRole): number;
  /** c: 4x4 covariance of (a, b, c, e); a, b student fields. */
  i4(c: Float64Array, cRole: FieldRole, eRole: FieldRole): number;
  /** c: 2x2 covariance of two student fields. */
  j2(c: Float64Array): number;
  /**
   * Optional: every drift term E[g'(x_a) x_b Δ] (into drift[a F + b]) and square term
   * E[g'(x_a) g'(x_b) Δ²] (into square[a K + b]) of one right-hand side at once, for the F x F field
   * covariance (K students first) and Δ = Σ_c weights[c] g_c(x_c); the same values as the sums of
   * i3 and i4 committeeOde.ts forms otherwise, with the work they share done once.
   */
  committeeTerms?(cov: Float64Array, fields: number, k: number, weights: Float64Array, drift: Float64Array, square: Float64Array): void;
}

const TWO_OVER_PI = 2 / Math.PI;
const FOUR_OVER_PI2 = 4 / (Math.PI * Math.PI);

/**
 * The Saad–Solla closed forms for g(x) = erf(x / sqrt 2) (Goldt et al. 2019, appendix), evaluated
 * on C scaled by `scale2` and multiplied by the chain-rule factors of erf(s x) = g(sqrt 2 s x): the
 * package's "erf" activation is erf(x), i.e. s = 1, so the fields are sqrt 2 times Saad–Solla's
 * (covariance x 2) and each derivative carries a factor sqrt 2.
 */
export class ErfIntegrals implements FieldIntegrals {
  readonly method = "closed forms (erf; Saad, Solla 1995)";
  /** erf(x) = g(sqrt(2) x): fields scale by sqrt 2, covariances by 2. */
  private readonly s2 = 2;
  /** Each g' factor of erf(x) is sqrt 2 g'(sqrt 2 x); the linear factor of I3 divides by sqrt 2. */
  private readonly d1 = Math.SQRT2;

  i2(c: Float64Array): number {
    const s = this.s2;
    return TWO_OVER_PI * asin((s * c[1]!) / Math.sqrt((1 + s * c[0]!) * (1 + s * c[3]!)));
  }

  i3(c: Float64Array): number {
    const s = this.s2;
    const c11 = s * c[0]!;
    const c12 = s * c[1]!;
    const c13 = s * c[2]!;
    const c23 = s * c[5]!;
    const c33 = s * c[8]!;
    const lambda3 = (1 + c11) * (1 + c33) - c13 * c13;
    // g'(a) contributes sqrt 2, the linear factor b = b'/sqrt 2: they cancel.
    return (TWO_OVER_PI / Math.sqrt(lambda3)) * ((c23 * (1 + c11) - c12 * c13) / (1 + c11));
  }

  i4(c: Float64Array): number {
    const s = this.s2;
    const c11 = s * c[0]!;
    const c12 = s * c[1]!;
    const c13 = s * c[2]!;
    const c14 = s * c[3]!;
    const c22 = s * c[5]!;
    const c23 = s * c[6]!;
    const c24 = s * c[7]!;
    const c33 = s * c[10]!;
    const c34 = s * c[11]!;
    const c44 = s * c[15]!;
    const lambda4 = (1 + c11) * (1 + c22) - c12 * c12;
    const lambda0 = lambda4 * c34 - c23 * c24 * (1 + c11) - c13 * c14 * (1 + c22) + c12 * c13 * c24 + c12 * c14 * c23;
    const lambda1 = lambda4 * (1 + c33) - c23 * c23 * (1 + c11) - c13 * c13 * (1 + c22) + 2 * c12 * c13 * c23;
    const lambda2 = lambda4 * (1 + c44) - c24 * c24 * (1 + c11) - c14 * c14 * (1 + c22) + 2 * c12 * c14 * c24;
    return this.d1 * this.d1 * (FOUR_OVER_PI2 / Math.sqrt(lambda4)) * asin(lambda0 / Math.sqrt(lambda1 * lambda2));
  }

  j2(c: Float64Array): number {
    const s = this.s2;
    // E[g'(a) g'(b)] = (2/pi) E[exp(-(a^2 + b^2)/2)] = (2/pi) / sqrt(det(I + C)).
    return this.d1 * this.d1 * (TWO_OVER_PI / Math.sqrt((1 + s * c[0]!) * (1 + s * c[3]!) - s * s * c[1]! * c[1]!));
  }
}

/** Nodes per dimension of the product rules: 2- and 3-field averages, 4-field averages. */
export interface QuadratureOrders {
  low: number;
  four: number;
}

type Scalar = (t: number) => number;

/**
 * E[prod_i f_i(x_i)] for x ~ N(0, C), m <= 4 fields, by the tensor Gauss–Hermite rule on z with
 * x = L z (L the Cholesky factor of C). A dependent field (zero pivot: a repeated field, or
 * Q singular) gets no dimension of its own. Exact for polynomial integrands of degree <= 2n - 1 in
 * each z_j; for smooth f_i the error falls geometrically in n, for kinked ones (relu, abs) like a
 * power of n.
 */
export function gaussianProductAverage(c: Float64Array, fns: readonly Scalar[], n: number): number {
  const m = fns.length;
  const l = new Float64Array(m * m);
  const free: boolean[] = [];
  let scale = 0;
  for (let i = 0; i < m; i++) scale = Math.max(scale, Math.abs(c[i * m + i]!));
  const tiny = 1e-13 * Math.max(scale, 1e-300);
  for (let j = 0; j < m; j++) {
    let diag = c[j * m + j]!;
    for (let k = 0; k < j; k++) diag -= l[j * m + k]! * l[j * m + k]!;
    const pivot = diag > tiny ? Math.sqrt(diag) : 0;
    free.push(pivot > 0);
    l[j * m + j] = pivot;
    for (let i = j + 1; i < m; i++) {
      let s = c[i * m + j]!;
      for (let k = 0; k < j; k++) s -= l[i * m + k]! * l[j * m + k]!;
      l[i * m + j] = pivot > 0 ? s / pivot : 0;
    }
  }
  const rule = gaussHermite(n);
  const one = { nodes: Float64Array.of(0), weights: Float64Array.of(1) };
  const rules = free.map((f) => (f ? rule : one));
  const x = new Float64Array(m);
  const z = new Float64Array(m);
  const recurse = (j: number, weight: number): number => {
    if (j === m) {
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let k = 0; k <= i; k++) s += l[i * m + k]! * z[k]!;
        x[i] = s;
      }
      let p = weight;
      for (let i = 0; i < m; i++) p *= fns[i]!(x[i]!);
      return p;
    }
    const r = rules[j]!;
    let sum = 0;
    for (let q = 0; q < r.nodes.length; q++) {
      z[j] = r.nodes[q]!;
      sum += recurse(j + 1, weight * r.weights[q]!);
    }
    return sum;
  };
  return recurse(0, 1);
}

/**
 * Gauss–Hermite product rules for any pair of activations. Polynomial activations are averaged
 * exactly (the order is raised to the integrand's degree); for others the orders are given, and
 * `errorEstimate` compares them with rules of twice the order at a covariance.
 */
export class QuadratureIntegrals implements FieldIntegrals {
  private constructor(
    readonly method: string,
    private readonly g: Scalar,
    private readonly dg: Scalar,
    private readonly teacher: Scalar,
    private readonly orders: QuadratureOrders,
  ) {}

  static of(student: ActivationSpec, teacher: ActivationSpec, orders: QuadratureOrders = { low: 24, four: 10 }): QuadratureIntegrals {
    const s = activationFunction(student, "model.activation");
    const t = activationFunction(teacher, "teacher activation");
    const degree = (spec: ActivationSpec) => {
      const a = parseActivation(spec);
      return a.kind === "polynomial" ? a.coefficients.length - 1 : null;
    };
    const ds = degree(student);
    const dt = degree(teacher);
    if (ds !== null && dt !== null) {
      // I4's integrand has degree 2 (ds - 1) + 2 max(ds, dt); n nodes are exact to degree 2n - 1.
      const exact = Math.max(1, Math.ceil((2 * Math.max(ds - 1, 0) + 2 * Math.max(ds, dt) + 1) / 2));
      return new QuadratureIntegrals(`Gauss–Hermite product rules, exact for these polynomials (n = ${exact})`, s.value, s.derivative, t.value, { low: exact, four: exact });
    }
    return new QuadratureIntegrals(`Gauss–Hermite product rules (n = ${orders.low} for 2-3 fields, ${orders.four} for 4)`, s.value, s.derivative, t.value, orders);
  }

  private fn(role: FieldRole): Scalar {
    return role === "student" ? this.g : this.teacher;
  }

  i2(c: Float64Array, a: FieldRole, b: FieldRole): number {
    return gaussianProductAverage(c, [this.fn(a), this.fn(b)], this.orders.low);
  }

  i3(c: Float64Array, cRole: FieldRole): number {
    return gaussianProductAverage(c, [this.dg, (t) => t, this.fn(cRole)], this.orders.low);
  }

  i4(c: Float64Array, cRole: FieldRole, eRole: FieldRole): number {
    return gaussianProductAverage(c, [this.dg, this.dg, this.fn(cRole), this.fn(eRole)], this.orders.four);
  }

  j2(c: Float64Array): number {
    return gaussianProductAverage(c, [this.dg, this.dg], this.orders.low);
  }

  /** Largest change of I2, I3, I4 (student-teacher) at the 4x4 covariance c4 when every order is doubled. */
  errorEstimate(c4: Float64Array): number {
    const sub = (idx: number[]) => {
      const m = idx.length;
      const out = new Float64Array(m * m);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[i * m + j] = c4[idx[i]! * 4 + idx[j]!]!;
      return out;
    };
    const fine = new QuadratureIntegrals("", this.g, this.dg, this.teacher, { low: 2 * this.orders.low, four: 2 * this.orders.four });
    const c2 = sub([0, 2]);
    const c3 = sub([0, 1, 2]);
    return Math.max(
      Math.abs(this.i2(c2, "student", "teacher") - fine.i2(c2, "student", "teacher")),
      Math.abs(this.i3(c3, "teacher") - fine.i3(c3, "teacher")),
      Math.abs(this.i4(c4, "student", "teacher") - fine.i4(c4, "student", "teacher")),
    );
  }
}

/** The closed forms when both networks use erf or both relu; Gauss–Hermite product rules otherwise. */
export function fieldIntegrals(student: ActivationSpec, teacher: ActivationSpec, orders?: QuadratureOrders): FieldIntegrals {
  const s = parseActivation(student);
  const t = parseActivation(teacher);
  if (s.kind === "erf" && t.kind === "erf") return new ErfIntegrals();
  if (s.kind === "relu" && t.kind === "relu") return new ReluIntegrals();
  return QuadratureIntegrals.of(student, teacher, orders);
}
