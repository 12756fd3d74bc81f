import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, configSchema, parseConfig, type Config, type ConfigInput } from "../src/config.js";
import type { MetricContext, MetricValues } from "../src/metrics/metric.js";
import { createMetricRecorder } from "../src/metrics/recorder.js";
import { kernelAlignment } from "../src/metrics/alignment.js";
import type { ActivationSpec } from "../src/activation/spec.js";
import { activationFunction } from "../src/activation/activationFunction.js";
import { networkOptionsOf, TwoLayerNetwork } from "../src/model/network.js";
import { GaussianActivation, gradedCuts } from "../src/activation/gaussianMoments.js";
import { sphereCoefficients } from "../src/activation/coefficients.js";
import { gegenbauerAll, sphericalHarmonicsDim } from "../src/special/gegenbauer.js";
import { hermiteAll } from "../src/special/hermite.js";
import { createTask } from "../src/tasks/createTask.js";
import { linkToActivation } from "../src/activation/link.js";
import type { Task } from "../src/tasks/task.js";
import type { WasmRuntime } from "../src/wasm/runtime.js";
import { normals, runtimeFor, testRandom } from "./helpers.js";

const MC_SAMPLES = 400_000;
const MC_CHUNK = 20_000;

let rt: WasmRuntime;
beforeAll(async () => {
  rt = await runtimeFor("simd");
});

interface Setup {
  config: Config;
  task: Task;
  net: TwoLayerNetwork;
  ctx: MetricContext;
  free(): void;
}

/** A resolved config, its task and network; w and a are replaced when given (rows of inputDim). */
function setup(
  input: Partial<ConfigInput> & Pick<ConfigInput, "task" | "model">,
  weights?: { w: Float64Array; a: Float64Array },
  resolve: (raw: unknown) => Config = parseConfig,
): Setup {
  const config = resolve({ algorithm: { kind: "onlineSgd", steps: 10, stepSize: 0.1, batch: 8 }, ...input });
  const activation = linkToActivation(config.model.activation, config.task.d);
  const task = createTask(rt, config.task, config.seed, activation);
  const net = new TwoLayerNetwork(rt, networkOptionsOf(config, activation));
  if (weights) net.setWeights(weights.w, weights.a);
  const ctx: MetricContext = { runtime: rt, config, task, net, initialW: net.w.toArray(), initialA: net.a.toArray() };
  return {
    config,
    task,
    net,
    ctx,
    free() {
      net.free();
      task.free();
    },
  };
}

function recordOnce(ctx: MetricContext): MetricValues {
  const recorder = createMetricRecorder(ctx);
  try {
    return recorder.record();
  } finally {
    recorder.free();
  }
}

/** Random weights: rows of norm about `norm` (jittered), Gaussian a, and a bias column when asked. */
function randomWeights(seed: number, n: number, d: number, options: { norm?: number; bias?: boolean; unit?: boolean } = {}) {
  const rand = testRandom(seed);
  const inputDim = d + (options.bias ? 1 : 0);
  const g = normals(rand, n * d);
  const w = new Float64Array(n * inputDim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += g[i * d + k]! ** 2;
    const r = options.unit ? 1 : (options.norm ?? 1) * (0.5 + rand());
    for (let k = 0; k < d; k++) w[i * inputDim + k] = (r * g[i * d + k]!) / Math.sqrt(s);
    if (options.bias) w[i * inputDim + d] = rand() - 0.5;
  }
  return { w, a: normals(rand, n) };
}

/** f(x) for one input row in plain JS. */
function networkValue(net: TwoLayerNetwork, w: Float64Array, a: Float64Array, x: ArrayLike<number>, sigma: (t: number) => number): number {
  let f = 0;
  for (let i = 0; i < net.n; i++) {
    let z = 0;
    for (let k = 0; k < net.d; k++) z += w[i * net.inputDim + k]! * x[k]!;
    if (net.bias) z += w[i * net.inputDim + net.d]!;
    f += a[i]! * sigma(z);
  }
  return net.scale * f;
}

function samples(task: Task, stream: string, rows: number): { x: Float64Array; y: Float64Array } {
  const xb = rt.arena.f64(rows * task.d);
  const yb = rt.arena.f64(rows);
  try {
    task.sampleInto(stream, 0, xb, yb);
    return { x: xb.toArray(), y: yb.toArray() };
  } finally {
    xb.free();
    yb.free();
  }
}

interface Estimate {
  mean: number;
  se: number;
}

