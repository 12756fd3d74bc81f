// The order-parameter ODEs (src/ode/) against independent truths: the Saad–Solla closed forms
// against Monte Carlo and against Gauss–Hermite product rules; the product rules against Isserlis'
// theorem; the Dormand–Prince integrator against a matrix exponential; the ODE's first-order
// drift against the exact population gradient of src/population/ (Hermite series, no code shared);
// and the ODE against online SGD of the network at growing d.

import { describe, expect, it } from "vitest";
import { CommitteeOde, parameterViews, flatten } from "../src/ode/committeeOde.js";
import { integrate } from "../src/ode/dormandPrince.js";
import { ErfIntegrals, QuadratureIntegrals, gaussianProductAverage } from "../src/ode/fieldIntegrals.js";
import { compareOdeWithNetwork } from "../src/ode/compare.js";
import { odeSetup, solveOde } from "../src/ode/solveOde.js";
import { GaussianNetworkPopulation } from "../src/population/gaussianNetwork.js";
import { erf, erfDerivative } from "../src/special/erf.js";
import { runtimeFor } from "./helpers.js";

/** A seeded generator (mulberry32) and standard normals by Box–Muller: the test's own randomness. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** A random m x m covariance A A^T + 0.2 I, A with N(0, amplitude^2) entries. */
function covariance(m: number, seed: number, amplitude = 0.6): Float64Array {
  const z = normals(seed);
  const a = Array.from({ length: m * m }, () => amplitude * z());
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
    let s = i === j ? 0.2 : 0;
    for (let k = 0; k < m; k++) s += a[i * m + k]! * a[j * m + k]!;
    c[i * m + j] = s;
  }
  return c;
}

/** Samples of x ~ N(0, C) through the Cholesky factor, as rows. */
function gaussianSamples(c: Float64Array, m: number, count: number, seed: number): Float64Array[] {
  const l = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    let diag = c[j * m + j]!;
    for (let k = 0; k < j; k++) diag -= l[j * m + k]! ** 2;
    l[j * m + j] = Math.sqrt(diag);
    for (let i = j + 1; i < m; i++) {
      let s = c[i * m + j]!;
      for (let k = 0; k < j; k++) s -= l[i * m + k]! * l[j * m + k]!;
      l[i * m + j] = s / l[j * m + j]!;
    }
  }
  const z = normals(seed);
  return Array.from({ length: count }, () => {
    const u = Array.from({ length: m }, z);
    const x = new Float64Array(m);
    for (let i = 0; i < m; i++) for (let k = 0; k <= i; k++) x[i]! += l[i * m + k]! * u[k]!;
    return x;
  });
}

function meanAndError(values: number[]): { mean: number; se: number } {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n) };
}

describe("Gaussian field averages", () => {
  const closed = new ErfIntegrals();

  it("the erf closed forms agree with Monte Carlo (200 000 samples) within 4 standard errors", () => {
    const n = 200_000;
    for (const seed of [1, 2]) {
      const c4 = covariance(4, seed);
      const xs = gaussianSamples(c4, 4, n, 100 + seed);
      const sub = (idx: number[]) => Float64Array.from(idx.flatMap((i) => idx.map((j) => c4[i * 4 + j]!)));
      const cases: [number, number[]][] = [
        [closed.i2(sub([0, 1])), xs.map((x) => erf(x[0]!) * erf(x[1]!))],
        [closed.i3(sub([0, 1, 2])), xs.map((x) => erfDerivative(x[0]!) * x[1]! * erf(x[2]!))],
        [closed.i4(c4), xs.map((x) => erfDerivative(x[0]!) * erfDerivative(x[1]!) * erf(x[2]!) * erf(x[3]!))],
        [closed.j2(sub([0, 1])), xs.map((x) => erfDerivative(x[0]!) * erfDerivative(x[1]!))],
      ];
      for (const [exact, samples] of cases) {
        const { mean, se } = meanAndError(samples);
        expect(Math.abs(exact - mean)).toBeLessThan(4 * se);
      }
    }
  });

  it("the erf closed forms agree with high-order Gauss–Hermite product rules to 3e-14 (field variances 0.3-0.8)", () => {
    // The rules converge geometrically at a rate set by the variances (erf(σ z) sharpens with σ):
    // at variances near 2.5 the same orders reach only 1e-9.
    const rules = QuadratureIntegrals.of("erf", "erf", { low: 60, four: 40 });
    let worst = 0;
    for (const seed of [3, 4]) {
      const c4 = covariance(4, seed, 0.3);
      const sub = (idx: number[]) => Float64Array.from(idx.flatMap((i) => idx.map((j) => c4[i * 4 + j]!)));
      worst = Math.max(
        worst,
        Math.abs(closed.i2(sub([0, 1])) - rules.i2(sub([0, 1]), "student", "teacher")),
        Math.abs(closed.i3(sub([0, 1, 2])) - rules.i3(sub([0, 1, 2]), "teacher")),
        Math.abs(closed.j2(sub([0, 1])) - rules.j2(sub([0, 1]))),
        Math.abs(closed.i4(c4) - rules.i4(c4, "student", "teacher")),
      );
    }
    // Measured: 6e-15 (the issue asked for 1e-12; the bound sits 5x above what is reached).
    expect(worst).toBeLessThan(3e-14);
  }, 60_000);

  it("product rules reproduce Isserlis' theorem, with a repeated (dependent) field", () => {
    const c3 = covariance(3, 7);
    // Fields (x0, x1, x2, x0): E[x0 x1 x2 x0] = C00 C12 + 2 C01 C02.
    const c4 = new Float64Array(16);
    const idx = [0, 1, 2, 0];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) c4[i * 4 + j] = c3[idx[i]! * 3 + idx[j]!]!;
    const id = (t: number) => t;
    const got = gaussianProductAverage(c4, [id, id, id, id], 3);
    const want = c3[0]! * c3[5]! + 2 * c3[1]! * c3[2]!;
    expect(Math.abs(got - want)).toBeLessThan(1e-13 * Math.abs(want));
  });
});

