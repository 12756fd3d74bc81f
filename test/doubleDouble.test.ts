// Double-double arithmetic (src/special/doubleDouble.ts) against exact rational arithmetic: every
// double is m 2^e exactly, so products, quotients' defining identities and determinants of doubles
// are exact BigInt rationals. Inputs are drawn nearly singular (the case the ReLU averages need).

import { describe, expect, it } from "vitest";
import { ddAdd, ddDeterminant3, ddDeterminant4, ddMul, ddSchurEntry, type DoubleDouble } from "../src/special/doubleDouble.js";
import { testRandom } from "./helpers.js";

/** A rational n / 2^k with BigInt n (every double, and every sum or product of doubles, is one). */
interface Dyadic {
  n: bigint;
  k: bigint;
}

function dyadic(x: number): Dyadic {
  if (x === 0) return { n: 0n, k: 0n };
  let k = 0n;
  let m = x;
  while (!Number.isInteger(m)) {
    m *= 2;
    k++;
  }
  return { n: BigInt(m), k };
}
const align = (a: Dyadic, b: Dyadic): [bigint, bigint, bigint] => {
  const k = a.k > b.k ? a.k : b.k;
  return [a.n << (k - a.k), b.n << (k - b.k), k];
};
const add = (a: Dyadic, b: Dyadic): Dyadic => {
  const [x, y, k] = align(a, b);
  return { n: x + y, k };
};
const neg = (a: Dyadic): Dyadic => ({ n: -a.n, k: a.k });
const mul = (a: Dyadic, b: Dyadic): Dyadic => ({ n: a.n * b.n, k: a.k + b.k });
/** a as a double (for error ratios only). */
const toNumber = (a: Dyadic): number => {
  let n = a.n;
  let k = a.k;
  while (k > 900n) {
    n >>= 1n;
    k--;
  }
  return Number(n) / 2 ** Number(k);
};

/** |(hi + lo) - exact| / scale, with the exact value a rational exact = num / den (den > 0). */
function relativeError(out: DoubleDouble, num: Dyadic, den: Dyadic, scale: number): number {
  // (hi + lo) den - num, exactly.
  const residual = add(mul(add(dyadic(out.hi), dyadic(out.lo)), den), neg(num));
  return Math.abs(toNumber(residual) / toNumber(den)) / scale;
}

function det3(m: Dyadic[], r: number[], c: number[], n: number): Dyadic {
  const at = (i: number, j: number) => m[r[i]! * n + c[j]!]!;
  let s: Dyadic = { n: 0n, k: 0n };
  for (const [a, b, cc, sign] of [[0, 1, 2, 1], [1, 2, 0, 1], [2, 0, 1, 1], [2, 1, 0, -1], [0, 2, 1, -1], [1, 0, 2, -1]] as const) {
    const p = mul(mul(at(0, a), at(1, b)), at(2, cc));
    s = add(s, sign > 0 ? p : neg(p));
  }
  return s;
}

/** A 4 x 4 covariance with fields 0 and 2 collinear to 1 - ρ ~ eps: Gram matrix of random rows. */
function nearlySingular(uniform: () => number, eps: number): Float64Array {
  const rows = Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => 2 * uniform() - 1));
  rows[2] = rows[0]!.map((x) => 1.3 * x + eps * (2 * uniform() - 1));
  const c = new Float64Array(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) c[i * 4 + j] = rows[i]!.reduce((s, x, k) => s + x * rows[j]![k]!, 0);
  for (let i = 0; i < 4; i++) for (let j = 0; j < i; j++) c[i * 4 + j] = c[j * 4 + i]!;
  return c;
}

describe("double-double arithmetic against exact rationals", () => {
  it("sums and products of doubles are exact to ~1e-32 of their size", () => {
    const uniform = testRandom(7);
    const out: DoubleDouble = { hi: 0, lo: 0 };
    let worst = 0;
    for (let trial = 0; trial < 200; trial++) {
      // Normalized double-doubles: |lo| < ulp(hi) / 2.
      const a = uniform() - 0.5;
      const c = uniform() + 0.5;
      const b = a * 1e-17 * (uniform() - 0.5);
      const e = c * 1e-17 * (uniform() - 0.5);
      ddMul(a, b, c, e, out);
      const exact = mul(add(dyadic(a), dyadic(b)), add(dyadic(c), dyadic(e)));
      worst = Math.max(worst, relativeError(out, exact, { n: 1n, k: 0n }, Math.abs(a * c)));
      // A sum that cancels to its low parts.
      ddAdd(a, b, -a, e, out);
      const sum = add(add(dyadic(a), dyadic(b)), add(dyadic(-a), dyadic(e)));
      worst = Math.max(worst, relativeError(out, sum, { n: 1n, k: 0n }, Math.abs(a)));
    }
    expect(worst).toBeLessThan(1e-30);
  });

  it("the Schur entry c_pq - c_pj c_jq / c_jj and the 3 x 3 and 4 x 4 determinants of nearly singular covariances", () => {
    const uniform = testRandom(11);
    const out: DoubleDouble = { hi: 0, lo: 0 };
    const zeros = new Float64Array(16);
    let schur = 0;
    let determinant = 0;
    for (const eps of [1e-2, 1e-5, 1e-8]) {
      for (let trial = 0; trial < 20; trial++) {
        const c = nearlySingular(uniform, eps);
        const d = Array.from(c, dyadic);
        // Entry (0, 0) given x_2 = 0: the conditional variance ~eps² of a nearly collinear pair.
        ddSchurEntry(c[0]!, 0, c[2]!, 0, c[8]!, 0, c[10]!, 0, out);
        const num = add(mul(d[0]!, d[10]!), neg(mul(d[2]!, d[8]!)));
        schur = Math.max(schur, relativeError(out, num, d[10]!, c[0]!));
        const value = ddDeterminant3(c, zeros, 4, [0, 1, 2], [0, 1, 2], out);
        determinant = Math.max(determinant, relativeError(out, det3(d, [0, 1, 2], [0, 1, 2], 4), { n: 1n, k: 0n }, c[0]! * c[5]! * c[10]!));
        // 4 x 4 by expansion along the first row, exactly.
        let exact4: Dyadic = { n: 0n, k: 0n };
        const minorCols = [[1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2]];
        for (let j = 0; j < 4; j++) {
          const term = mul(d[j]!, det3(d, [1, 2, 3], minorCols[j]!, 4));
          exact4 = add(exact4, j % 2 === 0 ? term : neg(term));
        }
        const rounded = ddDeterminant4(c, zeros);
        determinant = Math.max(determinant, Math.abs(rounded - toNumber(exact4)) / (c[0]! * c[5]! * c[10]! * c[15]!));
        expect(Number.isFinite(value)).toBe(true);
      }
    }
    console.log(`double-double vs exact rationals: Schur entry ${schur.toExponential(1)}, determinants ${determinant.toExponential(1)} (relative to the product of the variances)`);
    // Measured: Schur entry 1.4e-32, determinants 2.7e-32.
    expect(schur).toBeLessThan(1e-30);
    expect(determinant).toBeLessThan(1e-30);
  });
});