/** E[f(x) B_k(<q, x>)] scaled by norms[k], k = 0..kmax, by Monte Carlo on a fresh stream. */
function monteCarloComponents(s: Setup, basis: (t: number) => Float64Array, norms: number[], kmax: number): Estimate[] {
  const { task, net } = s;
  const d = task.d;
  const q = task.directions;
  const sum = new Float64Array(kmax + 1);
  const sumSq = new Float64Array(kmax + 1);
  const w = net.w.toArray();
  const a = net.a.toArray();
  for (let start = 0; start < MC_SAMPLES; start += MC_CHUNK) {
    const xb = rt.arena.f64(MC_CHUNK * d);
    const yb = rt.arena.f64(MC_CHUNK);
    task.sampleInto("mc", start, xb, yb);
    const x = xb.toArray();
    xb.free();
    yb.free();
    const xin = new Float64Array(MC_CHUNK * net.inputDim);
    for (let b = 0; b < MC_CHUNK; b++) {
      xin.set(x.subarray(b * d, (b + 1) * d), b * net.inputDim);
      if (net.bias) xin[b * net.inputDim + d] = 1;
    }
    const { f } = rt.network.forward({ x: xin, w, a, d: net.inputDim, scale: net.scale, activation: net.activationSpec });
    for (let b = 0; b < MC_CHUNK; b++) {
      let t = 0;
      for (let k = 0; k < d; k++) t += q[k]! * x[b * d + k]!;
      const values = basis(t);
      for (let k = 0; k <= kmax; k++) {
        const v = norms[k]! * f[b]! * values[k]!;
        sum[k]! += v;
        sumSq[k]! += v * v;
      }
    }
  }
  return Array.from(sum, (s1, k) => {
    const mean = s1 / MC_SAMPLES;
    return { mean, se: Math.sqrt((sumSq[k]! / MC_SAMPLES - mean * mean) / (MC_SAMPLES - 1)) };
  });
}

/** Measured figures (worst deviations in standard errors, alignment values), printed after the suite. */
const worstDeviations: Record<string, number | number[]> = {};
afterAll(() => console.log(JSON.stringify(worstDeviations, null, 1)));

function expectWithinMc(exact: number[], mc: Estimate[], label: string): void {
  let worst = 0;
  exact.forEach((e, k) => {
    const z = Math.abs(e - mc[k]!.mean) / mc[k]!.se;
    worst = Math.max(worst, z);
    expect(z, `${label} k=${k}: exact ${e}, MC ${mc[k]!.mean} ± ${mc[k]!.se}`).toBeLessThanOrEqual(4);
  });
  worstDeviations[label] = worst;
}

const QUARTIC: ActivationSpec = { kind: "polynomial", coefficients: [0.1, 0, -0.6, 0, 1] };

