import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  gegenbauer,
  gegenbauerAll,
  gegenbauerDerivative,
  gegenbauerDerivativeAll,
  sphericalHarmonicsDim,
} from "../src/special/gegenbauer.js";
import { gaussJacobi } from "../src/special/quadrature.js";
import { sphereExpectation } from "../src/special/expectation.js";
import { testRandom } from "./helpers.js";

interface GegenbauerFixture {
  d: number;
  t: number[];
  values: number[][];
  derivatives: number[][];
  scipy?: number[][];
}

const fixture = JSON.parse(readFileSync(new URL("./fixtures/special.json", import.meta.url), "utf8")) as {
  gegenbauer: GegenbauerFixture[];
  harmonicsDim: [number, number, number][];
  harmonicsDimLarge: [number, number, number][];
};

/**
 * The local amplitude sqrt(P^2 + (1-t^2) P'^2 / (k(k+d-2))) (Sonin's function of the Gegenbauer
 * equation): it equals |P| at every extremum and outside the zeros, and does not vanish at a
 * zero of P, so error / amplitude is a relative error that stays meaningful next to zeros.
 */
function amplitude(k: number, d: number, t: number, p: number, dp: number): number {
  return k === 0 ? 1 : Math.sqrt(p * p + ((1 - t * t) * dp * dp) / (k * (k + d - 2)));
}

describe("sphericalHarmonicsDim", () => {
  it(`equals the exact integer (2k+d-2)/k C(k+d-3, k-1) from math.comb in ${fixture.harmonicsDim.length} cases`, () => {
    for (const [d, k, n] of fixture.harmonicsDim) expect(sphericalHarmonicsDim(d, k), `d=${d} k=${k}`).toBe(n);
  });

  it("is the correctly rounded value for d up to 1e5 and k up to 30 (exact integer rounded once)", () => {
    for (const [d, k, n] of fixture.harmonicsDimLarge) expect(sphericalHarmonicsDim(d, k), `d=${d} k=${k}`).toBe(n);
    expect(sphericalHarmonicsDim(100000, 30)).toBeGreaterThan(1e113);
  });

  it("has the known special cases", () => {
    for (let k = 1; k <= 40; k++) {
      expect(sphericalHarmonicsDim(2, k)).toBe(2);
      expect(sphericalHarmonicsDim(3, k)).toBe(2 * k + 1);
    }
    for (const d of [2, 3, 10, 100000]) {
      expect(sphericalHarmonicsDim(d, 0)).toBe(1);
      expect(sphericalHarmonicsDim(d, 1)).toBe(d);
      expect(sphericalHarmonicsDim(d, 2)).toBe(((d + 2) * (d - 1)) / 2);
    }
    expect(sphericalHarmonicsDim(2000, 2000)).toBe(Infinity);
    // N(4, k) = (k+1)^2, rounded once.
    expect(sphericalHarmonicsDim(4, 1e9)).toBe(Number((10n ** 9n + 1n) ** 2n));
  });
});

describe("gegenbauer: closed forms", () => {
  const ts = [-1, -0.93, -0.5, -0.1, 0, 1e-3, 0.2, 0.577, 0.8, 0.999, 1];

  it("P_0 = 1, P_1 = t, P_2 = (d t^2 - 1)/(d-1), P_3 = ((d+2) t^3 - 3t)/(d-1), P(1) = 1", () => {
    for (const d of [2, 3, 4, 7, 100, 100000]) {
      for (const t of ts) {
        expect(gegenbauer(0, d, t)).toBe(1);
        expect(gegenbauer(1, d, t)).toBe(t);
        expect(gegenbauer(2, d, t)).toBeCloseTo((d * t * t - 1) / (d - 1), 15);
        expect(gegenbauer(3, d, t)).toBeCloseTo(((d + 2) * t ** 3 - 3 * t) / (d - 1), 15);
      }
      for (let k = 0; k <= 30; k++) expect(gegenbauer(k, d, 1)).toBe(1);
    }
  });

  // The reference's own error is about k * ulp(theta) ~ 1.3e-14 (Math.acos, then k * theta).
  it("d = 2 is Chebyshev: P_{k,2}(cos theta) = cos(k theta) to 3e-14 for k <= 30", () => {
    let worst = 0;
    for (let i = 0; i <= 200; i++) {
      const theta = 0.05 + (i / 200) * (Math.PI - 0.1);
      const t = Math.cos(theta);
      const exactTheta = Math.acos(t);
      for (let k = 0; k <= 30; k++) worst = Math.max(worst, Math.abs(gegenbauer(k, 2, t) - Math.cos(k * exactTheta)));
    }
    expect(worst).toBeLessThanOrEqual(3e-14);
  });

  it("is even/odd in t and bounded by 1 on [-1, 1]", () => {
    const rand = testRandom(3);
    for (const d of [2, 3, 5, 50, 100000]) {
      for (let i = 0; i < 50; i++) {
        const t = 2 * rand() - 1;
        for (let k = 0; k <= 30; k++) {
          const p = gegenbauer(k, d, t);
          expect(gegenbauer(k, d, -t)).toBe(k % 2 === 0 ? p : -p);
          expect(Math.abs(p)).toBeLessThanOrEqual(1);
        }
      }
    }
  });
});

