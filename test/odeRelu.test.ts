// The ReLU field averages of the order-parameter ODEs (src/ode/reluIntegrals.ts, gaussianOrthant.ts)
// against independent truths: exact orthant probabilities, the arc-cosine kernel of Cho, Saul 2009,
// scipy quadratures of a different reduction and 30-digit mpmath (test/fixtures/make_relu_integrals.py),
// Monte Carlo with 10^6 samples and its standard error, and the Gauss–Hermite product rules, which
// converge to them only algebraically. Then the ODE built on them against the exact population
// gradient of src/population/ (arc-cosine closed forms, no code shared).

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { orthantProbability } from "../src/ode/gaussianOrthant.js";
import { ReluIntegrals } from "../src/ode/reluIntegrals.js";
import { QuadratureIntegrals, fieldIntegrals } from "../src/ode/fieldIntegrals.js";
import { flatten, parameterViews } from "../src/ode/committeeOde.js";
import { odeSetup, solveOde } from "../src/ode/solveOde.js";
import { GaussianNetworkPopulation } from "../src/population/gaussianNetwork.js";
import { compareOdeWithNetwork } from "../src/ode/compare.js";
import { fitPowerLaw } from "../src/experiments/powerLaw.js";
import { runtimeFor, testRandom } from "./helpers.js";

interface Fixture {
  covariances: number[][][];
  i4: number[];
  i3: number[];
  orthant: { covariance: number[][]; eps: number; p: number }[];
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/reluIntegrals.json", import.meta.url), "utf8")) as Fixture;
const flat = (c: number[][]) => Float64Array.from(c.flat());
const sub = (c4: Float64Array, idx: number[]) => Float64Array.from(idx.flatMap((i) => idx.map((j) => c4[i * 4 + j]!)));
const relu = new ReluIntegrals();

/** Cho, Saul 2009, degree 1: E[relu(u) relu(v)] = sqrt(ab) (sin θ + (π - θ) cos θ) / (2π), cos θ = c / sqrt(ab). */
function arcCosine(c: Float64Array): number {
  const norm = Math.sqrt(c[0]! * c[3]!);
  const theta = Math.acos(c[1]! / norm);
  return (norm * (Math.sin(theta) + (Math.PI - theta) * Math.cos(theta))) / (2 * Math.PI);
}

describe("orthant probabilities", () => {
  it("are exact where the answer is known: 1/5 at equicorrelation 1/2, P3/2 with an independent fourth variable", () => {
    const equi = new Float64Array(16).map((_, i) => (i % 5 === 0 ? 2 : 1));
    expect(Math.abs(orthantProbability(equi, 4) - 0.2)).toBeLessThan(1e-15);
    const c3 = sub(flat(fixture.covariances[0]!), [0, 1, 2]);
    const c4 = new Float64Array(16);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) c4[i * 4 + j] = c3[i * 3 + j]!;
    c4[15] = 0.7;
    expect(Math.abs(orthantProbability(c4, 4) - orthantProbability(c3, 3) / 2)).toBeLessThan(1e-15);
  });

  it("Plackett's integral agrees with 30-digit mpmath up to nearly singular covariances (x_3 -> x_0)", () => {
    const errors = fixture.orthant.map((row) => Math.abs(orthantProbability(flat(row.covariance), 4) - row.p));
    console.log(`orthant P4 against mpmath, eps = ${fixture.orthant.map((r) => r.eps).join(", ")}: ${errors.map((e) => e.toExponential(1)).join(", ")}`);
    // Measured: <= 1.7e-16 down to eps = 1e-10 (the minors of the integrand in double-double, the
    // sinh substitution near t = 1; the earlier double-arithmetic integrand reached 1.3e-10 there).
    for (const e of errors) expect(e).toBeLessThan(5e-16);
  });

  it("the memo (src/ode/orthantMemo.ts) gives every permutation of a covariance the same bits as a direct evaluation in canonical order", () => {
    const perms: number[][] = [];
    const build = (prefix: number[]) => {
      if (prefix.length === 4) perms.push(prefix);
      for (let i = 0; i < 4; i++) if (!prefix.includes(i)) build([...prefix, i]);
    };
    build([]);
    const covariances = [...fixture.orthant.map((row) => flat(row.covariance)), ...fixture.covariances.map(flat)];
    // A low part of 1e-300 on one variance bypasses the memo without changing the matrix at double precision.
    const bypass = new Float64Array(16);
    bypass[0] = 1e-300;
    let worst = 0;
    for (const c of covariances) {
      const values = perms.map((p) => orthantProbability(sub(c, p), 4));
      for (const v of values) expect(v).toBe(values[0]);
      for (const p of perms) worst = Math.max(worst, Math.abs(orthantProbability(sub(c, p), 4, bypass) - values[0]!));
    }
    console.log(`P4 memo against direct evaluations in all 24 orders: max difference ${worst.toExponential(1)}`);
    // Measured: 4.2e-17, rounding only (the order of the six pair terms and of the minors).
    expect(worst).toBeLessThan(3e-16);
  });
});

