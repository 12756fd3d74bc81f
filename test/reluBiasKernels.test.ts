// The closed-form ReLU-with-bias kernels against Monte Carlo over the initialization they describe
// (w ~ N(0, I/d), b ~ N(0, beta^2), a = +-1), within 4 standard errors.

import { describe, expect, it } from "vitest";
import { reluBiasGram } from "../src/kernels/reluBiasKernels.js";
import { testRandom } from "./helpers.js";

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

describe("reluBiasGram", () => {
  const d = 4;
  const beta = 0.8;
  const random = testRandom(11);
  const x = Float64Array.from({ length: 3 * d }, () => gaussian(random));
  const samples = 400_000;
  // Per draw: the NNGP integrand relu relu, and the NTK integrand with the gradients of a, w and b.
  const sums = { nngp: new Float64Array(9), ntk: new Float64Array(9) };
  const squares = { nngp: new Float64Array(9), ntk: new Float64Array(9) };
  for (let s = 0; s < samples; s++) {
    const w = Array.from({ length: d }, () => gaussian(random) / Math.sqrt(d));
    const b = beta * gaussian(random);
    const z = [0, 1, 2].map((r) => w.reduce((acc, v, k) => acc + v * x[r * d + k]!, b));
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        const nngp = Math.max(z[r]!, 0) * Math.max(z[c]!, 0);
        let dot = 0;
        for (let k = 0; k < d; k++) dot += x[r * d + k]! * x[c * d + k]!;
        // a^2 = 1; grad_w . grad_w' = 1{z>0} 1{z'>0} <x, x'> / d per unit variance 1/d, grad_b: beta^2.
        const ntk = nngp + (z[r]! > 0 && z[c]! > 0 ? dot / d + beta * beta : 0);
        sums.nngp[r * 3 + c]! += nngp;
        squares.nngp[r * 3 + c]! += nngp * nngp;
        sums.ntk[r * 3 + c]! += ntk;
        squares.ntk[r * 3 + c]! += ntk * ntk;
      }
    }
  }
  for (const kind of ["nngp", "ntk"] as const) {
    it(`${kind}: closed form within 4 Monte Carlo standard errors`, () => {
      const exact = reluBiasGram(kind, x, x, d, beta);
      for (let k = 0; k < 9; k++) {
        const mean = sums[kind][k]! / samples;
        const se = Math.sqrt((squares[kind][k]! / samples - mean * mean) / samples);
        expect(Math.abs(exact[k]! - mean), `${kind} entry ${k}: exact ${exact[k]}, MC ${mean} ± ${se}`).toBeLessThan(4 * se);
      }
    });
  }
  it("rejects bad input", () => {
    expect(() => reluBiasGram("nngp", x, x, 5, beta)).toThrow(/rows of d/);
    expect(() => reluBiasGram("nngp", x, x, d, 0)).toThrow(/beta/);
  });
});
