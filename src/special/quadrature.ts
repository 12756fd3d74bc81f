// Gauss quadrature rules (Legendre, Jacobi, probabilists' Hermite); the composite rules behind
// expectations over the sphere and the Gaussian are in expectation.ts.
//
// Gauss rules: Golub-Welsch starting values (eigenvalues of the Jacobi matrix by implicit QL
// with shifts), then Newton on the three-term recurrence, and weights from the Christoffel
// function w_i = mu0 / sum_{k<n} q_k(x_i)^2 (q_k orthonormal, q_0 = 1), a sum of positive
// terms. The eigenvalues alone are only accurate to about eps * ||J|| in absolute terms and
// the eigenvector weights lose accuracy in the tails; Newton brings each node to within an ulp
// and the Christoffel sum gives each weight to a few ulps times its sensitivity to the node.

import { exp, hypot, log, log1p, powerOfTwo } from "./portableMath.js";
import { checkGreaterThan, checkInteger } from "../argumentChecks.js";

/** Nodes ascending and their weights. */
export interface GaussRule {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

const EPS = 2 ** -52;
const NEWTON_STEPS = 12;

/** lgamma(x) - ((x - 1/2) log x - x + log(2 pi)/2), Stirling's series; error < 1e-18 for x >= 10. */
function stirlingCorrection(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  return (
    r *
    (1 / 12 +
      r2 *
        (-1 / 360 +
          r2 *
            (1 / 1260 +
              r2 *
                (-1 / 1680 +
                  r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156 + r2 * (-3617 / 122400 + (r2 * 43867) / 244188))))))))
  );
}

/**
 * mu0 = int_{-1}^{1} (1-t)^alpha (1+t)^beta dt = 2^{alpha+beta+1} B(alpha+1, beta+1).
 * Computing 2^{alpha+beta+1} and B separately would overflow and, through lgamma
 * differences, lose about |lgamma| * eps (6e-11 at alpha = beta = 5e4). Instead
 * B(p, q) = B(p+1, q) (p+q)/p lifts p, q >= 10, where the Stirling series combines the two
 * factors into (p-1/2) log(2p/(p+q)) + (q-1/2) log(2q/(p+q)) + log(2 pi / (p+q))/2 + corrections:
 * the two logs vanish for alpha = beta and are log1p of small ratios otherwise, so the
 * relative error stays a few ulps (times |log mu0| when alpha and beta differ a lot).
 */
export function jacobiMass(alpha: number, beta: number): number {
  if (alpha === 0 && beta === 0) return 2;
  let p = alpha + 1;
  let q = beta + 1;
  let factor = 1;
  let lifts = 0;
  while (p < 10) {
    factor *= (p + q) / p;
    p += 1;
    lifts++;
  }
  while (q < 10) {
    factor *= (p + q) / q;
    q += 1;
    lifts++;
  }
  const s = p + q;
  const logScaled =
    (p - 0.5) * log1p((p - q) / s) +
    (q - 0.5) * log1p((q - p) / s) +
    0.5 * log((2 * Math.PI) / s) +
    stirlingCorrection(p) +
    stirlingCorrection(q) -
    stirlingCorrection(s);
  return factor * exp(logScaled) * powerOfTwo(-lifts);
}

/**
 * Eigenvalues (ascending) of the symmetric tridiagonal matrix with diagonal `diag` and
 * off-diagonal off[1..n-1] (off[i] couples i-1 and i): implicit QL with shifts (tql1).
 */
