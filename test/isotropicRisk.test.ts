// The loss-only isotropic-Gaussians risk (Mehler series over pairs) against the population
// metric's exact loss (src/population/isotropicGaussians.ts), on awkward shapes: a pair closer
// than the series' cut-off (the closed-form pair path), a near-zero row, odd N and d.

import { describe, expect, it } from "vitest";
import { IsotropicRiskEvaluator } from "../src/experiments/isotropicRisk.js";
import { IsotropicGaussiansPopulation } from "../src/population/isotropicGaussians.js";

const NON_MONOTONE = { kind: "piecewiseLinear" as const, breakpoints: [0, 0.5, 1.5], slopes: [0, -3, 11.5, 0], valueAtZero: -2.5 };
const TANH = { kind: "tanh" as const };

function weights(n: number, d: number, scale: number): Float64Array {
  return Float64Array.from({ length: n * d }, (_, k) => scale * Math.sin(1.7 * k + 0.3) + 0.2 * Math.cos(k * k));
}

describe("IsotropicRiskEvaluator", () => {
  for (const [label, activation] of [["non-monotone piecewise-linear", NON_MONOTONE], ["tanh", TANH]] as const) {
    for (const [n, d, scale] of [[7, 5, 1], [13, 3, 2], [40, 30, 0.3], [1, 9, 0.7]] as const) {
      it(`${label}: N = ${n}, d = ${d} matches the exact population loss`, { timeout: 30_000 }, () => {
        const w = weights(n, d, scale);
        const exact = new IsotropicGaussiansPopulation({ d, activation, delta: 0.5 }).evaluate(w, new Float64Array(n).fill(1), 1 / n);
        const got = new IsotropicRiskEvaluator(activation, d, 0.5).evaluate(w);
        expect(Math.abs(got.risk - exact.loss)).toBeLessThan(1e-12 + exact.truncationBound + got.bound);
        expect(got.bound).toBeLessThan(1e-10);
      });
    }
  }

  it("a pair at cosine 0.99 takes the closed-form pair path", () => {
    const d = 6;
    const w = weights(5, d, 1);
    for (let k = 0; k < d; k++) w[d + k] = w[k]! * 1.3 + 0.01 * Math.cos(k);
    const exact = new IsotropicGaussiansPopulation({ d, activation: NON_MONOTONE, delta: 0.3 }).evaluate(w, new Float64Array(5).fill(1), 1 / 5);
    const got = new IsotropicRiskEvaluator(NON_MONOTONE, d, 0.3).evaluate(w);
    expect(Math.abs(got.risk - exact.loss)).toBeLessThan(1e-12);
  });

  it("a row shrinking to 0 (kappa = 0.1's fixed point) gives a finite risk, continuous in its norm", () => {
    const d = 6;
    const risk = (norm: number) => {
      const w = weights(5, d, 1);
      for (let k = 0; k < d; k++) w[2 * d + k] = norm * Math.cos(k + 1);
      return new IsotropicRiskEvaluator(NON_MONOTONE, d, 0.3).evaluate(w).risk;
    };
    // sigma(<w, x>) moves by at most 3 |w| |x| from sigma(0): the risk by O(|w|).
    expect(Math.abs(risk(1e-9) - risk(1e-7))).toBeLessThan(1e-6);
    expect(Math.abs(risk(1e-7) - risk(1e-3))).toBeLessThan(1e-2);
    expect(Number.isFinite(risk(1e-300))).toBe(true);
  });

  it("refuses weights that are not N x d", () => {
    expect(() => new IsotropicRiskEvaluator(NON_MONOTONE, 4, 0.5).evaluate(new Float64Array(7))).toThrow(/N x d/);
  });
});
