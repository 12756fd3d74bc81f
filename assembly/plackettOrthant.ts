// The 4-variate Gaussian orthant probability by Plackett's 1-D integral, the hot leaf of the relu
// committee ODE (src/ode/gaussianOrthant.ts has the derivation and is the reference: the same
// minors, in plain double for a well-conditioned covariance, else in double-double, the same
// substitution 1 - t = s², s = σ sinh w, the same 12-/16-node Gauss–Legendre test and adaptive
// bisection, the same operation order). The values differ from the reference only through the
// last bits of exp, log and atan (musl's here, fdlibm's there): test/plackettKernel.test.ts bounds
// the difference. No allocation: the covariance, the rules and the minors live in static memory.

import { at, put, idx, ddMul, ddAdd, ddCross, ddDeterminant3, rh, rl } from "./doubleDouble";

/**
 * The kernel's input, written by src/wasm/plackettKernel.ts: the covariance (16 f64) and its low
 * parts (16 f64), then the Gauss–Legendre rules on [-1, 1]: 12 nodes, 12 weights, 16 nodes, 16 weights.
 */
const BUFFER = memory.data(96 * 8);
const RULES: usize = BUFFER + 32 * 8;
const RULE12: i32 = 0;
const RULE16: i32 = 24;

/** The address of the kernel's input buffer (layout above). */
export function plackettBuffer(): usize {
  return BUFFER;
}

const PANEL_TOLERANCE: f64 = 1e-14;
const WHOLE_TOLERANCE: f64 = 1e-12;
const ROUNDING: f64 = 1e-17;
const MAX_DEPTH: i32 = 14;
const INV_TWO_PI: f64 = 1 / (2 * Math.PI);
const HALF_PI: f64 = Math.PI / 2;

/** Per pair (PAIRS order of the reference): ρ_ij, 1 - ρ_ij², det R[kij; lij], the t²(1 - t) coefficient, ρ_kl. */
const RHO = memory.data(6 * 8);
const ONE_MINUS_RHO2 = memory.data(6 * 8);
const MIXED3 = memory.data(6 * 8);
const MIXED2 = memory.data(6 * 8);
const RHO_KL = memory.data(6 * 8);
/** Pairs (i, j, k, l): (i, j) and its complement. */
const PAIRS = memory.data<i32>([0, 1, 2, 3, 0, 2, 1, 3, 0, 3, 1, 2, 1, 2, 0, 3, 1, 3, 0, 2, 2, 3, 0, 1]);
/** The 3 x 3 principal minors' index triples. */
const TRIPLES = memory.data<i32>([1, 2, 3, 0, 2, 3, 0, 1, 3, 0, 1, 2]);
const VAR = memory.data(4 * 8);
const SD = memory.data(4 * 8);
const PAIR_MINOR = memory.data(16 * 8);

let e2: f64 = 0;
let e3: f64 = 0;
let e4: f64 = 0;

/** c_ii c_jj - c_ij² of the 4 x 4 (hi, lo), rounded. */
function minor2(hi: usize, lo: usize, i: i32, j: i32): f64 {
  return ddCross(at(hi, i * 5), at(lo, i * 5), at(hi, j * 5), at(lo, j * 5), at(hi, i * 4 + j), at(lo, i * 4 + j), at(hi, i * 4 + j), at(lo, i * 4 + j));
}

/** Determinant of the 4 x 4 (hi, lo) by expansion along the first row, rounded. */
function ddDeterminant4(hi: usize, lo: usize): f64 {
  let sh: f64 = 0;
  let sl: f64 = 0;
  for (let j = 0; j < 4; j++) {
    ddDeterminant3(hi, lo, 1, 2, 3, j === 0 ? 1 : 0, j <= 1 ? 2 : 1, j <= 2 ? 3 : 2);
    ddMul(at(hi, j), at(lo, j), rh, rl);
    const sign: f64 = j % 2 === 0 ? 1 : -1;
    ddAdd(sh, sl, sign * rh, sign * rl);
    sh = rh;
    sl = rl;
  }
  return sh + sl;
}

/** Below this σ² the minors are formed in double-double (the reference's WELL_CONDITIONED). */
const WELL_CONDITIONED: f64 = 0.05;

/** det C[r0 r1 r2; a b d] of the 4 x 4 at c in plain double (the reference's determinant3). */
function determinant3(c: usize, r0: i32, r1: i32, r2: i32, a: i32, b: i32, d: i32): f64 {
  r0 *= 4;
  r1 *= 4;
  r2 *= 4;
  return at(c, r0 + a) * (at(c, r1 + b) * at(c, r2 + d) - at(c, r1 + d) * at(c, r2 + b)) - at(c, r0 + b) * (at(c, r1 + a) * at(c, r2 + d) - at(c, r1 + d) * at(c, r2 + a)) + at(c, r0 + d) * (at(c, r1 + a) * at(c, r2 + b) - at(c, r1 + b) * at(c, r2 + a));
}