function tridiagonalEigenvalues(diag: Float64Array, off: Float64Array): Float64Array {
  const n = diag.length;
  const d = diag.slice();
  const e = new Float64Array(n);
  for (let i = 0; i + 1 < n; i++) e[i] = off[i + 1]!;
  for (let l = 0; l < n; l++) {
    for (let iter = 0; ; iter++) {
      let m = l;
      for (; m < n - 1; m++) {
        if (Math.abs(e[m]!) <= EPS * (Math.abs(d[m]!) + Math.abs(d[m + 1]!))) break;
      }
      if (m === l) break;
      if (iter === 60) throw new Error("meanfield: Golub-Welsch: the QL iteration did not converge");
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
      let r = hypot(g, 1);
      g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let deflated = false;
      for (let i = m - 1; i >= l; i--) {
        const f = s * e[i]!;
        const b = c * e[i]!;
        r = hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // An off-diagonal underflowed: the matrix split, restart on the smaller block.
          d[i + 1] = d[i + 1]! - p;
          e[m] = 0;
          deflated = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1]! - p;
        r = (d[i]! - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (deflated) continue;
      d[l] = d[l]! - p;
      e[l] = g;
      e[m] = 0;
    }
  }
  return d.sort();
}

/**
 * The monic recurrence p_{k+1} = (x - a_k) p_k - beta_k p_{k-1} and the mass mu0. Monic
 * rather than orthonormal because beta_k = b_k^2 is rational in k, alpha, beta (one rounding
 * for Legendre) while b_k needs a square root: the extreme weights of a 200-point rule are
 * ~1000 times as sensitive to the coefficients as to the arithmetic, and the orthonormal
 * form's roundings made them 1.6e-13 wrong against 6e-14 for the monic form.
 */
interface Recurrence {
  readonly a: Float64Array;
  /** beta[1..n-1]; beta[0] is unused. */
  readonly beta: Float64Array;
  readonly mu0: number;
  readonly symmetric: boolean;
}

interface Evaluation {
  /** The monic p_n(x) and its derivative, up to a common power-of-two factor. */
  value: number;
  derivative: number;
  /** S = sum_{k<n} p_k(x)^2 / (beta_1 ... beta_k) and dS/dx, both times `scale`. */
  sum: number;
  sumDerivative: number;
  scale: number;
}

const NORM_RANGE = 2 ** 128;
const SUM_LIMIT = 2 ** 600;

function evaluate(rec: Recurrence, x: number): Evaluation {
  const { a, beta } = rec;
  const n = a.length;
  let pPrev = 0;
  let p = 1;
  let dPrev = 0;
  let dp = 0;
  // beta_1 ... beta_k times the square of the power of two that p carries.
  let norm = 1;
  let sum = 1;
  let sumDerivative = 0;
  let scale = 1;
  for (let k = 0; k < n; k++) {
    const bk = k === 0 ? 0 : beta[k]!;
    const pNext = (x - a[k]!) * p - bk * pPrev;
    const dNext = (x - a[k]!) * dp + p - bk * dPrev;
    pPrev = p;
    p = pNext;
    dPrev = dp;
    dp = dNext;
    if (k + 1 === n) break;
    norm *= beta[k + 1]!;
    sum += (p * p) / norm;
    sumDerivative += (2 * p * dp) / norm;
    // The norms run from 1e-625 (Jacobi, d = 1e5) to 1e375 (Hermite, n = 200): move powers of
    // two from norm to p, which leaves every p^2 / norm unchanged.
    if (norm < 1 / NORM_RANGE || norm > NORM_RANGE) {
      const c = powerOfTwo(-Math.round(log(norm) / (2 * Math.LN2)));
      p *= c;
      pPrev *= c;
      dp *= c;
      dPrev *= c;
      norm *= c * c;
    }
    // Hermite rules beyond n ~ 600 have sums past the double range.
    if (sum > SUM_LIMIT) {
      const c = 1 / Math.sqrt(SUM_LIMIT);
      p *= c;
      pPrev *= c;
      dp *= c;
      dPrev *= c;
      sum /= SUM_LIMIT;
      sumDerivative /= SUM_LIMIT;
      scale /= SUM_LIMIT;
    }
  }
  return { value: p, derivative: dp, sum, sumDerivative, scale };
}

/**
 * mu0 / S at the root next to x (S as in Evaluation: the Christoffel function). Rounding the
 * node to a double moves it by up to half an ulp, which changes S by S' * ulp/2: near t = +-1
 * for Legendre n = 200 that is 1e-12 of the weight. The Newton correction delta = -p_n/p_n'
 * locates the root below the ulp, and S + S' * delta is S at the root to first order.
 */
function weightAt(rec: Recurrence, x: number): number {
  const ev = evaluate(rec, x);
  const delta = ev.derivative === 0 ? 0 : -ev.value / ev.derivative;
  // Underflows to 0 only when the weight itself is below the double range.
  return (rec.mu0 / (ev.sum + ev.sumDerivative * delta)) * ev.scale;
}

function refine(rec: Recurrence, start: number): number {
  let x = start;
  for (let step = 0; step < NEWTON_STEPS; step++) {
    const ev = evaluate(rec, x);
    if (ev.derivative === 0) break;
    const dx = ev.value / ev.derivative;
    x -= dx;
    if (!(Math.abs(dx) > 2 * EPS * Math.abs(x))) break;
  }
  return x;
}

function gaussRule(rec: Recurrence): GaussRule {
  const n = rec.a.length;
  const start = tridiagonalEigenvalues(rec.a, rec.beta.map(Math.sqrt));
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  // A symmetric weight gets exactly symmetric rules: refine the upper half, 0 in the middle.
  const first = rec.symmetric ? Math.floor(n / 2) : 0;
  for (let i = first; i < n; i++) {
    const x = rec.symmetric && 2 * i + 1 === n ? 0 : refine(rec, start[i]!);
    nodes[i] = x;
    weights[i] = weightAt(rec, x);
    if (rec.symmetric && n - 1 - i !== i) {
      nodes[n - 1 - i] = -x;
      weights[n - 1 - i] = weights[i]!;
    }
  }
  return { nodes, weights };
}

function jacobiRecurrence(n: number, alpha: number, beta: number): Recurrence {
  const a = new Float64Array(n);
  const b2 = new Float64Array(n);
  const s = alpha + beta;
  a[0] = (beta - alpha) / (s + 2);
  for (let k = 1; k < n; k++) {
    a[k] = alpha === beta ? 0 : ((beta - alpha) * (beta + alpha)) / ((2 * k + s) * (2 * k + s + 2));
    // beta_k = 4k(k+alpha)(k+beta)(k+s) / ((2k+s)^2 ((2k+s)^2 - 1)), with the factor 1+s
    // cancelled at k = 1 (it vanishes for s = -1). Numerator and denominator are exact for
    // half-integer parameters of moderate size, so beta_k is rounded once; the factored form
    // is for parameters so large (> 1e70) that the products overflow.
    const m = 2 * k + s;
    const numerator = k === 1 ? 4 * (1 + alpha) * (1 + beta) : 4 * k * (k + alpha) * (k + beta) * (k + s);
    const denominator = k === 1 ? m * m * (m + 1) : m * m * (m * m - 1);
    b2[k] =
      Number.isFinite(numerator) && Number.isFinite(denominator)
        ? numerator / denominator
        : (((k + alpha) / m) * ((k + beta) / m) * (4 * k * (k + s))) / (m * m - 1);
  }
  const mu0 = jacobiMass(alpha, beta);
  if (!Number.isFinite(mu0) || mu0 === 0) {
    throw new RangeError(
      `meanfield: gaussJacobi: the total weight 2^(alpha+beta+1) B(alpha+1, beta+1) is outside the double range for alpha = ${alpha}, beta = ${beta}`,
    );
  }
  return { a, beta: b2, mu0, symmetric: alpha === beta };
}

function hermiteRecurrence(n: number): Recurrence {
  const beta = new Float64Array(n);
  for (let k = 1; k < n; k++) beta[k] = k;
  return { a: new Float64Array(n), beta, mu0: 1, symmetric: true };
}

/** Rules by parameters; first in, first out beyond CACHE_SIZE (one rule of n = 200 is 3 KiB). */
const CACHE_SIZE = 256;
const cache = new Map<string, GaussRule>();

function cached(key: string, build: () => GaussRule): GaussRule {
  let rule = cache.get(key);
  if (rule === undefined) {
    rule = build();
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, rule);
  }
  return rule;
}

