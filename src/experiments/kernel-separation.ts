// Seeds 000, 002, 004: what feature learning buys over kernels, as test loss against the number of
// samples n on log-log axes. For each target, a mean-field network trained by online SGD (one
// pass: after k steps of batch B it has seen n = kB fresh samples; its loss is the exact
// population loss) against kernel ridge regression on n samples of the same task with the
// network's infinite-width NNGP kernel and the ReLU NTK (kernelBaseline, exact solves).
//   sphere-quartic (seed 000)  x ~ Unif(S^{d-1}), y = P4 + 0.5 P2 of <q*, x>, the same quartic as
//                              activation (so neurons at q* fit y exactly), projected SGD. An inner-product kernel fits the degree-4 part only
//                              once n >> N(d,4) ~ d^4/24; the network needs about d^3.
//   teacher-abs (seed 002)     x ~ N(0, I_d), y = sum_j |<w*_j, x>|, |.| student. Kernels with
//                              n << d^4 cannot fit the Hermite orders >= 4, which carry
//                              M (1 - 3/pi) / 2 of the loss (LMZ20's Omega(1/d) kernel floor at M ~ d).
// Each plot shows that floor; the checks measure the kernels staying on it and the network
// going below it with a fraction of the samples a kernel needs to start fitting degree 4. The two-timescale network of seed 004, the learned kernel itself, is compared
// with the fixed kernels in ts24-alignment.

import type { ConfigInput } from "../config.js";
import { logLogSlope } from "../pde/compare.js";
import { kernelBaseline, type KernelKind } from "../kernels/kernelRidge.js";
import { simulate } from "../run/simulate.js";
import { sphericalHarmonicsDim } from "../special/gegenbauer.js";
import { lineChart, type ChartRow } from "./charts.js";
import { check, type Experiment, type ExperimentCheck, type ExperimentContext, type ExperimentPlot, type ExperimentScale } from "./experiment.js";
import { MAHANKALI_2023, LI_MA_ZHANG_2020, TAKAKURA_SUZUKI_2024 } from "./papers.js";

interface PanelSizes {
  d: number;
  width: number;
  batch: number;
  steps: number;
  stepSize: number;
  /** Sample sizes of the kernel baselines (the solver is chosen by kernelBaseline from n, d and memory). */
  kernelSamples: number[];
}

interface Panel {
  name: string;
  seed: string;
  title: string;
  /** Seed offset from the experiment's base seed. */
  seedOffset: number;
  sizes: Record<ExperimentScale, PanelSizes>;
  network(seed: number, sizes: PanelSizes): ConfigInput;
  /** The loss kernels cannot fit with n << d^4, in closed form. */
  floor(sizes: PanelSizes): { value: number; label: string };
  /**
   * The dimension of the degree-4 functions an inner-product kernel must resolve to fit that
   * part: it needs n of at least this order (Ghorbani–Mei–Misiakiewicz–Montanari).
   */
  degree4Dimension(d: number): number;
}

const TEACHER_NEURONS = 4;
const TEST_SAMPLES = 2000;

