// Orthant probabilities P(x_1 > 0, ..., x_m > 0) of a zero-mean Gaussian, m <= 4: the leaves of
// the ReLU field averages (reluIntegrals.ts). For m <= 3 they are Sheppard's closed forms; for
// m = 4 no closed form in elementary functions exists for a general correlation, and Plackett's
// reduction (Plackett 1954) writes it as a 1-D integral of a closed-form integrand: along the
// path R(t) = (1 - t) I + t R of correlation matrices,
//   dP/dt = sum_{i<j} ρ_ij φ2(0, 0; t ρ_ij) P(x_k > 0, x_l > 0 | x_i = x_j = 0; R(t)),
// the last factor a bivariate orthant probability of the conditional law (again zero-mean), and
// P(R(0)) = 1/16.
//
// Near-singular covariances (a student field almost collinear with a teacher's once it has
// learned it) are the hard case: 1 - ρ², the conditional covariances and their discriminant are
// differences of O(1) numbers that are themselves ~1e-12. Each is written here as a polynomial in
// t whose coefficients are minors of R computed once in double-double from the rounded
// covariance (doubleDouble.ts; in plain double when R is well-conditioned, where nothing cancels).
// With s_kk, s_ll, s_kl the conditional covariance of (x_k, x_l) given x_i = x_j = 0 times det R_ij(t):
//   det R_ij(t)               = t² (1 - ρ_ij²) + (1 - t²)
//   s_kl = det R(t)[kij; lij] = t³ det R[kij; lij] + t² (1 - t) (2 ρ_kl - ρ_kj ρ_jl - ρ_ki ρ_il) + t (1 - t)² ρ_kl
//   s_kk s_ll - s_kl²         = det R_ij(t) det R(t)   (Desnanot–Jacobi),
//   det R(t)                  = Σ_k t^k (1 - t)^(4-k) e_k(R)   (e_k: sums of k x k principal minors, all >= 0),
// so the conditional correlation's asin is atan(s_kl / sqrt(det R_ij(t) det R(t))), with no
// cancellation left. The integrand's features sit
// near t = 1 at widths sqrt(1 - t) ~ sqrt(λ_min); the substitution 1 - t = s², s = σ sinh u with
// σ² = min(min_ij (1 - ρ_ij²), sqrt(det R)) (floored at 1e-24) spreads them over O(1) in u, where
// adaptive Gauss–Legendre resolves them.

import { asin, atan, exp, log } from "../special/portableMath.js";
import { gaussLegendre } from "../special/quadrature.js";
import { SymmetricMemo4 } from "./orthantMemo.js";
import { ddDeterminant3, ddDeterminant4, ddMul, ddAdd, type DoubleDouble } from "../special/doubleDouble.js";

const INV_TWO_PI = 1 / (2 * Math.PI);
const INV_FOUR_PI = 1 / (4 * Math.PI);
const HALF_PI = Math.PI / 2;

/** Nodes of the panel rule and the local error each panel of length h must reach (times h). */
const PANEL_NODES = 12;
const PANEL_TOLERANCE = 1e-14;
const ROUNDING = 1e-17;
const MAX_DEPTH = 14;
const panel = gaussLegendre(PANEL_NODES);
/**
 * A finer rule on the whole interval that settles a well-conditioned R at once, when it and the
 * panel rule agree to WHOLE_TOLERANCE: the rules' errors fall geometrically (by >= 12 per two
 * nodes at σ² >= 0.1 on random covariances), so the 16-node value is then within ~1e-14; within
 * 3.3e-16 of the adaptive value on every fifth Plackett orthant of the K = M = 4 relu trajectory
 * of `npm run bench:ode` (the 20-node rule at 1e-14 took 40 integrand values per orthant, this 28).
 */
const whole = gaussLegendre(16);
const WHOLE_TOLERANCE = 1e-12;

/** asin of a correlation that rounding may have pushed just past ±1. */
function asinClamped(r: number): number {
  return asin(r > 1 ? 1 : r < -1 ? -1 : r);
}

/** Bivariate orthant probability at correlation ρ (Sheppard): 1/4 + asin(ρ) / (2π). */
export function orthant2(rho: number): number {
  return 0.25 + asinClamped(rho) * INV_TWO_PI;
}

