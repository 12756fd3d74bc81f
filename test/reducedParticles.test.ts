import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, type ConfigInput } from "../src/config.js";
import type { ActivationSpec } from "../src/activation/spec.js";
import { activationFunction } from "../src/activation/activationFunction.js";
import { initialParticles, type ReducedParticleState } from "../src/pde/reduced/reducedInit.js";
import { ReducedParticles } from "../src/pde/reduced/reducedParticles.js";
import { solveReducedParticles } from "../src/pde/reduced/reducedRun.js";
import { createReducedTask } from "../src/pde/reduced/reducedTask.js";
import { GaussianNetworkPopulation, type GaussianTarget } from "../src/population/gaussianNetwork.js";
import { simulate } from "../src/run/simulate.js";
import { gaussianExpectation } from "../src/special/expectation.js";
import { coordinateRows } from "../src/tasks/coordinateRows.js";
import { BUILDS, runtimeFor, testRandom } from "./helpers.js";

const ACTIVATIONS: ActivationSpec[] = [
  "relu",
  "abs",
  "erf",
  "tanh",
  "sigmoid",
  { kind: "polynomial", coefficients: [0.1, 1, 0.5, -0.2] },
  { kind: "piecewiseLinear", breakpoints: [-0.3, 0.5], slopes: [0.1, 1, -0.5] },
];

function label(spec: ActivationSpec): string {
  return typeof spec === "string" ? spec : spec.kind;
}

function randomParticles(seed: number, m: number, p: number, bias = false): ReducedParticleState {
  const rand = testRandom(seed);
  const state: ReducedParticleState = {
    a: Float64Array.from({ length: m }, () => 2 * rand() - 1),
    r: Float64Array.from({ length: m }, () => 0.4 + 0.8 * rand()),
    wS: Float64Array.from({ length: m * p }, () => 2 * rand() - 1),
  };
  if (bias) state.b = Float64Array.from({ length: m }, () => rand() - 0.5);
  return state;
}

function config(task: ConfigInput["task"], activation: ActivationSpec, extra: Partial<ConfigInput["model"]> = {}) {
  return parseConfig({
    task,
    model: { width: 1, activation, ...extra },
    algorithm: { kind: "onlineSgd", batch: 1, steps: 1, stepSize: 0.1 },
  });
}

function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}

function maxDiff(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < u.length; i++) m = Math.max(m, Math.abs(u[i]! - v[i]!));
  return m;
}