const PANELS: Panel[] = [
  {
    name: "sphere-quartic",
    seed: "000",
    title: "Sphere, quartic single index (seed 000)",
    seedOffset: 0,
    sizes: {
      test: { d: 20, width: 128, batch: 16, steps: 1500, stepSize: 30, kernelSamples: [100, 200, 400] },
      quick: { d: 24, width: 256, batch: 16, steps: 3000, stepSize: 30, kernelSamples: [125, 250, 500, 1000, 2000] },
      paper: { d: 32, width: 512, batch: 16, steps: 8000, stepSize: 30, kernelSamples: [125, 250, 500, 1000, 2000, 5000] },
    },
    network: (seed, s) => ({
      name: "kernel-separation-sphere-quartic",
      seed,
      task: { kind: "sphereSingleIndex", d: s.d, link: { kind: "legendre", coefficients: [0, 0, 0.5, 0, 1] } },
      model: { width: s.width, activation: { kind: "legendre", coefficients: [0, 0, 0.5, 0, 1] } },
      algorithm: { kind: "onlineSgd", batch: s.batch, steps: s.steps, stepSize: s.stepSize, projected: true },
      metrics: { include: ["populationLoss"], schedule: { kind: "logSpaced", points: 40 }, testSamples: TEST_SAMPLES },
    }),
    floor: (s) => ({ value: 1 / (2 * sphericalHarmonicsDim(s.d, 4)), label: "degree-4 part 1/(2N(d,4))" }),
    degree4Dimension: (d) => sphericalHarmonicsDim(d, 4),
  },
  {
    name: "teacher-abs",
    seed: "002",
    title: `Teacher a*ᵀ|W*x|, M = ${TEACHER_NEURONS} (seed 002)`,
    seedOffset: 2,
    sizes: {
      test: { d: 24, width: 128, batch: 32, steps: 1500, stepSize: 0.05, kernelSamples: [100, 200, 400] },
      quick: { d: 32, width: 200, batch: 32, steps: 4000, stepSize: 0.05, kernelSamples: [125, 250, 500, 1000, 2000] },
      paper: { d: 64, width: 400, batch: 64, steps: 8000, stepSize: 0.05, kernelSamples: [125, 250, 500, 1000, 2000, 5000] },
    },
    network: (seed, s) => ({
      name: "kernel-separation-teacher-abs",
      seed,
      task: { kind: "teacherAbs", d: s.d, width: TEACHER_NEURONS },
      model: { width: s.width, activation: "abs", init: { firstLayer: { kind: "gaussian", kappa: 0.3 }, secondLayer: { kind: "constant", value: 1 } } },
      algorithm: { kind: "onlineSgd", batch: s.batch, steps: s.steps, stepSize: s.stepSize },
      metrics: { include: ["populationLoss"], schedule: { kind: "logSpaced", points: 40 }, testSamples: TEST_SAMPLES },
    }),
    // |z| = sum_k alpha_k h_k(z) with alpha_0^2 = 2/pi, alpha_2^2 = 1/pi and sum_k alpha_k^2 = E z^2 = 1.
    floor: () => ({ value: (TEACHER_NEURONS * (1 - 3 / Math.PI)) / 2, label: "Hermite orders ≥ 4: M(1 − 3/π)/2" }),
    // Hermite monomials of degree 4 in d variables: C(d + 3, 4).
    degree4Dimension: (d) => ((d + 3) * (d + 2) * (d + 1) * d) / 24,
  },
];

const KERNELS: { kind: KernelKind; label: string }[] = [
  { kind: "nngp", label: "kernel ridge: NNGP of the network" },
  { kind: "ntk", label: "kernel ridge: ReLU NTK" },
];