function copy(rule: GaussRule): GaussRule {
  return { nodes: rule.nodes.slice(), weights: rule.weights.slice() };
}

/** The shared cached rule; only code in this file sees it, and never writes to it. */
function cachedGaussJacobi(n: number, alpha: number, beta: number): GaussRule {
  return cached(`jacobi ${n} ${alpha} ${beta}`, () => gaussRule(jacobiRecurrence(n, alpha, beta)));
}

function cachedGaussHermite(n: number): GaussRule {
  return cached(`hermite ${n}`, () => gaussRule(hermiteRecurrence(n)));
}

/**
 * n-point Gauss-Legendre rule: sum_i w_i f(x_i) = int_{-1}^{1} f(t) dt for polynomials of
 * degree <= 2n-1; weights sum to 2. Nodes ascending, exactly symmetric (0 is a node for odd n).
 * Accuracy (test/quadrature.test.ts, n <= 200, against 50-digit mpmath): nodes within 5e-16
 * (rounding), each weight within 1e-13 relative (6e-14 measured, at the nodes next to +-1 for
 * n = 200; scipy.special.roots_legendre is 4e-11 off there); monomials t^j, j <= 2n-1, integrate
 * to 1e-13 relative.
 * Cached by n; each call returns fresh arrays.
 */
