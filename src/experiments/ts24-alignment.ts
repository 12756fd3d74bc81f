// Takakura, Suzuki 2024 (arXiv 2403.14917): in the two-timescale limit the second layer is solved
// at once for the current first layer (ridge regression on its features), so training the first
// layer by mean-field Langevin dynamics is kernel learning. Their alignment claim is a scaling in
// d: the kernel-target alignment of the initial (random-features) kernel is O(1/sqrt d), and the
// learned kernel's is Omega(1), independent of d. Measured here over several d with N and n fixed.
//
// Alignment is centered (src/metrics/alignment.ts): A(K, y) = (Hy)^T HKH (Hy) / (||HKH||_F ||Hy||^2),
// H = I - 1 1^T / m. For a target with a linear part (y = tanh(<q*, x>)) and a kernel whose
// centered Frobenius norm is carried by its linear part, A(0) ~ E[y z]^2 / E[y^2] / sqrt(d): the
// paper's O(1/sqrt d), here measured on the infinite-width kernel of the initialization (the
// mean-field kernel; the N-neuron network's own A(0) carries an extra O(sqrt(d/N)) fluctuation and
// is reported beside it). The uncentered A of the same kernel is dominated by its constant part
// and scales like 1/d instead (a broken variant).
//
// Instance: x ~ N(0, I_d), y = tanh(<q*, x>) + eps with the paper's label noise eps ~ Unif[-sigma,
// sigma] on the n training labels (test losses against the clean target); ReLU network with a
// bias, initialized at w ~ N(0, I/d), b ~ N(0, 1) (the bias lets ReLU features fit tanh beyond its
// linear part), second layer by ridge before every step, first layer by mean-field Langevin
// dynamics with weight decay lambda and inverse temperature beta (the noise's scaling with beta
// is the trainer's; this config is written in beta and lambda only). Baselines on the same noisy
// samples: random features (the network's own initial features, first layer frozen: N of them)
// and kernel ridge with the infinite-width NNGP and NTK of this initialization, bias included
// (src/kernels/reluBiasKernels.ts) through `meanfield kernel`'s route (kernelBaseline with
// kernel.bias), the ridge chosen on held-out training samples; random features keep the least
// test loss of their grid (an oracle choice, favouring them).

import type { ConfigInput } from "../config.js";
import { kernelBaseline, type KernelBaselineResult } from "../kernels/kernelRidge.js";
import { reluBiasGram } from "../kernels/reluBiasKernels.js";
import { kernelAlignment } from "../metrics/alignment.js";
import { simulate } from "../run/simulate.js";
import { createTask } from "../tasks/createTask.js";
import { lineChart, type ChartRow } from "../report/charts.js";
import { check, type Experiment, type ExperimentContext, type ExperimentPlot, type ExperimentScale } from "./experiment.js";
import { TAKAKURA_SUZUKI_2024 } from "./papers.js";
import { fitPowerLaw } from "./powerLaw.js";
import { pow } from "../special/portableMath.js";

interface Sizes {
  ds: number[];
  width: number;
  /** Fixed training samples n. */
  samples: number;
  steps: number;
  stepSize: number;
  testSamples: number;
  alignmentSamples: number;
  /**
   * Samples for the infinite-width A(0): the diagonal of K adds about m E[K(x,x)^2] to ||HKH||_F^2
   * against m^2 E[K_lin^2] ~ m^2 / d from its linear part, so m must be well above d.
   */
  limitAlignmentSamples: number;
}

const SIZES: Record<ExperimentScale, Sizes> = {
  test: { ds: [16, 32, 64], width: 64, samples: 600, steps: 60, stepSize: 0.2, testSamples: 1000, alignmentSamples: 600, limitAlignmentSamples: 1500 },
  quick: { ds: [16, 32, 64], width: 128, samples: 1500, steps: 150, stepSize: 0.1, testSamples: 3000, alignmentSamples: 1200, limitAlignmentSamples: 2000 },
  paper: { ds: [16, 32, 64, 128], width: 256, samples: 4000, steps: 400, stepSize: 0.1, testSamples: 10000, alignmentSamples: 2000, limitAlignmentSamples: 3000 },
};