/** asin(c / sqrt(a b)) from the covariance (a, c; c, b) and its determinant a b - c², accurate as ρ -> ±1. */
function arcsineOf(c: number, determinant: number): number {
  return arcsineOfRoot(c, determinant > 0 ? Math.sqrt(determinant) : 0);
}

/** arcsineOf given the square root of the determinant (the integrand forms it as a product of two roots). */
function arcsineOfRoot(c: number, root: number): number {
  if (!(root > 0)) return c > 0 ? HALF_PI : c < 0 ? -HALF_PI : 0;
  return atan(c / root);
}

const dd: DoubleDouble = { hi: 0, lo: 0 };
const dd2: DoubleDouble = { hi: 0, lo: 0 };

/** c_ii c_jj - c_ij², in double-double from (hi, lo), rounded. */
function minor2(hi: Float64Array, lo: Float64Array, m: number, i: number, j: number): number {
  ddMul(hi[i * m + i]!, lo[i * m + i]!, hi[j * m + j]!, lo[j * m + j]!, dd);
  ddMul(hi[i * m + j]!, lo[i * m + j]!, hi[i * m + j]!, lo[i * m + j]!, dd2);
  return ddAdd(dd.hi, dd.lo, -dd2.hi, -dd2.lo, dd).hi;
}

/** Index pairs (i, j) of 4 variables with their complements (k, l). */
const PAIRS: readonly (readonly [number, number, number, number])[] = [
  [0, 1, 2, 3],
  [0, 2, 1, 3],
  [0, 3, 1, 2],
  [1, 2, 0, 3],
  [1, 3, 0, 2],
  [2, 3, 0, 1],
];

/**
 * The minors of a 4 x 4 correlation matrix that Plackett's integrand needs, each in its own
 * units (normalized by the variances) and clamped at 0 where rounding of a singular R made it negative.
 */
interface PlackettMinors {
  /** ρ_ij per pair, 1 - ρ_ij², det R[kij; lij], 2 ρ_kl - ρ_kj ρ_jl - ρ_ki ρ_il and ρ_kl (6 each, PAIRS order). */
  rho: Float64Array;
  oneMinusRho2: Float64Array;
  mixed3: Float64Array;
  mixed2: Float64Array;
  rhoKl: Float64Array;
  /** e2, e3, e4 of R (sums of the 2 x 2 and 3 x 3 principal minors, det R). */
  e2: number;
  e3: number;
  e4: number;
}

const TRIPLES: readonly (readonly [number, number, number])[] = [
  [1, 2, 3],
  [0, 2, 3],
  [0, 1, 3],
  [0, 1, 2],
];

const minors: PlackettMinors = {
  rho: new Float64Array(6), oneMinusRho2: new Float64Array(6), mixed3: new Float64Array(6), mixed2: new Float64Array(6), rhoKl: new Float64Array(6), e2: 0, e3: 0, e4: 0,
};
const pair = new Float64Array(16);
const v = new Float64Array(4);
const sd = new Float64Array(4);
/** Rows and columns of the 3 x 3 minors: the triples (k, i, j) and (l, i, j) per pair. */
const ROWS_KIJ = PAIRS.map(([i, j, k]) => [k, i, j] as const);
const COLS_LIJ = PAIRS.map(([i, j, , l]) => [l, i, j] as const);

/**
 * Below this σ² (the substitution's scale in orthant4) the minors are formed in double-double;
 * above it every normalized minor the integrand divides by is >= 0.05, and plain rounding moved
 * P4 by <= 2.8e-16 against the double-double minors on 50 000 random covariances
 * (test/plackettKernel.test.ts checks P4 against 30-digit references on both sides of the switch).
 */
const WELL_CONDITIONED = 0.05;

