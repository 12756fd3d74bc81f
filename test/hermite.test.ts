import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hermite, hermiteAll, hermiteDerivative } from "../src/special/hermite.js";
import { gaussHermite } from "../src/special/quadrature.js";
import { testRandom } from "./helpers.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/special.json", import.meta.url), "utf8")) as {
  hermite: { z: number[]; values: number[][] };
};

/** |actual - expected| <= tol * max(1, |expected|). */
function expectClose(actual: number, expected: number, tol: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

describe("hermite: closed forms", () => {
  it("h_0 .. h_4 = 1, z, (z^2-1)/sqrt 2, (z^3-3z)/sqrt 6, (z^4-6z^2+3)/sqrt 24", () => {
    for (const z of [-3.1, -1, -0.2, 0, 0.5, 1, 2.7, 6]) {
      expect(hermite(0, z)).toBe(1);
      expect(hermite(1, z)).toBe(z);
      expectClose(hermite(2, z), (z * z - 1) / Math.SQRT2, 1e-15);
      expectClose(hermite(3, z), (z ** 3 - 3 * z) / Math.sqrt(6), 1e-15);
      expectClose(hermite(4, z), (z ** 4 - 6 * z * z + 3) / Math.sqrt(24), 1e-15);
    }
  });

  it("h_k(0) = (-1)^{k/2} sqrt((k-1)!!/k!!) for even k, 0 for odd k", () => {
    let ratio = 1;
    for (let k = 0; k <= 40; k += 2) {
      if (k > 0) ratio *= (k - 1) / k;
      expectClose(hermite(k, 0), (k / 2) % 2 === 0 ? Math.sqrt(ratio) : -Math.sqrt(ratio), 1e-15);
      expect(Math.abs(hermite(k + 1, 0))).toBe(0);
    }
  });
});

describe("hermite against mpmath (50 digits)", () => {
  it("k <= 40, |z| <= 12: error <= 1e-14 of the local amplitude sqrt(h_k^2 + h_k'^2 / k)", () => {
    let worst = 0;
    fixture.hermite.z.forEach((z, i) => {
      for (let k = 0; k <= 40; k++) {
        const exact = fixture.hermite.values[k]![i]!;
        const slope = k === 0 ? 0 : Math.sqrt(k) * fixture.hermite.values[k - 1]![i]!;
        const amp = k === 0 ? 1 : Math.sqrt(exact * exact + (slope * slope) / k);
        worst = Math.max(worst, Math.abs(hermite(k, z) - exact) / amp);
      }
    });
    expect(worst).toBeLessThanOrEqual(1e-14);
  });
});

describe("hermite: orthonormality and derivatives", () => {
  it("E[h_k h_l] = delta_kl for k, l <= 40 under Gauss-Hermite (n = 48), within 1e-13", () => {
    const rule = gaussHermite(48);
    const tables = Array.from(rule.nodes, (z) => hermiteAll(40, z));
    let worst = 0;
    for (let k = 0; k <= 40; k++) {
      for (let l = 0; l <= k; l++) {
        let sum = 0;
        tables.forEach((h, i) => (sum += rule.weights[i]! * h[k]! * h[l]!));
        worst = Math.max(worst, Math.abs(sum - (k === l ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThanOrEqual(1e-13);
  });

  it("hermiteAll repeats hermite exactly; hermiteDerivative = sqrt(k) h_{k-1} matches central differences", () => {
    const rand = testRandom(9);
    for (let i = 0; i < 50; i++) {
      const z = 16 * rand() - 8;
      const all = hermiteAll(30, z);
      for (let k = 0; k <= 30; k++) {
        expect(all[k]).toBe(hermite(k, z));
        expect(hermiteDerivative(k, z)).toBe(k === 0 ? 0 : Math.sqrt(k) * hermite(k - 1, z));
      }
    }
    const h = 1e-6;
    for (const z of [-2.5, -0.4, 0.3, 1.7]) {
      for (let k = 0; k <= 12; k++) {
        const fd = (hermite(k, z + h) - hermite(k, z - h)) / (2 * h);
        expect(Math.abs(hermiteDerivative(k, z) - fd)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(fd)));
      }
    }
  });
});

describe("hermite: bad input throws a RangeError naming the argument", () => {
  it.each([
    [() => hermite(-1, 0), /meanfield: hermite: k must be an integer >= 0, got -1/],
    [() => hermite(1.5, 0), /hermite: k must be an integer >= 0, got 1.5/],
    [() => hermite(2, Number.NaN), /hermite: z must be a finite number, got NaN/],
    [() => hermite(2, Infinity), /hermite: z must be a finite number, got Infinity/],
    [() => hermiteDerivative(-3, 0), /hermiteDerivative: k must be an integer >= 0, got -3/],
    [() => hermiteAll(-1, 0), /hermiteAll: kmax must be an integer >= 0, got -1/],
    [() => hermiteAll(3, -Infinity), /hermiteAll: z must be a finite number, got -Infinity/],
  ])("%#", (call, message) => {
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });
});
