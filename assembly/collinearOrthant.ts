// The 4-variate Gaussian orthant probability along a rotation path when two of the variables are
// nearly collinear: src/ode/collinearOrthant.ts has the derivation and is the reference (the same
// double-double Schur complements, the same 6-/8-/12-node Gauss–Legendre checks, the same operation
// order, and the same bits: atan and asin are ported from stdlib (portableArc.ts), and cos and sin
// are fdlibm's kernels in both musl and stdlib; test/reluTermsKernel.test.ts checks the equality).
// No allocation: everything lives in static memory.

import { portableAsin, portableAtan } from "./portableArc";
import { at, put, ddSchurEntry, ddCross, ddDeterminant3, rl, rh } from "./doubleDouble";

/**
 * The kernel's input, written by src/wasm/reluTermsKernel.ts: the covariance (16 f64) and its low
 * parts (16 f64), then the Gauss–Legendre rules on [-1, 1]: 8 nodes, 8 weights, 12 nodes, 12
 * weights, 6 nodes, 6 weights.
 */
const BUFFER = memory.data(84 * 8);
const RULES: usize = BUFFER + 32 * 8;
const LOW: i32 = 0;
const HIGH: i32 = 16;
const FIRST: i32 = 40;

/** The address of the kernel's input buffer (layout above). */
export function collinearBuffer(): usize {
  return BUFFER;
}

const INV_TWO_PI: f64 = 1 / (2 * Math.PI);
const HALF_PI: f64 = Math.PI / 2;
const COLLINEAR_GAP: f64 = 0.5;
const CHECK: f64 = 2e-17;
const OTHER_GAP_FACTOR: f64 = 2;
const OTHER_GAP: f64 = 0.02;

/** Double-double scratch: (hi, lo) of named covariances at the reference's slots, 2 each. */
const W = memory.data(64 * 8);
const GAPS = memory.data(16 * 8);
const PERM = memory.data(4 * 4);
/** The 3 x 3 matrix H (stride 4) whose determinant pathCoefficients takes. */
const DET_HI = memory.data(16 * 8);
const DET_LO = memory.data(16 * 8);
const DET_SLOTS = memory.data<i32>([52, 54, 58, 54, 56, 60, 58, 60, 62]);
/** Per j in {2, 3}: r_0j, s_j, H00, H0z, Hzz, A, B, det H. */
const PER_J = memory.data(16 * 8);
const V = memory.data(4 * 8);
const SDEV = memory.data(4 * 8);

const V1: i32 = 32;
const ZERO: i32 = 38;

@inline function S(p: i32, q: i32): i32 {
  return 2 * (p * 4 + q);
}

/** Slot of Cov(z', x_j), j = 2, 3. */
@inline function Z(j: i32): i32 {
  return j === 2 ? 34 : 36;
}

/** W[out] = Schur entry pq - pj jq / jj of slots. */
function schur(out: i32, pq: i32, pj: i32, jq: i32, jj: i32): void {
  ddSchurEntry(at(W, pq), at(W, pq + 1), at(W, pj), at(W, pj + 1), at(W, jq), at(W, jq + 1), at(W, jj), at(W, jj + 1));
  put(W, out, rh);
  put(W, out + 1, rl);
}

/** atan(c / root) as the asin of a correlation (±π/2 when the root vanishes). */
@inline function angleOf(c: f64, root: f64): f64 {
  if (!(root > 0)) return c > 0 ? HALF_PI : c < 0 ? -HALF_PI : 0;
  return portableAtan(c / root);
}

/** asin of the correlation of the 2 x 2 double-double covariance (a, c; c, b). */
function pairAngle(ah: f64, al: f64, bh: f64, bl: f64, ch: f64, cl: f64): f64 {
  const d = ddCross(ah, al, bh, bl, ch, cl, ch, cl);
  return angleOf(ch + cl, d > 0 ? Math.sqrt(d) : 0);
}

