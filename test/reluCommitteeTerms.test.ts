// The shared relu committee terms (src/ode/reluCommitteeTerms.ts) against the sums of the
// reference averages (ReluIntegrals' i3 and i4, the Stein recursion), and the rotation-path orthant
// (src/ode/collinearOrthant.ts) against the 30-digit references and Plackett's integral.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { collinearOrthant4 } from "../src/ode/collinearOrthant.js";
import { plackettOrthant4 } from "../src/ode/gaussianOrthant.js";
import { ReluIntegrals } from "../src/ode/reluIntegrals.js";
import { ReluCommitteeTerms } from "../src/ode/reluCommitteeTerms.js";
import { orthantProbability } from "../src/ode/gaussianOrthant.js";
import { testRandom } from "./helpers.js";

const rows = (JSON.parse(readFileSync(new URL("./fixtures/reluCollinear.json", import.meta.url), "utf8")) as { rows: { covariance: number[][]; p4: number }[] }).rows;
const zeros = new Float64Array(16);

describe("rotation-path orthant near a collinear pair", () => {
  it("agrees with the 30-digit references and with Plackett's integral (also anticorrelated)", () => {
    let worstRef = 0;
    let worstPlackett = 0;
    for (const row of rows) {
      const c = Float64Array.from(row.covariance.flat());
      const p = collinearOrthant4(c, zeros);
      expect(Number.isNaN(p)).toBe(false);
      worstRef = Math.max(worstRef, Math.abs(p - row.p4));
      const flipped = c.map((v, i) => ((i >> 2 === 3) !== (i % 4 === 3) ? -v : v));
      worstPlackett = Math.max(worstPlackett, Math.abs(collinearOrthant4(flipped, zeros) - plackettOrthant4(flipped, zeros)));
    }
    console.log(`rotation path vs 30-digit references ${worstRef.toExponential(1)}, anticorrelated vs Plackett ${worstPlackett.toExponential(1)}`);
    // Measured: 5.6e-17 and 1.1e-16.
    expect(worstRef).toBeLessThan(2e-16);
    expect(worstPlackett).toBeLessThan(3e-16);
  });

  it("declines a well-conditioned covariance (NaN: the caller takes Plackett's path)", () => {
    const c = Float64Array.from([1, 0.2, 0.1, 0, 0.2, 1, 0.3, 0.1, 0.1, 0.3, 1, 0.2, 0, 0.1, 0.2, 1]);
    expect(Number.isNaN(collinearOrthant4(c, zeros))).toBe(true);
  });
});

/** F x F covariance of K students near K teachers (orthonormal), students off by `eps` random directions. */
function committeeCovariance(rand: () => number, k: number, eps: number): Float64Array {
  const d = 2 * k + 2;
  const vecs: number[][] = [];
  for (let i = 0; i < k; i++) vecs.push(Array.from({ length: d }, (_, j) => (j === i ? 1 : 0) + eps * (2 * rand() - 1)));
  for (let i = 0; i < k; i++) vecs.push(Array.from({ length: d }, (_, j) => (j === i ? 1 : 0)));
  const f = 2 * k;
  const c = new Float64Array(f * f);
  for (let i = 0; i < f; i++) for (let j = 0; j < f; j++) c[i * f + j] = vecs[i]!.reduce((s, v, q) => s + v * vecs[j]![q]!, 0);
  return c;
}

describe("shared relu committee terms", () => {
  it("equal the sums of the reference i3 and i4 (random and nearly converged committees)", () => {
    const rand = testRandom(5);
    const k = 3;
    const f = 2 * k;
    const reference = new ReluIntegrals();
    const terms = new ReluCommitteeTerms((c) => orthantProbability(c, 4));
    let worst = 0;
    for (const eps of [1, 0.3, 1e-2, 1e-4, 1e-6]) {
      const cov = committeeCovariance(rand, k, eps);
      const weights = Float64Array.from({ length: f }, (_, i) => (i < k ? -(0.5 + rand()) : 1));
      const drift = new Float64Array(k * f);
      const square = new Float64Array(k * k);
      terms.compute(cov, f, k, weights, drift, square);
      const sub = (idx: number[]) => Float64Array.from(idx.flatMap((i) => idx.map((j) => cov[i * f + j]!)));
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < f; b++) {
          let s = 0;
          for (let c = 0; c < f; c++) s += weights[c]! * reference.i3(sub([a, b, c]));
          worst = Math.max(worst, Math.abs(s - drift[a * f + b]!));
        }
        for (let b = a; b < k; b++) {
          let s = 0;
          for (let c = 0; c < f; c++) for (let e = 0; e < f; e++) s += weights[c]! * weights[e]! * reference.i4(sub([a, b, c, e]));
          worst = Math.max(worst, Math.abs(s - square[a * k + b]!));
        }
      }
    }
    console.log(`shared relu committee terms vs reference sums: ${worst.toExponential(1)}`);
    // Measured: 1.3e-15 (sums of up to 36 O(1) averages).
    expect(worst).toBeLessThan(5e-15);
  });
});