describe("components (exact, against Monte Carlo)", () => {
  const K = 4;
  const d = 5;
  const sphereNorms = Array.from({ length: K + 1 }, (_, k) => sphericalHarmonicsDim(d, k));
  const hermiteNorms = new Array<number>(K + 1).fill(1);
  const cases: { name: string; kind: "sphereSingleIndex" | "gaussianSingleIndex"; activation: ActivationSpec; weights: "unit" | "free" | "bias"; norm?: number }[] = [
    { name: "sphere, quartic, unit w (shared sigma_k)", kind: "sphereSingleIndex", activation: QUARTIC, weights: "unit" },
    { name: "sphere, relu, unit w", kind: "sphereSingleIndex", activation: "relu", weights: "unit" },
    { name: "sphere, tanh, |w_i| != 1", kind: "sphereSingleIndex", activation: "tanh", weights: "free" },
    { name: "sphere, relu, |w_i| != 1 (homogeneous)", kind: "sphereSingleIndex", activation: "relu", weights: "free" },
    { name: "sphere, quartic, bias", kind: "sphereSingleIndex", activation: QUARTIC, weights: "bias" },
    { name: "sphere, relu, bias", kind: "sphereSingleIndex", activation: "relu", weights: "bias" },
    { name: "sphere, sigmoid, |w_i| ~ 10 (graded cuts)", kind: "sphereSingleIndex", activation: "sigmoid", weights: "free", norm: 10 },
    { name: "sphere, piecewise, |w_i| != 1", kind: "sphereSingleIndex", activation: { kind: "piecewiseLinear", breakpoints: [-0.3, 0.4], slopes: [0.2, 1, -0.5] }, weights: "free" },
    { name: "gaussian, relu, |w_i| != 1", kind: "gaussianSingleIndex", activation: "relu", weights: "free" },
    { name: "gaussian, tanh, |w_i| ~ 10 (graded cuts)", kind: "gaussianSingleIndex", activation: "tanh", weights: "free", norm: 10 },
    { name: "gaussian, piecewise, |w_i| != 1 (closed form)", kind: "gaussianSingleIndex", activation: { kind: "piecewiseLinear", breakpoints: [-0.3, 0.4], slopes: [0.2, 1, -0.5] }, weights: "free" },
    { name: "gaussian, erf, |w_i| != 1", kind: "gaussianSingleIndex", activation: "erf", weights: "free" },
    { name: "gaussian, quartic, bias", kind: "gaussianSingleIndex", activation: QUARTIC, weights: "bias" },
    { name: "gaussian, sigmoid, bias", kind: "gaussianSingleIndex", activation: "sigmoid", weights: "bias" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const bias = c.weights === "bias";
      const n = 7;
      const s = setup(
        {
          task: { kind: c.kind, d, link: c.kind === "sphereSingleIndex" ? { kind: "legendre", coefficients: [0.1, 0.5, -0.3, 0.2, 0.4] } : { kind: "hermite", coefficients: [0.2, 1, 0.5, -0.3] } },
          model: { width: n, activation: c.activation, bias },
          metrics: { include: ["components"], degrees: K },
        },
        randomWeights(11, n, d, { unit: c.weights === "unit", bias, norm: c.norm ?? 1.3 }),
      );
      try {
        // Put one neuron on q* so some high-degree components are far from zero.
        const q = s.task.directions;
        const w = s.net.w.view;
        for (let k = 0; k < d; k++) w[k] = (c.weights === "unit" ? 1 : 0.8) * q[k]!;
        const record = recordOnce(s.ctx);
        const f = record.components as number[];
        const residuals = record.residuals as number[];
        const h = s.task.linkCoefficients(K)!;
        expect(f).toHaveLength(K + 1);
        residuals.forEach((r, k) => expect(r).toBeCloseTo(f[k]! - h[k]!, 14));
        const sphere = c.kind === "sphereSingleIndex";
        const mc = monteCarloComponents(s, sphere ? (t) => gegenbauerAll(K, d, Math.max(-1, Math.min(1, t))) : (t) => hermiteAll(K, t), sphere ? sphereNorms : hermiteNorms, K);
        expectWithinMc(f, mc, c.name);
      } finally {
        s.free();
      }
    });
  }

  it("one neuron r q*: f_k are the coefficients of sigma(r t) from the population code / per-neuron quadrature", () => {
    const K = 8;
    let worst = 0;
    for (const kind of ["sphereSingleIndex", "gaussianSingleIndex"] as const) {
      for (const activation of ["tanh", "sigmoid", "erf"] as const) {
        const s = setup({ task: { kind, d, link: "relu" }, model: { width: 1, activation }, metrics: { include: ["components"], degrees: K } });
        try {
          const q = s.task.directions;
          for (const r of [0.3, 1.7, 7, 40]) {
            s.net.setWeights(q.map((v) => r * v), [1]);
            const f = recordOnce(s.ctx).components as number[];
            const sigma = activationFunction(activation).value;
            const expected =
              kind === "gaussianSingleIndex"
                ? new GaussianActivation(activation).hermite(r, K).values
                : sphereCoefficients((t: number) => sigma(r * t), d, K, { kinks: gradedCuts(0, 1 / r) });
            const size = Math.max(...Array.from(expected, Math.abs));
            f.forEach((v, k) => {
              worst = Math.max(worst, Math.abs(v - expected[k]!) / size);
              expect(Math.abs(v - expected[k]!) / size, `${kind} ${activation} r=${r} k=${k}`).toBeLessThan(1e-12);
            });
          }
        } finally {
          s.free();
        }
      }
    }
    worstDeviations["shared smooth rule vs per-neuron expansions (relative)"] = worst;
  });

  it("unit-norm weights: the shared sigma_k agree with per-neuron coefficients", () => {
    const n = 9;
    const weights = randomWeights(5, n, d, { unit: true });
    const base = { task: { kind: "sphereSingleIndex" as const, d, link: { kind: "He" as const, k: 3 } }, metrics: { include: ["components" as const], degrees: 6 } };
    for (const activation of ["tanh", QUARTIC, "relu"] as ActivationSpec[]) {
      const s = setup({ ...base, model: { width: n, activation } }, weights);
      try {
        const shared = recordOnce(s.ctx).components as number[];
        // 1 + 1e-8 is outside the 1e-9 unit tolerance, so every neuron gets its own expansion.
        const w = s.net.w.view;
        for (let k = 0; k < w.length; k++) w[k] = w[k]! * (1 + 1e-8);
        const perNeuron = recordOnce(s.ctx).components as number[];
        const scale = Math.max(...shared.map(Math.abs));
        perNeuron.forEach((v, k) => expect(Math.abs(v - shared[k]!) / scale).toBeLessThan(1e-7));
      } finally {
        s.free();
      }
    }
  });
});

