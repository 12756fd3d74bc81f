// The demo: online SGD of a mean-field ReLU network on a Gaussian single-index target.

import { TwoLayerNetwork } from "./model/network.js";
import { testLoss, type LossEstimate } from "./model/testLoss.js";
import { z } from "zod";
import { activationSchema } from "./model/activation.js";
import { createTask } from "./tasks/createTask.js";
import { OnlineSgd } from "./train/onlineSgd.js";
import { loadRuntime, type WasmRuntime } from "./wasm/runtime.js";

const count = (max: number) => z.number().int().min(1).max(max);

/** The demo's settings; an example file (examples/demo-*.json) may set any of them. */
export const demoSchema = z
  .object({
    name: z.string().default("demo"),
    description: z.string().default(""),
    d: count(100_000).default(50).describe("input dimension"),
    n: count(1_000_000).default(512).describe("width N"),
    batch: count(1_000_000).default(64).describe("batch size B"),
    steps: count(100_000_000).default(2000).describe("SGD steps"),
    stepSize: z.number().positive().max(1e6).default(0.05).describe("step size h in mean-field time"),
    logEvery: count(100_000_000).default(200).describe("steps between test-loss reports"),
    testSamples: count(10_000_000).default(4096).describe("fixed test sample size M"),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
    link: activationSchema.default({ kind: "relu" }).describe("target link h in y = h(<q*, x>)"),
  })
  .strict();

export type DemoOptions = z.output<typeof demoSchema>;
export type DemoInput = z.input<typeof demoSchema>;

export const DEMO_DEFAULTS: DemoOptions = demoSchema.parse({});

/** Validates demo settings; the error names the field and the allowed range. */
export function parseDemoOptions(input: unknown): DemoOptions {
  const result = demoSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new RangeError(`${issue.path.join(".") || "(config)"}: ${issue.message}`);
  }
  return result.data;
}

export interface DemoRecord extends LossEstimate {
  step: number;
  time: number;
  /** Mean over neurons of the overlap <q*, w_i> with the hidden direction. */
  meanOverlap: number;
}

/** Runs the demo, calling onRecord at step 0 and every logEvery steps. */
export async function runDemo(
  options: DemoInput = {},
  onRecord: (record: DemoRecord) => void = () => {},
  runtime?: WasmRuntime,
): Promise<DemoRecord[]> {
  const o = parseDemoOptions(options);
  const rt = runtime ?? (await loadRuntime());
  const task = createTask(rt, { kind: "gaussianSingleIndex", d: o.d, link: o.link }, o.seed, "relu");
  const net = new TwoLayerNetwork(rt, {
    n: o.n,
    d: o.d,
    activation: "relu",
    scaling: "meanfield",
    seed: o.seed,
    secondLayer: { kind: "gaussian", std: 1 },
  });
  const sgd = new OnlineSgd(net, task, { batch: o.batch, stepSize: o.stepSize });
  const testX = rt.arena.f64(o.testSamples * o.d);
  const testY = rt.arena.f64(o.testSamples);
  const records: DemoRecord[] = [];
  try {
    task.sampleInto("test", 0, testX, testY);
    const record = () => {
      const q = task.directions;
      const w = net.w.view;
      let overlap = 0;
      for (let i = 0; i < o.n; i++) {
        let s = 0;
        for (let k = 0; k < o.d; k++) s += q[k]! * w[i * o.d + k]!;
        overlap += s;
      }
      const entry = { step: sgd.steps, time: sgd.time, ...testLoss(net, testX, testY), meanOverlap: overlap / o.n };
      records.push(entry);
      onRecord(entry);
    };
    record();
    while (sgd.steps < o.steps) {
      const batchLoss = sgd.step();
      if (!Number.isFinite(batchLoss)) {
        throw new Error(`meanfield: the loss diverged (${batchLoss}) at step ${sgd.steps}; lower the step size`);
      }
      if (sgd.steps % o.logEvery === 0 || sgd.steps === o.steps) record();
    }
  } finally {
    sgd.free();
    net.free();
    task.free();
    testX.free();
    testY.free();
  }
  return records;
}
