// What feature learning buys over kernels, as loss against the number of samples n on log-log
// axes, every loss exact (no test sample). For each target, a mean-field network trained by online
// SGD (one pass: after k steps of batch B it has seen n = kB samples) against kernel ridge
// regression on the first n samples of the same stream, over the network's whole n range:
//   sphere-quartic (Mahankali et al. 2023)  x ~ Unif(S^{d-1}), y = P4 + 0.5 P2 of <q*, x> with the same
//       quartic as activation, projected SGD. Kernels: the network's NNGP and NTK (degree-4
//       polynomial kernels), dense Cholesky or conjugate gradients, exact losses by Funk–Hecke
//       (sphereKernelRidge.ts). An inner-product kernel spans at most n of the N(d,4) degree-4
//       harmonics, so it keeps at least about (1 - n/N(d,4)) of the degree-4 loss 1/(2N(d,4)).
//   teacher-abs (Li, Ma, Zhang 2020)  the normalized teacher (M = d orthonormal |.| neurons,
//       a*_j = 1/d: every Hermite order k >= 1 carries Theta(1/d)). Kernels: the network's NNGP
//       and NTK on degree <= 2 Hermite features (what n << d^4 samples let a rotation-invariant
//       kernel fit), one streaming pass over n, exact losses (teacherFeatureRidge.ts). They keep
//       the loss of the orders >= 4, (1 - 3/pi)/(2d); the network goes below even the generous
//       floor that counts every order whose Hermite space has at most n elements as fitted.
// The separation in d itself is measured in lmz20-tensors; the learned kernel in ts24-alignment.

import type { ConfigInput } from "../config.js";
import { hermiteDim } from "../kernels/kernelFeatures.js";
import type { KernelKind } from "../kernels/modelKernel.js";
import { logGrid } from "../sweep/sampleSweep.js";
import { sphereKernelRidge } from "../kernels/sphereKernelRidge.js";
import { teacherFeatureRidge } from "../kernels/teacherFeatureRidge.js";
import { simulate } from "../run/simulate.js";
import { sphericalHarmonicsDim } from "../special/gegenbauer.js";
import { lineChart, type ChartRow } from "../report/charts.js";
import { check, type Experiment, type ExperimentCheck, type ExperimentContext, type ExperimentPlot, type ExperimentScale, type RerunPart } from "./experiment.js";
import { normalizedTeacherTask, resolvableDegree, tailAbove, teacherOrders } from "./normalizedTeacher.js";
import { LI_MA_ZHANG_2020, MAHANKALI_2023 } from "./papers.js";
import { integerPower } from "../special/portableMath.js";

const KERNELS: KernelKind[] = ["nngp", "ntk"];
const KERNEL_LABEL: Record<KernelKind, string> = { nngp: "kernel ridge: NNGP of the network", ntk: "kernel ridge: NTK of the network" };
const NETWORK_LABEL = "network, online SGD";

interface SphereSizes {
  d: number;
  width: number;
  batch: number;
  steps: number;
  stepSize: number;
  kernelPoints: number;
}

interface TeacherSizes {
  d: number;
  /** Network samples n_max = budget d^3. */
  budget: number;
  batch: number;
  stepSize: number;
  kernelPoints: number;
}

const SPHERE: Record<ExperimentScale, SphereSizes> = {
  test: { d: 20, width: 128, batch: 16, steps: 125, stepSize: 30, kernelPoints: 4 },
  quick: { d: 24, width: 256, batch: 16, steps: 250, stepSize: 30, kernelPoints: 6 },
  paper: { d: 32, width: 512, batch: 16, steps: 1000, stepSize: 30, kernelPoints: 7 },
};

const TEACHER: Record<ExperimentScale, TeacherSizes> = {
  test: { d: 20, budget: 8, batch: 32, stepSize: 1, kernelPoints: 4 },
  quick: { d: 24, budget: 8, batch: 32, stepSize: 1, kernelPoints: 6 },
  paper: { d: 40, budget: 8, batch: 32, stepSize: 1, kernelPoints: 7 },
};

/** What a broken variant changes. */
interface Break {
  frozenFirstLayer: boolean;
  swapped: boolean;
}

interface PanelOutput {
  checks: ExperimentCheck[];
  plot: ExperimentPlot;
  figures: Record<string, number>;
}

/** `meanfield kernel CONFIG --sweep-n ...`: the kernels' curve at the experiment's n grid (test losses on samples, where the experiment's are exact). */
function kernelSweep(ns: number[], extra: string[] = []): RerunPart {
  return { command: "kernel", options: ["--sweep-n", `${ns[0]}:${ns[ns.length - 1]}:${ns.length}`, "--kernels", KERNELS.join(","), "--no-network", ...extra] };
}