describe("losses", () => {
  it("populationLoss agrees with a 400k-sample testLoss within 4 standard errors", () => {
    for (const [task, activation] of [
      [{ kind: "gaussianSingleIndex", d: 6, link: "tanh" }, "relu"],
      [{ kind: "teacherAbs", d: 6, width: 3, outputs: [1, 0.5, 2] }, "relu"],
      [{ kind: "sphereSingleIndex", d: 6, link: { kind: "polynomial", coefficients: [0, 0, 0.5, 0, 1] } }, QUARTIC],
    ] as [ConfigInput["task"], ActivationSpec][]) {
      const sphere = task.kind === "sphereSingleIndex";
      const s = setup(
        {
          task,
          model: { width: 6, activation, init: { firstLayer: sphere ? { kind: "sphere" } : { kind: "gaussian", kappa: 2 }, secondLayer: { kind: "gaussian", std: 1 } } },
          algorithm: { kind: "onlineSgd", steps: 10, stepSize: 0.1, batch: 8, projected: sphere },
          metrics: { include: ["populationLoss", "testLoss"], testSamples: MC_SAMPLES },
        },
      );
      try {
        const r = recordOnce(s.ctx);
        const z = Math.abs((r.populationLoss as number) - (r.testLoss as number)) / (r.testLossSE as number);
        worstDeviations[`populationLoss vs testLoss, ${task.kind}`] = z;
        expect(z).toBeLessThanOrEqual(4);
        expect(r.populationLossBound as number).toBeLessThan(1e-8);
      } finally {
        s.free();
      }
    }
  });

  it("testLoss equals a plain JS mean over the test stream, with and without a bias", () => {
    for (const bias of [false, true]) {
      const n = 5;
      const d = 4;
      const s = setup(
        { task: { kind: "gaussianSingleIndex", d, link: "relu" }, model: { width: n, activation: "tanh", bias }, metrics: { include: ["testLoss"], testSamples: 3001 } },
        randomWeights(3, n, d, { bias }),
      );
      try {
        const r = recordOnce(s.ctx);
        const { x, y } = samples(s.task, "test", 3001);
        const sigma = activationFunction("tanh").value;
        const w = s.net.w.toArray();
        const a = s.net.a.toArray();
        const losses = Array.from(y, (yb, b) => 0.5 * (networkValue(s.net, w, a, x.subarray(b * d, (b + 1) * d), sigma) - yb) ** 2);
        const mean = losses.reduce((p, v) => p + v, 0) / losses.length;
        const variance = losses.reduce((p, v) => p + (v - mean) ** 2, 0) / (losses.length - 1);
        expect(r.testLoss as number).toBeCloseTo(mean, 12);
        expect(r.testLossSE as number).toBeCloseTo(Math.sqrt(variance / losses.length), 12);
      } finally {
        s.free();
      }
    }
  });

  it("trainLoss reports ctx.trainLoss and is refused without a training set", () => {
    const s = setup({
      task: { kind: "gaussianSingleIndex", d: 3, link: "relu" },
      model: { width: 4 },
      algorithm: { kind: "empiricalGd", steps: 10, stepSize: 0.1, samples: 100 },
      metrics: { include: ["trainLoss"] },
    });
    try {
      expect(recordOnce({ ...s.ctx, trainLoss: () => 0.125 })).toEqual({ trainLoss: 0.125 });
      expect(() => createMetricRecorder(s.ctx)).toThrow(ConfigError);
    } finally {
      s.free();
    }
  });
});

describe("overlaps and phiSpread", () => {
  it("match plain JS statistics; the histogram sums to N; zero and bias columns are handled", () => {
    const n = 101;
    const d = 6;
    const weights = randomWeights(8, n, d, { bias: true, norm: 2 });
    const s = setup(
      { task: { kind: "gaussianSingleIndex", d, link: "relu" }, model: { width: n, bias: true }, metrics: { include: ["overlaps", "phiSpread"], histogramBins: 7 } },
      weights,
    );
    try {
      const q = s.task.directions;
      const w = s.net.w.view;
      // Neuron 0 exactly on q* (m = 1: in the histogram's last bin, not in phiSpread); neuron 1 zero (m = 0).
      for (let k = 0; k < d; k++) {
        w[k] = 3 * q[k]!;
        w[(d + 1) + k] = 0;
      }
      const r = recordOnce(s.ctx);
      const m = Array.from({ length: n }, (_, i) => {
        let dot = 0;
        let norm = 0;
        for (let k = 0; k < d; k++) {
          dot += q[k]! * w[i * (d + 1) + k]!;
          norm += w[i * (d + 1) + k]! ** 2;
        }
        return norm === 0 ? 0 : Math.max(-1, Math.min(1, dot / Math.sqrt(norm)));
      });
      const mean = m.reduce((p, v) => p + v, 0) / n;
      expect(r.overlapMean as number).toBeCloseTo(mean, 14);
      expect(r.overlapVariance as number).toBeCloseTo(m.reduce((p, v) => p + (v - mean) ** 2, 0) / n, 14);
      const sorted = [...m].sort((u, v) => u - v);
      // n - 1 = 100 makes every quantile an order statistic.
      expect(r.overlapQuantiles).toEqual([5, 25, 50, 75, 95].map((j) => sorted[j]));
      const histogram = r.overlapHistogram as number[];
      expect(histogram).toHaveLength(7);
      expect(histogram.reduce((p, v) => p + v, 0)).toBe(n);
      const expected = new Array<number>(7).fill(0);
      for (const v of m) expected[Math.min(6, Math.floor(((v + 1) * 7) / 2))]!++;
      expect(histogram).toEqual(expected);
      expect(histogram[6]).toBeGreaterThanOrEqual(1);

      const phi = m.filter((v) => v > 0 && v < 1).map((v) => Math.log(v / Math.sqrt(1 - v * v)));
      const phiMean = phi.reduce((p, v) => p + v, 0) / phi.length;
      expect(r.phiCount).toBe(phi.length);
      expect(r.phiStd as number).toBeCloseTo(Math.sqrt(phi.reduce((p, v) => p + (v - phiMean) ** 2, 0) / phi.length), 12);
      const ps = [...phi].sort((u, v) => u - v);
      const at = (p: number) => {
        const h = p * (ps.length - 1);
        const lo = Math.floor(h);
        return ps[lo]! + (h - lo) * ((ps[lo + 1] ?? ps[lo]!) - ps[lo]!);
      };
      expect(r.phiIqr as number).toBeCloseTo(at(0.75) - at(0.25), 12);
    } finally {
      s.free();
    }
  });

  it("phiSpread is null with no particle in 0 < m < 1", () => {
    const d = 3;
    const s = setup({ task: { kind: "gaussianSingleIndex", d, link: "relu" }, model: { width: 2 }, metrics: { include: ["phiSpread"] } });
    try {
      const q = s.task.directions;
      s.net.w.set([...Array.from(q, (v) => -v), ...q]);
      expect(recordOnce(s.ctx)).toEqual({ phiCount: 0, phiStd: null, phiIqr: null });
    } finally {
      s.free();
    }
  });
});

