// Li, Ma, Zhang 2020's separation in d: on the normalized teacher (normalizedTeacher.ts: M = d
// orthonormal |.| neurons, a*_j = 1/d, so every Hermite order k >= 1 carries Theta(1/d) of E y^2),
// an over-parametrized |.| network trained by online SGD on a polynomial sample budget
// n(d) = c d^3 (step h0 up to d = 32, h0 32 / d above) reaches a population loss that falls faster than 1/d, while every kernel with n
// samples keeps at least the loss of the orders it cannot resolve: Omega(1/d).
//   network    f = (1/N) sum_i a_i |<w_i, x>|, N = 4d, online SGD with batch B on n(d) samples,
//              the last quarter at a quarter of the step; its exact population loss (Gaussian
//              pair moments).
//   floor      half the energy of the orders above the highest degree whose Hermite space has at
//              most n(d) elements (resolvableDegree: generous to the kernels), exact.
//   kernels    ridge regression with the network's NNGP and NTK truncated at degree 2 (Hermite
//              features: what a rotation-invariant kernel fits with n = d^{2+o(1)}), scored by
//              their exact population losses; they sit on the degree >= 4 tail whatever n.

import type { ConfigInput } from "../config.js";
import { teacherFeatureRidge } from "../kernels/teacherFeatureRidge.js";
import { hermiteDim } from "../kernels/kernelFeatures.js";
import type { KernelKind } from "../kernels/modelKernel.js";
import { simulate } from "../run/simulate.js";
import type { TeacherAbsConfig } from "../tasks/teacherNetwork.js";
import { lineChart, type ChartRow } from "../report/charts.js";
import { check, type ExperimentCheck, type ExperimentContext, type ExperimentPlot, type FittedExponent } from "./experiment.js";
import { normalizedTeacherTask, resolvableDegree, tailAbove, teacherOrders, type TeacherScale } from "./normalizedTeacher.js";
import { fitPowerLaw } from "./powerLaw.js";
import { integerPower } from "../special/portableMath.js";

/**
 * Sizes of the separation sweep: the dimensions d, the sample budget n(d) = budget d³, the batch and
 * step (h0 up to STEP_DIM, h0 STEP_DIM / d above), and the work allowed per kernel fit.
 */
export interface SeparationSizes {
  dims: number[];
  /** Sample budget n(d) = budget d^3. */
  budget: number;
  batch: number;
  /** Step size h0 up to d = STEP_DIM; above it h(d) = h0 STEP_DIM / d. */
  stepSize: number;
  /** Multiply-adds n p^2 allowed per kernel fit (caps the kernels' n below the budget at large d). */
  kernelWork: number;
}

/** What a broken variant changes in the sweep. */
export interface SeparationBreak {
  /** Train only the second layer (random features). */
  frozenFirstLayer?: boolean;
  /** Teacher outputs a*_j = 1 instead of 1/d. */
  teacher?: TeacherScale;
  /** The same n for every d (the budget at the smallest d). */
  fixedBudget?: boolean;
  /** Report the kernels' losses as the network's and the network's as the kernels'. */
  swapKernelAndNetwork?: boolean;
}

/**
 * Above this d the step shrinks like 1/d. Each online step adds SGD noise of variance about
 * h^2 d L / B to |w|^2 (|x|^2 = d), against a drift of order h: at fixed h the noise wins as d
 * grows (at d = 64, h = 1 the loss climbs back to its plateau, 3x the floor), while h d / B fixed
 * keeps the noise per unit time fixed. Below it h0 = 1 is stable, and h = 1.6 at d = 20 is not.
 */
const STEP_DIM = 32;

/** The step size at dimension d. */
function separationStep(sizes: SeparationSizes, d: number): number {
  return d <= STEP_DIM ? sizes.stepSize : (sizes.stepSize * STEP_DIM) / d;
}

const KERNELS: KernelKind[] = ["nngp", "ntk"];
/** Degree of the kernels' Hermite features. */
const KERNEL_DEGREE = 2;
const WIDTH_PER_DIM = 4;

/** Fraction of the budget run at the full step size; the rest runs at ANNEAL_FACTOR of it. */
const FIRST_PHASE = 0.75;
const ANNEAL_FACTOR = 0.25;

/**
 * Online SGD on `samples` draws at step h from the initialization, or from given weights. The
 * unnormalized teacher's outputs are d times larger, its gradients too, so its step shrinks by d^2
 * to stay stable.
 */