/** det C[rows; cols] of the 4 x 4 c in plain double (cofactors along the first row). */
function determinant3(c: Float64Array, rows: readonly number[], cols: readonly number[]): number {
  const r0 = rows[0]! * 4;
  const r1 = rows[1]! * 4;
  const r2 = rows[2]! * 4;
  const a = cols[0]!;
  const b = cols[1]!;
  const d = cols[2]!;
  return c[r0 + a]! * (c[r1 + b]! * c[r2 + d]! - c[r1 + d]! * c[r2 + b]!) - c[r0 + b]! * (c[r1 + a]! * c[r2 + d]! - c[r1 + d]! * c[r2 + a]!) + c[r0 + d]! * (c[r1 + a]! * c[r2 + b]! - c[r1 + b]! * c[r2 + a]!);
}

const LOWER_ROWS = [1, 2, 3] as const;

/**
 * The minors of a well-conditioned covariance c (σ² >= WELL_CONDITIONED) in plain double into
 * `minors`; false (and `minors` unfinished) when it is not well-conditioned.
 */
function roundedMinors(c: Float64Array): boolean {
  for (let p = 0; p < 4; p++) {
    v[p] = c[p * 5]!;
    sd[p] = Math.sqrt(v[p]!);
  }
  let e2 = 0;
  for (let p = 0; p < 4; p++) {
    for (let q = p + 1; q < 4; q++) {
      pair[p * 4 + q] = (v[p]! * v[q]! - c[p * 4 + q]! * c[p * 4 + q]!) / (v[p]! * v[q]!);
      if (!(pair[p * 4 + q]! >= WELL_CONDITIONED)) return false;
      e2 += pair[p * 4 + q]!;
    }
  }
  let e4 = 0;
  for (let j = 0; j < 4; j++) e4 += (j % 2 === 0 ? 1 : -1) * c[j]! * determinant3(c, LOWER_ROWS, TRIPLES[j]!);
  e4 /= v[0]! * v[1]! * v[2]! * v[3]!;
  if (!(e4 >= WELL_CONDITIONED * WELL_CONDITIONED)) return false;
  let e3 = 0;
  for (const t of TRIPLES) e3 += determinant3(c, t, t) / (v[t[0]]! * v[t[1]]! * v[t[2]]!);
  const out = minors;
  out.e2 = e2;
  out.e3 = e3;
  out.e4 = e4;
  for (let n = 0; n < 6; n++) {
    const [i, j, k, l] = PAIRS[n]!;
    const norm = sd[k]! * sd[l]! * v[i]! * v[j]!;
    out.rho[n] = c[i * 4 + j]! / (sd[i]! * sd[j]!);
    out.oneMinusRho2[n] = pair[i * 4 + j]!;
    out.mixed3[n] = determinant3(c, ROWS_KIJ[n]!, COLS_LIJ[n]!) / norm;
    out.mixed2[n] = (2 * c[k * 4 + l]! * v[i]! * v[j]! - c[k * 4 + j]! * c[j * 4 + l]! * v[i]! - c[k * 4 + i]! * c[i * 4 + l]! * v[j]!) / norm;
    out.rhoKl[n] = c[k * 4 + l]! / (sd[k]! * sd[l]!);
  }
  return true;
}

/**
 * The minors of the 4 x 4 covariance (hi, lo) into the module's one PlackettMinors (overwritten
 * per call): in plain double when it is well-conditioned (lo is then below the rounding), else in
 * double-double.
 */
