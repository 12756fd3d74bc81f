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
import { ddAdd, ddDiv, ddMul, type DoubleDouble } from "../special/doubleDouble.js";
import { integerPower } from "../special/portableMath.js";

const INV_SQRT_TWO_PI = 1 / Math.sqrt(2 * Math.PI);

/** Entries (hi, lo) of the covariance restricted to the variables `keep`. */
function restrict(hi: Float64Array, lo: Float64Array, m: number, keep: readonly number[]): [Float64Array, Float64Array] {
  const n = keep.length;
  const subHi = new Float64Array(n * n);
  const subLo = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      subHi[a * n + b] = hi[keep[a]! * m + keep[b]!]!;
      subLo[a * n + b] = lo[keep[a]! * m + keep[b]!]!;
    }
  }
  return [subHi, subLo];
}

/**
 * E[prod_{i: ind[i]} 1{x_i > 0} prod_i x_i^{pow[i]}] for x ~ N(0, C), C m x m row-major in
 * double-double (hi, lo). `zero` is the variance at or below which a (conditional) variable counts
 * as identically 0 (a conditional variance is exact to ~1e-32 times the variances it came from).
 */
function gaussianMoment(hi: Float64Array, lo: Float64Array, m: number, ind: readonly boolean[], pow: readonly number[], zero: number, rounded: boolean): number {
  // Drop variables that carry neither an indicator nor a power (marginalizing them out).
  const keep: number[] = [];
  for (let i = 0; i < m; i++) if (ind[i] || pow[i]! > 0) keep.push(i);
  if (keep.length < m) {
    const [subHi, subLo] = restrict(hi, lo, m, keep);
    return gaussianMoment(subHi, subLo, keep.length, keep.map((i) => ind[i]!), keep.map((i) => pow[i]!), zero, rounded);
  }
  for (let i = 0; i < m; i++) if (!(hi[i * m + i]! > zero)) return 0; // x_i = 0: 1{x_i > 0} = 0, x_i^n = 0.
  const z = pow.findIndex((n) => n > 0);
  if (z < 0) return orthantProbability(hi, m, lo);
  const rest = pow.slice();
  rest[z]! -= 1;
  let sum = 0;
  for (let j = 0; j < m; j++) {
    const czj = hi[z * m + j]!;
    if (czj === 0) continue;
    if (rest[j]! > 0) {
      const lower = rest.slice();
      lower[j]! -= 1;
      sum += czj * rest[j]! * gaussianMoment(hi, lo, m, ind, lower, zero, rounded);
    } else if (ind[j]) {
      sum += czj * (INV_SQRT_TWO_PI / Math.sqrt(hi[j * m + j]!)) * conditionedOnZero(hi, lo, m, j, ind, rest, zero, rounded);
    }
  }
  return sum;
}

const product: DoubleDouble = { hi: 0, lo: 0 };

/**
 * The moment without variable j under the law given x_j = 0: covariance C - C_.j C_j. / C_jj,
 * each entry in double-double (a nearly collinear pair leaves a conditional variance ~1e-12 that
 * double arithmetic would fix only to ~1e-16 absolute). `rounded` computes it in double instead:
 * the cancellation that made the ReLU ODE stall near convergence, kept for the tests that show it.
 */
function conditionedOnZero(hi: Float64Array, lo: Float64Array, m: number, j: number, ind: readonly boolean[], pow: readonly number[], zero: number, rounded: boolean): number {
  const others: number[] = [];
  for (let i = 0; i < m; i++) if (i !== j) others.push(i);
  const n = m - 1;
  const subHi = new Float64Array(n * n);
  const subLo = new Float64Array(n * n);
  const jj = j * m + j;
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      const pj = others[a]! * m + j;
      const jq = j * m + others[b]!;
      const pq = others[a]! * m + others[b]!;
      if (rounded) {
        subHi[a * n + b] = subHi[b * n + a] = hi[pq]! - (hi[pj]! * hi[jq]!) / hi[jj]!;
        continue;
      }
      ddMul(hi[pj]!, lo[pj]!, hi[jq]!, lo[jq]!, product);
      ddDiv(product.hi, product.lo, hi[jj]!, lo[jj]!, product);
      ddAdd(hi[pq]!, lo[pq]!, -product.hi, -product.lo, product);
      subHi[a * n + b] = subHi[b * n + a] = product.hi;
      subLo[a * n + b] = subLo[b * n + a] = product.lo;
    }
  }
  return gaussianMoment(subHi, subLo, n, others.map((i) => ind[i]!), others.map((i) => pow[i]!), zero, rounded);
}