export function gaussLegendre(n: number): GaussRule {
  checkInteger("gaussLegendre", "n", n, 1);
  return copy(cachedGaussJacobi(n, 0, 0));
}

/**
 * n-point Gauss-Jacobi rule for the weight (1-t)^alpha (1+t)^beta on [-1, 1] (alpha, beta > -1):
 * exact for polynomials of degree <= 2n-1; weights sum to 2^{alpha+beta+1} B(alpha+1, beta+1).
 * alpha = beta = (d-3)/2 gives the law of u_1 for u uniform on S^{d-1} (up to the mass); this
 * works up to d = 1e5 and beyond (the mass is computed without overflow, nodes shrink like
 * 1/sqrt(d)). Accuracy (test/quadrature.test.ts, n <= 200, d <= 1e5 and seven non-symmetric
 * (alpha, beta), against 50-digit mpmath): nodes within 5e-16 of the largest node, each weight
 * within 1e-13 relative (6e-14 measured), the mass within 1e-15; monomials to 1e-13.
 * Cached by (n, alpha, beta); each call returns fresh arrays.
 * @throws RangeError when the total weight over- or underflows a double (alpha, beta both large and unequal).
 */
export function gaussJacobi(n: number, alpha: number, beta: number): GaussRule {
  checkInteger("gaussJacobi", "n", n, 1);
  checkGreaterThan("gaussJacobi", "alpha", alpha, -1);
  checkGreaterThan("gaussJacobi", "beta", beta, -1);
  return copy(cachedGaussJacobi(n, alpha, beta));
}

/**
 * n-point Gauss-Hermite rule of the probabilists' weight exp(-z^2/2)/sqrt(2 pi): sum_i w_i f(z_i)
 * = E[f(z)], z ~ N(0,1), for polynomials of degree <= 2n-1; weights sum to 1. Nodes ascending,
 * exactly symmetric. Accuracy (test/quadrature.test.ts, n <= 200, against 50-digit mpmath): nodes
 * within 5e-16 of the largest node, each weight within 1e-13 relative, down to the smallest
 * (about 1e-170 at n = 200); E[z^j] = (j-1)!! to 1e-13 relative. Works past n = 1000 (the
 * recurrence is rescaled by powers of two; weights below the double range become 0).
 * Cached by n; each call returns fresh arrays.
 */
export function gaussHermite(n: number): GaussRule {
  checkInteger("gaussHermite", "n", n, 1);
  return copy(cachedGaussHermite(n));
}