async function trainNetwork(context: ExperimentContext, name: string, config: ConfigInput, batch: number, kernels: RerunPart): Promise<{ n: number; loss: number }[]> {
  context.saveConfig(`${name}-network`, config, ["run", kernels]);
  const result = await simulate(config, { runtime: context.runtime });
  if (result.summary.status !== "completed") throw new Error(`kernel-separation: the ${name} network diverged: ${result.summary.divergence?.message}`);
  return result.records.filter((r) => r.step > 0).map((r) => ({ n: r.step * batch, loss: r.populationLoss as number }));
}

/** The network's curve and each kernel's, swapped when the variant says so (the network's curve becomes the NNGP's and back). */
function curves(network: { n: number; loss: number }[], kernels: Record<KernelKind, { n: number; loss: number }[]>, broken: Break) {
  if (!broken.swapped) return { network, kernels };
  return { network: kernels.nngp, kernels: { nngp: network, ntk: kernels.ntk } };
}

/** Whether the NNGP and NTK curves agree within 1% at every shared n (one line then hides the other). */
function kernelsCoincide(rows: ChartRow[]): boolean {
  const ntk = new Map(rows.filter((r) => r.model === KERNEL_LABEL.ntk).map((r) => [r.n, Number(r.loss)]));
  const pairs = rows.filter((r) => r.model === KERNEL_LABEL.nngp && ntk.has(r.n)).map((r) => [Number(r.loss), ntk.get(r.n)!] as const);
  return pairs.length > 0 && pairs.every(([a, b]) => Math.abs(a - b) <= 0.01 * Math.max(Math.abs(a), Math.abs(b)));
}

function plotOf(name: string, title: string, caption: string, rows: ChartRow[]): ExperimentPlot {
  return {
    name,
    title: `Population loss vs n: ${title}`,
    caption: kernelsCoincide(rows) ? `${caption} The NNGP and NTK losses agree within 1% at every n: the NTK's line covers the NNGP's.` : caption,
    spec: lineChart({
      title,
      rows,
      x: { field: "n", title: "samples n", log: true },
      y: { field: "loss", title: "population loss (exact)", log: true },
      series: { field: "model", title: "" },
      points: true,
      // Floors are reference levels, not methods: dashed, no points.
      reference: (model) => model !== NETWORK_LABEL && !Object.values(KERNEL_LABEL).includes(model),
    }),
  };
}

async function spherePanel(context: ExperimentContext, broken: Break): Promise<PanelOutput> {
  const s = SPHERE[context.scale];
  const seed = context.seed;
  const quartic = { kind: "legendre" as const, coefficients: [0, 0, 0.5, 0, 1] };
  const config: ConfigInput = {
    name: "kernel-separation-sphere-quartic",
    seed,
    task: { kind: "sphereSingleIndex", d: s.d, link: quartic },
    model: { width: s.width, activation: quartic, train: broken.frozenFirstLayer ? "second" : "both" },
    algorithm: { kind: "onlineSgd", batch: s.batch, steps: s.steps, stepSize: s.stepSize, projected: true },
    metrics: { include: ["populationLoss"], schedule: { kind: "logSpaced", points: 30 } },
  };
  const nMax = s.batch * s.steps;
  context.log(`sphere-quartic: network, d = ${s.d}, N = ${s.width}, up to n = ${nMax} samples`);
  const ns = logGrid(Math.max(50, Math.round(nMax / 32)), nMax, s.kernelPoints);
  const trained = await trainNetwork(context, "sphere-quartic", config, s.batch, kernelSweep(ns));
  context.log(`sphere-quartic: NNGP and NTK ridge at n = ${ns.join(", ")} (exact Funk–Hecke losses)`);
  const fits = sphereKernelRidge(context.runtime, config, KERNELS, ns);
  const kernelCurves = Object.fromEntries(KERNELS.map((k) => [k, fits.filter((f) => f.kernel === k).map((f) => ({ n: f.n, loss: f.loss }))])) as Record<KernelKind, { n: number; loss: number }[]>;
  const { network, kernels } = curves(trained, kernelCurves, broken);
  const n4 = sphericalHarmonicsDim(s.d, 4);
  const floor = 1 / (2 * n4);
  const rows: ChartRow[] = [
    ...network.map((p) => ({ n: p.n, loss: p.loss, model: NETWORK_LABEL })),
    ...KERNELS.flatMap((k) => kernels[k].map((p) => ({ n: p.n, loss: p.loss, model: KERNEL_LABEL[k] }))),
    ...[ns[0]!, nMax].map((n) => ({ n, loss: floor, model: "degree-4 part: 1/(2N(d,4))" })),
    ...ns.map((n) => ({ n, loss: Math.max(0, 1 - n / n4) * floor, model: "(1 − n/N(d,4)) × degree-4 part" })),
  ];
  context.saveTable("sphere-quartic", rows);
  const bestKernel = Math.min(...KERNELS.map((k) => kernels[k][kernels[k].length - 1]!.loss));
  const finalNetwork = network[network.length - 1]!.loss;
  const networkAtFloor = network.find((p) => p.loss <= floor)?.n ?? Infinity;
  const share = 1 - nMax / n4;
  const checks = [
    check(
      "sphere-quartic.kernelFloor",
      `Sphere: best kernel's exact loss at n = ${nMax} over the degree-4 part 1/(2N(d,4)); a kernel spans at most n of the N(d,4) = ${n4} degree-4 harmonics, so it keeps about 1 - n/N(d,4) = ${share.toFixed(2)} of it or more (and at most 1.2 once degree 2 is fitted)`,
      bestKernel / floor,
      [share - 0.1, 1.2],
    ),
    check("sphere-quartic.networkBelow", "Sphere: the network's final exact loss over the degree-4 part", finalNetwork / floor, [0, 0.2]),
    check(
      "sphere-quartic.samplesToFloor",
      `Sphere: samples the network needs to reach the degree-4 part's loss, over the N(d,4) = ${n4} degree-4 harmonics a kernel must resolve to get there`,
      networkAtFloor / n4,
      [0, 0.25],
    ),
  ];
  return {
    checks,
    plot: plotOf(
      "sphere-quartic",
      `Sphere, quartic single index, d = ${s.d} (Mahankali et al. 2023)`,
      `d = ${s.d}. Network: N = ${s.width}, projected online SGD, batch ${s.batch}, step ${s.stepSize} (n = samples seen). Kernels: ridge regression with the network's NNGP and NTK on the first n samples of the same stream, over the network's n range. Every loss is exact (Funk–Hecke sums for the kernels, the population loss for the network). Flat line: the degree-4 part; the line below it: the share (1 − n/N(d,4)) of it no kernel with n samples can reach. The network goes below the degree-4 part long before n reaches N(d,4) = ${n4}.`,
      rows,
    ),
    figures: {
      "sphere-quartic: degree-4 part 1/(2N(d,4))": floor,
      "sphere-quartic: best kernel loss at largest n / degree-4 part": bestKernel / floor,
      "sphere-quartic: network final loss / degree-4 part": finalNetwork / floor,
      "sphere-quartic: samples the network needs to reach the degree-4 part": networkAtFloor,
      "sphere-quartic: N(d,4)": n4,
    },
  };
}

