// The 4-variate Gaussian orthant probability when two of the variables are nearly collinear (or
// anticollinear): Plackett's identity along a rotation instead of along (1 - t) I + t R. With y the
// variables scaled to unit variance, the most collinear pair relabelled (0, 1), ρ = ρ_01 and z the
// unit residual of y1 given y0, the path y1(θ) = cos θ y0 + sin θ z joins y1(0) = y0 (where
// P = P(y0, y2, y3 > 0), Sheppard's closed form) to y1(θ1) = y1, θ1 = acos ρ; for ρ < 0 it starts at
// y1(π) = -y0, where P = 0. Only the correlations of y1 move, and
//   dP/dθ = -1/(2π) P(y2, y3 > 0 | y0 = z = 0)
//           + Σ_{j = 2, 3} dρ_1j/dθ φ2(0, 0; ρ_1j(θ)) P(y0, y_k > 0 | y1(θ) = y_j = 0)    ({j, k} = {2, 3}),
// the first term the ρ_01 one, where dρ_01/dθ = -sin θ cancels φ2's 1/(2π sin θ). The path is only
// L = asin sqrt(1 - ρ²) long and the integrand is analytic at distance O(1) from it, so a Gauss rule
// of a few nodes is exact to rounding. The last factor is computed without cancellation: with H the
// covariance of (y0, z, y_k) given y_j = 0 (double-double, once per probability) and u = y1(θ),
//   asin ρ(y0, y_k | u, y_j) = atan((c A + s B) / sqrt(det H Var(u))),   Var(u) = c² H00 + 2 c s H0z + s² Hzz,
// A = H0z H0k - H00 Hzk and B = Hzz H0k - H0z Hzk (c = cos θ, s = sin θ > 0; the sin θ of the
// conditional covariance cancels), so a second collinear pair (y2, y3) costs nothing either. This
// is the reference of the Wasm kernel assembly/collinearOrthant.ts (the same bits,
// test/reluTermsKernel.test.ts), which the ODE uses; here it serves the tests and bench:ode.

import { asin, atan, cos, sin } from "../special/portableMath.js";
import { gaussLegendre } from "../special/quadrature.js";
import { ddAdd, ddDeterminant3, ddMul, ddSchurEntry, type DoubleDouble } from "../special/doubleDouble.js";

const INV_TWO_PI = 1 / (2 * Math.PI);
const HALF_PI = Math.PI / 2;
/** 1 - ρ² of the most collinear pair at or below which the rotation path is tried. */
export const COLLINEAR_GAP = 0.5;
/**
 * The Gauss–Legendre rules on the path: the 8-node value is kept when it agrees with the 6-node
 * one to CHECK (95% of the rotation-path P4 of the K = M = 4 relu trajectory of `npm run
 * bench:ode`, within 2.8e-17 of 12- and 16-node values there), else the 12-node one when it agrees
 * with the 8-node one.
 */
const FIRST = gaussLegendre(6);
const LOW = gaussLegendre(8);
const HIGH = gaussLegendre(12);
const CHECK = 2e-17;

const t1: DoubleDouble = { hi: 0, lo: 0 };
const t2: DoubleDouble = { hi: 0, lo: 0 };

/** a b - c d of double-double numbers (given as hi, lo pairs), rounded. */
function cross(ah: number, al: number, bh: number, bl: number, ch: number, cl: number, dh: number, dl: number): number {
  ddMul(ah, al, bh, bl, t1);
  const ph = t1.hi;
  const pl = t1.lo;
  ddMul(ch, cl, dh, dl, t2);
  return ddAdd(ph, pl, -t2.hi, -t2.lo, t1).hi;
}

/** atan(c / root) as asin of a correlation whose discriminant's root is `root` (±π/2 when it vanishes). */
function angleOf(c: number, root: number): number {
  if (!(root > 0)) return c > 0 ? HALF_PI : c < 0 ? -HALF_PI : 0;
  return atan(c / root);
}

/** asin of the correlation of a 2 x 2 double-double covariance (a, c; c, b). */
function pairAngle(ah: number, al: number, bh: number, bl: number, ch: number, cl: number): number {
  const d = cross(ah, al, bh, bl, ch, cl, ch, cl);
  return angleOf(ch + cl, d > 0 ? Math.sqrt(d) : 0);
}

/** Double-double scratch: the (hi, lo) of named covariances, 2 slots each. */
const w = new Float64Array(64);
const s = { hi: 0, lo: 0 } as DoubleDouble;
const det3Hi = new Float64Array(9);
const det3Lo = new Float64Array(9);
const ROWS3 = [0, 1, 2];