describe("movement", () => {
  it("is 0 at step 0, then the plain JS relative distances; null for a zero a_0", () => {
    const n = 6;
    const d = 4;
    const s = setup({ task: { kind: "gaussianSingleIndex", d, link: "relu" }, model: { width: n, bias: true, init: { firstLayer: { kind: "sphere" }, secondLayer: { kind: "gaussian", std: 1 } } }, metrics: { include: ["movement"] } });
    try {
      const recorder = createMetricRecorder(s.ctx);
      expect(recorder.record()).toEqual({ movementW: 0, movementA: 0, movement: 0 });
      const w0 = s.ctx.initialW;
      const a0 = s.ctx.initialA;
      const moved = randomWeights(9, n, d, { bias: true });
      s.net.setWeights(moved.w, moved.a);
      const dist = (u: Float64Array, v: Float64Array) => u.reduce((p, x, k) => p + (x - v[k]!) ** 2, 0);
      const sq = (u: Float64Array) => u.reduce((p, x) => p + x * x, 0);
      const r = recorder.record();
      expect(r.movementW as number).toBeCloseTo(Math.sqrt(dist(moved.w, w0) / sq(w0)), 14);
      expect(r.movementA as number).toBeCloseTo(Math.sqrt(dist(moved.a, a0) / sq(a0)), 14);
      expect(r.movement as number).toBeCloseTo(Math.sqrt((dist(moved.w, w0) + dist(moved.a, a0)) / (sq(w0) + sq(a0))), 14);
      recorder.free();
      const zero = recordOnce({ ...s.ctx, initialA: new Float64Array(n) });
      expect(zero.movementA).toBeNull();
      expect(zero.movementW).toBeCloseTo(Math.sqrt(dist(moved.w, w0) / sq(w0)), 14);
    } finally {
      s.free();
    }
  });
});