/** Relative residual 1 - ρ² below which two positively correlated fields are merged as one (x_i = c x_j). */
const COLLINEAR = 1e-16;

/**
 * The moment of fields given by their covariance c (m x m), an indicator flag and a power each.
 * Fields that are the same variable up to a positive factor (x_i = c x_j: the ODE passes a field
 * twice for Q_kk, or λ_k beside itself; and a student that has matched a teacher to 1 - ρ² <
 * 1e-16) are merged, where indicators are idempotent, powers add and relu(c x) = c relu(x). A
 * merged pair is the limit ρ -> 1 of the unmerged formula; below 1e-16 the two differ by less
 * than the rounding of the inputs. Conditional covariances are exact double-double values of
 * the rounded c, so every average is smooth in c down to 1 - ρ² ~ 1e-16.
 */
export function fieldMoment(c: Float64Array, ind: readonly boolean[], pow: readonly number[], rounded = false): number {
  const m = ind.length;
  const zeros = new Float64Array(m * m);
  const group: number[] = [];
  const reps: number[] = [];
  let factor = 1;
  for (let i = 0; i < m; i++) {
    const cii = c[i * m + i]!;
    const same = reps.findIndex((r) => {
      const crr = c[r * m + r]!;
      const cri = c[r * m + i]!;
      return cri > 0 && minorOf(c, m, r, i) <= COLLINEAR * crr * cii;
    });
    if (same >= 0 && pow[i]! > 0) factor *= integerPower(Math.sqrt(cii / c[reps[same]! * m + reps[same]!]!), pow[i]!);
    group.push(same >= 0 ? same : reps.push(i) - 1);
  }
  const n = reps.length;
  const [subHi, subLo] = restrict(c, zeros, m, reps);
  const mergedInd: boolean[] = new Array<boolean>(n).fill(false);
  const mergedPow: number[] = new Array<number>(n).fill(0);
  let scale = 0;
  for (let i = 0; i < m; i++) {
    mergedInd[group[i]!] ||= ind[i]!;
    mergedPow[group[i]!]! += pow[i]!;
    scale = Math.max(scale, c[i * m + i]!);
  }
  return factor * gaussianMoment(subHi, subLo, n, mergedInd, mergedPow, (rounded ? 1e-14 : 1e-28) * scale, rounded);
}

/** c_ii c_jj - c_ij² of a double matrix, in double-double, rounded. */
function minorOf(c: Float64Array, m: number, i: number, j: number): number {
  ddMul(c[i * m + i]!, 0, c[j * m + j]!, 0, product);
  const diagonal = product.hi;
  const diagonalLo = product.lo;
  ddMul(c[i * m + j]!, 0, c[i * m + j]!, 0, product);
  return ddAdd(diagonal, diagonalLo, -product.hi, -product.lo, product).hi;
}

/**
 * Closed forms for g = g̃ = relu(x) = max(x, 0) (arc-cosine kernel, orthant probabilities and
 * Stein's lemma; the 4-field average through a 1-D Plackett integral), smooth and accurate to
 * ~1e-16 as a student field becomes collinear with a teacher's (1 - ρ down to 1e-14 against
 * 30-digit references, test/reluCollinear.test.ts). Agreement elsewhere: Monte Carlo with 10^6
 * samples within 4 standard errors, and the Gauss–Hermite product rules converging to them
 * algebraically (test/odeRelu.test.ts). `roundedConditioning` forms the conditional covariances
 * in double arithmetic (the earlier code, wrong by up to 1e-8 near collinearity): for tests only.
 */
export class ReluIntegrals implements FieldIntegrals {
  readonly method = "closed forms (relu: arc-cosine kernel, Stein's lemma, orthant probabilities with Plackett's 1-D integral)";
  private readonly rounded: boolean;

  constructor(options: { roundedConditioning?: boolean } = {}) {
    this.rounded = options.roundedConditioning ?? false;
  }

  /** E[relu(a) relu(b)]. */
  i2(c: Float64Array): number {
    return fieldMoment(c, [true, true], [1, 1], this.rounded);
  }

  /** E[1{a > 0} b relu(c)]. */
  i3(c: Float64Array): number {
    return fieldMoment(c, [true, false, true], [0, 1, 1], this.rounded);
  }

  /** E[1{a > 0} 1{b > 0} relu(c) relu(e)]. */
  i4(c: Float64Array): number {
    return fieldMoment(c, [true, true, true, true], [0, 0, 1, 1], this.rounded);
  }

  /** P(a > 0, b > 0). */
  j2(c: Float64Array): number {
    return fieldMoment(c, [true, true], [0, 0], this.rounded);
  }
}