function plackettMinors(hi: Float64Array, lo: Float64Array): PlackettMinors {
  if (roundedMinors(hi)) return minors;
  for (let p = 0; p < 4; p++) {
    v[p] = hi[p * 5]!;
    sd[p] = Math.sqrt(v[p]!);
  }
  let e2 = 0;
  for (let p = 0; p < 4; p++) {
    for (let q = p + 1; q < 4; q++) {
      pair[p * 4 + q] = Math.max(0, minor2(hi, lo, 4, p, q) / (v[p]! * v[q]!));
      e2 += pair[p * 4 + q]!;
    }
  }
  let e3 = 0;
  for (const t of TRIPLES) e3 += Math.max(0, ddDeterminant3(hi, lo, 4, t, t, dd) / (v[t[0]]! * v[t[1]]! * v[t[2]]!));
  const out = minors;
  out.e2 = e2;
  out.e3 = e3;
  out.e4 = Math.max(0, ddDeterminant4(hi, lo) / (v[0]! * v[1]! * v[2]! * v[3]!));
  const rho = (a: number, b: number) => hi[a * 4 + b]! / (sd[a]! * sd[b]!);
  for (let n = 0; n < 6; n++) {
    const [i, j, k, l] = PAIRS[n]!;
    out.rho[n] = rho(i, j);
    out.oneMinusRho2[n] = pair[i * 4 + j]!;
    out.mixed3[n] = ddDeterminant3(hi, lo, 4, ROWS_KIJ[n]!, COLS_LIJ[n]!, dd) / (sd[k]! * sd[l]! * v[i]! * v[j]!);
    // 2 c_kl c_ii c_jj - c_kj c_jl c_ii - c_ki c_il c_jj, in double-double, over sd_k sd_l c_ii c_jj.
    ddMul(hi[k * 4 + j]!, lo[k * 4 + j]!, hi[j * 4 + l]!, lo[j * 4 + l]!, dd);
    ddMul(dd.hi, dd.lo, -v[i]!, -lo[i * 5]!, dd);
    ddMul(hi[k * 4 + i]!, lo[k * 4 + i]!, hi[i * 4 + l]!, lo[i * 4 + l]!, dd2);
    ddMul(dd2.hi, dd2.lo, -v[j]!, -lo[j * 5]!, dd2);
    ddAdd(dd.hi, dd.lo, dd2.hi, dd2.lo, dd);
    ddMul(hi[i * 5]!, lo[i * 5]!, hi[j * 5]!, lo[j * 5]!, dd2);
    ddMul(dd2.hi, dd2.lo, 2 * hi[k * 4 + l]!, 2 * lo[k * 4 + l]!, dd2);
    out.mixed2[n] = ddAdd(dd.hi, dd.lo, dd2.hi, dd2.lo, dd).hi / (sd[k]! * sd[l]! * v[i]! * v[j]!);
    out.rhoKl[n] = rho(k, l);
  }
  return out;
}

/** Plackett's integrand dP/dt at t (with u = 1 - t given exactly) from the precomputed minors. */
function plackettIntegrand(r: PlackettMinors, t: number, u: number): number {
  const t2 = t * t;
  const t3 = t2 * t;
  const u2 = u * u;
  const det4 = t2 * t2 * r.e4 + t3 * u * r.e3 + t2 * u2 * r.e2 + 4 * t * u2 * u + u2 * u2;
  let sum = 0;
  const rootDet4 = Math.sqrt(det4);
  for (let n = 0; n < 6; n++) {
    const rij = r.rho[n]!;
    if (rij === 0) continue;
    const detIj = t2 * r.oneMinusRho2[n]! + u * (1 + t);
    const skl = t3 * r.mixed3[n]! + t2 * u * r.mixed2[n]! + t * u2 * r.rhoKl[n]!;
    // det R(t) >= (1 - t)^4 > 0 at every interior node, so the root of the discriminant is positive.
    const rootIj = Math.sqrt(detIj);
    const angle = arcsineOfRoot(skl, rootIj * rootDet4);
    sum += ((rij * INV_TWO_PI) / rootIj) * (0.25 + angle * INV_TWO_PI);
  }
  return sum;
}

/** The substitution 1 - t = s², s = σ sinh(w): ∫ over w in [a, b] of the integrand times dt/dw. */
function panelIntegral(r: PlackettMinors, sigma: number, a: number, b: number, rule = panel): number {
  const half = 0.5 * (b - a);
  const mid = 0.5 * (a + b);
  let sum = 0;
  for (let q = 0; q < rule.nodes.length; q++) {
    const w = mid + half * rule.nodes[q]!;
    const ew = exp(w);
    const sh = 0.5 * (ew - 1 / ew);
    const ch = 0.5 * (ew + 1 / ew);
    const s = sigma * sh;
    const u = s * s;
    sum += rule.weights[q]! * 2 * s * sigma * ch * plackettIntegrand(r, 1 - u, u);
  }
  return half * sum;
}

/**
 * ∫_a^b by bisection until a panel and its two halves agree to PANEL_TOLERANCE (b - a), or to
 * ROUNDING (the differences left are rounding errors of the integrand).
 */
