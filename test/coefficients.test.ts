import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ActivationSpec } from "../src/activation/spec.js";
import {
  hermiteCoefficients,
  hermiteCoefficientsOfPolynomial,
  sphereCoefficients,
  sphereCoefficientsOfPolynomial,
} from "../src/activation/coefficients.js";
import { gegenbauerAll, sphericalHarmonicsDim } from "../src/special/gegenbauer.js";
import { hermiteAll } from "../src/special/hermite.js";
import { testRandom } from "./helpers.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/coefficients.json", import.meta.url), "utf8")) as {
  sphere: { name: string; d: number; spec: ActivationSpec; orthonormal: number[]; norm: number }[];
  polynomials: { name: string; d: number; coefficients: number[]; exact: number[] }[];
  gaussian: { name: string; spec: ActivationSpec; coefficients: number[]; norm: number }[];
};

/** max_k |c_k / sqrt(N(d,k)) - exact_k| / ||f||: the error in the orthonormal basis sqrt(N) P_k. */
function sphereError(c: Float64Array, d: number, orthonormal: number[], norm: number): number {
  let worst = 0;
  orthonormal.forEach((exact, k) => {
    worst = Math.max(worst, Math.abs(c[k]! / Math.sqrt(sphericalHarmonicsDim(d, k)) - exact) / norm);
  });
  return worst;
}

describe("sphereCoefficientsOfPolynomial: exact expansion in P_{k,d}", () => {
  it(`matches exact rational arithmetic in ${fixture.polynomials.length} cases (d = 2 .. 1e5, degree <= 12) to 1e-14 relative per coefficient`, () => {
    for (const p of fixture.polynomials) {
      const c = sphereCoefficientsOfPolynomial(p.coefficients, p.d);
      expect(c.length).toBe(p.coefficients.length);
      p.exact.forEach((exact, k) => {
        const err = exact === 0 ? Math.abs(c[k]!) : Math.abs(c[k]! - exact) / Math.abs(exact);
        expect(err, `${p.name} d=${p.d} k=${k}`).toBeLessThanOrEqual(1e-14);
      });
    }
  });

  it("reproduces the polynomial: sum_k c_k P_{k,d}(t) = f(t), and sum_k c_k = f(1)", () => {
    const rand = testRandom(21);
    const coeffs = [0.3, -1, 0.5, 0.25, 1, 0, -0.125, 0.0625];
    for (const d of [2, 3, 8, 500, 100000]) {
      const c = sphereCoefficientsOfPolynomial(coeffs, d);
      for (let i = 0; i < 30; i++) {
        const t = 2 * rand() - 1;
        const p = gegenbauerAll(c.length - 1, d, t);
        const series = c.reduce((s, ck, k) => s + ck * p[k]!, 0);
        const direct = coeffs.reduce((s, a, j) => s + a * t ** j, 0);
        expect(Math.abs(series - direct)).toBeLessThanOrEqual(1e-14);
      }
      expect(Math.abs(c.reduce((s, x) => s + x, 0) - coeffs.reduce((s, x) => s + x, 0))).toBeLessThanOrEqual(1e-14);
    }
  });

  it("t^2 = 1/d + (d-1)/d P_{2,d} exactly", () => {
    for (const d of [2, 3, 10, 100000]) {
      expect(Array.from(sphereCoefficientsOfPolynomial([0, 0, 1], d))).toEqual([1 / d, 0, (d - 1) / d]);
    }
  });
});