/** Half-width sigma of the training label noise eps ~ Unif[-sigma, sigma]. */
const LABEL_NOISE = 0.5;
/** Standard deviation of the initial biases b_i. */
const BIAS_SCALE = 1;
const RIDGE = 1e-3;
/** Mean-field Langevin weight decay and inverse temperature. */
const LANGEVIN = { lambda: 1e-3, beta: 1e4 };
/** Kernel ridge penalties lambda in (K + lambda n I) alpha = y, chosen on held-out training samples. */
const KERNEL_RIDGES = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1];
/** Fraction of the n noisy training samples held out to choose the kernels' ridge (then refitted on all n). */
const KERNEL_VALIDATION = 0.2;
/**
 * Ridges of the random-features baseline, the best on the test set is kept: the network's RIDGE
 * penalizes a under the 1/N output scale, which the trained network offsets by growing its
 * features, so frozen features need a smaller one to be a fair baseline.
 */
const RANDOM_FEATURE_RIDGES = [1e-3, 1e-4, 1e-5, 1e-6, 1e-7];
/** A frozen first layer: one ridge solve on the initial features, then steps too small to move w. */
const FROZEN_STEP = 1e-12;

const VARIANTS = { frozen: "frozen-first-layer", uncentered: "uncentered-alignment" } as const;

/** Rows (w_i, b_i) with w ~ N(0, I/d), b ~ N(0, BIAS_SCALE^2). */
function initialWeights(context: ExperimentContext, d: number, n: number): number[][] {
  const g = context.runtime.random.gaussian(context.seed, `ts24.init.d${d}`, n * (d + 1));
  return Array.from({ length: n }, (_, i) => Array.from({ length: d + 1 }, (_, k) => g[i * (d + 1) + k]! * (k < d ? 1 / Math.sqrt(d) : BIAS_SCALE)));
}

function runConfig(name: string, seed: number, d: number, sizes: Sizes, weights: number[][], steps: number, stepSize: number, ridge = RIDGE): ConfigInput {
  return {
    name,
    seed,
    task: { kind: "gaussianSingleIndex", d, link: "tanh" },
    model: { width: sizes.width, activation: "relu", bias: true, init: { firstLayer: { kind: "given", weights }, secondLayer: { kind: "constant", value: 0 } } },
    algorithm: {
      kind: "twoTimescale",
      data: { kind: "samples", n: sizes.samples, labelNoise: LABEL_NOISE },
      ridge,
      steps,
      stepSize,
      noise: LANGEVIN,
    },
    metrics: {
      include: ["testLoss", "trainLoss", "alignment"],
      schedule: { kind: "logSpaced", points: 30 },
      testSamples: sizes.testSamples,
      alignmentSamples: sizes.alignmentSamples,
    },
  };
}

/** x (rows x d) and y of a task stream, rows 0 .. rows-1, as the network's metrics draw them. */
function streamSamples(context: ExperimentContext, d: number, stream: string, rows: number): { x: Float64Array; y: Float64Array } {
  const rt = context.runtime;
  const task = createTask(rt, { kind: "gaussianSingleIndex", d, link: { kind: "tanh" } }, context.seed, { kind: "relu" });
  const x = rt.arena.f64(rows * d);
  const y = rt.arena.f64(rows);
  try {
    task.sampleInto(stream, 0, x, y);
    return { x: x.toArray(), y: y.toArray() };
  } finally {
    x.free();
    y.free();
    task.free();
  }
}

/** What one d contributes: A(0) at infinite width and of the network, A(T), the final losses and the random-features loss. */
interface PerD {
  d: number;
  initialLimit: number;
  initialNetwork: number;
  final: number;
  finalLoss: number;
  finalTrain: number;
  randomFeatures: number;
}

