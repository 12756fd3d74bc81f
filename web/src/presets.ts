// The demo's tasks and how the form's fields become a run config. The page, the worker and the
// end-to-end test all build configs here, so what the test replays in Node is what the page ran.

import type { ConfigInput } from "meanfield";

export type TaskId = "sphere" | "bmz23" | "staircase";
export type LossEstimate = "population" | "test";

/** The form: every field the visitor can change. */
export interface DemoSettings {
  task: TaskId;
  width: number;
  d: number;
  batch: number;
  steps: number;
  stepSize: number;
  scaling: "meanfield" | "ntk";
  seed: number;
  loss: LossEstimate;
  /** Threads splitting the network's neurons (Web Workers over shared memory); results do not depend on it. */
  threads: number;
}

export interface TaskPreset {
  label: string;
  /** What the task is, one line under the selector. */
  blurb: string;
  defaults: Omit<DemoSettings, "task" | "scaling" | "seed" | "threads">;
}

export const TASKS: Record<TaskId, TaskPreset> = {
  sphere: {
    label: "Mahankali et al. 2023: sphere, quartic link",
    blurb:
      "x ~ Unif(S^{d-1}), y = 0.3 P2(<q*,x>) + P4(<q*,x>), activation 0.5 P2 + P4, projected online SGD of the first layer (a_i = 1): the 1-D PDE of w = <q*, u> applies.",
    defaults: { width: 256, d: 32, batch: 256, steps: 1000, stepSize: 10, loss: "population" },
  },
  bmz23: {
    label: "BMZ23: Gaussian single-index",
    blurb:
      "x ~ N(0, I_d), y = He0 - He1 + 2/3 He2 along q*, ReLU network trained by online SGD; the mean-field limit is the reduced-particle DF-PDE.",
    defaults: { width: 512, d: 50, batch: 128, steps: 300, stepSize: 0.05, loss: "test" },
  },
  staircase: {
    label: "Staircase (hypercube, degree 4)",
    blurb:
      "x uniform on {-1,1}^d, relu(z + 1/2) with a bias, a_i = 0 at start; the relevant directions are learned one step of the staircase at a time.",
    defaults: { width: 300, d: 30, batch: 64, steps: 3000, stepSize: 0.1, loss: "test" },
  },
};

export function defaultSettings(task: TaskId = "bmz23"): DemoSettings {
  return { task, scaling: "meanfield", seed: 1, threads: 1, ...TASKS[task].defaults };
}

/** Metric records at about this many steps: enough for a live curve, few enough to stay cheap. */
const RECORD_POINTS = 40;
const TEST_SAMPLES = 1000;

function scheduleFor(steps: number): { kind: "every"; steps: number } | { kind: "logSpaced"; points: number } {
  if (steps <= 2 * RECORD_POINTS) return { kind: "every", steps: 1 };
  return { kind: "logSpaced", points: RECORD_POINTS };
}

const legendre = (coefficients: number[]) => ({ kind: "legendre" as const, coefficients });

/** The run config of the settings (validated later by the library's own schema). */
export function configOf(s: DemoSettings): ConfigInput {
  const algorithm = { kind: "onlineSgd" as const, batch: s.batch, steps: s.steps, stepSize: s.stepSize };
  const lossMetric = s.loss === "population" ? "populationLoss" : "testLoss";
  const metrics = (shape: "components" | "projections") => ({
    include: [lossMetric, shape, "overlaps"] as ("populationLoss" | "testLoss" | "components" | "projections" | "overlaps")[],
    schedule: scheduleFor(s.steps),
    testSamples: TEST_SAMPLES,
    histogramBins: 40,
  });
  const name = `demo-${s.task}`;
  switch (s.task) {
    case "sphere":
      return {
        name,
        seed: s.seed,
        threads: s.threads,
        task: { kind: "sphereSingleIndex", d: s.d, link: legendre([0, 0, 0.3, 0, 1]) },
        model: { width: s.width, activation: legendre([0, 0, 0.5, 0, 1]), scaling: s.scaling, train: "first" },
        algorithm: { ...algorithm, projected: true },
        metrics: metrics("components"),
      } as ConfigInput;
    case "bmz23":
      return {
        name,
        seed: s.seed,
        threads: s.threads,
        task: { kind: "gaussianSingleIndex", d: s.d, link: "bmz23" },
        model: {
          width: s.width,
          activation: "relu",
          scaling: s.scaling,
          init: { firstLayer: { kind: "sphere" }, secondLayer: { kind: "gaussian", std: 1 } },
        },
        algorithm,
        metrics: metrics("components"),
      } as ConfigInput;
    case "staircase":
      return {
        name,
        seed: s.seed,
        threads: s.threads,
        task: { kind: "staircase", d: s.d, degree: 4 },
        model: {
          width: s.width,
          activation: { kind: "piecewiseLinear", breakpoints: [-0.5], slopes: [0, 1], valueAtZero: 0.5 },
          scaling: s.scaling,
          init: { firstLayer: { kind: "gaussian", kappa: 1 }, secondLayer: { kind: "constant", value: 0 } },
          bias: true,
        },
        algorithm,
        metrics: metrics("projections"),
      } as ConfigInput;
  }
}

/** Which form field a config path belongs to (config paths as ConfigError prints them). */
export const FIELD_OF_PATH: [prefix: string, field: keyof DemoSettings][] = [
  ["model.width", "width"],
  ["model.scaling", "scaling"],
  ["task.d", "d"],
  ["algorithm.batch", "batch"],
  ["algorithm.steps", "steps"],
  ["algorithm.stepSize", "stepSize"],
  ["seed", "seed"],
  ["threads", "threads"],
  ["metrics.include", "loss"],
];
