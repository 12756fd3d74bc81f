// All the relu averages of one right-hand side of the committee ODE at once: the drift terms
// E[relu'(x_a) x_b Δ] and the square terms E[relu'(x_a) relu'(x_b) Δ²]. src/ode/reluCommitteeTerms.ts
// has the derivation and is the reference: the same Stein reductions, the same per-set sharing of
// P(U) and G_U, the same double-double conditional covariances, the same operation order. The
// 4-variate orthant probabilities are taken as the TypeScript path takes them through its memo
// (src/ode/orthantMemo.ts): on the covariance permuted into the canonical order, by the rotation
// path near a collinear pair (collinearOrthant.ts), else by Plackett's integral (plackettOrthant.ts).
// The workspace (reluTermsBytes) comes from the arena; no allocation per call.

import { portableAtan } from "./portableArc";
import { at, put, ddSchurEntry, ddCross, rh, rl } from "./doubleDouble";
import { collinearAt } from "./collinearOrthant";
import { orthant4At } from "./plackettOrthant";

const INV_TWO_PI: f64 = 1 / (2 * Math.PI);
const HALF_PI: f64 = Math.PI / 2;
const COLLINEAR: f64 = 1e-16;

/** The canonical 4 x 4 covariance and zero low parts handed to the orthant kernels; the sort keys and order. */
const C4 = memory.data(16 * 8);
const CANONICAL = memory.data(16 * 8);
const ZEROS = memory.data(16 * 8);
const SORT_KEY = memory.data(8 * 8);
const ORDER = memory.data(4 * 4);
const MEMBERS = memory.data(4 * 4);

/** Field count and the workspace's regions (f64 addresses, REP i32, DONE u8). */
let F: i32 = 0;
let COV: usize = 0;
let WEIGHTS: usize = 0;
let DRIFT: usize = 0;
let SQUARE: usize = 0;
let ANGLE: usize = 0;
let ROOT: usize = 0;
let FACTOR: usize = 0;
let COND_HI: usize = 0;
let COND_LO: usize = 0;
let SET_P: usize = 0;
let SET_G: usize = 0;
let PAIR_HI: usize = 0;
let PAIR_LO: usize = 0;
let REP: usize = 0;
let DONE: usize = 0;
let SET_M: usize = 0;
let PAIR_DONE: usize = 0;
let zero: f64 = 0;

/** Lays the regions out from `ws`; returns the workspace's size in bytes. */
function layout(ws: usize, f: i32): usize {
  const ff = <usize>(f * f) << 3;
  const sets = <usize>1 << f;
  COV = ws;
  WEIGHTS = COV + ff;
  DRIFT = WEIGHTS + (<usize>f << 3);
  SQUARE = DRIFT + ff;
  ANGLE = SQUARE + ff;
  ROOT = ANGLE + ff;
  FACTOR = ROOT + ff;
  COND_HI = FACTOR + (<usize>f << 3);
  COND_LO = COND_HI + ff * <usize>f;
  SET_P = COND_LO + ff * <usize>f;
  SET_G = SET_P + (sets << 3);
  PAIR_HI = SET_G + (sets << 7);
  PAIR_LO = PAIR_HI + ff * <usize>f;
  REP = PAIR_LO + ff * <usize>f;
  SET_M = REP + (<usize>f << 2);
  DONE = SET_M + (sets << 2);
  PAIR_DONE = DONE + sets;
  return PAIR_DONE + (ff >> 3) * <usize>f - ws;
}

/**
 * Bytes of the workspace for f fields (f <= 16): covariance (f x f), weights (f), drift (f x f
 * slots, K x f used), square (f x f slots, K x K used) first, in that order, then scratch.
 */
export function reluTermsBytes(f: i32): usize {
  return layout(0, f);
}

@inline function rep(i: i32): i32 {
  return load<i32>(REP + (<usize>i << 2));
}

@inline function member(x: i32): i32 {
  return load<i32>(MEMBERS + (<usize>x << 2));
}