/** One d: the two-timescale run (its records appended to rows), the random-features baseline and the infinite-width A(0). */
async function measureAtD(context: ExperimentContext, d: number, sizes: Sizes, rows: ChartRow[]): Promise<PerD> {
  const variant = context.variant;
  context.log(`d = ${d}: two-timescale Langevin, N = ${sizes.width}, n = ${sizes.samples}, ${sizes.steps} steps`);
  const weights = initialWeights(context, d, sizes.width);
  const trained = variant === VARIANTS.frozen ? { steps: sizes.steps, stepSize: FROZEN_STEP } : { steps: sizes.steps, stepSize: sizes.stepSize };
  const config = runConfig(`ts24-d${d}`, context.seed, d, sizes, weights, trained.steps, trained.stepSize);
  context.saveConfig(`two-timescale-d${d}`, config);
  const result = await simulate(config, { runtime: context.runtime });
  if (result.summary.status !== "completed") throw new Error(`ts24-alignment: the d = ${d} run diverged: ${result.summary.divergence?.message}`);
  // Step 0 is the network before its first ridge solve (a = 0); from step 1 on, a is the ridge solution.
  for (const r of result.records.filter((r) => r.step >= 1)) {
    rows.push({ d, step: r.step, time: r.time, testLoss: r.testLoss as number, testLossSE: r.testLossSE as number, trainLoss: r.trainLoss as number, alignment: r.alignment as number });
  }
  const last = result.records[result.records.length - 1]!;
  let randomFeatures = Infinity;
  for (const ridge of RANDOM_FEATURE_RIDGES) {
    const frozenConfig = runConfig(`ts24-random-features-d${d}-ridge${ridge}`, context.seed, d, sizes, weights, 1, FROZEN_STEP, ridge);
    context.saveConfig(`random-features-d${d}-ridge${ridge}`, frozenConfig);
    const frozen = await simulate(frozenConfig, { runtime: context.runtime });
    randomFeatures = Math.min(randomFeatures, frozen.records[frozen.records.length - 1]!.testLoss as number);
  }
  // The initial kernel at infinite width, on the alignment set the metric uses.
  const set = streamSamples(context, d, "alignment", sizes.limitAlignmentSamples);
  const limitGram = reluBiasGram("nngp", set.x, set.x, d, BIAS_SCALE);
  return {
    d,
    initialLimit: kernelAlignment(limitGram, set.y, variant !== VARIANTS.uncentered)!,
    initialNetwork: result.records[0]!.alignment as number,
    final: last.alignment as number,
    finalLoss: last.testLoss as number,
    finalTrain: last.trainLoss as number,
    randomFeatures,
  };
}

/** The figures: A(0) and A(T) against d with the fit, A(t) per d, and the losses against the baselines at the largest d. */
function ts24Plots(
  sizes: Sizes, rows: ChartRow[], perD: PerD[], baselines: { nngp: { loss: number }; ntk: { loss: number } },
  initialFit: ReturnType<typeof fitPowerLaw>,
): ExperimentPlot[] {
  const { nngp, ntk } = baselines;
  const largest = perD[perD.length - 1]!;
  const alignmentRows: ChartRow[] = rows.map((r) => ({ time: r.time, value: r.alignment, curve: `A(t), d = ${r.d}` }));
  const byDRows: ChartRow[] = perD.flatMap((p) => [
    { d: p.d, value: p.initialLimit, curve: "A(0), infinite width" },
    { d: p.d, value: p.initialNetwork, curve: `A(0), the N = ${sizes.width} network` },
    { d: p.d, value: p.final, curve: "A(T), trained" },
    { d: p.d, value: initialFit.prefactor * pow(p.d, initialFit.exponent.value), curve: `fit d^${initialFit.exponent.value.toFixed(2)}` },
  ]);
  const lossRows: ChartRow[] = rows
    .filter((r) => r.d === largest.d)
    .flatMap((r) => [
      { time: r.time, loss: r.testLoss, lower: (r.testLoss as number) - 1.96 * (r.testLossSE as number), upper: (r.testLoss as number) + 1.96 * (r.testLossSE as number), model: "network (clean test)" },
      { time: r.time, loss: r.trainLoss, lower: r.trainLoss, upper: r.trainLoss, model: "network (noisy train)" },
      { time: r.time, loss: largest.randomFeatures, lower: largest.randomFeatures, upper: largest.randomFeatures, model: `random features, N = ${sizes.width}` },
      { time: r.time, loss: nngp.loss, lower: nngp.loss, upper: nngp.loss, model: "NNGP ridge (bias)" },
      { time: r.time, loss: ntk.loss, lower: ntk.loss, upper: ntk.loss, model: "NTK ridge (bias)" },
    ]);
  return [
    {
      name: "alignment-vs-d",
      title: "Initial and final kernel-target alignment against d",
      caption: `Centered alignment; N = ${sizes.width}, n = ${sizes.samples} fixed. A(0) of the initial kernel falls like d^(-1/2) (fit with its exponent), the trained A(T) stays at order one at every d. Takakura, Suzuki 2024, Section 5.`,
      spec: lineChart({
        title: "Alignment against d",
        rows: byDRows,
        x: { field: "d", title: "dimension d", log: true },
        y: { field: "value", title: "centered alignment", log: true },
        series: { field: "curve", title: "" },
        reference: (curve) => curve.startsWith("fit"),
        points: true,
      }),
    },
    {
      name: "alignment",
      title: "Kernel-target alignment over time",
      caption: `Centered alignment of the feature kernel on ${sizes.alignmentSamples} samples, one curve per d: it rises from about 1/sqrt(d) to order one.`,
      spec: lineChart({
        title: "Alignment over time",
        rows: alignmentRows,
        x: { field: "time", title: "time t", log: true },
        y: { field: "value", title: "centered alignment", log: true },
        series: { field: "curve", title: "" },
      }),
    },
    {
      name: "loss",
      title: `Test loss against the fixed-kernel baselines, d = ${largest.d}`,
      caption: `Labels carry noise Unif[-${LABEL_NOISE}, ${LABEL_NOISE}] (train loss includes it; test loss is against the clean target, 95% band). Baselines on the same n = ${sizes.samples} noisy samples: NNGP/NTK ridge with bias at the ridge chosen on held-out training samples (rerun: meanfield kernel), random features at the least test loss of their grid (an oracle choice, favouring them). Takakura, Suzuki 2024, Figure 2's setting.`,
      spec: lineChart({
        title: "Loss: learned vs fixed kernels",
        rows: lossRows,
        x: { field: "time", title: "time t", log: true },
        y: { field: "loss", title: "loss", log: true },
        series: { field: "model", title: "model" },
        band: { lower: "lower", upper: "upper" },
      }),
    },
  ];
}