describe("hermiteCoefficientsOfPolynomial: exact expansion in h_k", () => {
  it("z^4 = 3 h_0 + 6 sqrt(2) h_2 + sqrt(24) h_4, and quadrature agrees for a degree-12 polynomial to 1e-14", () => {
    const c = hermiteCoefficientsOfPolynomial([0, 0, 0, 0, 1]);
    const expected = [3, 0, 6 * Math.SQRT2, 0, Math.sqrt(24)];
    expected.forEach((e, k) => expect(Math.abs(c[k]! - e)).toBeLessThanOrEqual(2e-15 * Math.max(1, e)));
    const coeffs = [1, -0.5, 0.3, 0.1, -0.2, 0.05, 0.01, -0.02, 0.004, 0.001, -0.0005, 0.0001, 0.00002];
    const exact = hermiteCoefficientsOfPolynomial(coeffs);
    const byQuadrature = hermiteCoefficients((z) => coeffs.reduce((s, a, j) => s + a * z ** j, 0), 12);
    const scale = Math.sqrt(exact.reduce((s, x) => s + x * x, 0));
    exact.forEach((e, k) => expect(Math.abs(byQuadrature[k]! - e) / scale, `k=${k}`).toBeLessThanOrEqual(1e-14));
  });

  it("reproduces the polynomial: sum_k a_k h_k(z) = f(z)", () => {
    const coeffs = [0.3, -1, 0.5, 0.25, 1];
    const a = hermiteCoefficientsOfPolynomial(coeffs);
    for (const z of [-3, -0.7, 0, 0.2, 1.9, 4]) {
      const h = hermiteAll(4, z);
      const series = a.reduce((s, ak, k) => s + ak * h[k]!, 0);
      const direct = coeffs.reduce((s, c, j) => s + c * z ** j, 0);
      expect(Math.abs(series - direct)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(direct)));
    }
  });
});

describe("sphereCoefficients of non-smooth activations against exact moments (80 digits)", () => {
  for (const d of [...new Set(fixture.sphere.map((c) => c.d))]) {
    it(`d = ${d}: relu, abs and piecewise-linear, k <= 30: orthonormal-basis error <= 1e-13 ||f||`, () => {
      for (const c of fixture.sphere.filter((entry) => entry.d === d)) {
        const got = sphereCoefficients(c.spec, d, 30);
        expect(got.length).toBe(31);
        expect(sphereError(got, d, c.orthonormal, c.norm), c.name).toBeLessThanOrEqual(1e-13);
      }
    });
  }

  it("a plain function with its kinks passed in options gives the same coefficients as the spec", () => {
    for (const d of [3, 1000]) {
      const spec = sphereCoefficients("relu", d, 20);
      const fn = sphereCoefficients((t) => Math.max(t, 0), d, 20, { kinks: [0] });
      const norm = 1 / Math.sqrt(2 * d);
      for (let k = 0; k <= 20; k++) {
        expect(Math.abs(fn[k]! - spec[k]!) / Math.sqrt(sphericalHarmonicsDim(d, k)) / norm).toBeLessThanOrEqual(1e-14);
      }
    }
  });
});

describe("sphereCoefficients: polynomials and smooth functions", () => {
  it("a polynomial spec takes the exact path, truncated or zero-padded to kmax", () => {
    const coeffs = [0.3, -1, 0.5, 0.25, 1];
    const exact = sphereCoefficientsOfPolynomial(coeffs, 7);
    expect(Array.from(sphereCoefficients({ kind: "polynomial", coefficients: coeffs }, 7, 6))).toEqual([...exact, 0, 0]);
    expect(Array.from(sphereCoefficients({ kind: "polynomial", coefficients: coeffs }, 7, 2))).toEqual(Array.from(exact.subarray(0, 3)));
  });

  it("quadrature of a polynomial given as a function matches the exact path to 1e-14 ||f|| (d = 2 .. 1e5)", () => {
    const coeffs = [1, -0.5, 0.3, 0.1, -0.2, 0.05, 0.01, -0.02, 0.004, 0.001, -0.0005, 0.0001, 0.00002];
    const f = (t: number) => coeffs.reduce((s, a, j) => s + a * t ** j, 0);
    for (const d of [2, 3, 10, 1000, 100000]) {
      const exact = sphereCoefficientsOfPolynomial(coeffs, d);
      const quad = sphereCoefficients(f, d, 30);
      const orthonormal = Array.from({ length: 31 }, (_, k) => (k < exact.length ? exact[k]! / Math.sqrt(sphericalHarmonicsDim(d, k)) : 0));
      const norm = Math.sqrt(orthonormal.reduce((s, x) => s + x * x, 0));
      expect(sphereError(quad, d, orthonormal, norm), `d=${d}`).toBeLessThanOrEqual(1e-14);
    }
  });

  it("tanh: coefficients converge (sum_k c_k = tanh(1)) and satisfy Parseval against sphereExpectation", () => {
    const d = 3;
    const c = sphereCoefficients("tanh", d, 40);
    expect(Math.abs(c.reduce((s, x) => s + x, 0) - Math.tanh(1))).toBeLessThanOrEqual(1e-14);
    const energy = c.reduce((s, x, k) => s + (x * x) / sphericalHarmonicsDim(d, k), 0);
    // E[tanh(u_1)^2] for d = 3 (u_1 uniform on [-1, 1]) = 1 - tanh(1).
    expect(Math.abs(energy - (1 - Math.tanh(1)))).toBeLessThanOrEqual(1e-14);
  });
});

