import { describe, expect, it } from "vitest";
import { parseConfig, type ConfigInput } from "../src/config.js";
import { networkOptionsOf, TwoLayerNetwork } from "../src/model/network.js";
import { createTask } from "../src/tasks/createTask.js";
import { linkToActivation } from "../src/activation/link.js";
import { DivergenceError, Trainer } from "../src/train/trainer.js";
import { BUILDS, runtimeFor } from "./helpers.js";

const STEPS = 40;

interface Trajectory {
  fused: boolean;
  losses: number[];
  w: Float64Array;
  a: Float64Array;
  error: string | null;
}

async function trajectory(build: (typeof BUILDS)[number], input: ConfigInput, fused: boolean): Promise<Trajectory> {
  const rt = await runtimeFor(build);
  const config = parseConfig(input);
  const activation = linkToActivation(config.model.activation, config.task.d);
  const task = createTask(rt, config.task, config.seed, activation);
  const net = new TwoLayerNetwork(rt, networkOptionsOf(config, activation));
  const trainer = new Trainer(config, task, net, { fused });
  const losses: number[] = [];
  let error: string | null = null;
  try {
    for (let t = 0; t < STEPS; t++) losses.push(trainer.advance());
  } catch (err) {
    if (!(err instanceof DivergenceError)) throw err;
    error = err.message;
  }
  try {
    return { fused: trainer.fused, losses, w: net.w.toArray(), a: net.a.toArray(), error };
  } finally {
    trainer.free();
    net.free();
    task.free();
  }
}

function bits(values: ArrayLike<number>): string {
  return Buffer.from(Float64Array.from(values).buffer).toString("hex");
}

function config(task: ConfigInput["task"], extra: Partial<ConfigInput> & { algorithm?: Partial<ConfigInput["algorithm"]> } = {}): ConfigInput {
  const { algorithm, ...rest } = extra;
  return {
    seed: 5,
    task,
    model: { width: 70, activation: "relu", init: { secondLayer: { kind: "gaussian", std: 1 } } },
    ...rest,
    algorithm: { kind: "onlineSgd", batch: 37, steps: STEPS, stepSize: 0.05, ...algorithm } as ConfigInput["algorithm"],
  };
}