describe("Dormand–Prince", () => {
  it("integrates y' = A y (rotation with decay) to the requested tolerance", () => {
    const f = (y: Float64Array, dy: Float64Array) => {
      dy[0] = -0.1 * y[0]! - y[1]!;
      dy[1] = y[0]! - 0.1 * y[1]!;
    };
    const y = Float64Array.of(1, 0);
    integrate(f, y, 0, 10, { rtol: 1e-10, atol: 1e-12 }, { h: 0.01 });
    const decay = Math.exp(-1);
    expect(Math.abs(y[0]! - decay * Math.cos(10))).toBeLessThan(1e-8);
    expect(Math.abs(y[1]! - decay * Math.sin(10))).toBeLessThan(1e-8);
  });
});

describe("the committee ODE", () => {
  it("its first-order drift equals the exact population gradient flow (tanh student, erf teacher)", async () => {
    const runtime = await runtimeFor("simd");
    const d = 12;
    const k = 3;
    const h = 0.05;
    const config = {
      seed: 5,
      task: { kind: "teacherNetwork", d, width: 2, activation: "erf", outputs: [1, -0.5] },
      model: { width: k, activation: "tanh", scaling: "committee", init: { firstLayer: { kind: "gaussian", kappa: 0.7 }, secondLayer: { kind: "gaussian" } } },
      algorithm: { kind: "populationGd", steps: 1, stepSize: h },
    } as const;
    const setup = await odeSetup(config, { runtime, orders: { low: 48, four: 8 } });
    const views = (y: Float64Array) => parameterViews(y, k, 2);
    const dy = new Float64Array(flatten(setup.initial).length);
    setup.ode.derivative(setup.initial, views(dy));
    // Population GD moves w by -h (1 / (N s^2)) grad_w L per step; the ODE's time is steps / d.
    const { TwoLayerNetwork, networkOptionsOf } = await import("../src/model/network.js");
    const { parseConfig } = await import("../src/config.js");
    const resolved = parseConfig(config);
    const net = new TwoLayerNetwork(runtime, networkOptionsOf(resolved, "tanh"));
    const w = net.w.toArray();
    const a = net.a.toArray();
    net.free();
    const population = new GaussianNetworkPopulation({ d, activation: "tanh", target: { kind: "neurons", activation: "erf", weights: setup.teacherDirections, outputs: Float64Array.of(1, -0.5) } });
    const { gradW, gradA } = population.evaluate(w, a, 1);
    const rate = d * (h / k);
    const v = views(dy);
    let worst = 0;
    for (let i = 0; i < k; i++) {
      for (let n = 0; n < 2; n++) {
        let g = 0;
        for (let c = 0; c < d; c++) g += gradW[i * d + c]! * setup.teacherDirections[n * d + c]!;
        worst = Math.max(worst, Math.abs(v.r[i * 2 + n]! - -rate * g));
      }
      for (let j = 0; j < k; j++) {
        let g = 0;
        for (let c = 0; c < d; c++) g += gradW[i * d + c]! * w[j * d + c]! + gradW[j * d + c]! * w[i * d + c]!;
        worst = Math.max(worst, Math.abs(v.q[i * k + j]! - -rate * g));
      }
      worst = Math.max(worst, Math.abs(v.v[i]! - -rate * gradA[i]!));
    }
    console.log(`ODE drift against the exact population gradient: max difference ${worst.toExponential(2)}`);
    // Measured: 1.9e-9, for drifts of order 0.1 (Gauss–Hermite with 48 nodes against the Hermite series).
    expect(worst).toBeLessThan(4e-9);
  });

  it("tracks online SGD: the gap of the order parameters before the escape shrinks with d", async () => {
    const runtime = await runtimeFor("simd");
    const gap = async (d: number) => {
      const config = {
        seed: 11,
        task: { kind: "teacherNetwork", d, width: 2, activation: "erf" },
        model: { width: 2, activation: "erf", scaling: "committee", train: "first", init: { firstLayer: { kind: "gaussian", kappa: 0.1 } } },
        algorithm: { kind: "onlineSgd", batch: 1, steps: 15 * d, stepSize: 1 / d },
        metrics: { include: ["populationLoss"], schedule: { kind: "every", steps: d } },
      } as const;
      const result = await compareOdeWithNetwork(config, { runtime });
      return { overlap: result.maxOverlapGap, loss: result.maxLossGap };
    };
    const small = await gap(100);
    const large = await gap(1600);
    console.log(`ODE-SGD gaps: d = 100 overlaps ${small.overlap.toExponential(2)} loss ${small.loss.toExponential(2)}; d = 1600 overlaps ${large.overlap.toExponential(2)} loss ${large.loss.toExponential(2)}`);
    // Measured: overlap gaps 3.0e-2 at d = 100 and 7.4e-3 at d = 1600 (ratio 4 = sqrt(16)).
    expect(large.overlap).toBeLessThan(small.overlap / 2);
    expect(large.overlap).toBeLessThan(0.02);
    expect(large.loss).toBeLessThan(small.loss / 2);
  }, 60_000);

  it("with output noise and weight decay it tracks online SGD, and both terms move it by more than the gap", async () => {
    const runtime = await runtimeFor("simd");
    // sigma = 0.5, lambda = 0.05 at h = 1/d: kappa_w = kappa_v = lambda h d = 0.05 per unit ODE time.
    const config = (d: number, sigma: number, lambda: number) =>
      ({
        seed: 11,
        task: { kind: "teacherNetwork", d, width: 2, activation: "erf" },
        model: { width: 2, activation: "erf", scaling: "committee", train: "both", init: { firstLayer: { kind: "gaussian", kappa: 0.5 } } },
        algorithm: { kind: "onlineSgd", batch: 1, steps: 20 * d, stepSize: 1 / d, outputNoise: sigma, ...(lambda > 0 ? { noise: { lambda } } : {}) },
        metrics: { include: ["populationLoss"], schedule: { kind: "every", steps: d } },
      }) as const;
    const small = await compareOdeWithNetwork(config(100, 0.5, 0.05), { runtime });
    const large = await compareOdeWithNetwork(config(1600, 0.5, 0.05), { runtime });
    const distance = (x: { q: number[]; r: number[]; v: number[] }[], y: typeof x) =>
      Math.max(...x.flatMap((rx, i) => (["q", "r", "v"] as const).flatMap((key) => rx[key].map((value, j) => Math.abs(value - y[i]![key][j]!)))));
    const withoutNoise = await solveOde(config(1600, 0, 0.05), { runtime });
    const withoutDecay = await solveOde(config(1600, 0.5, 0), { runtime });
    const noiseEffect = distance(large.ode, withoutNoise.records);
    const decayEffect = distance(large.ode, withoutDecay.records);
    console.log(
      `noise + decay: overlap gaps d = 100 ${small.maxOverlapGap.toExponential(2)}, d = 1600 ${large.maxOverlapGap.toExponential(2)}; the ODE moves by ${noiseEffect.toExponential(2)} without the noise term, ${decayEffect.toExponential(2)} without decay`,
    );
    // Measured: gaps 8.2e-2 and 2.3e-2 (ratio 3.6; sqrt(16) = 4); effects 0.13 (noise) and 0.45 (decay).
    // Over d = 100 ... 1600 and 3 seeds the gap's slope in d is -0.49, 95% [-0.70, -0.29].
    expect(large.maxOverlapGap).toBeLessThan(small.maxOverlapGap / 2.5);
    expect(large.maxOverlapGap).toBeLessThan(0.035);
    expect(noiseEffect).toBeGreaterThan(4 * large.maxOverlapGap);
    expect(decayEffect).toBeGreaterThan(4 * large.maxOverlapGap);
  }, 120_000);

  it("solves a K = M = 4 erf trajectory to convergence", async () => {
    const runtime = await runtimeFor("simd");
    const d = 1000;
    const { records, evaluations } = await solveOde(
      {
        seed: 2,
        task: { kind: "teacherNetwork", d, width: 4, activation: "erf" },
        model: { width: 4, activation: "erf", scaling: "committee", train: "first", init: { firstLayer: { kind: "gaussian", kappa: 0.1 } } },
        algorithm: { kind: "onlineSgd", batch: 1, steps: 1500 * d, stepSize: 2 / d },
        metrics: { include: ["populationLoss"], schedule: { kind: "logSpaced", points: 30 } },
      },
      { runtime },
    );
    expect(records[records.length - 1]!.populationLoss).toBeLessThan(1e-4 * records[0]!.populationLoss);
    expect(evaluations).toBeGreaterThan(0);
  }, 60_000);
});
