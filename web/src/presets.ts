// The demo's presets (one per paper figure the page can show) and how the form's fields become a
// run config. The page, the worker and the end-to-end test all build configs here, so what the
// test replays in Node is what the page ran.

import type { ConfigInput } from "meanfield";
import { ABBE_BOIX_MISIAKIEWICZ_2022, BERTHIER_MONTANARI_ZHOU_2023, MAHANKALI_2023 } from "../../src/experiments/papers.ts";

/**
 * The presets, one per paper figure: Mahankali et al. 2023 on the sphere, Berthier, Montanari, Zhou
 * 2023 (Gaussian single index), Abbe, Boix-Adserà, Misiakiewicz 2022 (staircase).
 */
export type TaskId = "sphere" | "bmz23" | "staircase";
/** The loss plotted, L = 1/2 E[(f - y)²]: exact (population) or a Monte-Carlo estimate on a fixed test set. */
export type LossEstimate = "population" | "test";
/** The loss plot's time axis: linear, or log where plateaus and escapes are visible. */
export type TimeAxis = "linear" | "log";

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

/** The paper a preset reproduces, as the experiments cite it (src/experiments/papers.ts). */
export interface PresetPaper {
  authors: string;
  year: number;
  arxiv: string;
  /** The figure or result of the paper the preset shows. */
  figure: string;
}

/** A preset: the paper and figure it shows, what to watch, the time axis the effect shows on, and the form's defaults. */
export interface TaskPreset {
  /**
   * The selector's text: what the preset shows and its paper, short enough to be read whole in the
   * selector at 1440 and 390 px (test/demoTeaching.e2e); the line under it cites authors, figure and arXiv id.
   */
  label: string;
  paper: PresetPaper;
  /** Two or three plain sentences: what to watch in the plots. */
  watch: string;
  /** The time axis the phenomenon is visible on. */
  axis: TimeAxis;
  defaults: Omit<DemoSettings, "task" | "scaling" | "seed" | "threads">;
}

const paper = (p: { authors: string; year: number; arxiv?: string }, figure: string): PresetPaper => ({ authors: p.authors, year: p.year, arxiv: p.arxiv!, figure });

export const TASKS: Record<TaskId, TaskPreset> = {
  bmz23: {
    label: "Time-scales (Berthier et al. 2023)",
    paper: paper(BERTHIER_MONTANARI_ZHOU_2023, "Figure 2"),
    watch:
      "A ReLU network learns a target that depends on one hidden direction, from fresh Gaussian samples. " +
      "On the log time axis the loss drops fast, sits on a plateau while the neurons slowly turn towards the hidden direction, then drops again. " +
      "The dashed curve is the mean-field limit of infinitely many neurons.",
    axis: "log",
    defaults: { width: 512, d: 50, batch: 128, steps: 1000, stepSize: 0.1, loss: "test" },
  },
  sphere: {
    label: "Three phases (Mahankali et al. 2023)",
    paper: paper(MAHANKALI_2023, "the three phases of the population dynamics (proof overview)"),
    watch:
      "Neurons on the sphere learn a quartic target in one hidden direction, trained by projected gradient descent. " +
      "The histogram shows how far each neuron points along the hidden direction: the mass leaves the middle and piles up near ±1. " +
      "The dashed curve is the limit PDE started from the same neurons, so the gap between the curves is the error of finite N.",
    axis: "linear",
    defaults: { width: 256, d: 32, batch: 256, steps: 1000, stepSize: 10, loss: "population" },
  },
  staircase: {
    label: "Merged staircase (Abbe et al. 2022)",
    paper: paper(ABBE_BOIX_MISIAKIEWICZ_2022, "Figure 1"),
    watch:
      "The target is x1 + x1x2 + x1x2x3 + x1x2x3x4 on random ±1 inputs. " +
      "The bars show how strongly the first layer uses each coordinate: x1 is picked up first, then x2, x3 and x4, one step of the staircase at a time, " +
      "and the loss falls in steps as each one is learned.",
    axis: "linear",
    defaults: { width: 300, d: 30, batch: 64, steps: 1000, stepSize: 0.1, loss: "test" },
  },
};

/** "Berthier, Montanari, Zhou (2023), arXiv 2303.00055" and the abstract's address. */
export function citationOf(p: PresetPaper): { text: string; href: string } {
  return { text: `${p.authors} (${p.year}), ${p.figure}, arXiv ${p.arxiv}`, href: `https://arxiv.org/abs/${p.arxiv}` };
}

/** The preset's defaults with mean-field scaling, seed 1 and one thread. */
export function defaultSettings(task: TaskId = "bmz23"): DemoSettings {
  return { task, scaling: "meanfield", seed: 1, threads: 1, ...TASKS[task].defaults };
}

/** A numeric field's name on the page and its allowed values (those of the config schema: test/demoFields.test.ts). */
export interface FieldRange {
  label: string;
  min: number;
  max: number;
  /** min is excluded (a positive real). */
  open?: boolean;
  integer: boolean;
}

export const FIELD_RANGES: Record<"width" | "d" | "batch" | "steps" | "stepSize" | "seed" | "threads", FieldRange> = {
  width: { label: "width N", min: 1, max: 1_000_000, integer: true },
  d: { label: "dimension d", min: 1, max: 100_000, integer: true },
  batch: { label: "batch B", min: 1, max: 1_000_000, integer: true },
  steps: { label: "steps", min: 1, max: 1e9, integer: true },
  stepSize: { label: "step size h", min: 0, max: 1e6, open: true, integer: false },
  seed: { label: "seed", min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
  threads: { label: "threads", min: 1, max: 64, integer: true },
};

/** The lowest d a preset allows: the sphere needs at least a circle. */
export const minDimension = (task: TaskId): number => (task === "sphere" ? 2 : FIELD_RANGES.d.min);

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
