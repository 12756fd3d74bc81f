// Double-double arithmetic (Dekker 1971; the error-free transformations of Knuth and of Shewchuk
// 1997): a value is the unevaluated sum hi + lo of two doubles, |lo| <= ulp(hi) / 2, about 106
// bits. The ReLU field averages need it for the covariance algebra alone (Schur complements and
// determinants of nearly singular field covariances): there the difference of O(1) products is
// ~1e-12 and double arithmetic leaves it only a few correct digits, while the double-double
// result is the exact value of the rounded inputs to ~1e-32. Only + - * / and Math.sqrt are used,
// which IEEE 754 rounds correctly in every engine.

/** A double-double result, written into by the operations below (no allocation in loops). */
export interface DoubleDouble {
  hi: number;
  lo: number;
}

/** 2^27 + 1: splits a double into two halves whose products are exact. */
const SPLITTER = 134217729;

/** out = a + b exactly (two-sum). */
function twoSum(a: number, b: number, out: DoubleDouble): void {
  const s = a + b;
  const bb = s - a;
  out.hi = s;
  out.lo = a - (s - bb) + (b - bb);
}

/** out = a * b exactly (Dekker's two-product). */
function twoProduct(a: number, b: number, out: DoubleDouble): void {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  out.hi = p;
  out.lo = ah * bh - p + ah * bl + al * bh + al * bl;
}

const scratch: DoubleDouble = { hi: 0, lo: 0 };
const scratch2: DoubleDouble = { hi: 0, lo: 0 };

/** Renormalizes (s, e) into out with |lo| <= ulp(hi) / 2 (needs |s| >= |e|). */
function quickTwoSum(s: number, e: number, out: DoubleDouble): void {
  const h = s + e;
  out.lo = e - (h - s);
  out.hi = h;
}

/** out = (ah + al) + (bh + bl), relative error ~1e-32 (the accurate addition). */
export function ddAdd(ah: number, al: number, bh: number, bl: number, out: DoubleDouble): DoubleDouble {
  twoSum(ah, bh, scratch);
  twoSum(al, bl, scratch2);
  let s = scratch.hi;
  let e = scratch.lo + scratch2.hi;
  quickTwoSum(s, e, out);
  s = out.hi;
  e = out.lo + scratch2.lo;
  quickTwoSum(s, e, out);
  return out;
}

/** out = (ah + al) * (bh + bl), relative error ~1e-32. */
export function ddMul(ah: number, al: number, bh: number, bl: number, out: DoubleDouble): DoubleDouble {
  twoProduct(ah, bh, scratch);
  quickTwoSum(scratch.hi, scratch.lo + (ah * bl + al * bh), out);
  return out;
}

const schurProduct: DoubleDouble = { hi: 0, lo: 0 };

/**
 * out = c_pq - c_pj c_jq / c_jj for double-double entries (the Schur complement's entry),
 * relative error ~1e-32 of the terms: with the double quotient q = c_pj / c_jj and its exact
 * remainder r = c_pj - q c_jj, c_pj c_jq / c_jj = q c_jq + r c_jq / c_jj, where the last term is
 * ~1e-16 of the others and needs only double precision. Cheaper than a double-double product, quotient and difference in turn.
 */
export function ddSchurEntry(
  pqh: number, pql: number, pjh: number, pjl: number, jqh: number, jql: number, jjh: number, jjl: number, out: DoubleDouble,
): DoubleDouble {
  const q = pjh / jjh;
  twoProduct(q, jjh, schurProduct);
  const r = pjh - schurProduct.hi - schurProduct.lo + (pjl - q * jjl);
  twoProduct(q, jqh, schurProduct);
  twoSum(pqh, -schurProduct.hi, out);
  const low = out.lo - schurProduct.lo + pql - q * jql - (r * jqh) / jjh;
  quickTwoSum(out.hi, low, out);
  return out;
}

/**
 * Determinant of the 3 x 3 submatrix (rows `rows`, columns `cols`) of an n x n row-major
 * double-double matrix (hi, lo), into out and rounded to a double: exact up to ~1e-32 times the
 * size of its terms.
 */
export function ddDeterminant3(hi: Float64Array, lo: Float64Array, n: number, rows: readonly number[], cols: readonly number[], out: DoubleDouble): number {
  const r0 = rows[0]! * n;
  const r1 = rows[1]! * n;
  const r2 = rows[2]! * n;
  const sum = detSum;
  const product = detProduct;
  sum.hi = 0;
  sum.lo = 0;
  // The six terms of the Leibniz formula, each a double-double product of three entries.
  for (const [a, b, c, sign] of LEIBNIZ3) {
    const i = r0 + cols[a]!;
    const j = r1 + cols[b]!;
    const k = r2 + cols[c]!;
    ddMul(hi[i]!, lo[i]!, hi[j]!, lo[j]!, product);
    ddMul(product.hi, product.lo, hi[k]!, lo[k]!, product);
    ddAdd(sum.hi, sum.lo, sign * product.hi, sign * product.lo, sum);
  }
  out.hi = sum.hi;
  out.lo = sum.lo;
  return sum.hi + sum.lo;
}

const detSum: DoubleDouble = { hi: 0, lo: 0 };
const detProduct: DoubleDouble = { hi: 0, lo: 0 };
const minor: DoubleDouble = { hi: 0, lo: 0 };
const total: DoubleDouble = { hi: 0, lo: 0 };

/** Determinant of a 4 x 4 row-major double-double matrix (expansion along the first row), rounded to a double. */
export function ddDeterminant4(hi: Float64Array, lo: Float64Array): number {
  total.hi = 0;
  total.lo = 0;
  for (let j = 0; j < 4; j++) {
    const cols = MINOR_COLUMNS[j]!;
    ddDeterminant3(hi, lo, 4, LOWER_ROWS, cols, minor);
    ddMul(hi[j]!, lo[j]!, minor.hi, minor.lo, minor);
    const sign = j % 2 === 0 ? 1 : -1;
    ddAdd(total.hi, total.lo, sign * minor.hi, sign * minor.lo, total);
  }
  return total.hi + total.lo;
}

const LOWER_ROWS: readonly number[] = [1, 2, 3];
const MINOR_COLUMNS: readonly (readonly number[])[] = [
  [1, 2, 3],
  [0, 2, 3],
  [0, 1, 3],
  [0, 1, 2],
];

/** Column permutations of the 3 x 3 Leibniz formula with their signs. */
const LEIBNIZ3: readonly (readonly [number, number, number, number])[] = [
  [0, 1, 2, 1],
  [1, 2, 0, 1],
  [2, 0, 1, 1],
  [2, 1, 0, -1],
  [0, 2, 1, -1],
  [1, 0, 2, -1],
];