/**
 * The NNGP/NTK baselines' config, rerun by `meanfield kernel`: the network's task, seed and noisy
 * samples, a ReLU model with biases whose kernel is that of this initialization (w ~ N(0, I/d),
 * b ~ N(0, BIAS_SCALE^2) as kernel.bias, a = +-1 for the NTK's first-layer part), and the ridge
 * grid chosen on held-out training samples.
 */
function kernelConfig(seed: number, d: number, sizes: Sizes): ConfigInput {
  return {
    name: `ts24-kernels-d${d}`,
    description: "NNGP and NTK ridge with bias on the two-timescale run's noisy samples (meanfield kernel --kernel nngp|ntk)",
    seed,
    task: { kind: "gaussianSingleIndex", d, link: "tanh" },
    model: { width: sizes.width, activation: "relu", bias: true, init: { firstLayer: { kind: "gaussian", kappa: 1 }, secondLayer: { kind: "rademacher", value: 1 } } },
    algorithm: { kind: "twoTimescale", data: { kind: "samples", n: sizes.samples, labelNoise: LABEL_NOISE }, ridge: RIDGE, steps: 1, stepSize: sizes.stepSize },
    metrics: { include: ["testLoss"], testSamples: sizes.testSamples },
    kernel: { bias: BIAS_SCALE, ridges: KERNEL_RIDGES, validation: KERNEL_VALIDATION },
  };
}

/** "1e-3: 0.0251; 1e-2: ..." — each ridge of the grid with its validation loss. */
function trialsText(fit: KernelBaselineResult): string {
  return (fit.ridgeSelection?.trials ?? []).map((t) => `${t.ridge}: ${t.validationLoss.toPrecision(4)}`).join("; ");
}

