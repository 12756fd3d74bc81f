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
//
// Near the end of a trajectory a student field is almost collinear with a teacher's, and the
// conditional variances are ~1e-12 differences of O(1) numbers: they are formed in double-double
// (doubleDouble.ts), exact for the rounded covariance, so the averages stay smooth there. Each
// recursion level owns a preallocated buffer (no allocation per average: the ODE's right-hand
// side evaluates hundreds of them).

import type { FieldIntegrals } from "./fieldIntegrals.js";
import { orthantProbability } from "./gaussianOrthant.js";
import { SymmetricMemo4 } from "./orthantMemo.js";
import { ReluCommitteeTerms } from "./reluCommitteeTerms.js";
import { ddAdd, ddMul, ddSchurEntry, type DoubleDouble } from "../special/doubleDouble.js";
import { integerPower } from "../special/portableMath.js";

const INV_SQRT_TWO_PI = 1 / Math.sqrt(2 * Math.PI);

/** A 4-variate orthant probability of a double covariance (4 x 4 row-major). */
type P4 = (c: Float64Array) => number;
const ZEROS = new Float64Array(16);

/** The drift and square terms of a right-hand side from the field covariance (FieldIntegrals.committeeTerms). */
type CommitteeTerms = (cov: Float64Array, fields: number, k: number, weights: Float64Array, drift: Float64Array, square: Float64Array) => void;

/** At most 4 fields; each Stein step lowers a power or drops a field, so 12 levels always suffice. */
const MAX_LEVELS = 12;

/** One moment problem: covariance (hi, lo) m x m with stride 4, an indicator flag and a power per field. */
interface Level {
  hi: Float64Array;
  lo: Float64Array;
  m: number;
  ind: Uint8Array;
  pow: Int32Array;
  /** Scratch for the 4 x 4 -> m x m compaction of the orthant leaf. */
  packedHi: Float64Array;
  packedLo: Float64Array;
}

const levels: Level[] = Array.from({ length: MAX_LEVELS }, () => ({
  hi: new Float64Array(16),
  lo: new Float64Array(16),
  m: 0,
  ind: new Uint8Array(4),
  pow: new Int32Array(4),
  packedHi: new Float64Array(16),
  packedLo: new Float64Array(16),
}));

const product: DoubleDouble = { hi: 0, lo: 0 };
/** Scratch field indices: the fields a level keeps, the representatives of merged fields. */
const keep = new Int32Array(4);
const reps = new Int32Array(4);

/** Drops, in place, the fields of a level that carry neither an indicator nor a power (marginalizing them out). */
function marginalize(level: Level): void {
  let n = 0;
  for (let i = 0; i < level.m; i++) if (level.ind[i] || level.pow[i]! > 0) keep[n++] = i;
  if (n === level.m) return;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      level.hi[a * 4 + b] = level.hi[keep[a]! * 4 + keep[b]!]!;
      level.lo[a * 4 + b] = level.lo[keep[a]! * 4 + keep[b]!]!;
    }
    level.ind[a] = level.ind[keep[a]!]!;
    level.pow[a] = level.pow[keep[a]!]!;
  }
  level.m = n;
}

/**
 * E[prod_{i: ind[i]} 1{x_i > 0} prod_i x_i^{pow[i]}] for the problem at levels[depth] (which this
 * call owns and may compact). `zero` is the variance at or below which a (conditional) variable
 * counts as identically 0 (a conditional variance is exact to ~1e-32 times the variances it came from).
 */
function gaussianMoment(depth: number, zero: number, rounded: boolean, p4: P4 | undefined): number {
  const level = levels[depth]!;
  marginalize(level);
  const { hi, lo, m, ind, pow } = level;
  for (let i = 0; i < m; i++) if (!(hi[i * 4 + i]! > zero)) return 0; // x_i = 0: 1{x_i > 0} = 0, x_i^n = 0.
  let z = -1;
  for (let i = 0; i < m && z < 0; i++) if (pow[i]! > 0) z = i;
  if (z < 0) {
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) {
        level.packedHi[a * m + b] = hi[a * 4 + b]!;
        level.packedLo[a * m + b] = lo[a * 4 + b]!;
      }
    }
    return orthantProbability(level.packedHi, m, level.packedLo, p4);
  }
  const next = levels[depth + 1]!;
  let sum = 0;
  for (let j = 0; j < m; j++) {
    const czj = hi[z * 4 + j]!;
    if (czj === 0) continue;
    const rest = pow[j]! - (j === z ? 1 : 0);
    if (rest > 0) {
      // ∂_j x_j^rest = rest x_j^(rest - 1): the same law, the powers lowered.
      next.hi.set(hi);
      next.lo.set(lo);
      next.m = m;
      next.ind.set(ind);
      next.pow.set(pow);
      next.pow[z]! -= 1;
      next.pow[j]! -= 1;
      sum += czj * rest * gaussianMoment(depth + 1, zero, rounded, p4);
    } else if (ind[j]) {
      conditionOnZero(level, j, z, next, rounded);
      sum += czj * (INV_SQRT_TWO_PI / Math.sqrt(hi[j * 4 + j]!)) * gaussianMoment(depth + 1, zero, rounded, p4);
    }
  }
  return sum;
}