@inline function angleOf(c: f64, root: f64): f64 {
  if (!(root > 0)) return c > 0 ? HALF_PI : c < 0 ? -HALF_PI : 0;
  return portableAtan(c / root);
}

/**
 * drift[a f + b] = E[relu'(x_a) x_b Δ] (a < k, b < f) and square[a k + b] = E[relu'(x_a)
 * relu'(x_b) Δ²] (a, b < k) for the covariance and weights in the workspace `ws` (layout of
 * reluTermsBytes), Δ = Σ_c weights[c] relu(x_c).
 */
export function reluCommitteeTerms(ws: usize, f: i32, k: i32): void {
  F = f;
  layout(ws, f);
  prepare(f);
  for (let a = 0; a < k; a++) {
    const caa = at(COV, a * f + a);
    for (let b = 0; b < f; b++) {
      let s: f64 = 0;
      if (caa > zero) {
        let roots: f64 = 0;
        for (let c = 0; c < f; c++) {
          s += at(WEIGHTS, c) * at(COV, b * f + c) * (0.25 + at(ANGLE, a * f + c) * INV_TWO_PI);
          roots += at(WEIGHTS, c) * at(ROOT, a * f + c);
        }
        s += (at(COV, a * f + b) * roots * INV_TWO_PI) / caa;
      }
      put(DRIFT, a * f + b, s);
    }
  }
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s: f64 = 0;
      for (let c = 0; c < f; c++) {
        let row: f64 = 0;
        for (let e = 0; e < f; e++) row += at(WEIGHTS, e) * moment(a, b, c, e);
        s += at(WEIGHTS, c) * row;
      }
      put(SQUARE, a * k + b, s);
      put(SQUARE, b * k + a, s);
    }
  }
}

/** Pair angles and roots, merged fields, the conditional covariances; clears the set table. */
function prepare(f: i32): void {
  let scale: f64 = 0;
  for (let i = 0; i < f; i++) scale = Math.max(scale, at(COV, i * f + i));
  zero = 1e-28 * scale;
  for (let p = 0; p < f; p++) {
    for (let q = p; q < f; q++) {
      const m = ddCross(at(COV, p * f + p), 0, at(COV, q * f + q), 0, at(COV, p * f + q), 0, at(COV, p * f + q), 0);
      const root = m > 0 ? Math.sqrt(m) : 0;
      put(ROOT, p * f + q, root);
      put(ROOT, q * f + p, root);
      const angle = angleOf(at(COV, p * f + q), root);
      put(ANGLE, p * f + q, angle);
      put(ANGLE, q * f + p, angle);
    }
  }
  for (let i = 0; i < f; i++) {
    store<i32>(REP + (<usize>i << 2), i);
    put(FACTOR, i, 1);
    for (let j = 0; j < i; j++) {
      if (rep(j) !== j || !(at(COV, j * f + i) > 0)) continue;
      const r = at(ROOT, j * f + i);
      if (r * r <= COLLINEAR * at(COV, j * f + j) * at(COV, i * f + i)) {
        store<i32>(REP + (<usize>i << 2), j);
        put(FACTOR, i, Math.sqrt(at(COV, i * f + i) / at(COV, j * f + j)));
        break;
      }
    }
  }
  for (let j = 0; j < f; j++) {
    const jj = at(COV, j * f + j);
    for (let p = 0; p < f; p++) {
      for (let q = p; q < f; q++) {
        ddSchurEntry(at(COV, p * f + q), 0, at(COV, p * f + j), 0, at(COV, j * f + q), 0, jj, 0);
        const here = (j * f + p) * f + q;
        const there = (j * f + q) * f + p;
        put(COND_HI, here, rh);
        put(COND_HI, there, rh);
        put(COND_LO, here, rl);
        put(COND_LO, there, rl);
      }
    }
  }
  memory.fill(DONE, 0, <usize>1 << f);
  memory.fill(PAIR_DONE, 0, <usize>(f * f * f));
}

