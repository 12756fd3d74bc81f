// Seed 003 (subspace-sparse polynomials on Gaussian input): a target with the reflective
// property for a subspace S, y(z_{S-perp} - z_S) = y(z), traps SGD: starting from small w_S, the
// first layer's projection on S never grows, because the gradient along S vanishes at w_S = 0.
// The activation is sigma(t) = t + t^2/2: smooth, as the paper assumes, with a constant second
// derivative, so the curvature term that could destabilize w_S = 0 at finite d is proportional to
// E[f - y], which training drives to 0 (with a bias or tanh the O(1/sqrt d) initial projection
// grows and the trap holds only in the limit that starts at w_S = 0); and it represents the
// products h1(z1)h1(z2) exactly, so a learnable target can be learned to zero loss. Side by side:
//   reflective      y = h1(z1) + h1(z1) h2(z2)   (even in z2: reflective for S = span(e2))
//   non-reflective  y = h1(z1) + h1(z1) h1(z2)   (the merged staircase of two coordinates)
// Both are trained by the paper's two-stage strategy (src/train/trainer.ts, algorithm
// "layerwise"): stage 1 trains w with a fixed from p independent initializations and averages
// the end points; stage 2 trains a. The reflective target keeps its projection on S at the
// initial kappa/sqrt(d) or below and its loss stuck at the part carried by z2; the non-reflective
// one grows its projection on S and the two stages drive its loss to zero.

import type { ConfigInput } from "../config.js";
import { simulate, type MetricRecord } from "../run/simulate.js";
import { reflectiveCoordinateSubspaces, type MonomialTerm } from "../tasks/reflectiveProperty.js";
import { lineChart, type ChartRow } from "./charts.js";
import { check, type Experiment, type ExperimentContext, type ExperimentScale } from "./experiment.js";
import { CHEN_GE_2024 } from "./papers.js";

interface Sizes {
  d: number;
  width: number;
  batch: number;
  /** Stage-1 steps per trajectory. */
  steps: number;
  trajectories: number;
  secondStageSteps: number;
}

const SIZES: Record<ExperimentScale, Sizes> = {
  test: { d: 16, width: 128, batch: 256, steps: 200, trajectories: 2, secondStageSteps: 400 },
  quick: { d: 20, width: 256, batch: 256, steps: 300, trajectories: 2, secondStageSteps: 600 },
  paper: { d: 30, width: 512, batch: 256, steps: 600, trajectories: 3, secondStageSteps: 1500 },
};

const STEP_SIZE = 0.1;
const KAPPA = 1;
/** sigma(t) = t + t^2/2 (monomial coefficients). */
const ACTIVATION = { kind: "polynomial" as const, coefficients: [0, 1, 0.5] };

const TARGETS: { name: string; label: string; terms: MonomialTerm[] }[] = [
  {
    name: "reflective",
    label: "reflective: h1(z1) + h1(z1)h2(z2)",
    terms: [
      { coefficient: 1, degrees: [1, 0] },
      { coefficient: 1, degrees: [1, 2] },
    ],
  },
  {
    name: "non-reflective",
    label: "non-reflective: h1(z1) + h1(z1)h1(z2)",
    terms: [
      { coefficient: 1, degrees: [1, 0] },
      { coefficient: 1, degrees: [1, 1] },
    ],
  },
];

function runConfig(name: string, seed: number, sizes: Sizes, terms: MonomialTerm[]): ConfigInput {
  return {
    name,
    seed,
    task: { kind: "gaussianMultiIndex", d: sizes.d, terms: terms.map((t) => ({ coefficient: t.coefficient, degrees: [...t.degrees] })) },
    model: {
      width: sizes.width,
      activation: ACTIVATION,
      init: { firstLayer: { kind: "gaussian", kappa: KAPPA }, secondLayer: { kind: "rademacher", value: 1 } },
    },
    algorithm: {
      kind: "layerwise",
      data: { kind: "online", batch: sizes.batch },
      steps: sizes.steps,
      trajectories: sizes.trajectories,
      secondStageSteps: sizes.secondStageSteps,
      stepSize: STEP_SIZE,
    },
    metrics: { include: ["testLoss", "projections"], schedule: { kind: "logSpaced", points: 60 }, testSamples: 4000 },
  };
}

/** RMS norm of the first layer's projection on the coordinates in s. */
function projectionOn(record: MetricRecord, s: number[]): number {
  const p = record.projections as number[];
  return Math.sqrt(s.reduce((sum, k) => sum + p[k]! ** 2, 0));
}

