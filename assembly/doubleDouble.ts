// Double-double arithmetic of the relu ODE kernels (plackettOrthant.ts, collinearOrthant.ts,
// reluCommitteeTerms.ts): the operations of src/special/doubleDouble.ts (the reference, with the
// derivations) in the same operation order, so the kernels round as the TypeScript path does.
// Results go to the registers (rh, rl) instead of an object: no allocation.

const SPLITTER: f64 = 134217729;

/** The double-double result registers (hi, lo) of the operations below. */
export let rh: f64 = 0;
export let rl: f64 = 0;
/** twoProduct's result. */
let th: f64 = 0;
let tl: f64 = 0;

@inline export function at(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

@inline export function put(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}

@inline export function idx(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}

/** (th, tl) = a * b exactly (Dekker). */
@inline function twoProduct(a: f64, b: f64): void {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  th = p;
  tl = ah * bh - p + ah * bl + al * bh + al * bl;
}

/** (rh, rl) = (ah + al) * (bh + bl). */
export function ddMul(ah: f64, al: f64, bh: f64, bl: f64): void {
  twoProduct(ah, bh);
  const e = tl + (ah * bl + al * bh);
  const h = th + e;
  rl = e - (h - th);
  rh = h;
}

/** (rh, rl) = (ah + al) + (bh + bl), the accurate addition. */
export function ddAdd(ah: f64, al: f64, bh: f64, bl: f64): void {
  let s = ah + bh;
  let bb = s - ah;
  const s1 = s;
  const e1 = ah - (s - bb) + (bh - bb);
  s = al + bl;
  bb = s - al;
  const s2 = s;
  const e2 = al - (s - bb) + (bl - bb);
  let e = e1 + s2;
  let h = s1 + e;
  let lo = e - (h - s1);
  e = lo + e2;
  const h2 = h + e;
  rl = e - (h2 - h);
  rh = h2;
}

/** (rh, rl) = c_pq - c_pj c_jq / c_jj of double-double entries (the reference's ddSchurEntry). */
export function ddSchurEntry(pqh: f64, pql: f64, pjh: f64, pjl: f64, jqh: f64, jql: f64, jjh: f64, jjl: f64): void {
  const q = pjh / jjh;
  twoProduct(q, jjh);
  const r = pjh - th - tl + (pjl - q * jjl);
  twoProduct(q, jqh);
  const s = pqh + -th;
  const bb = s - pqh;
  const sumLo = pqh - (s - bb) + (-th - bb);
  const low = sumLo - tl + pql - q * jql - (r * jqh) / jjh;
  const h = s + low;
  rl = low - (h - s);
  rh = h;
}

/** a b - c d of double-double numbers, rounded (a minor when c = d). */
export function ddCross(ah: f64, al: f64, bh: f64, bl: f64, ch: f64, cl: f64, dh: f64, dl: f64): f64 {
  ddMul(ah, al, bh, bl);
  const ph = rh;
  const pl = rl;
  ddMul(ch, cl, dh, dl);
  ddAdd(ph, pl, -rh, -rl);
  return rh;
}

/** The running sum of ddDeterminant3. */
let sh: f64 = 0;
let sl: f64 = 0;

/** (sh, sl) += sign * entries i * j * k of (hi, lo), one term of Leibniz's formula. */
@inline function leibnizTerm(hi: usize, lo: usize, i: i32, j: i32, k: i32, sign: f64): void {
  ddMul(at(hi, i), at(lo, i), at(hi, j), at(lo, j));
  ddMul(rh, rl, at(hi, k), at(lo, k));
  ddAdd(sh, sl, sign * rh, sign * rl);
  sh = rh;
  sl = rl;
}

/**
 * Determinant of the 3 x 3 submatrix rows (r0, r1, r2) x columns (c0, c1, c2) of the stride-4
 * matrix (hi, lo): (rh, rl), and rounded. Leibniz's six terms in the reference's order.
 */
export function ddDeterminant3(hi: usize, lo: usize, r0: i32, r1: i32, r2: i32, c0: i32, c1: i32, c2: i32): f64 {
  sh = 0;
  sl = 0;
  const a = r0 * 4;
  const b = r1 * 4;
  const c = r2 * 4;
  leibnizTerm(hi, lo, a + c0, b + c1, c + c2, 1);
  leibnizTerm(hi, lo, a + c1, b + c2, c + c0, 1);
  leibnizTerm(hi, lo, a + c2, b + c0, c + c1, 1);
  leibnizTerm(hi, lo, a + c2, b + c1, c + c0, -1);
  leibnizTerm(hi, lo, a + c0, b + c2, c + c1, -1);
  leibnizTerm(hi, lo, a + c1, b + c0, c + c2, -1);
  rh = sh;
  rl = sl;
  return sh + sl;
}