describe("hermiteOrders", () => {
  it("teacher |W* x| with a relu student: L_0 and L_1 in closed form, odd orders >= 3 of an abs student vanish", () => {
    const n = 8;
    const d = 7;
    const outputs = [1, 0.5, 2];
    for (const activation of ["relu", "abs"] as const) {
      const s = setup(
        { task: { kind: "teacherAbs", d, width: 3, outputs }, model: { width: n, activation }, metrics: { include: ["hermiteOrders", "populationLoss"], degrees: 8 } },
        randomWeights(21, n, d, { norm: 1.5 }),
      );
      try {
        const r = recordOnce(s.ctx);
        const L = r.hermiteOrders as number[];
        expect(L).toHaveLength(9);
        const w = s.net.w.view;
        const a = s.net.a.view;
        const norms = Array.from({ length: n }, (_, i) => Math.hypot(...w.subarray(i * d, (i + 1) * d)));
        // E|Z| = sqrt(2/pi), E relu(rZ) = r/sqrt(2 pi), E[relu(rZ) Z] = r/2, E[|rZ| Z] = 0.
        const mean0 = activation === "relu" ? 1 / Math.sqrt(2 * Math.PI) : Math.sqrt(2 / Math.PI);
        const f0 = s.net.scale * norms.reduce((p, r, i) => p + a[i]! * r * mean0, 0);
        const y0 = outputs.reduce((p, b) => p + b * Math.sqrt(2 / Math.PI), 0);
        expect(L[0]!).toBeCloseTo(0.5 * (f0 - y0) ** 2, 12);
        let l1 = 0;
        for (let k = 0; k < d; k++) {
          let g = 0;
          for (let i = 0; i < n; i++) g += a[i]! * (activation === "relu" ? 0.5 : 0) * w[i * d + k]!;
          l1 += (s.net.scale * g) ** 2;
        }
        expect(L[1]!).toBeCloseTo(0.5 * l1, 12);
        if (activation === "abs") for (const k of [3, 5, 7]) expect(Math.abs(L[k]!)).toBeLessThan(1e-14);
        const total = L.reduce((p, v) => p + v, 0);
        expect(total).toBeLessThanOrEqual((r.populationLoss as number) + 1e-12);
        expect(total).toBeGreaterThan(0.8 * (r.populationLoss as number));
      } finally {
        s.free();
      }
    }
  });

  it("polynomial student and link: the orders sum to the population loss", () => {
    const n = 5;
    const d = 6;
    const s = setup(
      {
        task: { kind: "gaussianSingleIndex", d, link: { kind: "hermite", coefficients: [0.3, 0, 1, 0, 0.5] } },
        model: { width: n, activation: QUARTIC },
        metrics: { include: ["hermiteOrders", "populationLoss"], degrees: 4 },
      },
      randomWeights(4, n, d),
    );
    try {
      const r = recordOnce(s.ctx);
      const total = (r.hermiteOrders as number[]).reduce((p, v) => p + v, 0);
      worstDeviations["polynomial: |sum of hermiteOrders - populationLoss|"] = Math.abs(total - (r.populationLoss as number));
      expect(Math.abs(total - (r.populationLoss as number))).toBeLessThan(1e-12 * Math.max(1, r.populationLoss as number));
    } finally {
      s.free();
    }
  });
});

describe("projections", () => {
  for (const task of [
    { kind: "gaussianMultiIndex", d: 9, directions: "random", terms: [{ coefficient: 1, degrees: [1, 1, 0] }, { coefficient: 0.5, degrees: [0, 0, 2] }] },
    { kind: "staircase", d: 9, degree: 4 },
  ] as ConfigInput["task"][]) {
    it(`${task.kind}: per-direction RMS projections and the orthogonal norm match plain JS`, () => {
      const n = 13;
      const d = 9;
      const s = setup({ task, model: { width: n, bias: true }, metrics: { include: ["projections"] } }, randomWeights(31, n, d, { bias: true, norm: 1.7 }));
      try {
        const r = recordOnce(s.ctx);
        const u = s.task.directions;
        const P = u.length / d;
        const w = s.net.w.view;
        const row = (i: number) => Array.from(w.subarray(i * (d + 1), i * (d + 1) + d));
        const dot = (x: number[], p: number) => x.reduce((acc, v, k) => acc + v * u[p * d + k]!, 0);
        const expected = Array.from({ length: P }, (_, p) => Math.sqrt(Array.from({ length: n }, (_, i) => dot(row(i), p) ** 2).reduce((x, y) => x + y, 0) / n));
        (r.projections as number[]).forEach((v, p) => expect(v).toBeCloseTo(expected[p]!, 13));
        const orthogonal =
          Array.from({ length: n }, (_, i) => {
            const x = row(i);
            const rest = x.map((v, k) => v - Array.from({ length: P }, (_, p) => dot(x, p) * u[p * d + k]!).reduce((a, b) => a + b, 0));
            return Math.hypot(...rest);
          }).reduce((a, b) => a + b, 0) / n;
        expect(r.orthogonalNorm as number).toBeCloseTo(orthogonal, 13);
      } finally {
        s.free();
      }
    });
  }
});

/** Centered A(K, y) by the definition: K_bc = sum_i sigma(<w_i, x_b>) sigma(<w_i, x_c>), K_c = HKH, O(m^2 N). */
function plainAlignment(net: TwoLayerNetwork, x: Float64Array, y: Float64Array, sigma: (t: number) => number): number {
  const m = y.length;
  const { n, d, inputDim } = net;
  const w = net.w.view;
  const F = new Float64Array(m * n);
  for (let b = 0; b < m; b++) {
    for (let i = 0; i < n; i++) {
      let z = net.bias ? w[i * inputDim + d]! : 0;
      for (let k = 0; k < d; k++) z += w[i * inputDim + k]! * x[b * d + k]!;
      F[b * n + i] = sigma(z);
    }
  }
  const K = new Float64Array(m * m);
  for (let b = 0; b < m; b++) {
    for (let c = 0; c < m; c++) {
      let kbc = 0;
      for (let i = 0; i < n; i++) kbc += F[b * n + i]! * F[c * n + i]!;
      K[b * m + c] = kbc;
    }
  }
  // (HKH)_bc = K_bc - rowMean_b - colMean_c + grandMean.
  const rowMean = new Float64Array(m);
  for (let b = 0; b < m; b++) for (let c = 0; c < m; c++) rowMean[b]! += K[b * m + c]! / m;
  const grand = rowMean.reduce((p, v) => p + v, 0) / m;
  const yMean = y.reduce((p, v) => p + v, 0) / m;
  let yKy = 0;
  let frob = 0;
  for (let b = 0; b < m; b++) {
    for (let c = 0; c < m; c++) {
      const kc = K[b * m + c]! - rowMean[b]! - rowMean[c]! + grand;
      yKy += (y[b]! - yMean) * kc * (y[c]! - yMean);
      frob += kc * kc;
    }
  }
  const yy = y.reduce((p, v) => p + (v - yMean) ** 2, 0);
  return yKy / (Math.sqrt(frob) * yy);
}