describe("reduced particles on Gaussian input are the d -> infinity limit of finite networks", () => {
  // Network A puts particle i's perpendicular part on its own axis, w_i = (w_S,i, r_i e_{P+i});
  // network B (scale 1/(2M)) has two copies of each particle on two further axes. Both average
  // to f_red over their perpendicular coordinates, and L = L_red + 1/2 E[Var(f | x_S)], the
  // conditional variance being V/M^2 for A and V/(2M^2) for B, so L_red = 2 L_B - L_A exactly,
  // and likewise for the gradients. gaussianNetwork.ts evaluates L_A and L_B in closed form.
  function finitePair(state: ReducedParticleState, p: number): { d: number; wA: Float64Array; wB: Float64Array; aB: Float64Array } {
    const m = state.a.length;
    const d = p + 2 * m;
    const wA = new Float64Array(m * d);
    const wB = new Float64Array(2 * m * d);
    const aB = new Float64Array(2 * m);
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < p; k++) {
        const w = state.wS[i * p + k]!;
        wA[i * d + k] = w;
        wB[i * d + k] = w;
        wB[(m + i) * d + k] = w;
      }
      wA[i * d + p + i] = state.r[i]!;
      wB[i * d + p + i] = state.r[i]!;
      wB[(m + i) * d + p + m + i] = state.r[i]!;
      aB[i] = state.a[i]!;
      aB[m + i] = state.a[i]!;
    }
    return { d, wA, wB, aB };
  }

  function compare(taskOf: (d: number) => ConfigInput["task"], targetOf: (d: number) => GaussianTarget, p: number, activation: ActivationSpec, seed: number) {
    return async () => {
      const rt = await runtimeFor("simd");
      const m = 5;
      const state = randomParticles(seed, m, p);
      const { d, wA, wB, aB } = finitePair(state, p);
      const system = new ReducedParticles(rt, createReducedTask(config(taskOf(d), activation)), activation, state);
      const { loss, velocity } = system.evaluate();
      system.free();
      const population = new GaussianNetworkPopulation({ d, activation, target: targetOf(d) });
      const A = population.evaluate(wA, state.a, 1 / m);
      const B = population.evaluate(wB, aB, 1 / (2 * m));
      expect(Math.abs(loss - (2 * B.loss - A.loss))).toBeLessThan(1e-10);
      // Velocities are -M times the gradient of L_red in the particle's coordinates.
      const va = new Float64Array(m);
      const vr = new Float64Array(m);
      const vw = new Float64Array(m * p);
      for (let i = 0; i < m; i++) {
        va[i] = -m * (2 * (B.gradA[i]! + B.gradA[m + i]!) - A.gradA[i]!);
        vr[i] = -m * (2 * (B.gradW[i * d + p + i]! + B.gradW[(m + i) * d + p + m + i]!) - A.gradW[i * d + p + i]!);
        for (let k = 0; k < p; k++) vw[i * p + k] = -m * (2 * (B.gradW[i * d + k]! + B.gradW[(m + i) * d + k]!) - A.gradW[i * d + k]!);
      }
      const scale = Math.max(maxAbs(va), maxAbs(vr), maxAbs(vw));
      expect(maxDiff(velocity.a, va) / scale).toBeLessThan(1e-10);
      expect(maxDiff(velocity.r, vr) / scale).toBeLessThan(1e-10);
      expect(maxDiff(velocity.wS, vw) / scale).toBeLessThan(1e-10);
    };
  }

  const terms = [
    { coefficient: 1, degrees: [1, 0] },
    { coefficient: 0.7, degrees: [1, 1] },
    { coefficient: -0.5, degrees: [0, 3] },
    { coefficient: 0.3, degrees: [2, 0] },
  ];
  for (const activation of ACTIVATIONS) {
    it(
      `multi-index (P = 2), ${label(activation)}: loss and velocities to 1e-10`,
      compare(
        (d) => ({ kind: "gaussianMultiIndex", d, terms }),
        (d) => ({ kind: "hermite", directions: coordinateRows(2, d), terms }),
        2,
        activation,
        11,
      ),
    );
  }
  for (const activation of ["relu", "erf"] as ActivationSpec[]) {
    it(
      `single index (P = 1, q* = e_1), link h_1 + sqrt(6) h_3 = He_1 + He_3, ${label(activation)}: loss and velocities to 1e-10`,
      compare(
        (d) => ({ kind: "gaussianSingleIndex", d, link: { kind: "hermite", coefficients: [0, 1, 0, Math.sqrt(6)] } }),
        (d) => ({ kind: "neurons", activation: { kind: "polynomial", coefficients: [0, -2, 0, 1] }, weights: coordinateRows(1, d), outputs: Float64Array.of(1) }),
        1,
        activation,
        12,
      ),
    );
  }
});