/** E[1_a 1_b 1_c 1_e x_c x_e] (the fields merged first; 0 when a variance counts as zero). */
function moment(a: i32, b: i32, c: i32, e: i32): f64 {
  const f = F;
  const rc = rep(c);
  const re = rep(e);
  const mask = (1 << rep(a)) | (1 << rep(b)) | (1 << rc) | (1 << re);
  const n = ensureSet(mask);
  if (n === 0) return 0;
  const members = SET_M + (<usize>mask << 2);
  let s = at(COV, rc * f + re) * at(SET_P, mask);
  const g = mask * 16;
  for (let x = 0; x < n; x++) {
    const j = <i32>load<u8>(members + x);
    if (j === re) continue;
    const cj = at(COV, rc * f + j);
    const cond = (j * f + re) * f;
    for (let y = 0; y < n; y++) if (y !== x) s += cj * at(COND_HI, cond + <i32>load<u8>(members + y)) * at(SET_G, g + x * 4 + y);
  }
  return at(FACTOR, c) * at(FACTOR, e) * s;
}

/** State of a set in DONE: not yet computed, or a variance counts as zero (else its size). */
const UNSEEN: u8 = 0;
const VANISHING: u8 = 255;

/**
 * The size of the set `mask` after computing, once per right-hand side, its members (SET_M),
 * P(U) and G_U; 0 when a variance counts as zero.
 */
function ensureSet(mask: i32): i32 {
  const state = load<u8>(DONE + <usize>mask);
  if (state !== UNSEEN) return state === VANISHING ? 0 : <i32>state;
  const f = F;
  let n = 0;
  for (let i = 0; i < f; i++) {
    if (mask & (1 << i)) {
      store<i32>(MEMBERS + (<usize>n << 2), i);
      store<u8>(SET_M + (<usize>mask << 2) + n, <u8>i);
      n++;
    }
  }
  for (let x = 0; x < n; x++) {
    if (!(at(COV, member(x) * f + member(x)) > zero)) {
      store<u8>(DONE + <usize>mask, VANISHING);
      return 0;
    }
  }
  store<u8>(DONE + <usize>mask, <u8>n);
  const g = mask * 16;
  let p: f64;
  if (n === 1) p = 0.5;
  else if (n === 2) p = 0.25 + at(ANGLE, member(0) * f + member(1)) * INV_TWO_PI;
  else if (n === 3) p = 0.125 + (at(ANGLE, member(0) * f + member(1)) + at(ANGLE, member(0) * f + member(2)) + at(ANGLE, member(1) * f + member(2))) * (INV_TWO_PI / 2);
  else {
    for (let x = 0; x < 4; x++) for (let y = 0; y < 4; y++) put(C4, x * 4 + y, at(COV, member(x) * f + member(y)));
    p = orthant4();
  }
  put(SET_P, mask, p);
  for (let x = 0; x < n; x++) {
    for (let y = x + 1; y < n; y++) {
      const value = pairTerm(member(x), member(y), n, mask);
      put(SET_G, g + x * 4 + y, value);
      put(SET_G, g + y * 4 + x, value);
    }
  }
  return n;
}

/** Whether variable p of C4 comes before q in the memo's canonical order. */
@inline function before(p: i32, q: i32): bool {
  const dv = at(SORT_KEY, p * 2) - at(SORT_KEY, q * 2);
  return dv < 0 || (dv === 0 && at(SORT_KEY, p * 2 + 1) < at(SORT_KEY, q * 2 + 1));
}