/**
 * Writes into `next` the problem without field j under the law given x_j = 0 (covariance C -
 * C_.j C_j. / C_jj), the power of z lowered by one. Each entry in double-double: a nearly
 * collinear pair leaves a conditional variance ~1e-12 that double arithmetic would fix only to
 * ~1e-16 absolute. `rounded` computes it in double instead: the cancellation that made the ReLU
 * ODE stall near convergence, kept for the tests that show it.
 */
function conditionOnZero(level: Level, j: number, z: number, next: Level, rounded: boolean): void {
  const { hi, lo, m } = level;
  const jj = j * 4 + j;
  let a = 0;
  for (let p = 0; p < m; p++) {
    if (p === j) continue;
    let b = a;
    for (let q = p; q < m; q++) {
      if (q === j) continue;
      const pj = p * 4 + j;
      const jq = j * 4 + q;
      const pq = p * 4 + q;
      if (rounded) {
        next.hi[a * 4 + b] = next.hi[b * 4 + a] = hi[pq]! - (hi[pj]! * hi[jq]!) / hi[jj]!;
        next.lo[a * 4 + b] = next.lo[b * 4 + a] = 0;
      } else {
        ddSchurEntry(hi[pq]!, lo[pq]!, hi[pj]!, lo[pj]!, hi[jq]!, lo[jq]!, hi[jj]!, lo[jj]!, product);
        next.hi[a * 4 + b] = next.hi[b * 4 + a] = product.hi;
        next.lo[a * 4 + b] = next.lo[b * 4 + a] = product.lo;
      }
      b++;
    }
    next.ind[a] = level.ind[p]!;
    next.pow[a] = level.pow[p]! - (p === z ? 1 : 0);
    a++;
  }
  next.m = m - 1;
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
 * the rounded c, so every average is smooth in c down to 1 - ρ² ~ 1e-16. `rounded` forms them in
 * double arithmetic instead (ReluIntegrals' roundedConditioning, for the tests that show its error);
 * `p4` evaluates the 4-variate orthant probabilities of double matrices (default: the memoized reference).
 */
export function fieldMoment(c: Float64Array, ind: readonly boolean[], pow: readonly number[], rounded = false, p4?: P4): number {
  const m = ind.length;
  const top = levels[0]!;
  let n = 0;
  let factor = 1;
  let scale = 0;
  top.ind.fill(0);
  top.pow.fill(0);
  for (let i = 0; i < m; i++) {
    const cii = c[i * m + i]!;
    scale = Math.max(scale, cii);
    let same = -1;
    for (let g = 0; g < n && same < 0; g++) {
      const r = reps[g]!;
      if (c[r * m + i]! > 0 && minorOf(c, m, r, i) <= COLLINEAR * c[r * m + r]! * cii) same = g;
    }
    if (same < 0) {
      same = n;
      reps[n++] = i;
    } else if (pow[i]! > 0) {
      factor *= integerPower(Math.sqrt(cii / c[reps[same]! * m + reps[same]!]!), pow[i]!);
    }
    top.ind[same] ||= ind[i] ? 1 : 0;
    top.pow[same]! += pow[i]!;
  }
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      top.hi[a * 4 + b] = c[reps[a]! * m + reps[b]!]!;
      top.lo[a * 4 + b] = 0;
    }
  }
  top.m = n;
  return factor * gaussianMoment(0, (rounded ? 1e-14 : 1e-28) * scale, rounded, p4);
}