describe("hypercube expectations", () => {
  // sigma_r and its derivatives by composite Gauss–Legendre quadrature split at the kinks
  // (special/quadrature.ts), independent of the kernels' closed forms, Cody rationals and
  // Gauss–Hermite rule.
  function smoothedReference(spec: ActivationSpec, t: number, r: number): [number, number, number] {
    const fn = activationFunction(spec);
    const kinks = fn.kinks.map((b) => (b - t) / r);
    const expect = (g: (z: number) => number) => gaussianExpectation(g, { kinks });
    return [expect((z) => fn.value(t + r * z)), expect((z) => fn.derivative(t + r * z)), expect((z) => fn.derivative(t + r * z) * z)];
  }

  /** Loss and velocities by enumerating {-1,1}^P in plain order. */
  function bruteForce(spec: ActivationSpec, s: ReducedParticleState, p: number) {
    const m = s.a.length;
    const points: number[][] = [];
    for (let code = 0; code < 2 ** p; code++) points.push(Array.from({ length: p }, (_, k) => ((code >> k) & 1 ? 1 : -1)));
    const n = points.length;
    const table = points.map((x) =>
      Array.from({ length: m }, (_, i) => {
        let t = s.b ? s.b[i]! : 0;
        for (let k = 0; k < p; k++) t += s.wS[i * p + k]! * x[k]!;
        return smoothedReference(spec, t, s.r[i]!);
      }),
    );
    const residual = points.map((x, j) => {
      let f = 0;
      for (let i = 0; i < m; i++) f += (s.a[i]! * table[j]![i]![0]) / m;
      let y = 0;
      let prefix = 1;
      for (let k = 0; k < p; k++) y += prefix *= x[k]!;
      return f - y;
    });
    const loss = residual.reduce((acc, e) => acc + (0.5 * e * e) / n, 0);
    const va = new Float64Array(m);
    const vr = new Float64Array(m);
    const vb = new Float64Array(m);
    const vw = new Float64Array(m * p);
    points.forEach((x, j) => {
      const e = residual[j]! / n;
      for (let i = 0; i < m; i++) {
        const [v, dt, dr] = table[j]![i]!;
        va[i]! -= e * v;
        vr[i]! -= e * s.a[i]! * dr;
        vb[i]! -= e * s.a[i]! * dt;
        for (let k = 0; k < p; k++) vw[i * p + k]! -= e * s.a[i]! * dt * x[k]!;
      }
    });
    return { loss, va, vr, vb, vw };
  }

  // tanh and sigmoid have no closed-form sigma_r: the kernels' 128-node Gauss–Hermite rule in g is
  // within about 1e-11 of it for r <= 1.2.
  const smoothedByQuadrature = (spec: ActivationSpec) => spec === "tanh" || spec === "sigmoid";

  for (const build of BUILDS) {
    it(`the kernels' sums over the 2^P points equal brute-force enumeration, P = 1..4 (${build} build, cache on and off, bias off and on)`, async () => {
      const rt = await runtimeFor(build);
      for (const activation of ACTIVATIONS) {
        for (let p = 1; p <= 4; p++) {
          for (const bias of [false, true]) {
            const state = randomParticles(100 * p + (bias ? 1 : 0), 7, p, bias);
            const ref = bruteForce(activation, state, p);
            const task = createReducedTask(config({ kind: "staircase", d: 10, degree: p }, activation, { bias }));
            for (const cacheBytes of [undefined, 0]) {
              const system = new ReducedParticles(rt, task, activation, state, { bias, cacheBytes });
              const { loss, velocity } = system.evaluate();
              system.free();
              const what = `${label(activation)} P = ${p} bias ${bias} cache ${cacheBytes ?? "default"}`;
              const tolerance = smoothedByQuadrature(activation) ? 1e-10 : 1e-12;
              expect(Math.abs(loss - ref.loss), what).toBeLessThan(tolerance * Math.max(1, ref.loss));
              const scale = Math.max(maxAbs(ref.va), maxAbs(ref.vr), maxAbs(ref.vw));
              expect(maxDiff(velocity.a, ref.va) / scale, what).toBeLessThan(tolerance);
              expect(maxDiff(velocity.r, ref.vr) / scale, what).toBeLessThan(tolerance);
              expect(maxDiff(velocity.wS, ref.vw) / scale, what).toBeLessThan(tolerance);
              if (bias) expect(maxDiff(velocity.b!, ref.vb) / scale, what).toBeLessThan(tolerance);
            }
          }
        }
      }
    });
  }
});