describe("alignment", () => {
  const cases = [
    { name: "fewer neurons than samples (Gram over neurons)", n: 17, m: 60, bias: false },
    { name: "more neurons than samples (Gram over samples)", n: 70, m: 45, bias: false },
    { name: "with a bias", n: 23, m: 41, bias: true },
  ];
  for (const c of cases) {
    it(`equals the plain O(m^2 N) computation: ${c.name}`, () => {
      const d = 5;
      const s = setup(
        { task: { kind: "gaussianSingleIndex", d, link: "tanh" }, model: { width: c.n, activation: "erf", bias: c.bias }, metrics: { include: ["alignment"], alignmentSamples: c.m } },
        randomWeights(41, c.n, d, { bias: c.bias, norm: 1.2 }),
      );
      try {
        const r = recordOnce(s.ctx);
        const { x, y } = samples(s.task, "alignment", c.m);
        const expected = plainAlignment(s.net, x, y, activationFunction("erf").value);
        worstDeviations[`alignment vs plain JS, ${c.name} (abs. difference)`] = Math.abs((r.alignment as number) - expected);
        expect(Math.abs((r.alignment as number) - expected)).toBeLessThan(1e-13);
        if (!c.bias) {
          // The explicit-kernel form on K = F F^T gives the same number.
          const w = s.net.w.view;
          const K = new Float64Array(c.m * c.m);
          const F = Array.from({ length: c.m }, (_, b) => Array.from({ length: c.n }, (_, i) => activationFunction("erf").value(w.subarray(i * d, (i + 1) * d).reduce((z, v, k) => z + v * x[b * d + k]!, 0))));
          for (let b = 0; b < c.m; b++) for (let e = 0; e < c.m; e++) K[b * c.m + e] = F[b]!.reduce((acc, v, i) => acc + v * F[e]![i]!, 0);
          expect(Math.abs(kernelAlignment(K, y)! - expected)).toBeLessThan(1e-12);
        }
      } finally {
        s.free();
      }
    });
  }

  it("a Gram block smaller than the rows (several blocks) gives the same value", () => {
    // 1025 neurons < 1030 samples: the Gram matrix is over neurons, in blocks of floor(2^20 / 1025) = 1023 rows.
    const d = 4;
    const n = 1025;
    const m = 1030;
    const s = setup({ task: { kind: "gaussianSingleIndex", d, link: "tanh" }, model: { width: n, activation: "tanh" }, metrics: { include: ["alignment"], alignmentSamples: m } });
    try {
      const r = recordOnce(s.ctx);
      const { x, y } = samples(s.task, "alignment", m);
      const w = s.net.w.view;
      // Columns of F as rows (N x m), so ||K||_F = ||F^T F||_F is a plain double loop over neuron pairs.
      const Ft = new Float64Array(n * m);
      for (let i = 0; i < n; i++)
        for (let b = 0; b < m; b++) {
          let z = 0;
          for (let k = 0; k < d; k++) z += w[i * d + k]! * x[b * d + k]!;
          Ft[i * m + b] = Math.tanh(z);
        }
      // Centering HKH = (HF)(HF)^T: each neuron's feature minus its mean over the set, and y minus its mean.
      for (let i = 0; i < n; i++) {
        let mean = 0;
        for (let b = 0; b < m; b++) mean += Ft[i * m + b]! / m;
        for (let b = 0; b < m; b++) Ft[i * m + b]! -= mean;
      }
      const yMean = y.reduce((p, t) => p + t, 0) / m;
      const yc = y.map((t) => t - yMean);
      let yKy = 0;
      let frob = 0;
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let b = 0; b < m; b++) v += Ft[i * m + b]! * yc[b]!;
        yKy += v * v;
        for (let j = 0; j <= i; j++) {
          let g = 0;
          for (let b = 0; b < m; b++) g += Ft[i * m + b]! * Ft[j * m + b]!;
          frob += (i === j ? 1 : 2) * g * g;
        }
      }
      const expected = yKy / (Math.sqrt(frob) * yc.reduce((p, t) => p + t * t, 0));
      worstDeviations["alignment vs plain JS, several Gram blocks (abs. difference)"] = Math.abs((r.alignment as number) - expected);
      expect(Math.abs((r.alignment as number) - expected)).toBeLessThan(1e-12);
    } finally {
      s.free();
    }
  }, 60_000);

  it("rises from random features to 1 as neurons align with y's own feature (rank one)", () => {
    const d = 50;
    const n = 64;
    const m = 500;
    // y = tanh(<q*, x>) and the student's activation is tanh, so a neuron at q* has y as its feature.
    const base = { task: { kind: "gaussianSingleIndex" as const, d, link: "tanh" as const }, model: { width: n, activation: "tanh" as const }, metrics: { include: ["alignment" as const], alignmentSamples: m } };
    const s = setup(base, randomWeights(51, n, d, { unit: true }));
    try {
      const q = s.task.directions;
      const w = s.net.w.view;
      const values: number[] = [];
      for (const aligned of [0, 1, n / 4, n / 2, n]) {
        for (let i = 0; i < aligned; i++) w.set(q, i * d);
        values.push(recordOnce(s.ctx).alignment as number);
      }
      worstDeviations["alignment with 0, 1, N/4, N/2, N neurons on q*"] = values;
      for (let j = 1; j < values.length; j++) expect(values[j]!).toBeGreaterThan(values[j - 1]!);
      expect(values[0]!).toBeLessThan(0.2);
      expect(values[3]!).toBeGreaterThan(0.9);
      expect(Math.abs(values[4]! - 1)).toBeLessThan(1e-12);
    } finally {
      s.free();
    }
  });
});

