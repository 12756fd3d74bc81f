import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  gaussHermite,
  gaussJacobi,
  gaussLegendre,
  jacobiMass,
  type GaussRule,
} from "../src/special/quadrature.js";
import { gaussianExpectation, sphereExpectation } from "../src/special/expectation.js";

interface RuleFixture {
  kind: "legendre" | "hermite" | "jacobi";
  n: number;
  alpha: number;
  beta: number;
  mass: number;
  exact: { nodes: number[]; weights: number[] };
  scipy?: { nodes: number[]; weights: number[] };
  moments?: number[];
}

const fixture = JSON.parse(readFileSync(new URL("./fixtures/quadrature.json", import.meta.url), "utf8")) as {
  rules: RuleFixture[];
};

function ruleOf(r: RuleFixture): GaussRule {
  if (r.kind === "legendre") return gaussLegendre(r.n);
  if (r.kind === "hermite") return gaussHermite(r.n);
  return gaussJacobi(r.n, r.alpha, r.beta);
}

function label(r: RuleFixture): string {
  return r.kind === "jacobi" ? `jacobi(${r.n}, ${r.alpha}, ${r.beta})` : `${r.kind}(${r.n})`;
}

/** max |a - b| / max |b| over nodes, and max |a - b| / b over weights (componentwise). */
function errors(rule: GaussRule, ref: { nodes: number[]; weights: number[] }): { nodes: number; weights: number; weightsNormwise: number } {
  const scale = Math.max(...ref.nodes.map(Math.abs)) || 1;
  const top = Math.max(...ref.weights);
  let nodes = 0;
  let weights = 0;
  let weightsNormwise = 0;
  ref.nodes.forEach((x, i) => {
    nodes = Math.max(nodes, Math.abs(rule.nodes[i]! - x) / scale);
    const dw = Math.abs(rule.weights[i]! - ref.weights[i]!);
    weights = Math.max(weights, dw / ref.weights[i]!);
    weightsNormwise = Math.max(weightsNormwise, dw / top);
  });
  return { nodes, weights, weightsNormwise };
}