/** The minors of a well-conditioned covariance in plain double (the reference's roundedMinors); false when it is not. */
function roundedMinors(c: usize): bool {
  for (let p = 0; p < 4; p++) {
    put(VAR, p, at(c, p * 5));
    put(SD, p, Math.sqrt(at(c, p * 5)));
  }
  let s2: f64 = 0;
  for (let p = 0; p < 4; p++) {
    for (let q = p + 1; q < 4; q++) {
      const vv = at(VAR, p) * at(VAR, q);
      const m = (vv - at(c, p * 4 + q) * at(c, p * 4 + q)) / vv;
      if (!(m >= WELL_CONDITIONED)) return false;
      put(PAIR_MINOR, p * 4 + q, m);
      s2 += m;
    }
  }
  let s4: f64 = 0;
  for (let j = 0; j < 4; j++) {
    const sign: f64 = j % 2 === 0 ? 1 : -1;
    s4 += sign * at(c, j) * determinant3(c, 1, 2, 3, idx(TRIPLES, j * 3), idx(TRIPLES, j * 3 + 1), idx(TRIPLES, j * 3 + 2));
  }
  s4 /= at(VAR, 0) * at(VAR, 1) * at(VAR, 2) * at(VAR, 3);
  if (!(s4 >= WELL_CONDITIONED * WELL_CONDITIONED)) return false;
  let s3: f64 = 0;
  for (let n = 0; n < 4; n++) {
    const a = idx(TRIPLES, n * 3);
    const b = idx(TRIPLES, n * 3 + 1);
    const d = idx(TRIPLES, n * 3 + 2);
    s3 += determinant3(c, a, b, d, a, b, d) / (at(VAR, a) * at(VAR, b) * at(VAR, d));
  }
  e2 = s2;
  e3 = s3;
  e4 = s4;
  for (let n = 0; n < 6; n++) {
    const i = idx(PAIRS, n * 4);
    const j = idx(PAIRS, n * 4 + 1);
    const k = idx(PAIRS, n * 4 + 2);
    const l = idx(PAIRS, n * 4 + 3);
    const vi = at(VAR, i);
    const vj = at(VAR, j);
    const norm = at(SD, k) * at(SD, l) * vi * vj;
    put(RHO, n, at(c, i * 4 + j) / (at(SD, i) * at(SD, j)));
    put(ONE_MINUS_RHO2, n, at(PAIR_MINOR, i * 4 + j));
    put(MIXED3, n, determinant3(c, k, i, j, l, i, j) / norm);
    put(MIXED2, n, (2 * at(c, k * 4 + l) * vi * vj - at(c, k * 4 + j) * at(c, j * 4 + l) * vi - at(c, k * 4 + i) * at(c, i * 4 + l) * vj) / norm);
    put(RHO_KL, n, at(c, k * 4 + l) / (at(SD, k) * at(SD, l)));
  }
  return true;
}

/** The minors of Plackett's integrand into static memory (the reference's plackettMinors). */
function plackettMinors(hi: usize, lo: usize): void {
  if (roundedMinors(hi)) return;
  for (let p = 0; p < 4; p++) {
    put(VAR, p, at(hi, p * 5));
    put(SD, p, Math.sqrt(at(hi, p * 5)));
  }
  let s2: f64 = 0;
  for (let p = 0; p < 4; p++) {
    for (let q = p + 1; q < 4; q++) {
      const m = Math.max(0, minor2(hi, lo, p, q) / (at(VAR, p) * at(VAR, q)));
      put(PAIR_MINOR, p * 4 + q, m);
      s2 += m;
    }
  }
  let s3: f64 = 0;
  for (let n = 0; n < 4; n++) {
    const a = idx(TRIPLES, n * 3);
    const b = idx(TRIPLES, n * 3 + 1);
    const c = idx(TRIPLES, n * 3 + 2);
    s3 += Math.max(0, ddDeterminant3(hi, lo, a, b, c, a, b, c) / (at(VAR, a) * at(VAR, b) * at(VAR, c)));
  }
  e2 = s2;
  e3 = s3;
  e4 = Math.max(0, ddDeterminant4(hi, lo) / (at(VAR, 0) * at(VAR, 1) * at(VAR, 2) * at(VAR, 3)));
  for (let n = 0; n < 6; n++) pairMinors(hi, lo, n);
}