describe("ReLU field averages", () => {
  it("I2 is the arc-cosine kernel, I3 and I4 agree with scipy quadratures of another reduction", () => {
    let worst = 0;
    fixture.covariances.forEach((c, index) => {
      const c4 = flat(c);
      for (const pair of [[0, 1], [0, 3], [1, 2]]) worst = Math.max(worst, Math.abs(relu.i2(sub(c4, pair)) - arcCosine(sub(c4, pair))));
      worst = Math.max(worst, Math.abs(relu.i3(sub(c4, [0, 1, 2])) - fixture.i3[index]!), Math.abs(relu.i4(c4) - fixture.i4[index]!));
    });
    console.log(`relu I2 vs arc-cosine, I3 and I4 vs scipy: max difference ${worst.toExponential(2)}`);
    // Measured: 1.4e-14 (the scipy references themselves move by 1e-14 between 250 and 400 nodes).
    expect(worst).toBeLessThan(5e-14);
  });

  it("repeated fields reduce to the lower averages (Q_kk, a field beside itself)", () => {
    const c4 = flat(fixture.covariances[0]!);
    const c = (idx: number[]) => sub(c4, idx);
    // E[1{a>0} b relu(a)] = E[a b 1{a>0}] = C_ab / 2.
    expect(Math.abs(relu.i3(c([0, 1, 0])) - c4[1]! / 2)).toBeLessThan(1e-15);
    // E[1{a>0} 1{b>0} relu(a) relu(b)] = I2(a, b); E[1{a>0} 1{a>0} relu(c) relu(e)] = E[1{a>0} relu(c) relu(e)].
    expect(Math.abs(relu.i4(c([0, 1, 0, 1])) - relu.i2(c([0, 1])))).toBeLessThan(1e-15);
    // ... and the merged 3-field average is the limit of the 4-field one as b -> a (gap ~ sqrt of b's extra variance).
    const merged = relu.i4(c([0, 0, 2, 3]));
    const nearby = c([0, 0, 2, 3]);
    nearby[5]! += 1e-12;
    expect(Math.abs(relu.i4(nearby) - merged)).toBeLessThan(1e-5);
    expect(Math.abs(relu.i4(nearby) - merged)).toBeGreaterThan(0);
    expect(relu.j2(c([2, 2]))).toBe(0.5);
  });

  it("agree with Monte Carlo (10^6 samples) within 4 standard errors", () => {
    const n = 1_000_000;
    const worst: number[] = [];
    fixture.covariances.forEach((cov, index) => {
      const c4 = flat(cov);
      const l = new Float64Array(16);
      for (let j = 0; j < 4; j++) {
        let diag = c4[j * 4 + j]!;
        for (let k = 0; k < j; k++) diag -= l[j * 4 + k]! * l[j * 4 + k]!;
        l[j * 4 + j] = Math.sqrt(diag);
        for (let i = j + 1; i < 4; i++) {
          let s = c4[i * 4 + j]!;
          for (let k = 0; k < j; k++) s -= l[i * 4 + k]! * l[j * 4 + k]!;
          l[i * 4 + j] = s / l[j * 4 + j]!;
        }
      }
      const uniform = testRandom(40 + index);
      const sums = new Float64Array(4);
      const squares = new Float64Array(4);
      const z = new Float64Array(4);
      const x = new Float64Array(4);
      for (let s = 0; s < n; s++) {
        for (let k = 0; k < 4; k += 2) {
          const r = Math.sqrt(-2 * Math.log(1 - uniform()));
          const angle = 2 * Math.PI * uniform();
          z[k] = r * Math.cos(angle);
          z[k + 1] = r * Math.sin(angle);
        }
        for (let i = 0; i < 4; i++) {
          let v = 0;
          for (let k = 0; k <= i; k++) v += l[i * 4 + k]! * z[k]!;
          x[i] = v;
        }
        const [a, b, c, e] = [x[0]!, x[1]!, x[2]!, x[3]!];
        const values = [Math.max(a, 0) * Math.max(b, 0), a > 0 ? b * Math.max(c, 0) : 0, a > 0 && b > 0 ? Math.max(c, 0) * Math.max(e, 0) : 0, a > 0 && b > 0 ? 1 : 0];
        for (let q = 0; q < 4; q++) {
          sums[q]! += values[q]!;
          squares[q]! += values[q]! * values[q]!;
        }
      }
      const exact = [relu.i2(sub(c4, [0, 1])), relu.i3(sub(c4, [0, 1, 2])), relu.i4(c4), relu.j2(sub(c4, [0, 1]))];
      for (let q = 0; q < 4; q++) {
        const mean = sums[q]! / n;
        const se = Math.sqrt((squares[q]! / n - mean * mean) / (n - 1));
        worst.push(Math.abs(exact[q]! - mean) / se);
      }
    });
    console.log(`relu I2, I3, I4, J2 against Monte Carlo (10^6 samples): |difference| / SE = ${worst.map((w) => w.toFixed(2)).join(", ")}`);
    for (const w of worst) expect(w).toBeLessThan(4);
  }, 60_000);

  it("the product rules converge to them algebraically (error ~ 1/n for the 2- and 3-field averages)", () => {
    const c4 = flat(fixture.covariances[0]!);
    const orders = [50, 100, 200];
    const errors = orders.map((n) => {
      const rules = QuadratureIntegrals.of("relu", "relu", { low: n, four: 4 });
      return Math.max(
        Math.abs(rules.i2(sub(c4, [0, 1]), "student", "teacher") - relu.i2(sub(c4, [0, 1]))),
        Math.abs(rules.i3(sub(c4, [0, 1, 2]), "teacher") - relu.i3(sub(c4, [0, 1, 2]))),
        Math.abs(rules.j2(sub(c4, [0, 1])) - relu.j2(sub(c4, [0, 1]))),
      );
    });
    const slope = Math.log(errors[errors.length - 1]! / errors[0]!) / Math.log(orders[orders.length - 1]! / orders[0]!);
    console.log(`product rule error at n = ${orders.join(", ")}: ${errors.map((e) => e.toExponential(2)).join(", ")}; slope ${slope.toFixed(3)}`);
    // Measured: 7.3e-3, 5.0e-3, 3.0e-3, slope -0.65 (at n = 400: 1.5e-3, slope -0.99 from 200 on): the jump of relu'
    // and the kink of relu cap the rule at O(1/n), where the closed forms are exact.
    expect(slope).toBeGreaterThan(-1.1);
    expect(slope).toBeLessThan(-0.5);
    expect(errors[errors.length - 1]!).toBeGreaterThan(1e-4);
  }, 60_000);
});

