// Seed 004 (Takakura–Suzuki 2024): in the two-timescale limit the second layer is solved at once
// for the current first layer (ridge regression on its features), so training the first layer
// by mean-field Langevin dynamics is kernel learning. The kernel-target alignment of the
// network's feature kernel, A = y^T K y / (|K|_F |y|^2), starts small at random features (the
// paper's O(1/sqrt d); for this uncentered A and a tanh target it is of the order of 1/d, below
// 1/sqrt(d)) and rises to order one as the neurons turn towards q*,
// and the learned kernel beats the fixed kernels: the same random features with the first layer
// frozen, and the infinite-width NNGP kernel (kernel ridge regression on samples of the same task;
// kernelBaseline's NNGP is that of the bias-free network, so it fits only tanh's linear part).

import type { ConfigInput } from "../config.js";
import { kernelBaseline } from "../kernels/kernelRidge.js";
import { simulate } from "../run/simulate.js";
import { lineChart, type ChartRow } from "./charts.js";
import { check, type Experiment, type ExperimentContext, type ExperimentScale } from "./experiment.js";
import { TAKAKURA_SUZUKI_2024 } from "./papers.js";

interface Sizes {
  d: number;
  width: number;
  /** Fixed training samples n. */
  samples: number;
  steps: number;
  stepSize: number;
  testSamples: number;
  alignmentSamples: number;
}

const SIZES: Record<ExperimentScale, Sizes> = {
  test: { d: 16, width: 48, samples: 800, steps: 120, stepSize: 0.15, testSamples: 1000, alignmentSamples: 300 },
  quick: { d: 20, width: 64, samples: 2000, steps: 300, stepSize: 0.1, testSamples: 4000, alignmentSamples: 1000 },
  paper: { d: 40, width: 256, samples: 5000, steps: 600, stepSize: 0.1, testSamples: 10000, alignmentSamples: 2000 },
};

/** A frozen first layer: one ridge solve on the initial features, then steps too small to move w. */
const FROZEN_STEP = 1e-12;

function runConfig(name: string, seed: number, sizes: Sizes, steps: number, stepSize: number): ConfigInput {
  return {
    name,
    seed,
    task: { kind: "gaussianSingleIndex", d: sizes.d, link: "tanh" },
    // A bias lets ReLU features fit tanh's saturation: without one, the odd part of
    // sum_i a_i relu(<w_i, x>) is linear in x, which caps every such model at tanh's linear part.
    model: { width: sizes.width, activation: "relu", bias: true },
    algorithm: {
      kind: "twoTimescale",
      data: { kind: "samples", n: sizes.samples },
      ridge: 1e-3,
      steps,
      stepSize,
      noise: { lambda: 1e-3, beta: 1e4 },
    },
    metrics: {
      include: ["testLoss", "trainLoss", "alignment", "overlaps"],
      schedule: { kind: "logSpaced", points: 40 },
      testSamples: sizes.testSamples,
      alignmentSamples: sizes.alignmentSamples,
    },
  };
}