describe("hermiteCoefficients against closed forms and mpmath", () => {
  it("relu: a_0 = 1/sqrt(2 pi), a_1 = 1/2, a_k = He_{k-2}(0) phi(0) / sqrt(k!) (k >= 2) to 1e-15", () => {
    const a = hermiteCoefficients("relu", 40);
    const phi0 = 1 / Math.sqrt(2 * Math.PI);
    let heAtZero = 1;
    let logFactorial = Math.log(2);
    for (let k = 0; k <= 40; k++) {
      let exact: number;
      if (k === 0) exact = phi0;
      else if (k === 1) exact = 0.5;
      else {
        if (k > 2) logFactorial += Math.log(k);
        if (k % 2 === 0 && k >= 4) heAtZero *= -(k - 3);
        exact = k % 2 === 1 ? 0 : (heAtZero * phi0) / Math.exp(logFactorial / 2);
      }
      expect(Math.abs(a[k]! - exact), `k=${k}`).toBeLessThanOrEqual(1e-15);
    }
  });

  for (const c of fixture.gaussian) {
    it(`${c.name}: k <= 30 within 1e-13 ||f||`, () => {
      const got = hermiteCoefficients(c.spec, 30);
      let worst = 0;
      c.coefficients.forEach((exact, k) => (worst = Math.max(worst, Math.abs(got[k]! - exact) / c.norm)));
      expect(worst).toBeLessThanOrEqual(1e-13);
    });
  }
});

describe("coefficients: bad input throws a RangeError naming the argument", () => {
  it.each([
    [() => sphereCoefficients("relu", 1, 3), /sphereCoefficients: d must be an integer >= 2, got 1/],
    [() => sphereCoefficients("relu", 3, -1), /sphereCoefficients: kmax must be an integer >= 0, got -1/],
    [() => sphereCoefficients({ kind: "swish" }, 3, 3), /meanfield: f\.kind: kind must be one of/],
    [() => sphereCoefficients("relu", 3, 3, { kinks: [Infinity] }), /sphereCoefficients: options.kinks\[0\] must be a finite number, got Infinity/],
    [() => hermiteCoefficients("abs", 2.5), /hermiteCoefficients: kmax must be an integer >= 0, got 2.5/],
    [() => hermiteCoefficients((z) => z, 3, { order: 0 }), /hermiteCoefficients: options.order must be an integer >= 1, got 0/],
    [() => sphereCoefficientsOfPolynomial([], 3), /sphereCoefficientsOfPolynomial: coeffs must be a non-empty array/],
    [() => sphereCoefficientsOfPolynomial([1, Number.NaN], 3), /sphereCoefficientsOfPolynomial: coeffs\[1\] must be a finite number, got NaN/],
    [() => sphereCoefficientsOfPolynomial([1], 0), /sphereCoefficientsOfPolynomial: d must be an integer >= 2, got 0/],
    [() => hermiteCoefficientsOfPolynomial([Infinity]), /hermiteCoefficientsOfPolynomial: coeffs\[0\] must be a finite number, got Infinity/],
  ])("%#", (call, message) => {
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });
});