describe("fused online-SGD step (assembly/onlineStep.ts)", () => {
  // Odd sizes (d = 13, N = 70, B = 37) so that every remainder path of the kernels runs.
  const tasks: [string, ConfigInput["task"]][] = [
    ["gaussian single-index", { kind: "gaussianSingleIndex", d: 13, link: "relu" }],
    ["sphere single-index", { kind: "sphereSingleIndex", d: 13, link: { kind: "polynomial", coefficients: [0, 0.5, 0, 1] } }],
    ["teacher abs", { kind: "teacherAbs", d: 13, width: 3 }],
    ["isotropic Gaussians (MMN18)", { kind: "isotropicGaussians", d: 13, delta: 0.5 }],
  ];
  for (const build of BUILDS) {
    for (const precision of ["f64", "f32"] as const) {
      for (const [name, task] of tasks) {
        it(`${build}, ${precision}, ${name}: one call per step gives the unfused trajectory bit for bit`, async () => {
          const input = config(task, { precision });
          const [fused, plain] = [await trajectory(build, input, true), await trajectory(build, input, false)];
          expect(fused.fused).toBe(true);
          expect(plain.fused).toBe(false);
          expect(fused.losses[STEPS - 1]!).toBeLessThan(fused.losses[0]!);
          expect(bits(fused.losses)).toBe(bits(plain.losses));
          expect(bits(fused.w)).toBe(bits(plain.w));
          expect(bits(fused.a)).toBe(bits(plain.a));
        });
      }
    }
  }

  for (const precision of ["f64", "f32"] as const) {
    // B = 1 (one sample block; each group of 4 neurons updated in one pass, batchOneForward32.ts
    // and batchOneForward64.ts, with 1, 2, 3 or no coordinates past the last 4 at d = 13, 10, 7, 8, and
    // N = 70 and 9 ending on a group of 2 or 1 neurons that takes the general path), B = 300 at
    // d = 13 with a width of 9 (several f32 sample blocks; the update applied as the last block
    // completes a group), and B = 70 at d = 1031 with a width of 130 (several f64 sample blocks,
    // 64-neuron blocks and a last group of 2, spans of the f32 update past the first). The f64
    // update goes out of the gradient tiles' registers in the batch's last sample block: B = 5 and 2
    // at d = 51 and 50 (edge tiles of 3 and 2 coordinates) end on groups of 4 + 2 (N = 70) and of 4
    // (N = 76) neurons, and B = 70 at d = 1030 on a group of 4 (N = 68) after an earlier sample block.
    const shapes = [[1, 70, 13], [1, 70, 10], [1, 9, 7], [1, 8, 8], [300, 9, 13], [70, 130, 1031], [5, 70, 51], [2, 76, 50], [70, 68, 1030]] as const;
    for (const [batch, width, d] of shapes) {
      it(`${precision}, B = ${batch}, N = ${width}, d = ${d}: the update applied as the gradient is formed gives the unfused bits`, async () => {
        const task: ConfigInput["task"] = { kind: "gaussianSingleIndex", d, link: "relu" };
        const input = config(task, { precision, model: { width, activation: "relu", init: { secondLayer: { kind: "gaussian", std: 1 } } }, algorithm: { batch, stepSize: 0.02 } });
        const [fused, plain] = [await trajectory("simd", input, true), await trajectory("simd", input, false)];
        expect(fused.fused).toBe(true);
        expect(bits(fused.losses)).toBe(bits(plain.losses));
        expect(bits(fused.w)).toBe(bits(plain.w));
        expect(bits(fused.a)).toBe(bits(plain.a));
      });
    }
  }

  // At B = 1 each step also draws the next sample and forms its pre-activations in the
  // update's pass (batchOneForward32.ts), for every draw (the isotropic Gaussians draw labels too).
  for (const [name, task] of tasks) for (const precision of ["f64", "f32"] as const) {
    it(`${precision}, B = 1, ${name}: the next step's pre-activations formed ahead give the unfused bits`, async () => {
      const input = config(task, { precision, algorithm: { batch: 1, stepSize: 0.02 } });
      const [fused, plain] = [await trajectory("simd", input, true), await trajectory("simd", input, false)];
      expect(fused.fused).toBe(true);
      expect(bits(fused.losses)).toBe(bits(plain.losses));
      expect(bits(fused.w)).toBe(bits(plain.w));
      expect(bits(fused.a)).toBe(bits(plain.a));
    });
  }

  for (const batch of [37, 1]) {
    it(`f32, B = ${batch}: a layer-wise restart of w refreshes the kept f32 copy of w and the pre-activations formed ahead`, async () => {
      const base = config(tasks[0]![1], { precision: "f32" });
      const input = { ...base, algorithm: { kind: "layerwise", data: { kind: "online", batch }, trajectories: 2, steps: 10, secondStageSteps: 20, stepSize: 0.05 } } as ConfigInput;
      const [fused, plain] = [await trajectory("simd", input, true), await trajectory("simd", input, false)];
      expect(fused.fused).toBe(true);
      expect(bits(fused.losses)).toBe(bits(plain.losses));
      expect(bits(fused.w)).toBe(bits(plain.w));
    });
  }

  it("f32, B = 1: a step that leaves w alone after steps that moved it narrows the copy afresh", async () => {
    for (const train of ["first", "second"] as const) {
      const input = config(tasks[0]![1], { precision: "f32", model: { width: 70, activation: "relu", train, init: { secondLayer: { kind: "gaussian", std: 1 } } }, algorithm: { batch: 1 } });
      const [fused, plain] = [await trajectory("simd", input, true), await trajectory("simd", input, false)];
      expect(fused.fused).toBe(true);
      expect(bits(fused.losses)).toBe(bits(plain.losses));
      expect(bits(fused.w)).toBe(bits(plain.w));
      expect(bits(fused.a)).toBe(bits(plain.a));
    }
  });

  it("moves only the layers a run trains", async () => {
    for (const train of ["first", "second"] as const) {
      const input = config(tasks[0]![1], { model: { width: 70, activation: "relu", train, init: { secondLayer: { kind: "gaussian", std: 1 } } } });
      const [fused, plain] = [await trajectory("simd", input, true), await trajectory("simd", input, false)];
      expect(fused.fused).toBe(true);
      expect(bits(fused.w)).toBe(bits(plain.w));
      expect(bits(fused.a)).toBe(bits(plain.a));
    }
  });

  it("stops a diverging run at the same step, with the same message and the weights of the step before", async () => {
    const input = config(tasks[0]![1], { algorithm: { stepSize: 400 } });
    const [fused, plain] = [await trajectory("simd", input, true), await trajectory("simd", input, false)];
    expect(fused.error).toMatch(/the loss (exploded|became)/);
    expect(fused.error).toBe(plain.error);
    expect(fused.losses.length).toBe(plain.losses.length);
    expect(fused.losses.length).toBeLessThan(STEPS);
    expect(bits(fused.w)).toBe(bits(plain.w));
    expect(bits(fused.a)).toBe(bits(plain.a));
  });

  it("is not used where a step needs more than the call does", async () => {
    const cases: ConfigInput[] = [
      config(tasks[0]![1], { algorithm: { projected: true } }),
      config(tasks[0]![1], { algorithm: { noise: { beta: 1e4, lambda: 0 } } }),
      config(tasks[0]![1], { algorithm: { linearize: true } }),
      config(tasks[0]![1], { model: { width: 70, activation: "relu", bias: true } }),
      config({ kind: "gaussianMultiIndex", d: 13, terms: [{ coefficient: 1, degrees: [1, 1] }] }),
      { ...config(tasks[0]![1]), algorithm: { kind: "empiricalGd", samples: 50, steps: STEPS, stepSize: 0.05 } },
    ];
    for (const input of cases) expect((await trajectory("simd", input, true)).fused, JSON.stringify(input)).toBe(false);
  });
});