/** w[slot] = Schur entry pq - pj jq / jj of slots (or of (hi, lo) indices given as negative numbers). */
function schur(out: number, pq: number, pj: number, jq: number, jj: number): void {
  ddSchurEntry(w[pq]!, w[pq + 1]!, w[pj]!, w[pj + 1]!, w[jq]!, w[jq + 1]!, w[jj]!, w[jj + 1]!, s);
  w[out] = s.hi;
  w[out + 1] = s.lo;
}

/** Per j in {2, 3}: r_0j, s_j, H00, H0z, Hzz, A, B, det H (8 numbers each). */
const perJ = new Float64Array(16);

const S = (p: number, q: number) => 2 * (p * 4 + q);
const V1 = 32; // Var(y1-residual z') = C11 - C10² / C00
const Z = [0, 0, 34, 36]; // Cov(z', x_j), j = 2, 3
const ZERO = 38;

/** The pair of the smallest 1 - ρ², and whether the rotation path applies (else -1). */
function collinearPair(hi: Float64Array, lo: Float64Array): number {
  let best = -1;
  let gap = COLLINEAR_GAP;
  const gaps = new Float64Array(16);
  for (let p = 0; p < 4; p++) {
    for (let q = p + 1; q < 4; q++) {
      const g = cross(hi[p * 5]!, lo[p * 5]!, hi[q * 5]!, lo[q * 5]!, hi[p * 4 + q]!, lo[p * 4 + q]!, hi[p * 4 + q]!, lo[p * 4 + q]!) / (hi[p * 5]! * hi[q * 5]!);
      gaps[p * 4 + q] = g;
      if (g <= gap) [best, gap] = [p * 4 + q, g];
    }
  }
  if (best < 0) return -1;
  // The other pairs through the collinear one stay well apart from it: the path keeps its distance.
  const a = best >> 2;
  const b = best & 3;
  for (let p = 0; p < 4; p++) {
    for (let q = p + 1; q < 4; q++) {
      if (p * 4 + q === best || (p !== a && p !== b && q !== a && q !== b)) continue;
      if (gaps[p * 4 + q]! < OTHER_GAP_FACTOR * gap + OTHER_GAP) return -1;
    }
  }
  return best;
}
const OTHER_GAP_FACTOR = 2;
const OTHER_GAP = 0.02;

/**
 * P(x > 0) for the 4 x 4 covariance (hi, lo) (row-major; lo the low parts of a double-double
 * matrix, or zeros) by the rotation path, or NaN when no pair has 1 - ρ² <= COLLINEAR_GAP with the
 * other pairs through it well apart, or when the two Gauss rules disagree by more than 2e-17: the
 * caller then takes Plackett's path from the identity.
 */
export function collinearOrthant4(hi: Float64Array, lo: Float64Array): number {
  const pair = collinearPair(hi, lo);
  if (pair < 0) return NaN;
  const perm = [pair >> 2, pair & 3, 0, 0];
  for (let p = 0, n = 2; p < 4; p++) if (p !== perm[0] && p !== perm[1]) perm[n++] = p;
  for (let p = 0; p < 4; p++) {
    for (let q = 0; q < 4; q++) {
      w[S(p, q)] = hi[perm[p]! * 4 + perm[q]!]!;
      w[S(p, q) + 1] = lo[perm[p]! * 4 + perm[q]!]!;
    }
  }
  w[ZERO] = w[ZERO + 1] = 0;
  schur(V1, S(1, 1), S(1, 0), S(0, 1), S(0, 0));
  schur(Z[2]!, S(1, 2), S(1, 0), S(0, 2), S(0, 0));
  schur(Z[3]!, S(1, 3), S(1, 0), S(0, 3), S(0, 0));
  const v = [w[S(0, 0)]!, w[S(1, 1)]!, w[S(2, 2)]!, w[S(3, 3)]!];
  const sd = v.map(Math.sqrt);
  const v1 = w[V1]! + w[V1 + 1]!;
  const sz = Math.sqrt(v1);
  const rho = w[S(0, 1)]! / (sd[0]! * sd[1]!);
  const gap = v1 / v[1]!;
  const length = asin(Math.sqrt(Math.min(gap, 1)));
  const constant = conditionalPair() * INV_TWO_PI;
  for (const j of [2, 3]) pathCoefficients(j, 5 - j, v, sd, v1, sz);
  const first = pathIntegral(FIRST, rho > 0, length, constant);
  const low = pathIntegral(LOW, rho > 0, length, constant);
  let value = low;
  if (!(Math.abs(low - first) <= CHECK)) {
    value = pathIntegral(HIGH, rho > 0, length, constant);
    if (!(Math.abs(value - low) <= CHECK)) return NaN;
  }
  return rho > 0 ? startOrthant(v) + value : -value;
}