describe("the symmetry-reduced PDE of a Gaussian single index", () => {
  it("tracks population GD of N = 1000 neurons (d = 30, bmz23 link, trainable a) to within its O(N^-1/2) fluctuations", async () => {
    const rt = await runtimeFor("simd");
    const common = {
      seed: 3,
      task: { kind: "gaussianSingleIndex", d: 30, link: "bmz23" },
      model: { width: 1000, activation: "relu", init: { firstLayer: { kind: "sphere" }, secondLayer: { kind: "gaussian", std: 1 } } },
      algorithm: { kind: "populationGd", steps: 40, stepSize: 0.1 },
      metrics: { include: ["populationLoss", "components"], schedule: { kind: "every", steps: 10 }, degrees: 3 },
    } as const;
    const network = await simulate(common, { runtime: rt });
    const limit = await solveReducedParticles(common, { runtime: rt, particles: 5000 });
    expect(limit.basisNames).toEqual(["h0", "h1", "h2", "h3"]);
    // Measured: loss gaps <= 0.016 (the network's f starts 0.013 off in h_0, a_i sigma(<w_i, x>)
    // averaged over 1000 neurons), component gaps <= 0.022; the loss falls from 1.4 to 0.09.
    network.records.forEach((finite, k) => {
      const reduced = limit.records[k]!;
      expect(Math.abs((finite.populationLoss as number) - reduced.loss), `t = ${reduced.time}`).toBeLessThan(0.05);
      expect(maxDiff(finite.components as number[], reduced.coefficients), `t = ${reduced.time}`).toBeLessThan(0.06);
    });
    expect(limit.summary.final!.loss).toBeLessThan(0.1);
  }, 120_000);
});

describe("builds", () => {
  it("the SIMD and scalar builds give the same bits (relu through the paired SIMD path, erf through the scalar one)", async () => {
    const simd = await runtimeFor("simd");
    const scalar = await runtimeFor("scalar");
    for (const activation of ["relu", "erf"] as ActivationSpec[]) {
      const state = randomParticles(77, 9, 4);
      const task = createReducedTask(config({ kind: "staircase", d: 10, degree: 4 }, activation));
      const results = [simd, scalar].map((rt) => {
        const system = new ReducedParticles(rt, task, activation, state);
        system.step(0.1);
        const out = { ...system.evaluate(), state: system.getState() };
        system.free();
        return out;
      });
      expect(results[1]).toEqual(results[0]);
    }
  });
});