describe("the committee ODE with relu", () => {
  it("uses the closed forms, and its first-order drift equals the exact population gradient flow", async () => {
    const runtime = await runtimeFor("simd");
    expect(fieldIntegrals("relu", "relu")).toBeInstanceOf(ReluIntegrals);
    const d = 12;
    const k = 3;
    const h = 0.05;
    const config = {
      seed: 5,
      task: { kind: "teacherNetwork", d, width: 2, activation: "relu", outputs: [1, -0.5] },
      model: { width: k, activation: "relu", scaling: "committee", init: { firstLayer: { kind: "gaussian", kappa: 0.7 }, secondLayer: { kind: "gaussian" } } },
      algorithm: { kind: "populationGd", steps: 1, stepSize: h },
    } as const;
    const setup = await odeSetup(config, { runtime });
    const views = (y: Float64Array) => parameterViews(y, k, 2);
    const dy = new Float64Array(flatten(setup.initial).length);
    setup.ode.derivative(setup.initial, views(dy));
    const { TwoLayerNetwork, networkOptionsOf } = await import("../src/model/network.js");
    const { parseConfig } = await import("../src/config.js");
    const net = new TwoLayerNetwork(runtime, networkOptionsOf(parseConfig(config), "relu"));
    const w = net.w.toArray();
    const a = net.a.toArray();
    net.free();
    const population = new GaussianNetworkPopulation({ d, activation: "relu", target: { kind: "neurons", activation: "relu", weights: setup.teacherDirections, outputs: Float64Array.of(1, -0.5) } });
    const { gradW, gradA } = population.evaluate(w, a, 1);
    const rate = d * (h / k);
    const v = views(dy);
    let worst = 0;
    let largest = 0;
    for (let i = 0; i < k; i++) {
      for (let n = 0; n < 2; n++) {
        let g = 0;
        for (let c = 0; c < d; c++) g += gradW[i * d + c]! * setup.teacherDirections[n * d + c]!;
        worst = Math.max(worst, Math.abs(v.r[i * 2 + n]! - -rate * g));
        largest = Math.max(largest, Math.abs(v.r[i * 2 + n]!));
      }
      for (let j = 0; j < k; j++) {
        let g = 0;
        for (let c = 0; c < d; c++) g += gradW[i * d + c]! * w[j * d + c]! + gradW[j * d + c]! * w[i * d + c]!;
        worst = Math.max(worst, Math.abs(v.q[i * k + j]! - -rate * g));
      }
      worst = Math.max(worst, Math.abs(v.v[i]! - -rate * gradA[i]!));
    }
    console.log(`relu ODE drift against the exact population gradient: max difference ${worst.toExponential(2)} (drifts up to ${largest.toExponential(2)})`);
    expect(worst).toBeLessThan(1e-12);
  });

  it("tracks online SGD of a relu committee: the overlap gap before the escape falls like d^(-1/2)", async () => {
    const runtime = await runtimeFor("simd");
    const dims = [100, 400, 1600, 6400];
    const gaps: number[] = [];
    for (const d of dims) {
      let mean = 0;
      for (const seed of [11, 12, 13]) {
        const result = await compareOdeWithNetwork(
          {
            seed,
            task: { kind: "teacherNetwork", d, width: 2, activation: "relu" },
            model: { width: 2, activation: "relu", scaling: "committee", train: "first", init: { firstLayer: { kind: "gaussian", kappa: 0.1 } } },
            algorithm: { kind: "onlineSgd", batch: 1, steps: 5 * d, stepSize: 1 / d },
            metrics: { include: ["populationLoss"], schedule: { kind: "every", steps: d } },
          },
          { runtime },
        );
        mean += result.maxOverlapGap / 3;
      }
      gaps.push(mean);
    }
    const fit = fitPowerLaw(dims, gaps);
    console.log(`relu ODE-SGD overlap gaps (t <= 5, 3 seeds) at d = ${dims.join(", ")}: ${gaps.map((g) => g.toExponential(2)).join(", ")}; slope ${fit.exponent.value.toFixed(3)}, 95% [${fit.exponent.ci95.map((v) => v.toFixed(3)).join(", ")}]`);
    // Measured: 0.138, 0.079, 0.047, 0.015, slope -0.519, 95% [-0.833, -0.204] (theory -1/2).
    expect(fit.exponent.value).toBeGreaterThan(-0.8);
    expect(fit.exponent.value).toBeLessThan(-0.3);
    expect(gaps[3]!).toBeLessThan(0.03);
  }, 180_000);

  it("solves a K = M = 4 relu trajectory (t <= 20) with the closed forms", async () => {
    const runtime = await runtimeFor("simd");
    const d = 1000;
    const started = performance.now();
    const { records, evaluations } = await solveOde(
      {
        seed: 2,
        task: { kind: "teacherNetwork", d, width: 4, activation: "relu" },
        model: { width: 4, activation: "relu", scaling: "committee", train: "first", init: { firstLayer: { kind: "gaussian", kappa: 0.1 } } },
        algorithm: { kind: "onlineSgd", batch: 1, steps: 20 * d, stepSize: 2 / d },
        metrics: { include: ["populationLoss"], schedule: { kind: "logSpaced", points: 20 } },
      },
      { runtime },
    );
    console.log(`K = M = 4 relu trajectory to t = 20: ${evaluations} right-hand sides, ${((performance.now() - started) / 1000).toFixed(2)} s; loss ${records[0]!.populationLoss.toExponential(2)} -> ${records[records.length - 1]!.populationLoss.toExponential(2)}`);
    // Measured: 410 right-hand sides (854 at the earlier rtol 1e-9), loss 1.71 -> 0.40.
    expect(records[records.length - 1]!.populationLoss).toBeLessThan(0.3 * records[0]!.populationLoss);
  }, 120_000);

  it("follows a tight-tolerance run of the K = M = 4 relu trajectory to t = 200 at the default tolerance", async () => {
    const runtime = await runtimeFor("simd");
    const d = 1000;
    const config = {
      seed: 2,
      task: { kind: "teacherNetwork", d, width: 4, activation: "relu" },
      model: { width: 4, activation: "relu", scaling: "committee", train: "first", init: { firstLayer: { kind: "gaussian", kappa: 0.1 } } },
      algorithm: { kind: "onlineSgd", batch: 1, steps: 200 * d, stepSize: 2 / d },
      metrics: { include: ["populationLoss"], schedule: { kind: "every", steps: 10 * d } },
    } as const;
    const losses = async (tolerance?: { rtol: number; atol: number }) => (await solveOde(config, { runtime, ...(tolerance ? { tolerance } : {}) })).records.map((r) => r.populationLoss);
    const tight = await losses({ rtol: 1e-11, atol: 1e-14 });
    const gap = (run: number[]) => Math.max(...run.map((l, i) => Math.abs(l - tight[i]!) / tight[i]!));
    const atDefault = gap(await losses());
    const loose = gap(await losses({ rtol: 1e-4, atol: 1e-12 }));
    console.log(`K = M = 4 relu to t = 200 (loss 1.71 -> 3.7e-6): max relative loss error vs rtol 1e-11, default tolerance ${atDefault.toExponential(1)}, rtol 1e-4 ${loose.toExponential(1)}`);
    // Measured: 9.1e-8 at the default (rtol 1e-7, atol 1e-12), 1.6e-5 at rtol 1e-4.
    expect(atDefault).toBeLessThan(3e-7);
    expect(loose).toBeGreaterThan(3e-7);
  }, 120_000);
});