describe("gegenbauer against exact values (terminating 2F1 series at 150 digits)", () => {
  for (const entry of fixture.gegenbauer) {
    const { d } = entry;
    it(`d = ${d}: error <= 2e-14 of the local amplitude, and <= 1e-12 relative wherever |P| >= 1% of it (k <= 30)`, () => {
      let worstAmplitude = 0;
      let worstRelative = 0;
      entry.t.forEach((t, i) => {
        for (let k = 0; k <= 30; k++) {
          const exact = entry.values[k]![i]!;
          const amp = amplitude(k, d, t, exact, entry.derivatives[k]![i]!);
          const err = Math.abs(gegenbauer(k, d, t) - exact);
          worstAmplitude = Math.max(worstAmplitude, err / amp);
          if (Math.abs(exact) >= 0.01 * amp) worstRelative = Math.max(worstRelative, err / Math.abs(exact));
        }
      });
      expect(worstAmplitude).toBeLessThanOrEqual(2e-14);
      expect(worstRelative).toBeLessThanOrEqual(1e-12);
    });

    it(`d = ${d}: derivatives within 2e-14 of max_t |P'_k| (normwise over the points, k <= 30)`, () => {
      for (let k = 1; k <= 30; k++) {
        const got = entry.t.map((t) => gegenbauerDerivative(k, d, t));
        let diff = 0;
        let size = 0;
        got.forEach((g, i) => {
          diff = Math.max(diff, Math.abs(g - entry.derivatives[k]![i]!));
          size = Math.max(size, Math.abs(entry.derivatives[k]![i]!));
        });
        expect(diff / size, `k=${k}`).toBeLessThanOrEqual(2e-14);
      }
    });

    if (entry.scipy) {
      const reference = d === 3 ? "scipy.special.eval_legendre" : "normalized scipy.special.eval_gegenbauer";
      it(`d = ${d}: agrees with ${reference} to 1e-13 of the amplitude (scipy's own error is up to 4.3e-14)`, () => {
        let worst = 0;
        entry.t.forEach((t, i) => {
          for (let k = 0; k <= 30; k++) {
            const amp = amplitude(k, d, t, entry.values[k]![i]!, entry.derivatives[k]![i]!);
            worst = Math.max(worst, Math.abs(gegenbauer(k, d, t) - entry.scipy![k]![i]!) / amp);
          }
        });
        expect(worst).toBeLessThanOrEqual(1e-13);
      });
    }
  }
});

describe("gegenbauer: derivatives and arrays", () => {
  it("gegenbauerAll and gegenbauerDerivativeAll repeat the scalar functions exactly", () => {
    const rand = testRandom(5);
    for (const d of [2, 3, 6, 1000, 100000]) {
      for (let i = 0; i < 20; i++) {
        const t = 2 * rand() - 1;
        const all = gegenbauerAll(30, d, t);
        const dall = gegenbauerDerivativeAll(30, d, t);
        expect(all.length).toBe(31);
        for (let k = 0; k <= 30; k++) {
          expect(all[k]).toBe(gegenbauer(k, d, t));
          expect(dall[k]).toBe(gegenbauerDerivative(k, d, t));
        }
      }
    }
    expect(Array.from(gegenbauerAll(0, 5, 0.3))).toEqual([1]);
    expect(Array.from(gegenbauerDerivativeAll(0, 5, 0.3))).toEqual([0]);
  });

  it("derivatives match central differences", () => {
    const h = 1e-6;
    for (const d of [2, 3, 9, 400]) {
      for (const t of [-0.7, -0.2, 0.05, 0.4, 0.9]) {
        for (let k = 0; k <= 12; k++) {
          const fd = (gegenbauer(k, d, t + h) - gegenbauer(k, d, t - h)) / (2 * h);
          expect(Math.abs(gegenbauerDerivative(k, d, t) - fd)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(fd)));
        }
      }
    }
  });
});