export const reflectiveTrap: Experiment = {
  id: "reflective-trap",
  papers: [CHEN_GE_2024],
  brokenVariants: [],
  title: "The reflective property traps SGD; two-stage training with trajectory averaging learns the rest",
  description:
    "A target even in z2 (reflective for S = span(e2)) against the merged staircase z1 + z1z2: the weights' projection on S stays at its initial size for the first and grows for the second, and two-stage training averaged over p trajectories drives only the second's loss to zero.",
  async run(context: ExperimentContext) {
    const sizes = SIZES[context.scale];
    const reflective = reflectiveCoordinateSubspaces(TARGETS[0]!.terms);
    const nonReflective = reflectiveCoordinateSubspaces(TARGETS[1]!.terms);
    // S: the largest coordinate subspace for which the reflective target is reflective.
    const s = reflective.reduce((best, cur) => (cur.length > best.length ? cur : best), [] as number[]);
    if (s.length === 0) throw new Error("reflective-trap: the reflective target has no reflective subspace");
    const sName = `span(${s.map((k) => `e${k + 1}`).join(", ")})`;
    const stage1Time = sizes.steps * STEP_SIZE;
    const results: Record<string, { rows: ChartRow[]; stage1: ChartRow[] }> = {};
    for (const target of TARGETS) {
      const config = runConfig(`reflective-trap-${target.name}`, context.seed, sizes, target.terms);
      context.saveConfig(target.name, config);
      context.log(`${target.name}: d = ${sizes.d}, N = ${sizes.width}, p = ${sizes.trajectories} trajectories of ${sizes.steps} steps, then ${sizes.secondStageSteps} steps on a`);
      const result = await simulate(config, { runtime: context.runtime });
      if (result.summary.status !== "completed") throw new Error(`reflective-trap: the ${target.name} run diverged: ${result.summary.divergence?.message}`);
      const rows: ChartRow[] = result.records.map((r) => ({
        step: r.step,
        time: r.time,
        stage: r.step <= sizes.trajectories * sizes.steps ? `1 (trajectory ${Math.min(sizes.trajectories, Math.floor(r.step / sizes.steps) + 1)})` : "2",
        testLoss: r.testLoss as number,
        testLossSE: r.testLossSE as number,
        projectionS: projectionOn(r, s),
        ...Object.fromEntries((r.projections as number[]).map((v, k) => [`projection${k + 1}`, v])),
        orthogonalNorm: r.orthogonalNorm as number,
      }));
      context.saveTable(target.name, rows);
      // Stage 1 of the first trajectory, before w is re-drawn for the next one.
      results[target.name] = { rows, stage1: rows.filter((r) => (r.step as number) <= sizes.steps) };
    }
    const trapped = results.reflective!;
    const free = results["non-reflective"]!;
    // At the end of stage 1 (of the first trajectory): SGD noise moves the trapped projection up and
    // down along the way, but it never takes off.
    const growth = (stage1: ChartRow[]) => (stage1[stage1.length - 1]!.projectionS as number) / (stage1[0]!.projectionS as number);
    const lossRatio = (rows: ChartRow[]) => (rows[rows.length - 1]!.testLoss as number) / (rows[0]!.testLoss as number);
    const checks = [
      check("property.reflective", "Coordinate subspaces for which h1(z1) + h1(z1)h2(z2) is reflective (found by reflectiveCoordinateSubspaces)", reflective.length, [1, Infinity]),
      check("property.nonReflective", "Coordinate subspaces for which h1(z1) + h1(z1)h1(z2) is reflective", nonReflective.length, [0, 0]),
      check("trap.reflective", `Reflective target: projection of w on ${sName} at the end of stage 1 over its initial value (stays at kappa/sqrt(d) or below)`, growth(trapped.stage1), [0, 1.25]),
      check("trap.nonReflective", `Non-reflective target: projection of w on ${sName} at the end of stage 1 over its initial value (grows)`, growth(free.stage1), [3, Infinity]),
      check("twoStage.nonReflective", "Non-reflective target: final test loss after both stages over the initial loss (driven to zero)", lossRatio(free.rows), [0, 0.01]),
      check("twoStage.reflective", "Reflective target: final test loss over the initial loss (stuck at the part carried by z2)", lossRatio(trapped.rows), [0.3, Infinity]),
    ];
    const label = (name: string) => TARGETS.find((t) => t.name === name)!.label;
    const projectionRows = TARGETS.flatMap((t) => results[t.name]!.stage1.map((r) => ({ time: r.time, value: r.projectionS, target: t.label })));
    const lossRows = TARGETS.flatMap((t) =>
      results[t.name]!.rows.map((r) => ({
        time: r.time,
        loss: r.testLoss,
        lower: (r.testLoss as number) - 1.96 * (r.testLossSE as number),
        upper: (r.testLoss as number) + 1.96 * (r.testLossSE as number),
        target: label(t.name),
      })),
    );
    return {
      checks,
      plots: [
        {
          name: "projection-on-S",
          title: `Projection of the first layer on S = ${sName}`,
          caption: `RMS over neurons of the component of w_i along S during stage 1 (first trajectory), d = ${sizes.d}, N = ${sizes.width}, initial w ~ N(0, ${KAPPA}/d): trapped for the reflective target, growing for the other.`,
          spec: lineChart({
            title: `Projection on ${sName} (stage 1)`,
            rows: projectionRows,
            x: { field: "time", title: "time t" },
            y: { field: "value", title: "RMS projection on S", log: true },
            series: { field: "target", title: "target" },
          }),
        },
        {
          name: "two-stage-loss",
          title: "Test loss through two-stage training",
          caption: `Stage 1: ${sizes.trajectories} trajectories of t = ${stage1Time} training w with a fixed, averaged; stage 2: a trained on the averaged features. 95% bands of the test estimate.`,
          spec: lineChart({
            title: "Test loss",
            rows: lossRows,
            x: { field: "time", title: "time t (both stages)" },
            y: { field: "loss", title: "test loss", log: true },
            series: { field: "target", title: "target" },
            band: { lower: "lower", upper: "upper" },
          }),
        },
      ],
      figures: {
        S: sName,
        "reflective: final test loss": trapped.rows[trapped.rows.length - 1]!.testLoss as number,
        "non-reflective: final test loss": free.rows[free.rows.length - 1]!.testLoss as number,
        "reflective: projection growth": growth(trapped.stage1),
        "non-reflective: projection growth": growth(free.stage1),
      },
    };
  },
};
