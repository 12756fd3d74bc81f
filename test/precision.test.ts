import { describe, expect, it } from "vitest";
import { parseConfig, type ConfigInput } from "../src/config.js";
import { networkOptionsOf, TwoLayerNetwork } from "../src/model/network.js";
import { createTask } from "../src/tasks/createTask.js";
import { linkToActivation } from "../src/activation/link.js";
import { Trainer } from "../src/train/trainer.js";
import { runtimeFor } from "./helpers.js";

const STEPS = 300;

function configFor(precision: "f32" | "f64", algorithm: ConfigInput["algorithm"]): ConfigInput {
  return {
    seed: 11,
    precision,
    task: { kind: "gaussianSingleIndex", d: 24, link: "relu" },
    model: { width: 96, activation: "relu", init: { secondLayer: { kind: "gaussian", std: 1 } } },
    algorithm,
  };
}

/** The loss before each of STEPS steps, and the final first-layer weights. */
async function trajectory(input: ConfigInput): Promise<{ losses: Float64Array; w: Float64Array }> {
  const rt = await runtimeFor("simd");
  const config = parseConfig(input);
  const { d } = config.task;
  const activation = linkToActivation(config.model.activation, d);
  const task = createTask(rt, config.task, config.seed, activation);
  const net = new TwoLayerNetwork(rt, networkOptionsOf(config, activation));
  const trainer = new Trainer(config, task, net);
  try {
    const losses = new Float64Array(STEPS);
    for (let t = 0; t < STEPS; t++) losses[t] = trainer.advance();
    return { losses, w: net.w.toArray() };
  } finally {
    trainer.free();
    net.free();
    task.free();
  }
}

function maxRelative(got: Float64Array, ref: Float64Array): number {
  let worst = 0;
  for (let t = 0; t < ref.length; t++) worst = Math.max(worst, Math.abs(got[t]! - ref[t]!) / Math.abs(ref[t]!));
  return worst;
}

describe("precision f32", () => {
  // Training takes the loss from about 0.3 to 0.002 here. The f32 products perturb each step by
  // ~1e-7 relative and the flow contracts, so the trajectories stay close at every step: measured
  // 1.7e-7 (online) and 5e-8 (fixed samples); the bound 1e-5 leaves a factor of 60.
  const algorithms: [string, ConfigInput["algorithm"]][] = [
    ["online SGD", { kind: "onlineSgd", batch: 64, steps: STEPS, stepSize: 0.05 }],
    ["empirical GD", { kind: "empiricalGd", samples: 200, steps: STEPS, stepSize: 0.05 }],
  ];
  for (const [name, algorithm] of algorithms) {
    it(`${name}: the loss trajectory stays within 1e-5 (relative) of f64 at every step`, async () => {
      const [single, double] = [await trajectory(configFor("f32", algorithm)), await trajectory(configFor("f64", algorithm))];
      expect(double.losses[STEPS - 1]!).toBeLessThan(0.05 * double.losses[0]!);
      const gap = maxRelative(single.losses, double.losses);
      expect(gap).toBeLessThanOrEqual(1e-5);
      // f32 arithmetic really ran: the trajectories are not the same bits.
      expect(gap).toBeGreaterThan(0);
    });
  }

  it("the same config and seed give bit-identical f32 trajectories", async () => {
    const algorithm = algorithms[0]![1];
    const [a, b] = [await trajectory(configFor("f32", algorithm)), await trajectory(configFor("f32", algorithm))];
    expect(Array.from(a.losses)).toEqual(Array.from(b.losses));
    expect(Array.from(a.w)).toEqual(Array.from(b.w));
  });

  it("rejects f32 where it does not apply, naming the field", () => {
    const base = configFor("f32", { kind: "onlineSgd", batch: 8, steps: 1, stepSize: 0.1 });
    expect(() => parseConfig({ ...base, algorithm: { kind: "populationGd", steps: 1, stepSize: 0.1 } })).toThrow(/^precision: f32 applies to sample-based/);
    expect(() => parseConfig({ ...base, algorithm: { kind: "onlineSgd", batch: 8, steps: 1, stepSize: 0.1, linearize: true } })).toThrow(/^precision: f32 is not available for the linearized/);
    expect(() => parseConfig({ ...base, precision: "f16" })).toThrow(/^precision: /);
  });
});