/** The minors of pair n (i, j; k, l), as in the reference's loop body. */
function pairMinors(hi: usize, lo: usize, n: i32): void {
  const i = idx(PAIRS, n * 4);
  const j = idx(PAIRS, n * 4 + 1);
  const k = idx(PAIRS, n * 4 + 2);
  const l = idx(PAIRS, n * 4 + 3);
  const vi = at(VAR, i);
  const vj = at(VAR, j);
  const norm = at(SD, k) * at(SD, l) * vi * vj;
  put(RHO, n, at(hi, i * 4 + j) / (at(SD, i) * at(SD, j)));
  put(ONE_MINUS_RHO2, n, at(PAIR_MINOR, i * 4 + j));
  put(MIXED3, n, ddDeterminant3(hi, lo, k, i, j, l, i, j) / norm);
  // 2 c_kl c_ii c_jj - c_kj c_jl c_ii - c_ki c_il c_jj, in double-double.
  ddMul(at(hi, k * 4 + j), at(lo, k * 4 + j), at(hi, j * 4 + l), at(lo, j * 4 + l));
  ddMul(rh, rl, -vi, -at(lo, i * 5));
  const ah = rh;
  const al = rl;
  ddMul(at(hi, k * 4 + i), at(lo, k * 4 + i), at(hi, i * 4 + l), at(lo, i * 4 + l));
  ddMul(rh, rl, -vj, -at(lo, j * 5));
  ddAdd(ah, al, rh, rl);
  const bh = rh;
  const bl = rl;
  ddMul(at(hi, i * 5), at(lo, i * 5), at(hi, j * 5), at(lo, j * 5));
  ddMul(rh, rl, 2 * at(hi, k * 4 + l), 2 * at(lo, k * 4 + l));
  ddAdd(bh, bl, rh, rl);
  put(MIXED2, n, rh / norm);
  put(RHO_KL, n, at(hi, k * 4 + l) / (at(SD, k) * at(SD, l)));
}

/** Plackett's integrand dP/dt at t, with u = 1 - t given exactly. */
function integrand(t: f64, u: f64): f64 {
  const t2 = t * t;
  const t3 = t2 * t;
  const u2 = u * u;
  const det4 = t2 * t2 * e4 + t3 * u * e3 + t2 * u2 * e2 + 4 * t * u2 * u + u2 * u2;
  let sum: f64 = 0;
  const rootDet4 = Math.sqrt(det4);
  for (let n = 0; n < 6; n++) {
    const rij = at(RHO, n);
    if (rij === 0) continue;
    const detIj = t2 * at(ONE_MINUS_RHO2, n) + u * (1 + t);
    const skl = t3 * at(MIXED3, n) + t2 * u * at(MIXED2, n) + t * u2 * at(RHO_KL, n);
    const rootIj = Math.sqrt(detIj);
    const root = rootIj * rootDet4;
    const angle = root > 0 ? Math.atan(skl / root) : skl > 0 ? HALF_PI : skl < 0 ? -HALF_PI : 0;
    sum += ((rij * INV_TWO_PI) / rootIj) * (0.25 + angle * INV_TWO_PI);
  }
  return sum;
}

/** ∫ over w in [a, b] of the integrand times dt/dw under 1 - t = (σ sinh w)², by the rule at `rule` with `nodes` nodes. */
function panelIntegral(rules: usize, rule: i32, nodes: i32, sigma: f64, a: f64, b: f64): f64 {
  const half = 0.5 * (b - a);
  const mid = 0.5 * (a + b);
  let sum: f64 = 0;
  for (let q = 0; q < nodes; q++) {
    const w = mid + half * at(rules, rule + q);
    const ew = Math.exp(w);
    const sh = 0.5 * (ew - 1 / ew);
    const ch = 0.5 * (ew + 1 / ew);
    const s = sigma * sh;
    const u = s * s;
    sum += at(rules, rule + nodes + q) * 2 * s * sigma * ch * integrand(1 - u, u);
  }
  return half * sum;
}

function adaptive(rules: usize, sigma: f64, a: f64, b: f64, whole: f64, depth: i32): f64 {
  const mid = 0.5 * (a + b);
  const left = panelIntegral(rules, RULE12, 12, sigma, a, mid);
  const right = panelIntegral(rules, RULE12, 12, sigma, mid, b);
  const change = Math.abs(left + right - whole);
  if (change <= PANEL_TOLERANCE * (b - a) || change <= ROUNDING || depth >= MAX_DEPTH) return left + right;
  return adaptive(rules, sigma, a, mid, left, depth + 1) + adaptive(rules, sigma, mid, b, right, depth + 1);
}

/**
 * P(x > 0) for x ~ N(0, C), C the 4 x 4 covariance in the input buffer (row-major, plus its low
 * parts: zeros for a double matrix), every variance positive. The reference's orthant4.
 */
export function plackettOrthant4(): f64 {
  return orthant4At(BUFFER, BUFFER + 16 * 8);
}

/** plackettOrthant4 of the covariance at hi (4 x 4 row-major) with low parts at lo (for the other kernels). */
export function orthant4At(hi: usize, lo: usize): f64 {
  const rules = RULES;
  plackettMinors(hi, lo);
  let smallestPair: f64 = 1;
  for (let n = 0; n < 6; n++) smallestPair = Math.min(smallestPair, at(ONE_MINUS_RHO2, n));
  const sigma = Math.sqrt(Math.max(Math.min(smallestPair, Math.sqrt(e4)), 1e-24));
  const x = 1 / sigma;
  const top = Math.log(x + Math.sqrt(x * x + 1));
  const coarse = panelIntegral(rules, RULE12, 12, sigma, 0, top);
  const fine = panelIntegral(rules, RULE16, 16, sigma, 0, top);
  return 0.0625 + (Math.abs(fine - coarse) <= WHOLE_TOLERANCE ? fine : adaptive(rules, sigma, 0, top, coarse, 0));
}