describe("Gauss rules against 50-digit references (mpmath Newton from numpy's Golub-Welsch eigenvalues)", () => {
  it(`${fixture.rules.length} rules, n <= 200, d <= 1e5: nodes within 5e-16 of the largest node, weights within 1e-13 relative`, () => {
    let worstNodes = 0;
    let worstWeights = 0;
    for (const r of fixture.rules) {
      const e = errors(ruleOf(r), r.exact);
      expect(e.nodes, label(r)).toBeLessThanOrEqual(5e-16);
      expect(e.weights, label(r)).toBeLessThanOrEqual(1e-13);
      worstNodes = Math.max(worstNodes, e.nodes);
      worstWeights = Math.max(worstWeights, e.weights);
    }
    expect(worstNodes).toBeGreaterThan(0);
    expect(worstWeights).toBeGreaterThan(0);
  });

  it("total weight = 2^(a+b+1) B(a+1, b+1) (1 for Hermite): jacobiMass within 1e-15, summed weights within 2e-15", () => {
    for (const r of fixture.rules) {
      const rule = ruleOf(r);
      const total = rule.weights.reduce((s, w) => s + w, 0);
      expect(Math.abs(total - r.mass) / r.mass, label(r)).toBeLessThanOrEqual(2e-15);
      if (r.kind !== "hermite") expect(Math.abs(jacobiMass(r.alpha, r.beta) - r.mass) / r.mass, label(r)).toBeLessThanOrEqual(1e-15);
      for (let i = 1; i < r.n; i++) expect(rule.nodes[i]!).toBeGreaterThan(rule.nodes[i - 1]!);
    }
  });

  it("agrees with scipy.special roots_legendre / roots_jacobi / roots_hermitenorm to 1e-13 wherever scipy is itself that accurate", () => {
    let compared = 0;
    for (const r of fixture.rules) {
      if (!r.scipy) continue;
      const scipyOwn = errors({ nodes: Float64Array.from(r.scipy.nodes), weights: Float64Array.from(r.scipy.weights) }, r.exact);
      const e = errors(ruleOf(r), r.scipy);
      // Nodes always; scipy's weights drift to 5e-11 (d = 1e5, n = 5) in places, so weights only
      // where scipy is right to 1e-13 (relative to the largest weight).
      expect(e.nodes, label(r)).toBeLessThanOrEqual(1e-13);
      if (scipyOwn.weightsNormwise <= 1e-13) {
        expect(e.weightsNormwise, label(r)).toBeLessThanOrEqual(1e-13);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(45);
  });
});

describe("Gauss rules integrate monomials of degree <= 2n-1 exactly (against closed-form moments)", () => {
  const sizes = [1, 2, 3, 4, 5, 7, 10, 16, 33, 64, 100, 200];

  it("Legendre: int t^j dt = 2/(j+1) for even j (relative error <= 1e-13), 0 for odd j (<= 1e-15 of int |t|^j)", () => {
    for (const n of sizes) {
      const rule = gaussLegendre(n);
      for (let j = 0; j <= 2 * n - 1; j++) {
        let sum = 0;
        rule.nodes.forEach((x, i) => (sum += rule.weights[i]! * x ** j));
        if (j % 2 === 1) expect(Math.abs(sum) * ((j + 1) / 2), `n=${n} j=${j}`).toBeLessThanOrEqual(1e-15);
        else expect(Math.abs(sum - 2 / (j + 1)) * ((j + 1) / 2), `n=${n} j=${j}`).toBeLessThanOrEqual(1e-13);
      }
    }
  });

  // Beyond j = 200 the largest node (27.5 at n = 200) raised to the j-th power overflows.
  it("Hermite: E[z^j] = (j-1)!! for even j <= min(2n-1, 200), relative error <= 1e-13", () => {
    for (const n of sizes) {
      const rule = gaussHermite(n);
      let moment = 1;
      for (let j = 0; j <= Math.min(2 * n - 1, 200); j += 2) {
        if (j > 0) moment *= j - 1;
        let sum = 0;
        rule.nodes.forEach((x, i) => (sum += rule.weights[i]! * x ** j));
        expect(Math.abs(sum - moment) / moment, `n=${n} j=${j}`).toBeLessThanOrEqual(1e-13);
      }
    }
  });

  it("sphere Jacobi (alpha = beta = (d-3)/2, d up to 1e5): E[t^2m] = prod_{i<m} (i+1/2)/(i+alpha+3/2), relative error <= 1e-13", () => {
    for (const d of [2, 3, 4, 7, 100, 1000, 100000]) {
      const a = (d - 3) / 2;
      for (const n of [1, 5, 16, 64, 200]) {
        const rule = gaussJacobi(n, a, a);
        const mass = jacobiMass(a, a);
        let moment = 1;
        // Stop before the moments (1e-311 at d = 1e5, 2m = 198) become subnormal.
        for (let m = 0; 2 * m <= 2 * n - 1; m++) {
          if (m > 0) moment *= (m - 0.5) / (m + a + 0.5);
          if (moment < 1e-290) break;
          let sum = 0;
          rule.nodes.forEach((x, i) => (sum += rule.weights[i]! * x ** (2 * m)));
          expect(Math.abs(sum / mass - moment) / moment, `d=${d} n=${n} 2m=${2 * m}`).toBeLessThanOrEqual(1e-13);
        }
      }
    }
  });

  it("non-symmetric Jacobi: E[t^j] against the 50-digit moments, error <= 1e-13 of E[|t|^j]", () => {
    for (const r of fixture.rules) {
      if (!r.moments) continue;
      const rule = ruleOf(r);
      r.moments.forEach((moment, j) => {
        let sum = 0;
        let size = 0;
        rule.nodes.forEach((x, i) => {
          sum += rule.weights[i]! * x ** j;
          size += rule.weights[i]! * Math.abs(x) ** j;
        });
        if (size / r.mass > 1e-290) {
          expect(Math.abs(sum / r.mass - moment) / (size / r.mass), `${label(r)} j=${j}`).toBeLessThanOrEqual(1e-13);
        }
      });
    }
  });
});

describe("Gauss rules: caching, symmetry, range", () => {
  it("returns fresh arrays from the cache: changing one result does not change the next", () => {
    const a = gaussJacobi(12, 0.5, -0.25);
    const b = gaussJacobi(12, 0.5, -0.25);
    expect(Array.from(b.nodes)).toEqual(Array.from(a.nodes));
    expect(b.nodes).not.toBe(a.nodes);
    a.nodes[0] = 42;
    a.weights.fill(0);
    expect(gaussJacobi(12, 0.5, -0.25).nodes[0]).toBe(b.nodes[0]);
    expect(gaussJacobi(12, 0.5, -0.25).weights[0]).toBe(b.weights[0]);
  });

  it("symmetric weights give exactly symmetric rules with 0 in the middle for odd n", () => {
    for (const rule of [gaussLegendre(41), gaussHermite(41), gaussJacobi(41, 3.5, 3.5)]) {
      expect(Object.is(rule.nodes[20], 0)).toBe(true);
      for (let i = 0; i < 41; i++) {
        expect(rule.nodes[i] === -rule.nodes[40 - i]!).toBe(true);
        expect(rule.weights[i]).toBe(rule.weights[40 - i]);
      }
    }
  });

  it("large rules stay finite: Hermite n = 1000 (weights underflow only below 1e-308), Jacobi alpha = beta = 1e6", () => {
    const big = gaussHermite(1000);
    expect(Math.abs(big.weights.reduce((s, w) => s + w, 0) - 1)).toBeLessThanOrEqual(1e-14);
    expect(big.weights.every((w) => Number.isFinite(w) && w >= 0)).toBe(true);
    const narrow = gaussJacobi(50, 1e6, 1e6);
    const total = narrow.weights.reduce((s, w) => s + w, 0);
    expect(Math.abs(total - jacobiMass(1e6, 1e6)) / total).toBeLessThanOrEqual(1e-14);
    // (1-t^2)^alpha ~ exp(-alpha t^2): nodes are Hermite nodes / sqrt(2 alpha) to O(1/alpha).
    expect(Math.abs(narrow.nodes[49]! * Math.sqrt(2e6) - gaussHermite(50).nodes[49]!)).toBeLessThanOrEqual(2e-3);
  });
});

describe("sphereExpectation: E[f(u_1)], u uniform on S^{d-1}", () => {
  // The composite rule sums about a thousand terms, hence a few ulps.
  it("moments E[u_1^2] = 1/d and E[u_1^4] = 3/(d(d+2)) to 5e-15 relative, d = 2 .. 1e5", () => {
    for (const d of [2, 3, 4, 5, 10, 100, 1000, 100000]) {
      expect(Math.abs(sphereExpectation((t) => t * t, d) * d - 1), `d=${d}`).toBeLessThanOrEqual(5e-15);
      expect(Math.abs((sphereExpectation((t) => t ** 4, d) * d * (d + 2)) / 3 - 1), `d=${d}`).toBeLessThanOrEqual(5e-15);
    }
  });

  it("E|u_1| (kink at 0) = Gamma(d/2) / (sqrt(pi) Gamma((d+1)/2)) to 5e-15 with the kink, not without it", () => {
    const exact: [number, number][] = [
      [2, 2 / Math.PI],
      [3, 0.5],
      [4, 4 / (3 * Math.PI)],
      [5, 3 / 8],
    ];
    for (const [d, value] of exact) {
      expect(Math.abs(sphereExpectation(Math.abs, d, { kinks: [0] }) - value) / value, `d=${d}`).toBeLessThanOrEqual(5e-15);
    }
    // A kink placed at a node gap costs the composite rule its spectral accuracy.
    const blind = sphereExpectation((t) => Math.abs(t - 0.3), 3);
    const split = sphereExpectation((t) => Math.abs(t - 0.3), 3, { kinks: [0.3] });
    expect(Math.abs(split - (0.3 * 0.3 + 1) / 2)).toBeLessThanOrEqual(5e-15);
    expect(Math.abs(blind - split)).toBeGreaterThan(1e-12);
  });
});

describe("gaussianExpectation: E[f(z)], z ~ N(0,1)", () => {
  it("moments and kinked functions to 5e-15 relative", () => {
    const rel = (got: number, exact: number) => Math.abs(got - exact) / Math.abs(exact);
    expect(rel(gaussianExpectation((z) => z * z), 1)).toBeLessThanOrEqual(5e-15);
    expect(rel(gaussianExpectation((z) => z ** 8), 105)).toBeLessThanOrEqual(5e-15);
    expect(rel(gaussianExpectation((z) => Math.max(z, 0), { kinks: [0] }), 1 / Math.sqrt(2 * Math.PI))).toBeLessThanOrEqual(5e-15);
    expect(rel(gaussianExpectation(Math.abs, { kinks: [0] }), Math.sqrt(2 / Math.PI))).toBeLessThanOrEqual(5e-15);
    // E[(z-1)_+] = phi(1) - (1 - Phi(1)) (mpmath, 40 digits).
    expect(rel(gaussianExpectation((z) => Math.max(z - 1, 0), { kinks: [1] }), 0.0833154705876864)).toBeLessThanOrEqual(5e-15);
  });
});

describe("quadrature: bad input throws a RangeError naming the argument", () => {
  it.each([
    [() => gaussLegendre(0), /meanfield: gaussLegendre: n must be an integer >= 1, got 0/],
    [() => gaussHermite(2.5), /gaussHermite: n must be an integer >= 1, got 2.5/],
    [() => gaussJacobi(3, -1, 0), /gaussJacobi: alpha must be a finite number > -1, got -1/],
    [() => gaussJacobi(3, 0, Number.NaN), /gaussJacobi: beta must be a finite number > -1, got NaN/],
    [() => gaussJacobi(3, 1e5, 0), /gaussJacobi: the total weight .* is outside the double range/],
    [() => sphereExpectation((t) => t, 1), /sphereExpectation: d must be an integer >= 2, got 1/],
    [() => sphereExpectation((t) => t, 3, { kinks: [Number.NaN] }), /sphereExpectation: options.kinks\[0\] must be a finite number, got NaN/],
    [() => sphereExpectation((t) => t, 3, { panels: 0 }), /sphereExpectation: options.panels must be an integer >= 1, got 0/],
    [() => gaussianExpectation((z) => z, { order: 1.5 }), /gaussianExpectation: options.order must be an integer >= 1, got 1.5/],
    [() => gaussianExpectation(3 as unknown as (z: number) => number), /gaussianExpectation: f must be a function/],
  ])("%#", (call, message) => {
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });
});
