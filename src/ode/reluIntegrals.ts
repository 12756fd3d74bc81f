// The field averages I2, I3, I4, J2 of fieldIntegrals.ts for g = g̃ = relu, in closed form up to
// one 4-variate orthant probability. With relu(x) = x 1{x > 0} and relu' = 1{x > 0}, every average
// is a Gaussian moment
//   E[prod_{i in S} 1{x_i > 0} prod_i x_i^{n_i}]
// and Stein's lemma E[z F(x)] = sum_j Cov(z, x_j) E[∂_j F] lowers the degree: ∂_j of x_j^n 1{x_j > 0}
// is n x_j^(n-1) 1{x_j > 0} (the x_j^n δ(x_j) part vanishes for n >= 1), and ∂_j 1{x_j > 0} = δ(x_j)
// gives φ(0; C_jj) times the same moment under the law conditional on x_j = 0, which is again
// zero-mean Gaussian (Schur complement). The recursion ends in orthant probabilities
// (gaussianOrthant.ts): Sheppard's closed forms up to 3 variables, Plackett's 1-D integral for 4
// (needed by I4 only, through its E[... 1{c > 0} 1{e > 0}] term). I2 reproduces the arc-cosine
// kernel of Cho, Saul 2009 (test/odeRelu.test.ts checks it against that formula).

import type { FieldIntegrals } from "./fieldIntegrals.js";
import { orthantProbability } from "./gaussianOrthant.js";

const INV_SQRT_TWO_PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * E[prod_{i: ind[i]} 1{x_i > 0} prod_i x_i^{pow[i]}] for x ~ N(0, C), C m x m row-major.
 * `zero` is the variance below which a (conditional) variable counts as identically 0.
 */
function gaussianMoment(c: Float64Array, m: number, ind: readonly boolean[], pow: readonly number[], zero: number): number {
  // Drop variables that carry neither an indicator nor a power (marginalizing them out).
  const keep: number[] = [];
  for (let i = 0; i < m; i++) if (ind[i] || pow[i]! > 0) keep.push(i);
  if (keep.length < m) {
    const n = keep.length;
    const sub = new Float64Array(n * n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) sub[a * n + b] = c[keep[a]! * m + keep[b]!]!;
    return gaussianMoment(sub, n, keep.map((i) => ind[i]!), keep.map((i) => pow[i]!), zero);
  }
  for (let i = 0; i < m; i++) if (!(c[i * m + i]! > zero)) return 0; // x_i = 0: 1{x_i > 0} = 0, x_i^n = 0.
  const z = pow.findIndex((n) => n > 0);
  if (z < 0) return orthantProbability(c, m);
  const rest = pow.slice();
  rest[z]! -= 1;
  let sum = 0;
  for (let j = 0; j < m; j++) {
    const czj = c[z * m + j]!;
    if (czj === 0) continue;
    if (rest[j]! > 0) {
      const lower = rest.slice();
      lower[j]! -= 1;
      sum += czj * rest[j]! * gaussianMoment(c, m, ind, lower, zero);
    } else if (ind[j]) {
      sum += czj * (INV_SQRT_TWO_PI / Math.sqrt(c[j * m + j]!)) * conditionedOnZero(c, m, j, ind, rest, zero);
    }
  }
  return sum;
}

/** The moment without variable j under the law given x_j = 0 (covariance C - C_.j C_j. / C_jj). */
function conditionedOnZero(c: Float64Array, m: number, j: number, ind: readonly boolean[], pow: readonly number[], zero: number): number {
  const others: number[] = [];
  for (let i = 0; i < m; i++) if (i !== j) others.push(i);
  const n = m - 1;
  const sub = new Float64Array(n * n);
  const cjj = c[j * m + j]!;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const p = others[a]!;
      const q = others[b]!;
      sub[a * n + b] = c[p * m + q]! - (c[p * m + j]! * c[j * m + q]!) / cjj;
    }
  }
  return gaussianMoment(sub, n, others.map((i) => ind[i]!), others.map((i) => pow[i]!), zero);
}

/**
 * The moment of fields given by their covariance c (m x m), an indicator flag and a power each,
 * after merging fields that are the same variable (identical variances and covariance: the ODE
 * passes a field twice for Q_kk, or λ_k beside itself), where indicators are idempotent and powers add.
 */
export function fieldMoment(c: Float64Array, ind: readonly boolean[], pow: readonly number[]): number {
  const m = ind.length;
  const group: number[] = [];
  const reps: number[] = [];
  for (let i = 0; i < m; i++) {
    const cii = c[i * m + i]!;
    const same = reps.findIndex((r) => c[r * m + r] === cii && c[r * m + i] === cii);
    group.push(same >= 0 ? same : reps.push(i) - 1);
  }
  const n = reps.length;
  const sub = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) sub[a * n + b] = c[reps[a]! * m + reps[b]!]!;
  const mergedInd: boolean[] = new Array<boolean>(n).fill(false);
  const mergedPow: number[] = new Array<number>(n).fill(0);
  let scale = 0;
  for (let i = 0; i < m; i++) {
    mergedInd[group[i]!] ||= ind[i]!;
    mergedPow[group[i]!]! += pow[i]!;
    scale = Math.max(scale, c[i * m + i]!);
  }
  return gaussianMoment(sub, n, mergedInd, mergedPow, 1e-14 * scale);
}

/**
 * Closed forms for g = g̃ = relu(x) = max(x, 0) (arc-cosine kernel, orthant probabilities and
 * Stein's lemma; the 4-field average through a 1-D Plackett integral with error near 1e-15).
 * Agreement: Monte Carlo with 10^6 samples within 4 standard errors, and the Gauss–Hermite product
 * rules converging to them algebraically (test/odeRelu.test.ts).
 */
export class ReluIntegrals implements FieldIntegrals {
  readonly method = "closed forms (relu: arc-cosine kernel, Stein's lemma, orthant probabilities with Plackett's 1-D integral)";

  /** E[relu(a) relu(b)]. */
  i2(c: Float64Array): number {
    return fieldMoment(c, [true, true], [1, 1]);
  }

  /** E[1{a > 0} b relu(c)]. */
  i3(c: Float64Array): number {
    return fieldMoment(c, [true, false, true], [0, 1, 1]);
  }

  /** E[1{a > 0} 1{b > 0} relu(c) relu(e)]. */
  i4(c: Float64Array): number {
    return fieldMoment(c, [true, true, true, true], [0, 0, 1, 1]);
  }

  /** P(a > 0, b > 0). */
  j2(c: Float64Array): number {
    return fieldMoment(c, [true, true], [0, 0]);
  }
}