async function teacherPanel(context: ExperimentContext, broken: Break): Promise<PanelOutput> {
  const s = TEACHER[context.scale];
  const d = s.d;
  const nMax = s.budget * integerPower(d, 3);
  const task = normalizedTeacherTask(d);
  const config: ConfigInput = {
    name: "kernel-separation-teacher-abs",
    seed: context.seed + 2,
    task,
    model: {
      width: 4 * d,
      activation: "abs",
      train: broken.frozenFirstLayer ? "second" : "both",
      init: { firstLayer: { kind: "gaussian", kappa: 1 }, secondLayer: { kind: "constant", value: 1 } },
    },
    algorithm: { kind: "onlineSgd", batch: s.batch, steps: nMax / s.batch, stepSize: s.stepSize },
    metrics: { include: ["populationLoss"], schedule: { kind: "logSpaced", points: 30 } },
  };
  context.log(`teacher-abs: network, d = ${d}, N = ${4 * d}, up to n = ${nMax} samples`);
  const p = hermiteDim(d, 0) + hermiteDim(d, 2);
  const ns = logGrid(2 * p, nMax, s.kernelPoints);
  const trained = await trainNetwork(context, "teacher-abs", config, s.batch, kernelSweep(ns, ["--method", "features", "--degree", "2"]));
  context.log(`teacher-abs: NNGP and NTK ridge on ${p} Hermite features at n = ${ns.join(", ")} (exact losses)`);
  const fits = teacherFeatureRidge(context.runtime, config, KERNELS, 2, ns);
  const kernelCurves = Object.fromEntries(KERNELS.map((k) => [k, fits.filter((f) => f.kernel === k).map((f) => ({ n: f.n, loss: f.loss }))])) as Record<KernelKind, { n: number; loss: number }[]>;
  const { network, kernels } = curves(trained, kernelCurves, broken);
  const orders = teacherOrders(context.runtime, task, context.seed + 2, 12);
  const tail = tailAbove(orders, 3);
  const generousAt = (n: number) => tailAbove(orders, resolvableDegree(d, n));
  const rows: ChartRow[] = [
    ...network.map((q) => ({ n: q.n, loss: q.loss, model: NETWORK_LABEL })),
    ...KERNELS.flatMap((k) => kernels[k].map((q) => ({ n: q.n, loss: q.loss, model: KERNEL_LABEL[k] }))),
    ...[Math.min(network[0]!.n, ns[0]!), nMax].map((n) => ({ n, loss: tail, model: "orders ≥ 4: (1 − 3/π)/(2d)" })),
    ...logGrid(Math.min(network[0]!.n, ns[0]!), nMax, 40).map((n) => ({ n, loss: generousAt(n), model: "orders whose Hermite space exceeds n" })),
  ];
  context.saveTable("teacher-abs", rows);
  const last = (k: KernelKind) => kernels[k][kernels[k].length - 1]!.loss;
  const quarter = (k: KernelKind) => kernels[k].filter((q) => q.n <= nMax / 4).pop()!.loss;
  const bestKernel = Math.min(...KERNELS.map(last));
  const flatness = Math.min(...KERNELS.map((k) => last(k) / quarter(k)));
  const finalNetwork = network[network.length - 1]!.loss;
  const generous = generousAt(nMax);
  const checks = [
    check(
      "teacher-abs.kernelFloor",
      "Teacher: best kernel's exact loss at the largest n over the orders >= 4 it cannot fit (>= 1 exactly; <= 1.1 once the orders <= 2 are fitted)",
      bestKernel / tail,
      [1, 1.1],
    ),
    check(
      "teacher-abs.kernelFlat",
      `Teacher: kernel loss at n = ${nMax} over its loss at the last grid point <= n/4 (the kernels have stopped falling: on the floor, not above it)`,
      flatness,
      [0.95, 1.0],
    ),
    check(
      "teacher-abs.networkBelow",
      `Teacher: the network's final exact loss over the generous floor at n = ${nMax} (orders above ${resolvableDegree(d, nMax)}, the highest whose Hermite space has <= n elements)`,
      finalNetwork / generous,
      [0, 0.1],
    ),
  ];
  return {
    checks,
    plot: plotOf(
      "teacher-abs",
      `Teacher a*ᵀ|W*x|, M = d = ${d}, a*_j = 1/d (Li, Ma, Zhang 2020)`,
      `d = ${d}. Network: N = ${4 * d}, online SGD, batch ${s.batch}, step ${s.stepSize}. Kernels: ridge regression with the network's NNGP and NTK on their degree ≤ 2 Hermite features (p = ${p}), on the first n samples of the same stream, over the network's n range. Every loss is exact. Flat line: the orders ≥ 4, which kernels with n ≪ d⁴ cannot fit; staircase: the orders above the highest one whose Hermite space has at most n elements (generous to kernels). The network goes below both.`,
      rows,
    ),
    figures: {
      "teacher-abs: orders >= 4 loss": tail,
      "teacher-abs: generous floor at largest n": generous,
      "teacher-abs: best kernel loss at largest n / orders >= 4": bestKernel / tail,
      "teacher-abs: network final loss / generous floor": finalNetwork / generous,
    },
  };
}