function phaseConfig(task: TeacherAbsConfig, samples: number, stepSize: number, sizes: SeparationSizes, seed: number, broken: SeparationBreak, start: { w: Float64Array; a: Float64Array } | null): ConfigInput {
  const d = task.d;
  const width = WIDTH_PER_DIM * d;
  return {
    name: `lmz20-separation-d${d}${start ? "-annealed" : ""}`,
    seed,
    task,
    model: {
      width,
      activation: "abs",
      train: broken.frozenFirstLayer ? "second" : "both",
      init: start
        ? {
            firstLayer: { kind: "given", weights: Array.from({ length: width }, (_, i) => Array.from(start.w.subarray(i * d, (i + 1) * d))) },
            secondLayer: { kind: "given", values: Array.from(start.a) },
          }
        : { firstLayer: { kind: "gaussian", kappa: 1 }, secondLayer: { kind: "constant", value: 1 } },
    },
    algorithm: {
      kind: "onlineSgd",
      batch: sizes.batch,
      steps: Math.max(1, Math.round(samples / sizes.batch)),
      stepSize: broken.teacher === "ones" ? stepSize / d ** 2 : stepSize,
    },
    metrics: { include: ["populationLoss"], schedule: { kind: "logSpaced", points: 2 } },
  };
}

/**
 * The network's exact population loss after n samples: FIRST_PHASE n at step h, then the rest
 * at ANNEAL_FACTOR h (a step decay, so the loss is not the SGD noise level of step h). The second
 * phase restarts the online stream, revisiting the first phase's earliest samples: at most n
 * distinct samples in all.
 */
async function trainNetwork(context: ExperimentContext, task: TeacherAbsConfig, n: number, sizes: SeparationSizes, broken: SeparationBreak): Promise<number> {
  const d = task.d;
  const seed = context.seed + d;
  let start: { w: Float64Array; a: Float64Array } | null = null;
  let loss = NaN;
  const step = separationStep(sizes, d);
  for (const [samples, h] of [[FIRST_PHASE * n, step], [(1 - FIRST_PHASE) * n, ANNEAL_FACTOR * step]] as const) {
    const config = phaseConfig(task, samples, h, sizes, seed, broken, start);
    context.saveConfig(config.name!, config);
    const result = await simulate(config, { runtime: context.runtime, observe: (_s, _t, w, a) => (start = { w, a }) });
    if (result.summary.status !== "completed") throw new Error(`lmz20-tensors: the separation network at d = ${d} diverged: ${result.summary.divergence?.message}`);
    loss = result.records[result.records.length - 1]!.populationLoss as number;
  }
  return loss;
}

/** The separation sweep's checks, plot, fitted exponents of loss against d, figures and rows. */
export interface SeparationResult {
  checks: ExperimentCheck[];
  plot: ExperimentPlot;
  exponents: Record<string, FittedExponent>;
  figures: Record<string, number>;
  rows: ChartRow[];
}

/**
 * Li, Ma, Zhang 2020's separation: over d, the network's exact population loss L = 1/2 E[(f - y)²]
 * on the normalized teacher (a*_j = 1/d) falls faster than 1/d, while the degree-2 kernels and the
 * unresolvable-orders floor stay Ω(1/d).
 */