/** The pair p * 4 + q of the smallest 1 - ρ² when the rotation path applies, else -1. */
function collinearPair(hi: usize, lo: usize): i32 {
  let best = -1;
  let gap = COLLINEAR_GAP;
  for (let p = 0; p < 4; p++) {
    for (let q = p + 1; q < 4; q++) {
      const pq = p * 4 + q;
      const g = ddCross(at(hi, p * 5), at(lo, p * 5), at(hi, q * 5), at(lo, q * 5), at(hi, pq), at(lo, pq), at(hi, pq), at(lo, pq)) / (at(hi, p * 5) * at(hi, q * 5));
      put(GAPS, pq, g);
      if (g <= gap) {
        best = pq;
        gap = g;
      }
    }
  }
  if (best < 0) return -1;
  const a = best >> 2;
  const b = best & 3;
  for (let p = 0; p < 4; p++) {
    for (let q = p + 1; q < 4; q++) {
      if (p * 4 + q === best || (p !== a && p !== b && q !== a && q !== b)) continue;
      if (at(GAPS, p * 4 + q) < OTHER_GAP_FACTOR * gap + OTHER_GAP) return -1;
    }
  }
  return best;
}

/** collinearOrthant4 of the covariance in the input buffer (NaN: the caller takes Plackett's path). */
export function collinearOrthant4(): f64 {
  return collinearAt(BUFFER, BUFFER + 16 * 8);
}

/**
 * P(x > 0) of the 4 x 4 covariance at hi (low parts at lo) by the rotation path, or NaN when no
 * pair is collinear enough or the two Gauss rules disagree (the reference's collinearOrthant4).
 */
export function collinearAt(hi: usize, lo: usize): f64 {
  const pair = collinearPair(hi, lo);
  if (pair < 0) return NaN;
  store<i32>(PERM, pair >> 2);
  store<i32>(PERM + 4, pair & 3);
  let n = 2;
  for (let p = 0; p < 4; p++) if (p !== pair >> 2 && p !== (pair & 3)) { store<i32>(PERM + (<usize>n << 2), p); n++; }
  for (let p = 0; p < 4; p++) {
    const rp = load<i32>(PERM + (<usize>p << 2));
    for (let q = 0; q < 4; q++) {
      const rq = load<i32>(PERM + (<usize>q << 2));
      put(W, S(p, q), at(hi, rp * 4 + rq));
      put(W, S(p, q) + 1, at(lo, rp * 4 + rq));
    }
  }
  put(W, ZERO, 0);
  put(W, ZERO + 1, 0);
  schur(V1, S(1, 1), S(1, 0), S(0, 1), S(0, 0));
  schur(Z(2), S(1, 2), S(1, 0), S(0, 2), S(0, 0));
  schur(Z(3), S(1, 3), S(1, 0), S(0, 3), S(0, 0));
  for (let p = 0; p < 4; p++) {
    put(V, p, at(W, S(p, p)));
    put(SDEV, p, Math.sqrt(at(W, S(p, p))));
  }
  const v1 = at(W, V1) + at(W, V1 + 1);
  const sz = Math.sqrt(v1);
  const rho = at(W, S(0, 1)) / (at(SDEV, 0) * at(SDEV, 1));
  const gap = v1 / at(V, 1);
  const length = portableAsin(Math.sqrt(Math.min(gap, 1)));
  const constant = conditionalPair() * INV_TWO_PI;
  pathCoefficients(2, 3, v1, sz);
  pathCoefficients(3, 2, v1, sz);
  const first = pathIntegral(FIRST, 6, rho > 0, length, constant);
  const low = pathIntegral(LOW, 8, rho > 0, length, constant);
  let value = low;
  if (!(Math.abs(low - first) <= CHECK)) {
    value = pathIntegral(HIGH, 12, rho > 0, length, constant);
    if (!(Math.abs(value - low) <= CHECK)) return NaN;
  }
  return rho > 0 ? startOrthant() + value : -value;
}

/** P(y2, y3 > 0 | y0 = y1 = 0). */
function conditionalPair(): f64 {
  schur(40, S(2, 2), S(2, 0), S(0, 2), S(0, 0));
  schur(42, S(2, 3), S(2, 0), S(0, 3), S(0, 0));
  schur(44, S(3, 3), S(3, 0), S(0, 3), S(0, 0));
  schur(46, 40, Z(2), Z(2), V1);
  schur(48, 42, Z(2), Z(3), V1);
  schur(50, 44, Z(3), Z(3), V1);
  return 0.25 + pairAngle(at(W, 46), at(W, 47), at(W, 50), at(W, 51), at(W, 48), at(W, 49)) * INV_TWO_PI;
}

