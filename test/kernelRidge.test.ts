import { describe, expect, it } from "vitest";
import type { ConfigInput } from "../src/config.js";
import { gaussianActivationKernel } from "../src/activation/closedForms.js";
import { kernelBaseline } from "../src/kernels/kernelRidge.js";
import { GramOperator } from "../src/kernels/gramOperator.js";
import { modelKernel } from "../src/kernels/modelKernel.js";
import { gegenbauerSeries } from "../src/special/gegenbauerSeries.js";
import { parseConfig } from "../src/config.js";
import { runtimeFor } from "./helpers.js";

const linearTask: ConfigInput = {
  task: { kind: "gaussianSingleIndex", d: 5, link: { kind: "polynomial", coefficients: [0, 1] } },
  model: { width: 10, activation: "relu" },
  algorithm: { kind: "onlineSgd", steps: 1, stepSize: 1, batch: 1 },
};

describe("kernel ridge baseline", () => {
  it("NNGP-relu KRR learns a linear target at n = 400, d = 5 (E[y^2] = 1)", async () => {
    const runtime = await runtimeFor("simd");
    const result = await kernelBaseline(linearTask, { n: 400, m: 2000, runtime });
    expect(result.n).toBe(400);
    expect(result.m).toBe(2000);
    expect(result.testLoss).toBeLessThan(0.05);
    expect(result.testLossSE).toBeGreaterThan(0);
    expect(result.testLossSE).toBeLessThan(result.testLoss);
    const ntk = await kernelBaseline(linearTask, { n: 400, m: 2000, kernel: "ntk", runtime });
    expect(ntk.testLoss).toBeLessThan(0.05);
    // Random features of width 2000 approach the NNGP: the same fit, and a degree-1 fraction near 1.
    const rf = await kernelBaseline(linearTask, { n: 400, m: 2000, kernel: "rf", width: 2000, runtime });
    expect(rf).toMatchObject({ method: "randomFeatures", features: 2000 });
    expect(rf.testLoss).toBeLessThan(0.05);
    expect(Math.abs(rf.degreeFractions![1]! - 1)).toBeLessThan(0.1);
    expect(Math.abs(result.degreeFractions![1]! - 1)).toBeLessThan(0.1);
    expect(result.degreeFractionsSE![1]).toBeGreaterThan(0);
  }, 120_000);

  it("the Gram matrix matches the kernel evaluated directly (relu table to 1e-6, tanh entries to 1e-12)", async () => {
    const runtime = await runtimeFor("simd");
    const n = 7;
    const d = 5;
    const raw = Float64Array.from({ length: n * d }, (_, i) => Math.sin(1.7 * i + 0.3) * (1 + (i % 3)));
    for (const [activation, tolerance] of [["relu", 1e-6], ["tanh", 1e-12]] as const) {
      const config = parseConfig({ ...linearTask, model: { width: 10, activation } });
      const x = runtime.arena.f64From(raw);
      const op = new GramOperator(runtime, modelKernel(config, "nngp"), x, n);
      const gram = op.dense();
      const g = gram.toArray();
      gram.free();
      op.free();
      x.free();
      const kernel = gaussianActivationKernel(activation);
      for (const [i, j] of [[0, 0], [1, 3], [4, 2], [6, 5], [6, 6]] as const) {
        const xi = raw.subarray(i * d, (i + 1) * d);
        const xj = raw.subarray(j * d, (j + 1) * d);
        const dot = xi.reduce((s, v, k) => s + v * xj[k]!, 0);
        const ni = Math.hypot(...xi);
        const nj = Math.hypot(...xj);
        const direct = kernel(ni / Math.sqrt(d), nj / Math.sqrt(d), Math.min(1, dot / (ni * nj)));
        expect(Math.abs(g[i * n + j]! - direct)).toBeLessThan(tolerance * Math.max(1, Math.abs(direct)));
      }
    }
  }, 120_000);

  it("the sphere NTK from Legendre coefficients matches Monte Carlo over w on the sphere (relu, d = 6, 4 SE)", async () => {
    const runtime = await runtimeFor("simd");
    const d = 6;
    const config = parseConfig({
      task: { kind: "sphereSingleIndex", d, link: "relu" },
      model: { width: 10, activation: "relu", init: { secondLayer: { kind: "constant", value: 1.5 } } },
      algorithm: { kind: "onlineSgd", steps: 1, stepSize: 1, batch: 1 },
    });
    const kernel = modelKernel(config, "ntk");
    const count = 200_000;
    const w = runtime.random.sphere(5, "test.w", count, d);
    for (const t of [-0.9, -0.2, 0.4, 0.95]) {
      // x = e_1, y = t e_1 + sqrt(1 - t^2) e_2.
      const s = Math.sqrt(1 - t * t);
      let sum = 0;
      let sumSq = 0;
      for (let q = 0; q < count; q++) {
        const zx = w[q * d]!;
        const zy = t * w[q * d]! + s * w[q * d + 1]!;
        const v = Math.max(zx, 0) * Math.max(zy, 0) + (zx > 0 && zy > 0 ? 2.25 * t : 0);
        sum += v;
        sumSq += v * v;
      }
      const mean = sum / count;
      const se = Math.sqrt((sumSq / count - mean * mean) / (count - 1));
      const value = gegenbauerSeries(kernel.degreeWeights, d, t).value;
      expect(Math.abs(value - mean)).toBeLessThan(4 * se);
    }
    expect(kernel.table![0]).toBeCloseTo(gegenbauerSeries(kernel.degreeWeights, d, 1).value, 14);
  }, 120_000);

  it("bad options give one-line errors naming the field", async () => {
    const runtime = await runtimeFor("simd");
    await expect(kernelBaseline(linearTask, { n: 0, runtime })).rejects.toThrow(/^n: /);
    await expect(kernelBaseline(linearTask, { m: 1.5, runtime })).rejects.toThrow(/^m: /);
    await expect(kernelBaseline(linearTask, { ridge: -1, runtime })).rejects.toThrow(/^ridge: /);
    await expect(kernelBaseline(linearTask, { kernel: "rbf" as "nngp", runtime })).rejects.toThrow(/^kernel: expected nngp, ntk or rf/);
    const tanh = { ...linearTask, model: { width: 10, activation: "tanh" } };
    await expect(kernelBaseline(tanh, { n: 10, kernel: "ntk", runtime })).rejects.toThrow(/^kernel: the ntk of this activation on Gaussian inputs has no Gram evaluation.*use --method features/);
  }, 120_000);
});
