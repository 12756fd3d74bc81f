// Label noise of the fixed training set (TS24): the draws are Unif[-sigma, sigma] (moments against
// their exact values within 4 standard errors), and a run's training objective sees exactly the
// task's clean labels plus those draws.

import { describe, expect, it } from "vitest";
import { simulate } from "../src/run/simulate.js";
import { createTask } from "../src/tasks/createTask.js";
import { labelNoise } from "../src/tasks/labelNoise.js";
import { linkToActivation } from "../src/activation/link.js";
import { runtimeFor } from "./helpers.js";

describe("labelNoise", () => {
  it("draws Unif[-sigma, sigma]: bounds, mean 0 and variance sigma^2 / 3", async () => {
    const rt = await runtimeFor("simd");
    const sigma = 0.7;
    const n = 200_000;
    const eps = labelNoise(rt, 5, n, sigma);
    expect(eps.reduce((s, v) => Math.max(s, Math.abs(v)), 0)).toBeLessThanOrEqual(sigma);
    const mean = eps.reduce((s, v) => s + v, 0) / n;
    // Var(eps) = sigma^2 / 3, Var(eps^2) = E[eps^4] - (sigma^2/3)^2 = sigma^4 (1/5 - 1/9).
    expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(sigma ** 2 / 3 / n));
    const second = eps.reduce((s, v) => s + v * v, 0) / n;
    expect(Math.abs(second - sigma ** 2 / 3)).toBeLessThan(4 * Math.sqrt((sigma ** 4 * (1 / 5 - 1 / 9)) / n));
    expect(() => labelNoise(rt, 5, 3, -1)).toThrow(/half-width/);
  });

  it("the training objective sees the clean labels plus the draws (data.labelNoise)", async () => {
    const rt = await runtimeFor("simd");
    const n = 300;
    const d = 6;
    const sigma = 0.5;
    const task = { kind: "gaussianSingleIndex" as const, d, link: "tanh" as const };
    const config = {
      seed: 9,
      task,
      // a = 0 and a layer-wise first stage that cannot move w: the training loss is 1/2 mean (y + eps)^2.
      model: { width: 4, activation: "relu" as const, init: { firstLayer: { kind: "sphere" as const }, secondLayer: { kind: "constant" as const, value: 0 } } },
      algorithm: { kind: "layerwise" as const, data: { kind: "samples" as const, n, labelNoise: sigma }, steps: 1, stepSize: 1e-9 },
      metrics: { include: ["trainLoss" as const], schedule: { kind: "every" as const, steps: 1 } },
    };
    const result = await simulate(config, { runtime: rt });
    const t = createTask(rt, task, 9, linkToActivation("relu", d));
    const x = rt.arena.f64(n * d);
    const y = rt.arena.f64(n);
    try {
      t.sampleInto("train", 0, x, y);
      const eps = labelNoise(rt, 9, n, sigma);
      const expected = y.view.reduce((s, v, b) => s + (v + eps[b]!) ** 2, 0) / (2 * n);
      expect(Math.abs((result.records[0]!.trainLoss as number) - expected)).toBeLessThan(1e-12);
    } finally {
      x.free();
      y.free();
      t.free();
    }
  });
});
