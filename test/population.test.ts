import { describe, expect, it } from "vitest";
import type { ActivationSpec } from "../src/activation/spec.js";
import { GaussianNetworkPopulation, type GaussianTarget } from "../src/population/gaussianNetwork.js";
import { IsotropicGaussiansPopulation } from "../src/population/isotropicGaussians.js";
import { SphereSingleIndexPopulation } from "../src/population/sphereSingleIndex.js";
import { activationFunction } from "../src/activation/activationFunction.js";
import { hermite } from "../src/special/hermite.js";
import { normals, runtimeFor, testRandom, unitRows } from "./helpers.js";
import { monteCarlo, type Direction, type Estimate, type McProblem } from "./monteCarlo.js";

const SAMPLES = 1_000_000;

/** Rows of a random orthogonal matrix (Gram–Schmidt). */
function orthonormalRows(rand: () => number, rows: number, d: number): Float64Array {
  const u = normals(rand, rows * d);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += u[i * d + k]! * u[j * d + k]!;
      for (let k = 0; k < d; k++) u[i * d + k]! -= dot * u[j * d + k]!;
    }
    let s = 0;
    for (let k = 0; k < d; k++) s += u[i * d + k]! ** 2;
    for (let k = 0; k < d; k++) u[i * d + k]! /= Math.sqrt(s);
  }
  return u;
}

function tangent(w: Float64Array, v: Float64Array, d: number): Float64Array {
  const out = v.slice();
  for (let i = 0; i < w.length / d; i++) {
    let dot = 0;
    for (let k = 0; k < d; k++) dot += out[i * d + k]! * w[i * d + k]!;
    for (let k = 0; k < d; k++) out[i * d + k]! -= dot * w[i * d + k]!;
  }
  return out;
}

function directional(grad: { gradW: Float64Array; gradA: Float64Array }, v: Direction): number {
  let s = 0;
  for (let k = 0; k < v.w.length; k++) s += grad.gradW[k]! * v.w[k]!;
  for (let k = 0; k < v.a.length; k++) s += grad.gradA[k]! * v.a[k]!;
  return s;
}

function expectWithin(exact: number, estimate: Estimate, label: string): void {
  expect(Math.abs(exact - estimate.mean), `${label}: exact ${exact}, MC ${estimate.mean} ± ${estimate.standardError}`).toBeLessThanOrEqual(
    4 * estimate.standardError,
  );
}

function teacherValues(spec: ActivationSpec, weights: Float64Array, outputs: Float64Array, d: number) {
  const f = activationFunction(spec);
  return (x: Float64Array, row: number) => {
    let y = 0;
    for (let j = 0; j < outputs.length; j++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += weights[j * d + k]! * x[row * d + k]!;
      y += outputs[j]! * f.value(dot);
    }
    return y;
  };
}

describe("sphere single-index population loss (Funk–Hecke)", () => {
  const cases: [string, ActivationSpec, ActivationSpec][] = [
    ["quartic activation and link (Mahankali et al. 2023)", { kind: "polynomial", coefficients: [0.1, 0, -0.6, 0, 1] }, { kind: "polynomial", coefficients: [0, 0, 0.5, 0, 1] }],
    ["relu activation, tanh link", "relu", "tanh"],
    ["piecewise activation, abs link", { kind: "piecewiseLinear", breakpoints: [-0.3, 0.4], slopes: [0.2, 1, -0.5] }, "abs"],
  ];
  for (const [name, activation, link] of cases) {
    it(`${name}: loss and tangent gradient vs 1e6-sample Monte Carlo within 4 s.e.`, async () => {
      const rt = await runtimeFor("simd");
      const d = 7;
      const n = 5;
      const rand = testRandom(name.length);
      const w = unitRows(normals(rand, n * d), d);
      const q = unitRows(normals(rand, d), d);
      const a = normals(rand, n);
      const scale = 1 / n;
      const pop = new SphereSingleIndexPopulation({ d, activation, link });
      const exact = pop.evaluate(w, a, q, scale);
      expect(exact.truncationBound).toBeLessThan(1e-6);
      const h = activationFunction(link);
      const problem: McProblem = {
        d,
        sample(start, rows, x, y) {
          x.set(rt.random.sphere(11, "mc.sphere", rows, d, start));
          for (let b = 0; b < rows; b++) {
            let m = 0;
            for (let k = 0; k < d; k++) m += q[k]! * x[b * d + k]!;
            y[b] = h.value(m);
          }
        },
      };
      const dirs = [0, 1].map(() => ({ w: tangent(w, normals(rand, n * d), d), a: normals(rand, n) }));
      const mc = monteCarlo(rt, problem, { w, a, scale, activation }, dirs, SAMPLES);
      expectWithin(exact.loss, mc.loss, "loss");
      dirs.forEach((v, m) => expectWithin(directional(exact, v), mc.directional[m]!, `direction ${m}`));
    });
  }

  it("gradient matches central differences of the exact loss along tangent directions", () => {
    const d = 6;
    const n = 4;
    const rand = testRandom(4);
    const w = unitRows(normals(rand, n * d), d);
    const q = unitRows(normals(rand, d), d);
    const a = normals(rand, n);
    const pop = new SphereSingleIndexPopulation({ d, activation: "relu", link: { kind: "polynomial", coefficients: [0, 1, 0, 1] } });
    const g = pop.evaluate(w, a, q, 0.5);
    const v = { w: tangent(w, normals(rand, n * d), d), a: normals(rand, n) };
    const h = 1e-6;
    const at = (e: number) =>
      pop.evaluate(unitRows(w.map((x, k) => x + e * v.w[k]!), d), a.map((x, i) => x + e * v.a[i]!), q, 0.5).loss;
    const fd = (at(h) - at(-h)) / (2 * h);
    expect(Math.abs(fd - directional(g, v))).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
  });
});

