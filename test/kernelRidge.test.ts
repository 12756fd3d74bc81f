import { describe, expect, it } from "vitest";
import type { ConfigInput } from "../src/config.js";
import { gaussianActivationKernel } from "../src/kernels/closedForms.js";
import { kernelBaseline, kernelEntries, trainGram } from "../src/kernels/kernelRidge.js";
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
  });

  it("the Gram matrix matches the kernel evaluated directly on the inputs to 1e-12", async () => {
    const runtime = await runtimeFor("simd");
    const config = parseConfig(linearTask);
    const n = 7;
    const d = 5;
    const raw = Float64Array.from({ length: n * d }, (_, i) => Math.sin(1.7 * i + 0.3) * (1 + (i % 3)));
    const squares = Float64Array.from({ length: n }, (_, i) => raw.subarray(i * d, (i + 1) * d).reduce((s, v) => s + v * v, 0));
    const x = runtime.arena.f64From(raw);
    const gram = trainGram(runtime, x, n, d, kernelEntries(config, "nngp", squares, squares));
    x.free();
    const kernel = gaussianActivationKernel("relu");
    for (const [i, j] of [[0, 0], [1, 3], [4, 2], [6, 5], [6, 6]] as const) {
      const xi = raw.subarray(i * d, (i + 1) * d);
      const xj = raw.subarray(j * d, (j + 1) * d);
      const dot = xi.reduce((s, v, k) => s + v * xj[k]!, 0);
      const ni = Math.hypot(...xi);
      const nj = Math.hypot(...xj);
      const direct = kernel(ni / Math.sqrt(d), nj / Math.sqrt(d), Math.min(1, dot / (ni * nj)));
      expect(Math.abs(gram[i * n + j]! - direct)).toBeLessThan(1e-12 * Math.max(1, Math.abs(direct)));
      expect(gram[j * n + i]).toBe(gram[i * n + j]);
    }
  });

  it("bad options give one-line errors naming the field", async () => {
    const runtime = await runtimeFor("simd");
    await expect(kernelBaseline(linearTask, { n: 5001, runtime })).rejects.toThrow(/^n: expected an integer in \[1, 5000\] \(the dense n x n Gram/);
    await expect(kernelBaseline(linearTask, { n: 0, runtime })).rejects.toThrow(/^n: /);
    await expect(kernelBaseline(linearTask, { m: 1.5, runtime })).rejects.toThrow(/^m: /);
    await expect(kernelBaseline(linearTask, { ridge: -1, runtime })).rejects.toThrow(/^ridge: /);
    await expect(kernelBaseline(linearTask, { kernel: "rbf" as "nngp", runtime })).rejects.toThrow(/^kernel: expected nngp or ntk/);
    const tanh = { ...linearTask, model: { width: 10, activation: "tanh" } };
    await expect(kernelBaseline(tanh, { n: 10, kernel: "ntk", runtime })).rejects.toThrow(/relu only, got tanh/);
  });
});