/** c_ii c_jj - c_ij² of a double matrix, in double-double, rounded. */
function minorOf(c: Float64Array, m: number, i: number, j: number): number {
  ddMul(c[i * m + i]!, 0, c[j * m + j]!, 0, product);
  const diagonal = product.hi;
  const diagonalLo = product.lo;
  ddMul(c[i * m + j]!, 0, c[i * m + j]!, 0, product);
  return ddAdd(diagonal, diagonalLo, -product.hi, -product.lo, product).hi;
}

/** The indicator flags and powers of I2, I3, I4, J2 (relu(x) = 1{x > 0} x, relu' = 1{x > 0}). */
const I2_INDICATORS = [true, true];
const I2_POWERS = [1, 1];
const I3_INDICATORS = [true, false, true];
const I3_POWERS = [0, 1, 1];
const I4_INDICATORS = [true, true, true, true];
const I4_POWERS = [0, 0, 1, 1];
const J2_INDICATORS = [true, true];
const J2_POWERS = [0, 0];

/**
 * Closed forms for g = g̃ = relu(x) = max(x, 0) (arc-cosine kernel, orthant probabilities and
 * Stein's lemma; the 4-field average through a 1-D Plackett integral), smooth and accurate to
 * ~1e-16 as a student field becomes collinear with a teacher's (1 - ρ down to 1e-14 against
 * 30-digit references, test/reluCollinear.test.ts). Agreement elsewhere: Monte Carlo with 10^6
 * samples within 4 standard errors, and the Gauss–Hermite product rules converging to them
 * algebraically (test/odeRelu.test.ts). `roundedConditioning` forms the conditional covariances
 * in double arithmetic (the earlier code, wrong by up to 1e-8 near collinearity): for tests only.
 * `orthant4` evaluates Plackett's integral instead of the TypeScript reference (the Wasm kernel,
 * PlackettKernel of src/wasm/plackettKernel.ts: the ODE's hot leaf), memoized per instance.
 * `shared` adds committeeTerms: the committee ODE's sums of i3 and i4 with their shared orthant
 * probabilities and conditional covariances computed once per right-hand side (reluCommitteeTerms.ts,
 * the TypeScript reference); `committeeTerms` gives them instead (the Wasm kernel, ReluTermsKernel
 * of src/wasm/reluTermsKernel.ts). Neither applies with roundedConditioning.
 */
export class ReluIntegrals implements FieldIntegrals {
  readonly method = "closed forms (relu: arc-cosine kernel, Stein's lemma, orthant probabilities with Plackett's 1-D integral)";
  private readonly rounded: boolean;
  private readonly p4: P4 | undefined;
  /** All drift and square terms of a right-hand side at once (reluCommitteeTerms.ts), when asked for. */
  readonly committeeTerms?: CommitteeTerms;

  constructor(options: { roundedConditioning?: boolean; orthant4?: (hi: Float64Array, lo: Float64Array) => number; shared?: boolean; committeeTerms?: CommitteeTerms } = {}) {
    this.rounded = options.roundedConditioning ?? false;
    const orthant4 = options.orthant4;
    if (orthant4) {
      const memo = new SymmetricMemo4((c) => orthant4(c, ZEROS));
      this.p4 = (c) => memo.get(c);
    }
    if (options.committeeTerms && !this.rounded) this.committeeTerms = options.committeeTerms;
    else if (options.shared && !this.rounded) {
      const p4 = this.p4 ?? ((c: Float64Array) => orthantProbability(c, 4));
      const terms = new ReluCommitteeTerms(p4);
      this.committeeTerms = (cov, fields, k, weights, drift, square) => terms.compute(cov, fields, k, weights, drift, square);
    }
  }

  /** E[relu(a) relu(b)]. */
  i2(c: Float64Array): number {
    return fieldMoment(c, I2_INDICATORS, I2_POWERS, this.rounded, this.p4);
  }

  /** E[1{a > 0} b relu(c)]. */
  i3(c: Float64Array): number {
    return fieldMoment(c, I3_INDICATORS, I3_POWERS, this.rounded, this.p4);
  }

  /** E[1{a > 0} 1{b > 0} relu(c) relu(e)]. */
  i4(c: Float64Array): number {
    return fieldMoment(c, I4_INDICATORS, I4_POWERS, this.rounded, this.p4);
  }

  /** P(a > 0, b > 0). */
  j2(c: Float64Array): number {
    return fieldMoment(c, J2_INDICATORS, J2_POWERS, this.rounded, this.p4);
  }
}