describe("Gaussian-input population losses", () => {
  const students: [string, ActivationSpec][] = [
    ["relu", "relu"],
    ["abs", "abs"],
    ["erf", "erf"],
    ["tanh", "tanh"],
    ["sigmoid", "sigmoid"],
    ["cubic", { kind: "polynomial", coefficients: [0.2, 1, 0, -0.3] }],
    ["piecewise", { kind: "piecewiseLinear", breakpoints: [-0.5, 1], slopes: [0, 1, 0.2], valueAtZero: 0.1 }],
  ];
  for (const [name, activation] of students) {
    it(`${name} student, single-index relu teacher: loss and gradient vs Monte Carlo`, async () => {
      const rt = await runtimeFor("simd");
      const d = 8;
      const n = 4;
      const rand = testRandom(31 + name.length);
      const w = normals(rand, n * d, 0.6);
      const a = normals(rand, n);
      const q = unitRows(normals(rand, d), d);
      const target: GaussianTarget = { kind: "neurons", activation: "relu", weights: q, outputs: Float64Array.of(1) };
      const pop = new GaussianNetworkPopulation({ d, activation, target });
      const scale = 1 / n;
      const exact = pop.evaluate(w, a, scale);
      expect(exact.truncationBound).toBeLessThan(1e-6);
      const y = teacherValues("relu", q, Float64Array.of(1), d);
      const problem: McProblem = {
        d,
        sample(start, rows, x, ys) {
          x.set(rt.random.gaussian(12, "mc.gauss", rows * d, start * d));
          for (let b = 0; b < rows; b++) ys[b] = y(x, b);
        },
      };
      const dirs = [0, 1].map(() => ({ w: normals(rand, n * d), a: normals(rand, n) }));
      const mc = monteCarlo(rt, problem, { w, a, scale, activation }, dirs, SAMPLES);
      expectWithin(exact.loss, mc.loss, "loss");
      dirs.forEach((v, m) => expectWithin(directional(exact, v), mc.directional[m]!, `direction ${m}`));
    });
  }

  it("teacher a*^T |W* x| (Li, Ma, Zhang 2020): loss vs Monte Carlo, and the Hermite orders sum to it", async () => {
    const rt = await runtimeFor("simd");
    const d = 6;
    const n = 5;
    const rand = testRandom(77);
    const wStar = orthonormalRows(rand, 3, d);
    const aStar = Float64Array.of(1, 0.5, 0.8);
    const w = normals(rand, n * d, 0.5);
    const a = normals(rand, n).map(Math.abs);
    const pop = new GaussianNetworkPopulation({ d, activation: "abs", target: { kind: "neurons", activation: "abs", weights: wStar, outputs: aStar } });
    const exact = pop.evaluate(w, a, 1);
    const y = teacherValues("abs", wStar, aStar, d);
    const problem: McProblem = {
      d,
      sample(start, rows, x, ys) {
        x.set(rt.random.gaussian(13, "mc.teacher", rows * d, start * d));
        for (let b = 0; b < rows; b++) ys[b] = y(x, b);
      },
    };
    const dirs = [{ w: normals(rand, n * d), a: normals(rand, n) }];
    const mc = monteCarlo(rt, problem, { w, a, scale: 1, activation: "abs" }, dirs, SAMPLES);
    expectWithin(exact.loss, mc.loss, "loss");
    expectWithin(directional(exact, dirs[0]!), mc.directional[0]!, "direction");
    const orders = pop.hermiteOrders(w, a, 1, 400);
    for (let k = 3; k < 400; k += 2) expect(Math.abs(orders[k]!)).toBeLessThan(1e-15);
    const sum = orders.reduce((s, v) => s + v, 0);
    // Orders decay like k^{-5/2}: the tail beyond 400 is below 1e-4 of the loss.
    expect(Math.abs(sum - exact.loss)).toBeLessThan(1e-4 * exact.loss);
    expect(sum).toBeLessThanOrEqual(exact.loss + 1e-15);
  });

  it("multi-index Hermite target h1(z1) + h1(z1)h1(z2) + h2(z2)h1(z3): loss and gradient vs Monte Carlo", async () => {
    const rt = await runtimeFor("simd");
    const d = 7;
    const n = 4;
    const rand = testRandom(5);
    const u = orthonormalRows(rand, 3, d);
    const terms = [
      { coefficient: 1, degrees: [1, 0, 0] },
      { coefficient: 1, degrees: [1, 1, 0] },
      { coefficient: -0.7, degrees: [0, 2, 1] },
    ];
    for (const activation of ["relu", "tanh", { kind: "polynomial", coefficients: [0, 1, 0.5, 0.2] }] as ActivationSpec[]) {
      const w = normals(rand, n * d, 0.7);
      const a = normals(rand, n);
      const pop = new GaussianNetworkPopulation({ d, activation, target: { kind: "hermite", directions: u, terms } });
      const exact = pop.evaluate(w, a, 0.5);
      expect(pop.targetSquare).toBeCloseTo(1 + 1 + 0.49, 14);
      const problem: McProblem = {
        d,
        sample(start, rows, x, ys) {
          x.set(rt.random.gaussian(14, "mc.multi", rows * d, start * d));
          for (let b = 0; b < rows; b++) {
            const z = [0, 1, 2].map((p) => {
              let s = 0;
              for (let k = 0; k < d; k++) s += u[p * d + k]! * x[b * d + k]!;
              return s;
            });
            ys[b] = terms.reduce((s, t) => s + t.coefficient * t.degrees.reduce((m, k, p) => m * hermite(k, z[p]!), 1), 0);
          }
        },
      };
      const dirs = [{ w: normals(rand, n * d), a: normals(rand, n) }];
      const mc = monteCarlo(rt, problem, { w, a, scale: 0.5, activation }, dirs, SAMPLES);
      expectWithin(exact.loss, mc.loss, `loss (${JSON.stringify(activation)})`);
      expectWithin(directional(exact, dirs[0]!), mc.directional[0]!, `direction (${JSON.stringify(activation)})`);
    }
  }, 60_000); // 1e6 Monte-Carlo samples: about 4 s alone, more on a loaded machine

  it("gradients match central differences of the exact losses", () => {
    const d = 5;
    const n = 3;
    const rand = testRandom(8);
    const q = unitRows(normals(rand, 2 * d), d);
    const targets: GaussianTarget[] = [
      { kind: "neurons", activation: "tanh", weights: q, outputs: Float64Array.of(1, -0.5) },
      { kind: "hermite", directions: orthonormalRows(rand, 2, d), terms: [{ coefficient: 1, degrees: [2, 1] }] },
    ];
    for (const target of targets) {
      for (const activation of ["relu", "abs", "erf", "sigmoid", { kind: "piecewiseLinear", breakpoints: [0.3], slopes: [0.1, 1] }] as ActivationSpec[]) {
        const pop = new GaussianNetworkPopulation({ d, activation, target });
        const w = normals(rand, n * d, 0.8);
        const a = normals(rand, n);
        const g = pop.evaluate(w, a, 0.7);
        const v = { w: normals(rand, n * d), a: normals(rand, n) };
        const h = 1e-6;
        const at = (e: number) => pop.evaluate(w.map((x, k) => x + e * v.w[k]!), a.map((x, i) => x + e * v.a[i]!), 0.7).loss;
        const fd = (at(h) - at(-h)) / (2 * h);
        expect(Math.abs(fd - directional(g, v)), JSON.stringify(activation)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      }
    }
  });
});

describe("isotropic Gaussians (Mei–Montanari–Nguyen)", () => {
  it("loss and gradient vs Monte Carlo, piecewise-linear activation", async () => {
    const rt = await runtimeFor("simd");
    const d = 10;
    const n = 6;
    const delta = 0.5;
    const rand = testRandom(18);
    const activation: ActivationSpec = { kind: "piecewiseLinear", breakpoints: [0.5, 1.5], slopes: [0, 1.4, 0], valueAtZero: -0.7 };
    const w = normals(rand, n * d, 0.4);
    const a = Float64Array.from({ length: n }, () => 1);
    const pop = new IsotropicGaussiansPopulation({ d, activation, delta });
    const exact = pop.evaluate(w, a, 1 / n);
    const problem: McProblem = {
      d,
      sample(start, rows, x, ys) {
        const g = rt.random.gaussian(15, "mc.iso.x", rows * d, start * d);
        const u = rt.random.uniform(15, "mc.iso.y", rows, start);
        for (let b = 0; b < rows; b++) {
          const y = u[b]! < 0.5 ? 1 : -1;
          ys[b] = y;
          for (let k = 0; k < d; k++) x[b * d + k] = (1 + y * delta) * g[b * d + k]!;
        }
      },
    };
    const dirs = [{ w: normals(rand, n * d), a: normals(rand, n) }];
    const mc = monteCarlo(rt, problem, { w, a, scale: 1 / n, activation }, dirs, SAMPLES);
    expectWithin(exact.loss, mc.loss, "loss");
    expectWithin(directional(exact, dirs[0]!), mc.directional[0]!, "direction");
    const v = dirs[0]!;
    const h = 1e-6;
    const at = (e: number) => pop.evaluate(w.map((x, k) => x + e * v.w[k]!), a.map((x, i) => x + e * v.a[i]!), 1 / n).loss;
    expect(Math.abs((at(h) - at(-h)) / (2 * h) - directional(exact, v))).toBeLessThan(1e-7);
  });
});

describe("population losses refuse bad input with a message naming the argument", () => {
  const d = 3;
  const w = Float64Array.of(1, 0, 0, 0, 1, 0);
  const a = Float64Array.of(1, 1);
  it.each([
    ["non-unit weights on the sphere", () => new SphereSingleIndexPopulation({ d, activation: "relu", link: "relu" }).evaluate(Float64Array.of(2, 0, 0, 0, 1, 0), a, Float64Array.of(1, 0, 0), 0.5), /w row 0 has norm 2; on the sphere it must have norm 1/],
    ["d = 1 on the sphere", () => new SphereSingleIndexPopulation({ d: 1, activation: "relu", link: "relu" }), /d \(input dimension\) must be an integer >= 2/],
    ["q of the wrong length", () => new SphereSingleIndexPopulation({ d, activation: "relu", link: "relu" }).evaluate(w, a, Float64Array.of(1, 0), 0.5), /q has length 2, expected d = 3/],
    ["a zero weight row", () => new GaussianNetworkPopulation({ d, activation: "relu", target: { kind: "neurons", activation: "relu", weights: Float64Array.of(1, 0, 0), outputs: Float64Array.of(1) } }).evaluate(Float64Array.of(0, 0, 0, 0, 1, 0), a, 1), /w row 0 is zero/],
    ["NaN weight", () => new GaussianNetworkPopulation({ d, activation: "relu", target: { kind: "neurons", activation: "relu", weights: Float64Array.of(1, 0, 0), outputs: Float64Array.of(1) } }).evaluate(Float64Array.of(NaN, 0, 0, 0, 1, 0), a, 1), /w\[0\] is NaN/],
    ["w and a disagree", () => new GaussianNetworkPopulation({ d, activation: "relu", target: { kind: "neurons", activation: "relu", weights: Float64Array.of(1, 0, 0), outputs: Float64Array.of(1) } }).evaluate(w, Float64Array.of(1), 1), /w has length 6, expected 3/],
    ["directions not orthonormal", () => new GaussianNetworkPopulation({ d, activation: "relu", target: { kind: "hermite", directions: Float64Array.of(1, 0, 0, 1, 1, 0), terms: [{ coefficient: 1, degrees: [1, 1] }] } }), /orthonormal rows/],
    ["term degrees of the wrong length", () => new GaussianNetworkPopulation({ d, activation: "relu", target: { kind: "hermite", directions: Float64Array.of(1, 0, 0), terms: [{ coefficient: 1, degrees: [1, 1] }] } }), /terms\[0\]\.degrees must be 1 non-negative integers/],
    ["delta outside (0, 1)", () => new IsotropicGaussiansPopulation({ d, activation: "relu", delta: 1.5 }), /delta must be in \(0, 1\)/],
  ])("%s", (_name, run, message) => {
    expect(run).toThrow(message);
  });
});