function adaptive(r: PlackettMinors, sigma: number, a: number, b: number, whole: number, depth: number): number {
  const mid = 0.5 * (a + b);
  const left = panelIntegral(r, sigma, a, mid);
  const right = panelIntegral(r, sigma, mid, b);
  const change = Math.abs(left + right - whole);
  if (change <= PANEL_TOLERANCE * (b - a) || change <= ROUNDING || depth >= MAX_DEPTH) return left + right;
  return adaptive(r, sigma, a, mid, left, depth + 1) + adaptive(r, sigma, mid, b, right, depth + 1);
}

/** Plackett's P4 for a covariance given in double-double (hi, lo), 4 x 4 row-major. */
function orthant4(hi: Float64Array, lo: Float64Array): number {
  const r = plackettMinors(hi, lo);
  // σ² near the smallest eigenvalue (det R <= λ_min <= min(1 - ρ²)); floored where rounding rules anyway.
  let smallestPair = 1;
  for (let n = 0; n < 6; n++) smallestPair = Math.min(smallestPair, r.oneMinusRho2[n]!);
  const sigma = Math.sqrt(Math.max(Math.min(smallestPair, Math.sqrt(r.e4)), 1e-24));
  const top = asinh(1 / sigma);
  const coarse = panelIntegral(r, sigma, 0, top);
  const fine = panelIntegral(r, sigma, 0, top, whole);
  return 0.0625 + (Math.abs(fine - coarse) <= WHOLE_TOLERANCE ? fine : adaptive(r, sigma, 0, top, coarse, 0));
}

function asinh(x: number): number {
  return log(x + Math.sqrt(x * x + 1));
}

/**
 * P(x > 0) for x ~ N(0, C), C an m x m covariance (row-major), m <= 4, every variance positive;
 * `lo` the low parts when C is a double-double matrix (the conditional covariances of
 * reluIntegrals.ts), else zeros. Exact formulas for m <= 3 (angles from the 2 x 2 minors in
 * double-double, exact as ρ -> ±1); for m = 4 Plackett's 1-D integral with cancellation-free
 * integrand: 12- and 16-point Gauss–Legendre in the substituted variable when they agree to
 * 1e-12, else adaptive panels. Error against 30-digit references: <= 2e-16 for x_3 -> x_0 down to
 * a residual variance 1e-10 (test/odeRelu.test.ts) and for two collinear pairs down to
 * 1 - ρ = 1e-14 (test/reluCollinear.test.ts); 1/5 at equicorrelation 1/2 to 1e-16. `p4`
 * replaces the memoized m = 4 evaluation for a double matrix (the Wasm kernel's, through its own memo).
 */
export function orthantProbability(c: Float64Array, m: number, lo: Float64Array = new Float64Array(m * m), p4?: (c: Float64Array) => number): number {
  if (m === 0) return 1;
  if (m === 1) return 0.5;
  if (m === 2) return 0.25 + angle(c, lo, 2, 0, 1) * INV_TWO_PI;
  if (m === 3) return 0.125 + (angle(c, lo, 3, 0, 1) + angle(c, lo, 3, 0, 2) + angle(c, lo, 3, 1, 2)) * INV_FOUR_PI;
  if (m !== 4) throw new RangeError(`meanfield: orthantProbability: at most 4 variables, got ${m}`);
  for (let i = 0; i < 16; i++) if (lo[i] !== 0) return orthant4(c, lo);
  return p4 ? p4(c) : referenceMemo.get(c);
}

const ZEROS = new Float64Array(16);
/** P4 of a covariance given in plain doubles, memoized (symmetric in the 4 variables). */
const referenceMemo = new SymmetricMemo4((c) => orthant4(c, ZEROS));

/** P4 of a 4 x 4 covariance (hi, lo) by Plackett's integral, without the memo: the reference of the Wasm kernel (assembly/plackettOrthant.ts). */
export function plackettOrthant4(hi: Float64Array, lo: Float64Array): number {
  return orthant4(hi, lo);
}

/** asin of the correlation of variables i, j of the m x m covariance (c, lo). */
function angle(c: Float64Array, lo: Float64Array, m: number, i: number, j: number): number {
  return arcsineOf(c[i * m + j]!, minor2(c, lo, m, i, j));
}