describe("velocities are -M times the gradient of the reduced loss", () => {
  const cases: { name: string; task: ConfigInput["task"]; p: number; activation: ActivationSpec; bias: boolean }[] = [
    { name: "staircase P = 4, relu", task: { kind: "staircase", d: 50, degree: 4 }, p: 4, activation: "relu", bias: false },
    { name: "staircase P = 3, shifted relu with bias", task: { kind: "staircase", d: 50, degree: 3 }, p: 3, activation: { kind: "piecewiseLinear", breakpoints: [-0.5], slopes: [0, 1] }, bias: true },
    { name: "single index, tanh", task: { kind: "gaussianSingleIndex", d: 50, link: "relu" }, p: 1, activation: "tanh", bias: false },
    {
      name: "multi-index P = 2, erf",
      task: { kind: "gaussianMultiIndex", d: 50, terms: [{ coefficient: 1, degrees: [2, 1] }, { coefficient: 1, degrees: [0, 1] }] },
      p: 2,
      activation: "erf",
      bias: false,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: central differences agree to 1e-7`, async () => {
      const rt = await runtimeFor("simd");
      const m = 6;
      const state = randomParticles(31, m, c.p, c.bias);
      const system = new ReducedParticles(rt, createReducedTask(config(c.task, c.activation, { bias: c.bias })), c.activation, state, { bias: c.bias });
      const { velocity } = system.evaluate();
      const h = 1e-5;
      const lossAt = (key: keyof ReducedParticleState, index: number, delta: number) => {
        const moved = { ...state, [key]: state[key]!.slice() };
        moved[key]![index]! += delta;
        system.setState(moved);
        return system.loss();
      };
      let worst = 0;
      let scale = 0;
      for (const key of ["a", "r", "wS", ...(c.bias ? ["b"] : [])] as (keyof ReducedParticleState)[]) {
        for (let index = 0; index < state[key]!.length; index++) {
          const fd = (-m * (lossAt(key, index, h) - lossAt(key, index, -h))) / (2 * h);
          worst = Math.max(worst, Math.abs(fd - velocity[key]![index]!));
          scale = Math.max(scale, Math.abs(fd));
        }
      }
      system.free();
      expect(worst / scale).toBeLessThan(1e-7);
    });
  }

  it("model.train freezes a (first) or (w_S, r) (second)", async () => {
    const rt = await runtimeFor("simd");
    const state = randomParticles(5, 4, 2);
    const task = createReducedTask(config({ kind: "staircase", d: 20, degree: 2 }, "relu"));
    const first = new ReducedParticles(rt, task, "relu", state, { train: "first" }).evaluate().velocity;
    const second = new ReducedParticles(rt, task, "relu", state, { train: "second" }).evaluate().velocity;
    expect(maxAbs(first.a)).toBe(0);
    expect(maxAbs(first.wS)).toBeGreaterThan(0);
    expect(maxAbs(second.wS) + maxAbs(second.r)).toBe(0);
    expect(maxAbs(second.a)).toBeGreaterThan(0);
  });
});

describe("time stepping", () => {
  it("Heun is second order and Euler first order in h (errors at t = 1 against h = 1/512)", async () => {
    const rt = await runtimeFor("simd");
    const state = randomParticles(9, 20, 3);
    const task = createReducedTask(config({ kind: "staircase", d: 50, degree: 3 }, "relu"));
    const solve = (h: number, scheme: "heun" | "euler") => {
      const system = new ReducedParticles(rt, task, "relu", state);
      for (let k = 0; k < Math.round(1 / h); k++) system.step(h, scheme);
      const out = system.getState();
      system.free();
      return Float64Array.from([...out.a, ...out.r, ...out.wS]);
    };
    const reference = solve(1 / 512, "heun");
    for (const [scheme, order] of [["heun", 2], ["euler", 1]] as const) {
      const coarse = maxDiff(solve(1 / 16, scheme), reference);
      const fine = maxDiff(solve(1 / 32, scheme), reference);
      expect(Math.log2(coarse / fine), scheme).toBeGreaterThan(order - 0.2);
      expect(Math.log2(coarse / fine), scheme).toBeLessThan(order + 0.3);
    }
  });
});

describe("configs", () => {
  it("names the field the reduced limit cannot represent", async () => {
    const rt = await runtimeFor("simd");
    const base = { task: { kind: "staircase", d: 20, degree: 2 }, model: { width: 10 }, algorithm: { kind: "onlineSgd", batch: 10, steps: 1, stepSize: 0.1 } } as const;
    const bad: [ConfigInput, RegExp][] = [
      [{ ...base, task: { kind: "teacherAbs", d: 4, width: 2 } }, /^task\.kind:/],
      [{ ...base, model: { width: 10, scaling: "ntk" } }, /^model\.scaling:/],
      [{ ...base, algorithm: { kind: "empiricalGd", samples: 10, steps: 1, stepSize: 0.1 } }, /^algorithm\.kind:/],
      [{ ...base, algorithm: { ...base.algorithm, noise: { beta: 10 } } }, /^algorithm\.noise:/],
    ];
    for (const [input, message] of bad) {
      const attempt = solveReducedParticles(input, { runtime: rt });
      await expect(attempt).rejects.toThrow(ConfigError);
      await expect(attempt).rejects.toThrow(message);
    }
  });
});

describe("initial law", () => {
  it("given weights: coordinates along the task's directions, the norm of the rest, the bias last", async () => {
    const rt = await runtimeFor("simd");
    const weights = [
      [0.3, -0.4, 1, 2, 2, 0.25],
      [0, 0.5, 0, 0, 0, -1],
    ];
    const c = config({ kind: "staircase", d: 5, degree: 2 }, "relu", {
      width: 2,
      bias: true,
      init: { firstLayer: { kind: "given", weights }, secondLayer: { kind: "given", values: [1.5, -2] } },
    });
    const s = initialParticles(rt, c, 2, 2);
    expect(Array.from(s.wS)).toEqual([0.3, -0.4, 0, 0.5]);
    expect(Array.from(s.r)).toEqual([3, 0]);
    expect(Array.from(s.b!)).toEqual([0.25, -1]);
    expect(Array.from(s.a)).toEqual([1.5, -2]);
    expect(() => initialParticles(rt, c, 2, 3)).toThrow(/particles/);
  });

  it("sphere: |w_S|^2 + r^2 = 1, E|w_S|^2 = P/d; gaussian: E r^2 = kappa^2 (d - P)/d; a and g_S shared with the network's streams", async () => {
    const rt = await runtimeFor("simd");
    const m = 20_000;
    const p = 3;
    for (const d of [4, 40, 4000]) {
      const sphere = initialParticles(rt, config({ kind: "staircase", d, degree: p }, "relu", { width: m }), p, m);
      let worst = 0;
      let square = 0;
      for (let i = 0; i < m; i++) {
        let s = sphere.r[i]! ** 2;
        for (let k = 0; k < p; k++) {
          s += sphere.wS[i * p + k]! ** 2;
          square += sphere.wS[i * p + k]! ** 2 / m;
        }
        worst = Math.max(worst, Math.abs(s - 1));
      }
      expect(worst).toBeLessThan(1e-14);
      // |w_S|^2 ~ Beta(P/2, (d-P)/2): mean P/d, standard deviation of the mean below 4 sqrt(2P / m) / d.
      expect(Math.abs(square - p / d)).toBeLessThan((4 * Math.sqrt((2 * p) / m)) / d);
      const kappa = 1.7;
      const gauss = initialParticles(
        rt,
        config({ kind: "staircase", d, degree: p }, "relu", { width: m, init: { firstLayer: { kind: "gaussian", kappa }, secondLayer: { kind: "gaussian", std: 1 } } }),
        p,
        m,
      );
      const r2 = gauss.r.reduce((s, r) => s + r * r, 0) / m;
      const expected = (kappa ** 2 * (d - p)) / d;
      // chi-square(k) has variance 2k: the mean of m draws is within 4 sqrt(2 (d - P) / m) kappa^2 / d.
      expect(Math.abs(r2 - expected)).toBeLessThan((4 * kappa ** 2 * Math.sqrt((2 * (d - p)) / m)) / d);
      expect(Array.from(gauss.a.subarray(0, 5))).toEqual(Array.from(rt.random.gaussian(0, "init.a", 5)));
      const g = rt.random.gaussian(0, "init.w", p, 7 * d);
      for (let k = 0; k < p; k++) expect(gauss.wS[7 * p + k]).toBeCloseTo((kappa / Math.sqrt(d)) * g[k]!, 14);
    }
  });
});

describe("staircase: the DF-PDE against finite-N online SGD (ABAM22)", () => {
  // relu(z + 1/2) with a bias: plain relu without one cannot fit x1 x2 x3 (its odd part is
  // linear, so every odd function the network represents is linear), and generic activations are
  // what ABAM22's theory assumes.
  const shiftedRelu: ActivationSpec = { kind: "piecewiseLinear", breakpoints: [-0.5], slopes: [0, 1] };
  const base = {
    seed: 5,
    model: { activation: shiftedRelu, bias: true, init: { firstLayer: { kind: "sphere" }, secondLayer: { kind: "gaussian", std: 1 } } },
  } as const;

  // Measured (seeds 5 and 6): loss gaps <= 0.012, projection gaps <= 0.013, r gaps <= 0.01 at
  // t = 0, 1, 2, 3, the network's r a little larger (batch noise in w_perp adds h t d / B to r^2).
  it("tracks online SGD (N = 2000, d = 100, B = 2000) over the early phase t <= 3 within 0.02 in loss, projections and r", async () => {
    const rt = await runtimeFor("simd");
    const width = 2000;
    const common = {
      ...base,
      task: { kind: "staircase", d: 100, degree: 4 },
      model: { ...base.model, width },
      algorithm: { kind: "onlineSgd", batch: 2000, steps: 60, stepSize: 0.05 },
      metrics: { include: ["testLoss", "projections"], schedule: { kind: "every", steps: 20 }, testSamples: 50_000 },
    } as const;
    const network = await simulate(common, { runtime: rt });
    const limit = await solveReducedParticles(common, { runtime: rt, scheme: "euler" });
    expect(network.records.map((r) => r.step)).toEqual(limit.records.map((r) => r.step));
    network.records.forEach((finite, k) => {
      const reduced = limit.records[k]!;
      // The test loss is a Monte-Carlo estimate; the rest of the gap is finite N, d and B.
      expect(Math.abs((finite.testLoss as number) - reduced.loss), `t = ${reduced.time}`).toBeLessThan(0.02 + 4 * (finite.testLossSE as number));
      expect(maxDiff(finite.projections as number[], reduced.projections), `t = ${reduced.time}`).toBeLessThan(0.02);
      expect(Math.abs((finite.orthogonalNorm as number) - reduced.meanR), `t = ${reduced.time}`).toBeLessThan(0.02);
    });
    const last = limit.records[limit.records.length - 1]!;
    // By t = 3, x1 is learned, x1x2 half way, and the higher monomials barely started (1.04, 0.52,
    // 0.07, 0.009 measured).
    expect(last.coefficients[0]!).toBeGreaterThan(0.9);
    expect(last.coefficients[1]!).toBeGreaterThan(0.4);
    expect(last.coefficients[2]!).toBeLessThan(0.15);
    expect(Math.abs(last.coefficients[3]!)).toBeLessThan(0.03);
  }, 120_000);

  it("observe sees the particles each record describes, before onRecord, and the last ones are the result's", async () => {
    const rt = await runtimeFor("simd");
    const seen: { step: number; state: ReducedParticleState }[] = [];
    const order: string[] = [];
    const result = await solveReducedParticles(
      {
        ...base,
        task: { kind: "staircase", d: 40, degree: 3 },
        model: { ...base.model, width: 64 },
        algorithm: { kind: "onlineSgd", batch: 64, steps: 30, stepSize: 0.1 },
        metrics: { schedule: { kind: "every", steps: 10 } },
      },
      {
        runtime: rt,
        observe: (step, time, state) => {
          expect(time).toBeCloseTo(step * 0.1, 12);
          seen.push({ step, state });
          order.push(`observe ${step}`);
        },
        onRecord: (r) => order.push(`record ${r.step}`),
      },
    );
    expect(order).toEqual([0, 10, 20, 30].flatMap((s) => [`observe ${s}`, `record ${s}`]));
    seen.forEach(({ step, state }, k) => {
      const record = result.records[k]!;
      expect(record.step).toBe(step);
      const p = record.projections.length;
      const projections = Array.from({ length: p }, (_, c) => {
        let sum = 0;
        for (let i = 0; i < state.r.length; i++) sum += state.wS[i * p + c]! ** 2;
        return Math.sqrt(sum / state.r.length);
      });
      expect(maxDiff(projections, record.projections)).toBeLessThan(1e-12);
    });
    expect(seen[seen.length - 1]!.state.wS).toEqual(result.particles.wS);
    expect(seen[0]!.state.wS).not.toEqual(result.particles.wS);
  });

  it("learns the staircase coefficients in order: x1, then x1x2, then x1x2x3, then x1x2x3x4", async () => {
    const rt = await runtimeFor("simd");
    const result = await solveReducedParticles(
      {
        ...base,
        task: { kind: "staircase", d: 1000, degree: 4 },
        model: { ...base.model, width: 1000 },
        algorithm: { kind: "onlineSgd", batch: 1, steps: 1400, stepSize: 0.05 },
        metrics: { schedule: { kind: "every", steps: 5 } },
      },
      { runtime: rt },
    );
    expect(result.basisNames).toEqual(["x1", "x1x2", "x1x2x3", "x1x2x3x4"]);
    for (const level of [0.25, 0.5]) {
      const times = [0, 1, 2, 3].map((k) => result.records.find((r) => r.coefficients[k]! >= level)?.time ?? Infinity);
      for (let k = 1; k < 4; k++) expect(times[k]!, `level ${level}: ${times.join(", ")}`).toBeGreaterThan(times[k - 1]! + 0.5);
      expect(times[3]!).toBeLessThan(Infinity);
    }
    expect(result.summary.final!.loss).toBeLessThan(0.05);
  }, 120_000);
});