describe("gegenbauer: orthogonality E_u[P_k(u_1) P_l(u_1)] = delta_kl / N(d,k)", () => {
  for (const d of [2, 3, 5, 10, 100, 10000, 100000]) {
    it(`d = ${d}, k, l <= 30, under Gauss-Jacobi (alpha = beta = (d-3)/2, n = 32): within 1e-13 in the orthonormal basis`, () => {
      const rule = gaussJacobi(32, (d - 3) / 2, (d - 3) / 2);
      const mass = rule.weights.reduce((s, w) => s + w, 0);
      const tables = Array.from(rule.nodes, (t) => gegenbauerAll(30, d, t));
      const norms = Array.from({ length: 31 }, (_, k) => Math.sqrt(sphericalHarmonicsDim(d, k)));
      let worst = 0;
      for (let k = 0; k <= 30; k++) {
        for (let l = 0; l <= k; l++) {
          let sum = 0;
          tables.forEach((p, i) => (sum += rule.weights[i]! * p[k]! * p[l]!));
          const gram = (norms[k]! * norms[l]! * sum) / mass;
          worst = Math.max(worst, Math.abs(gram - (k === l ? 1 : 0)));
        }
      }
      expect(worst).toBeLessThanOrEqual(1e-13);
    });
  }

  it("also under sphereExpectation (the composite rule, default resolution) at d = 3 and d = 1e5", () => {
    for (const d of [3, 100000]) {
      for (const [k, l] of [[7, 7], [7, 9], [30, 30], [30, 28], [12, 0]] as const) {
        const value = sphereExpectation((t) => gegenbauer(k, d, t) * gegenbauer(l, d, t), d);
        const gram = value * Math.sqrt(sphericalHarmonicsDim(d, k) * sphericalHarmonicsDim(d, l));
        expect(Math.abs(gram - (k === l ? 1 : 0)), `d=${d} k=${k} l=${l}`).toBeLessThanOrEqual(1e-13);
      }
    }
  });
});

describe("gegenbauer: bad input throws a RangeError naming the argument", () => {
  it.each([
    [() => gegenbauer(-1, 3, 0), /gegenbauer: k must be an integer >= 0, got -1/],
    [() => gegenbauer(2.5, 3, 0), /gegenbauer: k must be an integer >= 0, got 2.5/],
    [() => gegenbauer(2, 1, 0), /meanfield: gegenbauer: d must be an integer >= 2, got 1/],
    [() => gegenbauer(2, 3.5, 0), /gegenbauer: d must be an integer >= 2, got 3.5/],
    [() => gegenbauer(2, 3, 1.0000001), /gegenbauer: t must be a finite number in \[-1, 1\], got 1.0000001/],
    [() => gegenbauer(2, 3, Number.NaN), /gegenbauer: t must be a finite number in \[-1, 1\], got NaN/],
    [() => gegenbauer(2, 3, -Infinity), /gegenbauer: t must be a finite number in \[-1, 1\], got -Infinity/],
    [() => gegenbauerDerivative(1, 3, 2), /gegenbauerDerivative: t must be/],
    [() => gegenbauerAll(-2, 3, 0), /gegenbauerAll: kmax must be an integer >= 0, got -2/],
    [() => gegenbauerDerivativeAll(3, 0, 0), /gegenbauerDerivativeAll: d must be an integer >= 2, got 0/],
    [() => sphericalHarmonicsDim(1, 3), /sphericalHarmonicsDim: d must be an integer >= 2, got 1/],
    [() => sphericalHarmonicsDim(3, -1), /sphericalHarmonicsDim: k must be an integer >= 0, got -1/],
  ])("%#", (call, message) => {
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });
});