describe("the recorder", () => {
  it("records every requested key, JSON-round-trips, and frees all its Wasm memory", () => {
    const live = rt.arena.liveAllocations;
    const s = setup({
      task: { kind: "gaussianSingleIndex", d: 5, link: "relu" },
      model: { width: 12 },
      metrics: { include: ["populationLoss", "testLoss", "components", "overlaps", "phiSpread", "movement", "hermiteOrders", "alignment"], testSamples: 500, alignmentSamples: 50, degrees: 3 },
    });
    const before = rt.arena.liveAllocations;
    const recorder = createMetricRecorder(s.ctx);
    const r = recorder.record();
    expect(Object.keys(r)).toEqual([
      "populationLoss", "populationLossBound", "testLoss", "testLossSE", "components", "residuals",
      "overlapMean", "overlapVariance", "overlapQuantiles", "overlapHistogram", "phiCount", "phiStd", "phiIqr",
      "movementW", "movementA", "movement", "hermiteOrders", "alignment",
    ]);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    recorder.free();
    expect(rt.arena.liveAllocations).toBe(before);
    expect(() => recorder.record()).toThrow(/after free/);
    s.free();
    expect(rt.arena.liveAllocations).toBe(live);
  });

  it("refuses metrics the task or model cannot support, before step 0, naming the field (for configs that skipped parseConfig's cross-field checks)", () => {
    const unchecked = (raw: unknown) => configSchema.parse(raw) as Config;
    const cases: [Partial<ConfigInput> & Pick<ConfigInput, "task" | "model">, RegExp][] = [
      [{ task: { kind: "teacherAbs", d: 4, width: 2 }, model: { width: 3 }, metrics: { include: ["components"] } }, /^metrics\.include: components needs a single-index task/],
      [{ task: { kind: "isotropicGaussians", d: 4, delta: 0.3 }, model: { width: 3 }, metrics: { include: ["overlaps"] } }, /^metrics\.include: overlaps needs a target direction/],
      [{ task: { kind: "isotropicGaussians", d: 4, delta: 0.3 }, model: { width: 3 }, metrics: { include: ["phiSpread"] } }, /^metrics\.include: phiSpread needs a target direction/],
      [{ task: { kind: "teacherAbs", d: 4, width: 2 }, model: { width: 3, bias: true }, metrics: { include: ["hermiteOrders"] } }, /^model\.bias: hermiteOrders/],
    ];
    const live = rt.arena.liveAllocations;
    for (const [input, message] of cases) {
      const s = setup(input, undefined, unchecked);
      try {
        expect(() => createMetricRecorder(s.ctx)).toThrow(ConfigError);
        expect(() => createMetricRecorder(s.ctx)).toThrow(message);
      } finally {
        s.free();
      }
    }
    // A later metric's refusal frees what earlier ones allocated.
    const s = setup({ task: { kind: "teacherAbs", d: 4, width: 2 }, model: { width: 3 }, metrics: { include: ["testLoss", "alignment", "components"], testSamples: 100, alignmentSamples: 10 } }, undefined, unchecked);
    expect(() => createMetricRecorder(s.ctx)).toThrow(ConfigError);
    s.free();
    expect(rt.arena.liveAllocations).toBe(live);
  });
});