export const ts24Alignment: Experiment = {
  id: "ts24-alignment",
  papers: [{ ...TAKAKURA_SUZUKI_2024, figure: "Section 5 (kernel alignment) and Figures 1-2 (label noise)" }],
  brokenVariants: [
    {
      name: VARIANTS.frozen,
      description: "The first layer is frozen (steps of 1e-12): the kernel stays the initial random-features one, so its alignment never reaches order one and the network is no better than its random features.",
      fails: ["alignment.final", "loss.vsRandomFeatures", "loss.vsNngp", "loss.vsNtk", "loss.belowNoise"],
    },
    {
      name: VARIANTS.uncentered,
      description: "The initial alignment is computed uncentered: the kernel's constant part dominates its Frobenius norm and A(0) falls like 1/d, not 1/sqrt(d), so the exponent check must fail.",
      fails: ["alignment.exponent", "alignment.initialScaled"],
    },
  ],
  title: "Two-timescale mean-field Langevin training: the kernel's alignment goes from 1/sqrt(d) to order one at every d (TS24)",
  description:
    "Two-timescale training with label noise (second layer by ridge every step, first layer by mean-field Langevin dynamics) over d with N and n fixed: centered kernel-target alignment starts at c/sqrt(d) (fitted exponent) and ends at order one independent of d; the learned kernel beats random features of the same width and NNGP/NTK ridge with a bias.",
  async run(context: ExperimentContext) {
    const sizes = SIZES[context.scale];
    const rows: ChartRow[] = [];
    const perD: PerD[] = [];
    for (const d of sizes.ds) perD.push(await measureAtD(context, d, sizes, rows));
    context.saveTable("two-timescale", rows);
    const largest = perD[perD.length - 1]!;
    context.log(`d = ${largest.d}: NNGP and NTK (with bias) kernel ridge on the same n = ${sizes.samples} noisy samples`);
    const kernels = kernelConfig(context.seed, largest.d, sizes);
    context.saveConfig(`kernels-d${largest.d}`, kernels, [
      { command: "kernel", options: ["--kernel", "nngp"] },
      { command: "kernel", options: ["--kernel", "ntk"] },
    ]);
    const fitKernel = (kernel: "nngp" | "ntk") => kernelBaseline(kernels, { kernel, runtime: context.runtime });
    const nngpFit = await fitKernel("nngp");
    const ntkFit = await fitKernel("ntk");
    const nngp = { loss: nngpFit.testLoss, ridge: nngpFit.ridge };
    const ntk = { loss: ntkFit.testLoss, ridge: ntkFit.ridge };
    const summaryRows: ChartRow[] = perD.map((p) => ({ ...p, initialLimitTimesSqrtD: p.initialLimit * Math.sqrt(p.d) }));
    context.saveTable("alignment-by-d", summaryRows);
    context.saveTable("baselines", [
      { d: largest.d, baseline: `random features (N = ${sizes.width}, the initial features, first layer frozen)`, testLoss: largest.randomFeatures, ridge: "least test loss of the grid (oracle)", validationLosses: null },
      { d: largest.d, baseline: "NNGP kernel ridge, with bias", testLoss: nngp.loss, ridge: nngp.ridge, validationLosses: trialsText(nngpFit) },
      { d: largest.d, baseline: "NTK kernel ridge, with bias", testLoss: ntk.loss, ridge: ntk.ridge, validationLosses: trialsText(ntkFit) },
      { d: largest.d, baseline: "two-timescale network", testLoss: largest.finalLoss, ridge: RIDGE, validationLosses: null },
    ]);

    const initialFit = fitPowerLaw(
      perD.map((p) => p.d),
      perD.map((p) => p.initialLimit),
    );
    const scaled = perD.map((p) => p.initialLimit * Math.sqrt(p.d));
    const finals = perD.map((p) => p.final);
    const noiseFloor = LABEL_NOISE ** 2 / 6;
    const checks = [
      check("alignment.exponent", `Exponent of the initial kernel's centered alignment A(0) against d (infinite width; d = ${sizes.ds.join(", ")}): the paper's 1/sqrt(d)`, initialFit.exponent.value, [-0.6, -0.4]),
      check("alignment.initialScaled", "max / min over d of A(0) sqrt(d) (about constant)", Math.max(...scaled) / Math.min(...scaled), [1, 1.25]),
      check("alignment.final", "Smallest final alignment A(T) over d: order one", Math.min(...finals), [0.5, 1]),
      check("alignment.finalFlat", "max / min over d of the final alignment (independent of d)", Math.max(...finals) / Math.min(...finals), [1, 1.3]),
      check("loss.vsRandomFeatures", `d = ${largest.d}: final test loss over that of the same N = ${sizes.width} random features with the first layer frozen`, largest.finalLoss / largest.randomFeatures, [0, 0.5]),
      check("loss.vsNngp", `d = ${largest.d}: final test loss over that of NNGP kernel ridge with bias (ridge chosen on held-out training samples) on the same noisy samples`, largest.finalLoss / nngp.loss, [0, 1]),
      check("loss.vsNtk", `d = ${largest.d}: final test loss over that of NTK kernel ridge with bias (ridge chosen on held-out training samples) on the same noisy samples`, largest.finalLoss / ntk.loss, [0, 1]),
      check("loss.belowNoise", `d = ${largest.d}: clean test loss over the label noise's own loss sigma^2/6 (the network does not fit the noise)`, largest.finalLoss / noiseFloor, [0, 0.5]),
    ];
    return {
      checks,
      exponents: { initialAlignmentExponent: initialFit.exponent },
      plots: ts24Plots(sizes, rows, perD, { nngp, ntk }, initialFit),
      figures: {
        ...Object.fromEntries(perD.map((p) => [`A(0) sqrt(d), infinite width, d = ${p.d}`, p.initialLimit * Math.sqrt(p.d)])),
        ...Object.fromEntries(perD.map((p) => [`A(0) sqrt(d), network, d = ${p.d}`, p.initialNetwork * Math.sqrt(p.d)])),
        ...Object.fromEntries(perD.map((p) => [`A(T), d = ${p.d}`, p.final])),
        ...Object.fromEntries(perD.map((p) => [`test loss, d = ${p.d}`, p.finalLoss])),
        "random features test loss (largest d)": largest.randomFeatures,
        "NNGP ridge test loss (largest d)": nngp.loss,
        "NTK ridge test loss (largest d)": ntk.loss,
        "label noise loss sigma^2/6": noiseFloor,
      },
    };
  },
};
