import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError, parseConfig, type ConfigInput } from "../src/config.js";
import { createMetricRecorder } from "../src/metrics/recorder.js";
import { activationFunction } from "../src/activation/activationFunction.js";
import { networkOptionsOf, TwoLayerNetwork } from "../src/model/network.js";
import { createTask } from "../src/tasks/createTask.js";
import { linkToActivation } from "../src/activation/link.js";
import type { WasmRuntime } from "../src/wasm/runtime.js";
import { normals, runtimeFor, testRandom } from "./helpers.js";

let rt: WasmRuntime;
beforeAll(async () => {
  rt = await runtimeFor("simd");
});

/** The config's task and network (w, a replaced when given) and one record of its metrics. */
function recordWith(input: Pick<ConfigInput, "task" | "model" | "metrics">, weights?: { w: Float64Array; a: Float64Array }) {
  const config = parseConfig({ algorithm: { kind: "onlineSgd", steps: 1, stepSize: 0.1, batch: 4 }, ...input });
  const activation = linkToActivation(config.model.activation, config.task.d);
  const task = createTask(rt, config.task, config.seed, activation);
  const net = new TwoLayerNetwork(rt, networkOptionsOf(config, activation));
  if (weights) net.setWeights(weights.w, weights.a);
  const recorder = createMetricRecorder({ runtime: rt, config, task, net, initialW: net.w.toArray(), initialA: net.a.toArray() });
  try {
    return { record: recorder.record(), task, net, config, w: net.w.toArray(), a: net.a.toArray() };
  } finally {
    recorder.free();
    net.free();
    task.free();
  }
}

describe("coefficients metric", () => {
  it("staircase: equals the plain computation of mean f(x) x1..xk on the test rows, with its standard error", () => {
    const d = 7;
    const n = 13;
    const m = 257;
    const rand = testRandom(5);
    const w = normals(rand, n * (d + 1), 0.6);
    const a = normals(rand, n);
    const spec = { kind: "piecewiseLinear" as const, breakpoints: [-0.5], slopes: [0, 1], valueAtZero: 0.5 };
    const { record, config } = recordWith(
      { task: { kind: "staircase", d, degree: 4 }, model: { width: n, activation: spec, bias: true }, metrics: { include: ["coefficients"], testSamples: m } },
      { w, a },
    );
    // The same rows the metric draws: stream "test" of the task.
    const task = createTask(rt, config.task, config.seed, linkToActivation(spec, d));
    const x = rt.arena.f64(m * d);
    const y = rt.arena.f64(m);
    task.sampleInto("test", 0, x, y);
    const xv = x.toArray();
    x.free();
    y.free();
    task.free();
    const sigma = activationFunction(spec).value;
    const expected: number[] = [];
    const errors: number[] = [];
    for (let k = 1; k <= 4; k++) {
      const v: number[] = [];
      for (let b = 0; b < m; b++) {
        let f = 0;
        for (let i = 0; i < n; i++) {
          let z = w[i * (d + 1) + d]!;
          for (let c = 0; c < d; c++) z += w[i * (d + 1) + c]! * xv[b * d + c]!;
          f += a[i]! * sigma(z);
        }
        let chi = 1;
        for (let c = 0; c < k; c++) chi *= xv[b * d + c]!;
        v.push((f / n) * chi);
      }
      const mean = v.reduce((s, t) => s + t, 0) / m;
      expected.push(mean);
      errors.push(Math.sqrt(v.reduce((s, t) => s + (t - mean) ** 2, 0) / (m - 1) / m));
    }
    const got = record.coefficients as number[];
    const se = record.coefficientsSE as number[];
    expect(got).toHaveLength(4);
    for (let k = 0; k < 4; k++) {
      expect(Math.abs(got[k]! - expected[k]!)).toBeLessThan(1e-12);
      expect(Math.abs(se[k]! - errors[k]!)).toBeLessThan(1e-12);
    }
  });

  it("Gaussian multi-index, linear activation: Monte Carlo within 4 standard errors of the exact E[f h] (scale sum a_i <u_1, w_i> for h1(z1), 0 for the rest)", () => {
    const d = 6;
    const n = 9;
    const rand = testRandom(8);
    const w = normals(rand, n * d, 0.5);
    const a = normals(rand, n);
    const terms = [
      { coefficient: 1, degrees: [1, 0] },
      { coefficient: 1, degrees: [1, 1] },
      { coefficient: 0.5, degrees: [0, 2] },
    ];
    const { record } = recordWith(
      {
        task: { kind: "gaussianMultiIndex", d, terms },
        model: { width: n, activation: { kind: "polynomial", coefficients: [0, 1] } },
        metrics: { include: ["coefficients"], testSamples: 200_000 },
      },
      { w, a },
    );
    let linear = 0;
    for (let i = 0; i < n; i++) linear += a[i]! * w[i * d]!;
    const exact = [linear / n, 0, 0];
    const got = record.coefficients as number[];
    const se = record.coefficientsSE as number[];
    for (let t = 0; t < 3; t++) {
      expect(se[t]!).toBeGreaterThan(0);
      expect(Math.abs(got[t]! - exact[t]!)).toBeLessThan(4 * se[t]!);
    }
  });

  it("is refused for targets that are not sums of monomials, naming the field", () => {
    expect(() =>
      parseConfig({
        task: { kind: "teacherAbs", d: 4, width: 2 },
        model: { width: 3 },
        algorithm: { kind: "onlineSgd", steps: 1, stepSize: 0.1, batch: 4 },
        metrics: { include: ["coefficients"] },
      }),
    ).toThrow(ConfigError);
    expect(() =>
      parseConfig({
        task: { kind: "gaussianSingleIndex", d: 4, link: "relu" },
        model: { width: 3 },
        algorithm: { kind: "onlineSgd", steps: 1, stepSize: 0.1, batch: 4 },
        metrics: { include: ["coefficients"] },
      }),
    ).toThrow(/^metrics\.include: coefficients needs a target made of monomials/);
  });
});