async function runPanel(panel: Panel, context: ExperimentContext): Promise<{ checks: ExperimentCheck[]; plot: ExperimentPlot; figures: Record<string, number> }> {
  const sizes = panel.sizes[context.scale];
  const seed = context.seed + panel.seedOffset;
  const config = panel.network(seed, sizes);
  context.saveConfig(`${panel.name}-network`, config);
  context.log(`${panel.name}: network, d = ${sizes.d}, N = ${sizes.width}, up to n = ${sizes.batch * sizes.steps} samples`);
  const result = await simulate(config, { runtime: context.runtime });
  if (result.summary.status !== "completed") throw new Error(`kernel-separation: the ${panel.name} network diverged: ${result.summary.divergence?.message}`);
  const network = result.records
    .filter((r) => r.step > 0)
    .map((r) => ({ n: r.step * sizes.batch, loss: r.populationLoss as number }));
  const rows: ChartRow[] = network.map((p) => ({ n: p.n, loss: p.loss, lower: p.loss, upper: p.loss, model: "network, online SGD (population loss)" }));
  const kernelLosses: Record<KernelKind, number[]> = { nngp: [], ntk: [] };
  for (const kernel of KERNELS) {
    // The NTK has a closed form for relu only: the same task and data with a relu network's NTK.
    const kernelConfig = kernel.kind === "ntk" ? { ...config, model: { ...config.model, activation: "relu" as const } } : config;
    for (const n of sizes.kernelSamples) {
      context.log(`${panel.name}: ${kernel.kind} kernel ridge, n = ${n}`);
      const k = await kernelBaseline(kernelConfig, { n, m: TEST_SAMPLES, kernel: kernel.kind, runtime: context.runtime });
      kernelLosses[kernel.kind].push(k.testLoss);
      rows.push({ n, loss: k.testLoss, lower: k.testLoss - 1.96 * k.testLossSE, upper: k.testLoss + 1.96 * k.testLossSE, model: kernel.label });
    }
  }
  const floor = panel.floor(sizes);
  const nMax = Math.max(network[network.length - 1]!.n, ...sizes.kernelSamples);
  const nMin = Math.min(network[0]!.n, ...sizes.kernelSamples);
  rows.push({ n: nMin, loss: floor.value, lower: floor.value, upper: floor.value, model: `kernel floor: ${floor.label}` });
  rows.push({ n: nMax, loss: floor.value, lower: floor.value, upper: floor.value, model: `kernel floor: ${floor.label}` });
  context.saveTable(panel.name, rows);

  const count = sizes.kernelSamples.length;
  const best = sizes.kernelSamples.map((_, j) => Math.min(kernelLosses.nngp[j]!, kernelLosses.ntk[j]!));
  const upperHalf = Math.floor(count / 2);
  const kernelSlope = logLogSlope(sizes.kernelSamples.slice(upperHalf), best.slice(upperHalf));
  const finalNetwork = network[network.length - 1]!.loss;
  const networkAtFloor = network.find((p) => p.loss <= floor.value)?.n ?? Infinity;
  const degree4 = panel.degree4Dimension(sizes.d);
  const checks = [
    check(
      `${panel.name}.kernelFloor`,
      `${panel.title}: best kernel test loss at n = ${sizes.kernelSamples[count - 1]} over the floor (kernels stay on it)`,
      best[count - 1]! / floor.value,
      [0.7, Infinity],
    ),
    check(`${panel.name}.networkBelow`, `${panel.title}: the network's final loss over the floor`, finalNetwork / floor.value, [0, 0.2]),
    check(
      `${panel.name}.samplesToFloor`,
      `${panel.title}: samples the network needs to reach the floor, over the ${degree4} degree-4 functions a kernel must resolve to get there`,
      networkAtFloor / degree4,
      [0, 0.25],
    ),
  ];
  return {
    checks,
    plot: {
      name: panel.name,
      title: `Test loss vs n: ${panel.title}`,
      caption: `d = ${sizes.d}. Network: N = ${sizes.width}, online SGD with batch ${sizes.batch} and step ${sizes.stepSize} (n = samples seen). Kernels: exact ridge regression on n samples of the same task (95% bands of the test estimate on ${TEST_SAMPLES} samples). Flat line: the loss kernels cannot fit without n ≫ d⁴.`,
      spec: lineChart({
        title: panel.title,
        rows,
        x: { field: "n", title: "samples n", log: true },
        y: { field: "loss", title: "test loss", log: true },
        series: { field: "model", title: "" },
        band: { lower: "lower", upper: "upper" },
        points: true,
      }),
    },
    figures: {
      [`${panel.name}: floor`]: floor.value,
      [`${panel.name}: best kernel loss at largest n`]: best[count - 1]!,
      [`${panel.name}: network final loss`]: finalNetwork,
      [`${panel.name}: samples the network needs to reach the floor`]: networkAtFloor,
      [`${panel.name}: degree-4 dimension`]: degree4,
      [`${panel.name}: kernel log-log slope, upper half of n`]: kernelSlope,
    },
  };
}

export const kernelSeparation: Experiment = {
  id: "kernel-separation",
  papers: [MAHANKALI_2023, LI_MA_ZHANG_2020, TAKAKURA_SUZUKI_2024],
  brokenVariants: [],
  title: "Sample complexity: trained networks against kernel ridge regression",
  description:
    "Test loss against n, log-log, for mean-field networks trained by online SGD and for NNGP and ReLU-NTK kernel ridge regression on the same tasks (seed 000's quartic single index, seed 002's |.| teacher): the kernels sit on the loss of the high-degree part while the networks go below it.",
  async run(context: ExperimentContext) {
    const checks: ExperimentCheck[] = [];
    const plots: ExperimentPlot[] = [];
    const figures: Record<string, number> = {};
    for (const panel of PANELS) {
      const out = await runPanel(panel, context);
      checks.push(...out.checks);
      plots.push(out.plot);
      Object.assign(figures, out.figures);
    }
    return { checks, plots, figures };
  },
};