export const kernelSeparation: Experiment = {
  id: "kernel-separation",
  papers: [{ ...MAHANKALI_2023, figure: "main theorem: the sample-complexity separation from inner-product kernels" }, { ...LI_MA_ZHANG_2020, figure: "the separation from kernel methods (Theorems 1.1 and 1.2)" }],
  brokenVariants: [
    {
      name: "kernel-network-swapped",
      description: "The network's curve is reported as the NNGP's and the NNGP's as the network's: the 'network' stays on the floor and a 'kernel' goes below it.",
      fails: ["sphere-quartic.kernelFloor", "sphere-quartic.networkBelow", "teacher-abs.kernelFloor", "teacher-abs.networkBelow"],
    },
    {
      name: "frozen-first-layer",
      description: "Only the networks' second layers train (random features of the initial neurons): no feature is learned, so the networks cannot go below the kernels' floors.",
      fails: ["sphere-quartic.networkBelow", "sphere-quartic.samplesToFloor", "teacher-abs.networkBelow"],
    },
  ],
  title: "Sample complexity: trained networks against kernel ridge regression",
  description:
    "Exact population loss against n, log-log, for mean-field networks trained by online SGD and for kernel ridge regression with their NNGP and NTK over the same n range (a quartic single index on the sphere, Li–Ma–Zhang's normalized |.| teacher): the kernels keep the loss of the high-degree part while the networks go below it.",
  async run(context: ExperimentContext) {
    const broken: Break = { frozenFirstLayer: context.variant === "frozen-first-layer", swapped: context.variant === "kernel-network-swapped" };
    const checks: ExperimentCheck[] = [];
    const plots: ExperimentPlot[] = [];
    const figures: Record<string, number> = {};
    for (const panel of [spherePanel, teacherPanel]) {
      const out = await panel(context, broken);
      checks.push(...out.checks);
      plots.push(out.plot);
      Object.assign(figures, out.figures);
    }
    return { checks, plots, figures };
  },
};