/** P(x > 0) of C4 in the canonical order of src/ode/orthantMemo.ts: the rotation path, else Plackett's integral. */
function orthant4(): f64 {
  for (let p = 0; p < 4; p++) {
    store<i32>(ORDER + (<usize>p << 2), p);
    put(SORT_KEY, p * 2, at(C4, p * 5));
    put(SORT_KEY, p * 2 + 1, at(C4, p * 4) + at(C4, p * 4 + 1) + at(C4, p * 4 + 2) + at(C4, p * 4 + 3));
  }
  for (let p = 1; p < 4; p++) {
    const x = load<i32>(ORDER + (<usize>p << 2));
    let q = p - 1;
    while (q >= 0 && before(x, load<i32>(ORDER + (<usize>q << 2)))) {
      store<i32>(ORDER + (<usize>(q + 1) << 2), load<i32>(ORDER + (<usize>q << 2)));
      q--;
    }
    store<i32>(ORDER + (<usize>(q + 1) << 2), x);
  }
  for (let a = 0; a < 4; a++) {
    const oa = load<i32>(ORDER + (<usize>a << 2));
    for (let b = 0; b < 4; b++) put(CANONICAL, a * 4 + b, at(C4, oa * 4 + load<i32>(ORDER + (<usize>b << 2))));
  }
  const p = collinearAt(CANONICAL, ZEROS);
  return isNaN(p) ? orthant4At(CANONICAL, ZEROS) : p;
}

/**
 * (rh, rl) = Var(x_p | x_j = x_k = 0), the Schur entry of C^(j) on k, computed once per right-hand
 * side for the (j, k, p) that every set holding them shares.
 */
function pairVariance(j: i32, k: i32, p: i32): void {
  const f = F;
  const slot = (j * f + k) * f + p;
  if (load<u8>(PAIR_DONE + <usize>slot)) {
    rh = at(PAIR_HI, slot);
    rl = at(PAIR_LO, slot);
    return;
  }
  const base = j * f * f;
  const kk = base + k * f + k;
  ddSchurEntry(at(COND_HI, base + p * f + p), at(COND_LO, base + p * f + p), at(COND_HI, base + p * f + k), at(COND_LO, base + p * f + k), at(COND_HI, base + k * f + p), at(COND_LO, base + k * f + p), at(COND_HI, kk), at(COND_LO, kk));
  put(PAIR_HI, slot, rh);
  put(PAIR_LO, slot, rl);
  store<u8>(PAIR_DONE + <usize>slot, 1);
}

/** G_U(j, k) = φ2(0, 0; C_jk) P(U \ {j, k} > 0 | x_j = x_k = 0) for the n fields of `mask`. */
function pairTerm(j: i32, k: i32, n: i32, mask: i32): f64 {
  const f = F;
  const root = at(ROOT, j * f + k);
  for (let p = 0; p < f; p++) {
    if (!(mask & (1 << p)) || p === j || p === k) continue;
    if (!(at(COND_HI, (j * f + p) * f + p) > zero) || !(at(COND_HI, (k * f + p) * f + p) > zero)) return 0;
  }
  if (!(root * root > zero * at(COV, j * f + j))) return 0;
  const density = INV_TWO_PI / root;
  if (n === 2) return density;
  let p = -1;
  let q = -1;
  for (let i = 0; i < f; i++) {
    if (mask & (1 << i) && i !== j && i !== k) {
      if (p < 0) p = i;
      else q = i;
    }
  }
  const base = j * f * f;
  const kk = base + k * f + k;
  pairVariance(j, k, p);
  const pph = rh;
  const ppl = rl;
  if (!(pph > zero)) return 0;
  if (n === 3) return 0.5 * density;
  pairVariance(j, k, q);
  const qqh = rh;
  const qql = rl;
  if (!(qqh > zero)) return 0;
  ddSchurEntry(at(COND_HI, base + p * f + q), at(COND_LO, base + p * f + q), at(COND_HI, base + p * f + k), at(COND_LO, base + p * f + k), at(COND_HI, base + k * f + q), at(COND_LO, base + k * f + q), at(COND_HI, kk), at(COND_LO, kk));
  const pqh = rh;
  const pql = rl;
  const minor = ddCross(pph, ppl, qqh, qql, pqh, pql, pqh, pql);
  return density * (0.25 + angleOf(pqh + pql, minor > 0 ? Math.sqrt(minor) : 0) * INV_TWO_PI);
}