export const ts24Alignment: Experiment = {
  id: "ts24-alignment",
  papers: [TAKAKURA_SUZUKI_2024],
  brokenVariants: [],
  title: "Two-timescale mean-field Langevin training: the kernel aligns with the target (TS24)",
  description:
    "Two-timescale training (second layer re-solved by ridge every step, first layer by mean-field Langevin dynamics): kernel-target alignment rises from its random-features value to order one, and the loss beats the fixed-kernel baselines.",
  async run(context: ExperimentContext) {
    const sizes = SIZES[context.scale];
    const config = runConfig("ts24-two-timescale", context.seed, sizes, sizes.steps, sizes.stepSize);
    context.saveConfig("two-timescale", config);
    context.log(`two-timescale Langevin: d = ${sizes.d}, N = ${sizes.width}, n = ${sizes.samples}, ${sizes.steps} steps`);
    const result = await simulate(config, { runtime: context.runtime });
    if (result.summary.status !== "completed") throw new Error(`ts24-alignment: the run diverged: ${result.summary.divergence?.message}`);
    // Step 0 is the network before its first ridge solve; from step 1 on, a is the ridge solution.
    const rows: ChartRow[] = result.records
      .filter((r) => r.step >= 1)
      .map((r) => ({
        step: r.step,
        time: r.time,
        testLoss: r.testLoss as number,
        testLossSE: r.testLossSE as number,
        trainLoss: r.trainLoss as number,
        alignment: r.alignment as number | null,
        overlapMean: r.overlapMean as number,
      }));
    const initialAlignment = result.records[0]!.alignment as number;
    context.saveTable("two-timescale", rows);

    const frozenConfig = runConfig("ts24-fixed-features", context.seed, sizes, 1, FROZEN_STEP);
    context.saveConfig("fixed-features", frozenConfig);
    context.log("fixed kernel: the same random features, first layer frozen");
    const frozen = await simulate(frozenConfig, { runtime: context.runtime });
    const fixedFeatures = frozen.records[frozen.records.length - 1]!.testLoss as number;
    context.log(`fixed kernel: NNGP kernel ridge regression on n = ${sizes.samples}`);
    // The infinite-width kernels are defined for the network without its bias column.
    const unbiased = { ...config, model: { ...config.model, bias: false } };
    const nngp = await kernelBaseline(unbiased, { n: sizes.samples, m: sizes.testSamples, runtime: context.runtime });
    context.saveTable("baselines", [
      { baseline: "random features at initialization (first layer frozen)", testLoss: fixedFeatures },
      { baseline: "NNGP kernel ridge regression", testLoss: nngp.testLoss, testLossSE: nngp.testLossSE, ridge: nngp.ridge },
    ]);

    const last = rows[rows.length - 1]!;
    const finalLoss = last.testLoss as number;
    const finalAlignment = last.alignment as number;
    const sqrtD = Math.sqrt(sizes.d);
    const checks = [
      check("alignment.initial", "Initial alignment A(0) of the random features: at most 1/sqrt(d)", initialAlignment, [0, 1 / sqrtD]),
      check("alignment.final", "Final alignment A(T): order one", finalAlignment, [0.5, 1]),
      check("alignment.rise", "A(T) / A(0): the kernel aligns with the target", finalAlignment / initialAlignment, [3, Infinity]),
      check("loss.vsFixedFeatures", "Final test loss over that of the same random features with the first layer frozen", finalLoss / fixedFeatures, [0, 0.5]),
      check("loss.vsNngp", "Final test loss over that of NNGP kernel ridge regression on as many samples", finalLoss / nngp.testLoss, [0, 1]),
    ];
    const lossRows: ChartRow[] = [
      ...rows.map((r) => ({ time: r.time, loss: r.testLoss, lower: (r.testLoss as number) - 1.96 * (r.testLossSE as number), upper: (r.testLoss as number) + 1.96 * (r.testLossSE as number), model: "two-timescale network (test)" })),
      ...rows.map((r) => ({ time: r.time, loss: r.trainLoss, lower: r.trainLoss, upper: r.trainLoss, model: "two-timescale network (train)" })),
      ...rows.map((r) => ({ time: r.time, loss: fixedFeatures, lower: fixedFeatures, upper: fixedFeatures, model: "fixed kernel: random features at init" })),
      ...rows.map((r) => ({ time: r.time, loss: nngp.testLoss, lower: nngp.testLoss - 1.96 * nngp.testLossSE, upper: nngp.testLoss + 1.96 * nngp.testLossSE, model: "fixed kernel: NNGP ridge" })),
    ];
    const alignmentRows: ChartRow[] = [
      ...rows.map((r) => ({ time: r.time, value: r.alignment, curve: "alignment A(K_t, y)" })),
      ...rows.map((r) => ({ time: r.time, value: 1 / sqrtD, curve: "1/sqrt(d)" })),
    ];
    return {
      checks,
      plots: [
        {
          name: "alignment",
          title: "Kernel-target alignment over time",
          caption: `A = yᵀKy / (|K|_F |y|²) of the feature kernel K = FFᵀ on ${sizes.alignmentSamples} samples, d = ${sizes.d}, N = ${sizes.width}; the dashed level is 1/sqrt(d).`,
          spec: lineChart({
            title: "Kernel alignment",
            rows: alignmentRows,
            x: { field: "time", title: "time t", log: true },
            y: { field: "value", title: "alignment", log: true },
            series: { field: "curve", title: "" },
          }),
        },
        {
          name: "loss",
          title: "Test loss against the fixed-kernel baselines",
          caption: `Two-timescale network (n = ${sizes.samples} training samples, 95% band of the test estimate) against ridge regression with fixed kernels on the same task and sample size.`,
          spec: lineChart({
            title: "Loss: learned vs fixed kernel",
            rows: lossRows,
            x: { field: "time", title: "time t", log: true },
            y: { field: "loss", title: "loss", log: true },
            series: { field: "model", title: "model" },
            band: { lower: "lower", upper: "upper" },
          }),
        },
      ],
      figures: {
        "initial alignment": initialAlignment,
        "final alignment": finalAlignment,
        "1/sqrt(d)": 1 / sqrtD,
        "initial alignment times d": initialAlignment * sizes.d,
        "final test loss": finalLoss,
        "random features (frozen) test loss": fixedFeatures,
        "NNGP ridge test loss": nngp.testLoss,
      },
    };
  },
};