/** P(y2, y3 > 0 | y0 = y1 = 0): the 2 x 2 law conditioned on x0, then on x1 (double-double). */
function conditionalPair(): number {
  schur(40, S(2, 2), S(2, 0), S(0, 2), S(0, 0));
  schur(42, S(2, 3), S(2, 0), S(0, 3), S(0, 0));
  schur(44, S(3, 3), S(3, 0), S(0, 3), S(0, 0));
  schur(46, 40, Z[2]!, Z[2]!, V1);
  schur(48, 42, Z[2]!, Z[3]!, V1);
  schur(50, 44, Z[3]!, Z[3]!, V1);
  return 0.25 + pairAngle(w[46]!, w[47]!, w[50]!, w[51]!, w[48]!, w[49]!) * INV_TWO_PI;
}

/** P(y0, y2, y3 > 0), Sheppard's closed form with the angles from double-double minors. */
function startOrthant(v: number[]): number {
  const angle = (p: number, q: number) => pairAngle(w[S(p, p)]!, w[S(p, p) + 1]!, w[S(q, q)]!, w[S(q, q) + 1]!, w[S(p, q)]!, w[S(p, q) + 1]!);
  void v;
  return 0.125 + (angle(0, 2) + angle(0, 3) + angle(2, 3)) * (INV_TWO_PI / 2);
}

/** r_0j, s_j, H00, H0z, Hzz, A, B, det H for the term of pair (1, j), k the other (module comment). */
function pathCoefficients(j: number, k: number, v: number[], sd: number[], v1: number, sz: number): void {
  schur(52, S(0, 0), S(0, j), S(j, 0), S(j, j));
  schur(54, ZERO, S(0, j), Z[j]!, S(j, j));
  schur(56, V1, Z[j]!, Z[j]!, S(j, j));
  schur(58, S(0, k), S(0, j), S(j, k), S(j, j));
  schur(60, Z[k]!, Z[j]!, S(j, k), S(j, j));
  schur(62, S(k, k), S(k, j), S(j, k), S(j, j));
  const at = (slot: number) => [w[slot]!, w[slot + 1]!] as const;
  const [h00, h00l] = at(52);
  const [h0z, h0zl] = at(54);
  const [hzz, hzzl] = at(56);
  const [h0k, h0kl] = at(58);
  const [hzk, hzkl] = at(60);
  const slots = [52, 54, 58, 54, 56, 60, 58, 60, 62];
  for (let i = 0; i < 9; i++) {
    det3Hi[i] = w[slots[i]!]!;
    det3Lo[i] = w[slots[i]! + 1]!;
  }
  const o = (j - 2) * 8;
  perJ[o] = w[S(0, j)]! / (sd[0]! * sd[j]!);
  perJ[o + 1] = (w[Z[j]!]! + w[Z[j]! + 1]!) / (sz * sd[j]!);
  perJ[o + 2] = h00 / v[0]!;
  perJ[o + 3] = h0z / (sd[0]! * sz);
  perJ[o + 4] = hzz / v1;
  perJ[o + 5] = cross(h0z, h0zl, h0k, h0kl, h00, h00l, hzk, hzkl) / (v[0]! * sz * sd[k]!);
  perJ[o + 6] = cross(hzz, hzzl, h0k, h0kl, h0z, h0zl, hzk, hzkl) / (v1 * sd[0]! * sd[k]!);
  perJ[o + 7] = ddDeterminant3(det3Hi, det3Lo, 3, ROWS3, ROWS3, s) / (v[0]! * v1 * v[k]!);
}

/** ∫ over φ in [0, L] of dP/dθ at θ = φ (ρ > 0) or the negative of it at θ = π - φ (ρ < 0), by `rule`. */
function pathIntegral(rule: { nodes: Float64Array; weights: Float64Array }, positive: boolean, length: number, constant: number): number {
  const half = 0.5 * length;
  let sum = 0;
  for (let q = 0; q < rule.nodes.length; q++) {
    const phi = half * (1 + rule.nodes[q]!);
    const c = positive ? cos(phi) : -cos(phi);
    const sn = sin(phi);
    let f = -constant;
    for (let o = 0; o < 16; o += 8) {
      const r0 = perJ[o]!;
      const sj = perJ[o + 1]!;
      const rho1j = c * r0 + sn * sj;
      const variance = c * c * perJ[o + 2]! + 2 * c * sn * perJ[o + 3]! + sn * sn * perJ[o + 4]!;
      const discriminant = perJ[o + 7]! * variance;
      const angle = angleOf(c * perJ[o + 5]! + sn * perJ[o + 6]!, discriminant > 0 ? Math.sqrt(discriminant) : 0);
      f += ((-sn * r0 + c * sj) * INV_TWO_PI / Math.sqrt(1 - rho1j * rho1j)) * (0.25 + angle * INV_TWO_PI);
    }
    sum += rule.weights[q]! * f;
  }
  return half * sum;
}