export async function runSeparation(context: ExperimentContext, sizes: SeparationSizes, broken: SeparationBreak): Promise<SeparationResult> {
  const rows: ChartRow[] = [];
  const network: number[] = [];
  const floor: number[] = [];
  const tail4: number[] = [];
  const kernel: Record<KernelKind, number[]> = { nngp: [], ntk: [] };
  const degrees: number[] = [];
  const d0 = Math.min(...sizes.dims);
  for (const d of sizes.dims) {
    const n = sizes.budget * integerPower(broken.fixedBudget ? d0 : d, 3);
    const task = normalizedTeacherTask(d, broken.teacher ?? "normalized");
    context.log(`separation d = ${d}: network N = ${WIDTH_PER_DIM * d}, online SGD at step ${separationStep(sizes, d).toFixed(3)} on n = ${n} samples`);
    const networkLoss = await trainNetwork(context, task, n, sizes, broken);
    const orders = teacherOrders(context.runtime, task, context.seed + d, 12);
    const resolvable = resolvableDegree(d, n);
    const floorLoss = tailAbove(orders, resolvable);
    const tailLoss = tailAbove(orders, 3);
    const p = hermiteDim(d, 0) + hermiteDim(d, 2);
    const kernelN = Math.min(n, Math.max(10 * p, Math.floor(sizes.kernelWork / (p * p))));
    context.log(`separation d = ${d}: NNGP and NTK ridge, degree ${KERNEL_DEGREE} Hermite features (p = ${p}), n = ${kernelN}`);
    const kernelConfig = phaseConfig(task, n, sizes.stepSize, sizes, context.seed + d, broken, null);
    // The kernels' part on its own (`meanfield kernel` scores on test samples where this fit is exact).
    const kernelOptions = (kind: KernelKind) => ["--kernel", kind, "--n", String(kernelN), "--method", "features", "--degree", String(KERNEL_DEGREE)];
    context.saveConfig(`lmz20-separation-d${d}-kernels`, kernelConfig, KERNELS.map((kind) => ({ command: "kernel" as const, options: kernelOptions(kind) })));
    const fits = teacherFeatureRidge(context.runtime, kernelConfig, KERNELS, KERNEL_DEGREE, [kernelN]);
    const losses = Object.fromEntries(fits.map((f) => [f.kernel, f.loss])) as Record<KernelKind, number>;
    const reportedNetwork = broken.swapKernelAndNetwork ? Math.min(losses.nngp, losses.ntk) : networkLoss;
    for (const kind of KERNELS) kernel[kind].push(broken.swapKernelAndNetwork ? networkLoss : losses[kind]);
    network.push(reportedNetwork);
    floor.push(floorLoss);
    tail4.push(tailLoss);
    degrees.push(resolvable);
    rows.push(
      { d, loss: reportedNetwork, n, curve: "network, online SGD (exact population loss)" },
      { d, loss: kernel.nngp[kernel.nngp.length - 1]!, n: kernelN, curve: "kernel ridge: NNGP, degree ≤ 2 (exact)" },
      { d, loss: kernel.ntk[kernel.ntk.length - 1]!, n: kernelN, curve: "kernel ridge: NTK, degree ≤ 2 (exact)" },
      { d, loss: floorLoss, n, curve: "kernel floor at n: orders a kernel cannot resolve" },
      { d, loss: tailLoss, n, curve: "orders ≥ 4 (kernels with n ≪ d⁴)" },
    );
  }
  context.saveTable("separation", rows);

  const networkFit = fitPowerLaw(sizes.dims, network);
  const floorFit = fitPowerLaw(sizes.dims, floor);
  const kernelFit = fitPowerLaw(sizes.dims, kernel.nngp);
  const ratios = network.map((v, i) => v / floor[i]!);
  const kernelRatios = KERNELS.flatMap((kind) => kernel[kind].map((v, i) => v / tail4[i]!));
  const checks = [
    check(
      "separation.floorExponent",
      "Exponent of the kernel floor in d (fitted on the exact floors): the Omega(1/d) lower bound, -1 for the normalized teacher",
      floorFit.exponent.value,
      [-1.05, -0.95],
    ),
    check(
      "separation.networkBelowFloor",
      "Largest ratio over d of the network's population loss at the budget n(d) to the kernel floor at the same n",
      Math.max(...ratios),
      [0, 0.25],
    ),
    check(
      "separation.networkExponent",
      "Upper end of the 95% interval of the network's exponent in d, minus the floor's exponent: the network's loss falls faster in d than the kernels' floor",
      networkFit.exponent.ci95[1] - floorFit.exponent.value,
      [-Infinity, 0],
    ),
    check(
      "separation.kernelOnFloor",
      "Largest ratio over d and kernel of the degree-2 kernels' exact population loss to the orders >= 4 they cannot fit (>= 1 exactly; near 1 once the orders <= 2 are fitted)",
      Math.max(...kernelRatios),
      [1, 1.3],
    ),
  ];
  const plot = separationPlot(sizes, rows);
  return {
    checks,
    plot,
    rows,
    exponents: {
      networkExponent: networkFit.exponent,
      floorExponent: floorFit.exponent,
      kernelExponent: kernelFit.exponent,
    },
    figures: {
      "separation: largest network / floor": Math.max(...ratios),
      "separation: smallest network / floor": Math.min(...ratios),
      "separation: resolvable degree (min over d)": Math.min(...degrees),
      "separation: resolvable degree (max over d)": Math.max(...degrees),
    },
  };
}

/** Loss at the budget n(d) against d, log-log: the network against the kernels and the exact floors they sit on. */
function separationPlot(sizes: SeparationSizes, rows: ChartRow[]): ExperimentPlot {
  return {
    name: "separation-in-d",
    title: "Population loss against d at the sample budget n = c d³: network vs kernels",
    caption:
      `Normalized teacher (M = d orthonormal |.| neurons, a*_j = 1/d) in d = ${sizes.dims.join(", ")}; budget n = ${sizes.budget} d³ online samples for the network (N = ${WIDTH_PER_DIM}d, step ${sizes.stepSize} up to d = ${STEP_DIM}, ${sizes.stepSize} x ${STEP_DIM}/d above); ` +
      `kernel ridge with the network's NNGP and NTK on degree ≤ 2 Hermite features (exact population losses, n capped at ${sizes.kernelWork.toExponential(0)} / p² where larger). ` +
      `The floors are exact: the orders a kernel with n samples cannot resolve, and the orders ≥ 4. The network falls faster than 1/d; the kernels stay on the floor ` +
      `(the separation of Li, Ma, Zhang 2020, Theorems 1.1 and 1.2: O(1/d^{1+Q}) against Omega(1/d)).`,
    spec: lineChart({
      title: "Loss at the budget n(d) against d",
      rows,
      x: { field: "d", title: "input dimension d", log: true },
      y: { field: "loss", title: "population loss", log: true },
      series: { field: "curve", title: "" },
      points: true,
      // The floors are reference levels, not methods: dashed, no points.
      reference: (curve) => curve.startsWith("kernel floor") || curve.startsWith("orders ≥ 4"),
    }),
  };
}