@inline function slotAngle(p: i32, q: i32): f64 {
  return pairAngle(at(W, S(p, p)), at(W, S(p, p) + 1), at(W, S(q, q)), at(W, S(q, q) + 1), at(W, S(p, q)), at(W, S(p, q) + 1));
}

/** P(y0, y2, y3 > 0), Sheppard's closed form. */
function startOrthant(): f64 {
  return 0.125 + (slotAngle(0, 2) + slotAngle(0, 3) + slotAngle(2, 3)) * (INV_TWO_PI / 2);
}

/** r_0j, s_j, H00, H0z, Hzz, A, B, det H for the term of pair (1, j), k the other. */
function pathCoefficients(j: i32, k: i32, v1: f64, sz: f64): void {
  schur(52, S(0, 0), S(0, j), S(j, 0), S(j, j));
  schur(54, ZERO, S(0, j), Z(j), S(j, j));
  schur(56, V1, Z(j), Z(j), S(j, j));
  schur(58, S(0, k), S(0, j), S(j, k), S(j, j));
  schur(60, Z(k), Z(j), S(j, k), S(j, j));
  schur(62, S(k, k), S(k, j), S(j, k), S(j, j));
  for (let i = 0; i < 9; i++) {
    const slot = load<i32>(DET_SLOTS + (<usize>i << 2));
    put(DET_HI, (i / 3) * 4 + (i % 3), at(W, slot));
    put(DET_LO, (i / 3) * 4 + (i % 3), at(W, slot + 1));
  }
  const sd0 = at(SDEV, 0);
  const sdj = at(SDEV, j);
  const sdk = at(SDEV, k);
  const v0 = at(V, 0);
  const o = (j - 2) * 8;
  put(PER_J, o, at(W, S(0, j)) / (sd0 * sdj));
  put(PER_J, o + 1, (at(W, Z(j)) + at(W, Z(j) + 1)) / (sz * sdj));
  put(PER_J, o + 2, at(W, 52) / v0);
  put(PER_J, o + 3, at(W, 54) / (sd0 * sz));
  put(PER_J, o + 4, at(W, 56) / v1);
  put(PER_J, o + 5, ddCross(at(W, 54), at(W, 55), at(W, 58), at(W, 59), at(W, 52), at(W, 53), at(W, 60), at(W, 61)) / (v0 * sz * sdk));
  put(PER_J, o + 6, ddCross(at(W, 56), at(W, 57), at(W, 58), at(W, 59), at(W, 54), at(W, 55), at(W, 60), at(W, 61)) / (v1 * sd0 * sdk));
  put(PER_J, o + 7, ddDeterminant3(DET_HI, DET_LO, 0, 1, 2, 0, 1, 2) / (v0 * v1 * at(V, k)));
}

/** ∫ over φ in [0, L] of dP/dθ at θ = φ (ρ > 0) or its negative at θ = π - φ (ρ < 0), by the rule at `rule`. */
function pathIntegral(rule: i32, nodes: i32, positive: bool, length: f64, constant: f64): f64 {
  const half = 0.5 * length;
  let sum: f64 = 0;
  for (let q = 0; q < nodes; q++) {
    const phi = half * (1 + at(RULES, rule + q));
    const c = positive ? Math.cos(phi) : -Math.cos(phi);
    const sn = Math.sin(phi);
    let f = -constant;
    for (let o = 0; o < 16; o += 8) {
      const r0 = at(PER_J, o);
      const sj = at(PER_J, o + 1);
      const rho1j = c * r0 + sn * sj;
      const variance = c * c * at(PER_J, o + 2) + 2 * c * sn * at(PER_J, o + 3) + sn * sn * at(PER_J, o + 4);
      const discriminant = at(PER_J, o + 7) * variance;
      const angle = angleOf(c * at(PER_J, o + 5) + sn * at(PER_J, o + 6), discriminant > 0 ? Math.sqrt(discriminant) : 0);
      f += (((-sn * r0 + c * sj) * INV_TWO_PI) / Math.sqrt(1 - rho1j * rho1j)) * (0.25 + angle * INV_TWO_PI);
    }
    sum += at(RULES, rule + nodes + q) * f;
  }
  return half * sum;
}
