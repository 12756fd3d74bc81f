// Propagation of chaos as the lecture's Theorem 1 states it (Mei, Montanari, Nguyen 2018, arXiv
// 1804.06561; Mei, Misiakiewicz, Montanari 2019, arXiv 1902.06015): online SGD with batch 1 and
// step h on N neurons against the mean-field gradient flow, on coupled trajectories — neuron i
// of the network and particle i of the limit start from the same draw — measured by
//   max_i sup_k ||theta_i^(k) - theta_bar_i(kh)||,
// which the theorem bounds by e^{O(T)} sqrt(max(1/N, h)) up to logarithms. The limit is the
// reduced-particle flow of M >> N particles whose first ones are the networks' neurons
// (coupledLimit.ts). Task: Gaussian single index y = tanh(<q*, x>), activation erf (bounded, with
// bounded Lipschitz derivatives, as the theorem assumes), w ~ N(0, I/d), a ~ N(0, 1).
// The sweep covers N and h; the fitted exponent of the error against max(1/N, h) is the check.
// The t = 0 sampling error of the draw, which a comparison of laws (W1) mixes in, is reported
// apart as a control: the coupled distance is exactly 0 at t = 0.

import { parseConfig, type ConfigInput } from "../config.js";
import type { TableRow } from "../report/csv.js";
import { simulate } from "../run/simulate.js";
import { lineChart } from "../report/charts.js";
import { coupledDistance, coupledLimit, empiricalW1 } from "./coupledLimit.js";
import { check, type Experiment, type ExperimentContext, type ExperimentResult, type FittedExponent } from "./experiment.js";
import { MEI_MISIAKIEWICZ_MONTANARI_2019, MEI_MONTANARI_NGUYEN_2018 } from "./papers.js";
import { fitCommonPowerLaw, fitPowerLaw } from "./powerLaw.js";
import { log, pow } from "../special/portableMath.js";

interface Size {
  d: number;
  /** Widths of the N arm, run at the smallest step 2^-widthArmStepLog. */
  widths: number[];
  widthArmStepLog: number;
  /** log2(1/h) of the h arm, run at width stepArmWidth. */
  stepLogs: number[];
  stepArmWidth: number;
  time: number;
  /** Snapshots over [0, T]. */
  snapshots: number;
  particles: number;
  limitStepLog: number;
}

// The two terms of the bound come with different constants (measured here: rms distance^2 about
// 0.3/N + 1.9 h at T = 2), so each arm keeps the other term several times smaller: along the N
// arm 1.9 h <= 0.3 / (2 N), along the h arm 0.3/N <= 1.9 h / 5.
const SIZES: Record<"test" | "quick" | "paper", Size> = {
  test: { d: 16, widths: [16, 64, 256], widthArmStepLog: 13, stepLogs: [5, 7, 9], stepArmWidth: 1024, time: 2, snapshots: 8, particles: 8192, limitStepLog: 5 },
  quick: { d: 16, widths: [16, 64, 256, 1024], widthArmStepLog: 15, stepLogs: [6, 8, 10, 12], stepArmWidth: 4096, time: 2, snapshots: 16, particles: 65536, limitStepLog: 5 },
  paper: { d: 16, widths: [16, 64, 256, 1024, 4096], widthArmStepLog: 17, stepLogs: [6, 8, 10, 12, 14], stepArmWidth: 16384, time: 3, snapshots: 24, particles: 262144, limitStepLog: 6 },
};

const NODES = 64;

function networkConfig(seed: number, size: Size, width: number, stepLog: number): ConfigInput {
  const h = pow(2, -stepLog);
  const steps = size.time / h;
  return {
    name: `chaos-N${width}-h2e-${stepLog}`,
    seed,
    task: { kind: "gaussianSingleIndex", d: size.d, link: "tanh" },
    model: { width, activation: "erf", init: { firstLayer: { kind: "gaussian", kappa: 1 }, secondLayer: { kind: "gaussian", std: 1 } } },
    algorithm: { kind: "onlineSgd", batch: 1, steps, stepSize: h },
    // The distances are computed from the observed weights; movement is the cheapest metric to log.
    metrics: { include: ["movement"], schedule: { kind: "every", steps: steps / size.snapshots } },
  };
}

async function run(ctx: ExperimentContext): Promise<ExperimentResult> {
  // Sizes, then the coupled limit, the coupled network runs, the fits and checks, the figures.
  const size = SIZES[ctx.scale];
  const nMax = Math.max(...size.widths, size.stepArmWidth);
  const { limit, limitError } = limitWithError(ctx, size, nMax);
  const { sweepRows, timeRows, controlRows } = await coupledRuns(ctx, size, limit);
  const fitted = chaosFits(size, sweepRows, controlRows, limitError);
  const num = (r: TableRow, k: string) => r[k] as number;
  return {
    checks: fitted.checks,
    exponents: fitted.exponents,
    plots: chaosPlots(size, fitted, timeRows, controlRows),
    figures: {
      "limit self-consistency (M vs M/4)": limitError,
      "limit wall seconds": limit.wallSeconds,
      ...Object.fromEntries(sweepRows.map((r) => [`max_i sup_k distance, N = ${r.width}, h = 2^-${Math.round(-(log(num(r, "h")) / Math.LN2))}`, num(r, "supMaxDistance")])),
      ...Object.fromEntries(controlRows.map((r) => [`W1 at t = 0, N = ${r.width}`, num(r, "w1Initial")])),
    },
  };
}

/**
 * The mean-field limit coupled to the widest network (reduced particles, Heun steps of h = 2^-k),
 * and its own error, estimated against the limit with M/4 particles on the coupled particles.
 */
function limitWithError(ctx: ExperimentContext, size: Size, nMax: number) {
  const hLimit = pow(2, -size.limitStepLog);
  const limitSteps = size.time / hLimit;
  const base = parseConfig(networkConfig(ctx.seed, size, nMax, size.limitStepLog));
  // `meanfield pde` solves the limit with M = model.width reduced particles (uncoupled: the coupling to each network is the experiment's own).
  ctx.saveConfig("limit", parseConfig({ ...base, model: { ...base.model, width: size.particles } }), ["pde"]);
  const limitOptions = { particles: size.particles, nMax, stepSize: hLimit, steps: limitSteps, every: limitSteps / size.snapshots, nodes: NODES };
  const limit = coupledLimit(ctx.runtime, base, limitOptions);
  ctx.log(`limit: ${size.particles} reduced particles, ${limitSteps} Heun steps, ${limit.wallSeconds.toFixed(1)} s`);
  // The limit's own error: the M/4-particle flow's is about twice the M-particle one's (errors
  // ~ M^{-1/2}), so their distance on the coupled particles estimates it up to a factor of order one.
  const coarse = coupledLimit(ctx.runtime, base, { ...limitOptions, particles: size.particles / 4 });
  let limitError = 0;
  for (let j = 0; j < limit.snapshots.length; j++) {
    const fine = limit.snapshots[j]!;
    const c = coarse.snapshots[j]!;
    for (let i = 0; i < nMax; i++) {
      const dist2 = (fine.a[i]! - c.a[i]!) ** 2 + (fine.s[i]! - c.s[i]!) ** 2 + (fine.r[i]! - c.r[i]!) ** 2;
      limitError = Math.max(limitError, Math.sqrt(dist2));
    }
  }
  ctx.log(`limit with M/4 particles differs by at most ${limitError.toExponential(2)} on the coupled particles`);

  return { limit, limitError };
}

/**
 * Online SGD on N neurons, each coupled to its limit particle (the same initial draw), along the N
 * arm and the h arm: the max and rms over i of the distance at every snapshot, and the W1 control
 * of the initial sampling error.
 */
async function coupledRuns(ctx: ExperimentContext, size: Size, limit: ReturnType<typeof coupledLimit>) {
  const runs = [
    ...size.widths.map((width) => ({ arm: "N", width, stepLog: size.widthArmStepLog })),
    ...size.stepLogs.map((stepLog) => ({ arm: "h", width: size.stepArmWidth, stepLog })),
  ];
  // The broken variant draws the network from another seed: every neuron is then an independent
  // draw, not the limit particle's own.
  const networkSeed = ctx.variant === "uncoupled" ? ctx.seed + 1 : ctx.seed;
  const sweepRows: TableRow[] = [];
  const timeRows: TableRow[] = [];
  const controlRows: TableRow[] = [];
  for (const { arm, width, stepLog } of runs) {
    const c = parseConfig(networkConfig(networkSeed, size, width, stepLog));
    ctx.saveConfig(c.name, c);
    let sup = 0;
    let supRms = 0;
    let initial = NaN;
    let final = NaN;
    let quarter = NaN;
    let w1Initial = NaN;
    let w1Final = NaN;
    const d = size.d;
    const sim = await simulate(c, {
      runtime: ctx.runtime,
      observe: (_step, time, w, a) => {
        const j = Math.round(time / (size.time / size.snapshots));
        // The broken variant "frozen-limit" compares with the limit's initial state at every time.
        const snapshot = limit.snapshots[ctx.variant === "frozen-limit" ? 0 : j]!;
        const { max, rms } = coupledDistance(limit, snapshot, w, a);
        sup = Math.max(sup, max);
        supRms = Math.max(supRms, rms);
        if (j === 0) initial = max;
        if (j === size.snapshots / 4) quarter = max;
        if (j === size.snapshots) final = max;
        timeRows.push({ arm, width, h: pow(2, -stepLog), time, maxDistance: max, rmsDistance: rms });
        if (j === 0 || j === size.snapshots) {
          const s = new Float64Array(width);
          for (let i = 0; i < width; i++) {
            let v = 0;
            for (let k = 0; k < d; k++) v += limit.direction[k]! * w[i * d + k]!;
            s[i] = v;
          }
          // The law of <q*, w> of the N neurons against the limit's at the same time: the
          // sampling error of the draw that a comparison of laws measures.
          const w1 = empiricalW1(s, j === 0 ? limit.allS.initial : limit.allS.final);
          if (j === 0) w1Initial = w1;
          else w1Final = w1;
        }
      },
    });
    sweepRows.push({ arm, width, h: pow(2, -stepLog), supMaxDistance: sup, supRmsDistance: supRms, initialMaxDistance: initial, quarterMaxDistance: quarter, finalMaxDistance: final });
    if (arm === "N") controlRows.push({ width, w1Initial, w1Final });
    ctx.log(`N = ${width}, h = 2^-${stepLog}: max_i sup_k distance ${sup.toExponential(3)} (rms ${supRms.toExponential(3)}), at t = 0 ${initial.toExponential(1)}, ${sim.summary.wallSeconds.toFixed(1)} s`);
  }
  ctx.saveTable("sweep", sweepRows);
  ctx.saveTable("distance-over-time", timeRows);
  ctx.saveTable("initial-sampling-control", controlRows);

  return { sweepRows, timeRows, controlRows };
}

/** The fitted exponents in max(1/N, h) (common to both arms, and per arm) and the checks on them (Theorem 1: 1/2). */
function chaosFits(size: Size, sweepRows: TableRow[], controlRows: TableRow[], limitError: number) {
  const num = (r: TableRow, k: string) => r[k] as number;
  const widthArm = sweepRows.filter((r) => r.arm === "N");
  const stepArm = sweepRows.filter((r) => r.arm === "h");
  const arms = (field: string) => [
    { x: widthArm.map((r) => 1 / num(r, "width")), y: widthArm.map((r) => num(r, field)) },
    { x: stepArm.map((r) => num(r, "h")), y: stepArm.map((r) => num(r, field)) },
  ];
  const [widthData, stepData] = arms("supMaxDistance");
  const common = fitCommonPowerLaw(arms("supMaxDistance"));
  const commonRms = fitCommonPowerLaw(arms("supRmsDistance"));
  const widthFit = fitPowerLaw(widthData!.x, widthData!.y);
  const stepFit = fitPowerLaw(stepData!.x, stepData!.y);
  const w1Fit = fitPowerLaw(controlRows.map((r) => 1 / num(r, "width")), controlRows.map((r) => num(r, "w1Initial")));
  const exponents: Record<string, FittedExponent> = {
    chaosExponent: common.exponent,
    chaosRmsExponent: commonRms.exponent,
    widthExponent: widthFit.exponent,
    stepExponent: stepFit.exponent,
    initialW1Exponent: w1Fit.exponent,
  };
  const smallest = Math.min(...sweepRows.map((r) => num(r, "supMaxDistance")));
  const maxInitial = Math.max(...sweepRows.map((r) => num(r, "initialMaxDistance")));
  const growth = sweepRows.map((r) => num(r, "finalMaxDistance") / num(r, "quarterMaxDistance"));
  const medianGrowth = growth.slice().sort((p, q) => p - q)[Math.floor(growth.length / 2)]!;
  const contains = (e: FittedExponent, v: number) => (e.ci95[0] <= v && v <= e.ci95[1] ? 1 : 0);
  const hWidthArm = `2^-${size.widthArmStepLog}`;
  const checks = [
    check("coupled start", "max_i ||theta_i(0) - theta_bar_i(0)|| over every run: the network and the limit start from the same draw", maxInitial, [0, 1e-12]),
    check("chaos exponent", `exponent p of max_i sup_k ||theta_i^(k) - theta_bar_i(kh)|| ~ c max(1/N, h)^p, shared by the N arm (h = ${hWidthArm}) and the h arm (N = ${size.stepArmWidth}), one prefactor per arm (Theorem 1: 1/2, the max over i lowering it by a logarithm)`, common.exponent.value, [0.38, 0.6]),
    check("chaos rms exponent", "the same exponent for the root mean square over i of the distance (1/2)", commonRms.exponent.value, [0.42, 0.58]),
    check("chaos rms exponent interval", "its 95% interval contains 1/2", contains(commonRms.exponent, 0.5), [1, 1]),
    check("width exponent", `the max distance against 1/N at h = ${hWidthArm} (1/2, less the logarithm)`, widthFit.exponent.value, [0.3, 0.6]),
    check("step exponent", `the max distance against h at N = ${size.stepArmWidth} (1/2)`, stepFit.exponent.value, [0.38, 0.62]),
    check("limit resolved", "max over coupled particles and snapshots of the distance between the M- and M/4-particle limits, over the smallest measured max distance", limitError / smallest, [0, 0.3]),
    check("distance grows with T", "median over runs of max_i distance at T over that at T/4 (the e^{O(T)} factor)", medianGrowth, [1, Infinity]),
  ];

  return { checks, exponents, widthArm, stepArm, widthData: widthData!, stepData: stepData!, common, commonRms, w1Fit, medianGrowth, hWidthArm };
}

/** The distance against max(1/N, h) with the common fit, its growth over time, and the W1 control. */
function chaosPlots(size: Size, fitted: ReturnType<typeof chaosFits>, timeRows: TableRow[], controlRows: TableRow[]) {
  const { widthArm, stepArm, widthData, stepData, common, commonRms, w1Fit, medianGrowth, hWidthArm } = fitted;
  const num = (r: TableRow, k: string) => r[k] as number;
  const line = (group: { x: number[] }, prefactor: number, exponent: number, series: string): TableRow[] =>
    [Math.min(...group.x), Math.max(...group.x)].map((x) => ({ x, supMaxDistance: prefactor * pow(x, exponent), series }));
  return [
      {
        name: "distance-vs-x",
        title: "Coupled distance against max(1/N, h)",
        caption: `max_i sup_{kh <= ${size.time}} ||theta_i^(k) - theta_bar_i(kh)|| of online SGD (batch 1) against its coupled mean-field trajectory: the N arm (N in {${size.widths.join(", ")}}, h = ${hWidthArm}, x = 1/N) and the h arm (N = ${size.stepArmWidth}, h = 2^-k, k in {${size.stepLogs.join(", ")}}, x = h). Dashed: the common fit, exponent ${common.exponent.value.toFixed(3)} [${common.exponent.ci95.map((v) => v.toFixed(3)).join(", ")}] (the lecture's Theorem 1, after Mei, Montanari, Nguyen 2018: 1/2); rms over neurons: ${commonRms.exponent.value.toFixed(3)} [${commonRms.exponent.ci95.map((v) => v.toFixed(3)).join(", ")}].`,
        spec: lineChart({
          title: "Propagation of chaos: error vs max(1/N, h) (log-log)",
          rows: [
            ...widthArm.map((r) => ({ x: 1 / num(r, "width"), supMaxDistance: num(r, "supMaxDistance"), series: `N arm (h = ${hWidthArm})`, fit: "measured" })),
            ...stepArm.map((r) => ({ x: num(r, "h"), supMaxDistance: num(r, "supMaxDistance"), series: `h arm (N = ${size.stepArmWidth})`, fit: "measured" })),
            ...line(widthData!, common.prefactors[0]!, common.exponent.value, `N arm (h = ${hWidthArm})`).map((r) => ({ ...r, fit: "fit" })),
            ...line(stepData!, common.prefactors[1]!, common.exponent.value, `h arm (N = ${size.stepArmWidth})`).map((r) => ({ ...r, fit: "fit" })),
          ],
          x: { field: "x", title: "max(1/N, h)", log: true },
          y: { field: "supMaxDistance", title: "max_i sup_k distance", log: true },
          series: { field: "series", title: "" },
          dash: { field: "fit", title: "", dashed: "fit" },
          points: true,
        }),
      },
      {
        name: "distance-over-time",
        title: "Growth of the coupled distance with T",
        caption: `max_i ||theta_i(t) - theta_bar_i(t)|| over time along the N arm (h = ${hWidthArm}): zero at t = 0 (the coupled draw), then growing with t, the e^{O(T)} factor of Theorem 1. Median ratio of the distance at T to that at T/4 over all runs: ${medianGrowth.toFixed(2)}.`,
        spec: lineChart({
          title: "Coupled distance over time",
          rows: timeRows.filter((r) => r.arm === "N" && num(r, "time") > 0).map((r) => ({ ...r, series: `N = ${r.width}` })),
          x: { field: "time", title: "time t" },
          y: { field: "maxDistance", title: "max_i distance", log: true },
          series: { field: "series", title: "" },
        }),
      },
      {
        name: "initial-sampling-control",
        title: "Control: the sampling error of the initial draw",
        caption: `W1 between the law of <q*, w> of the N neurons and that of the ${size.particles} limit particles, at t = 0 and t = ${size.time} (N arm): the quantity a comparison of laws measures, already of order N^(-1/2) at t = 0 (fitted exponent in 1/N ${w1Fit.exponent.value.toFixed(2)}), which the coupled distance (0 at t = 0) does not contain.`,
        spec: lineChart({
          title: "W1 of the first-layer projection at t = 0 and t = T",
          rows: controlRows.flatMap((r) => [
            { width: num(r, "width"), w1: num(r, "w1Initial"), series: "t = 0" },
            { width: num(r, "width"), w1: num(r, "w1Final"), series: `t = ${size.time}` },
          ]),
          x: { field: "width", title: "width N", log: true },
          y: { field: "w1", title: "W1", log: true },
          series: { field: "series", title: "" },
          points: true,
        }),
      },
    ];
}

export const chaos: Experiment = {
  id: "chaos",
  papers: [
    { ...MEI_MONTANARI_NGUYEN_2018, figure: "the non-asymptotic bound between SGD and the distributional dynamics" },
    { ...MEI_MISIAKIEWICZ_MONTANARI_2019, figure: "the dimension-free coupling bound" },
  ],
  brokenVariants: [
    {
      name: "uncoupled",
      description: "The networks are drawn from another seed than the limit's particles, so neuron i and particle i are independent draws: their distance is of order one from t = 0 whatever N and h, and the coupling and the exponent fail.",
      fails: ["coupled start", "chaos exponent", "width exponent"],
    },
    {
      name: "frozen-limit",
      description: "Each network is compared with the limit's state at t = 0 instead of at the same time: the coupled start holds, but the distance is then the neurons' own movement, of order one whatever N and h, and the exponents fail.",
      fails: ["chaos exponent", "chaos rms exponent", "width exponent", "step exponent"],
    },
  ],
  title: "Propagation of chaos: coupled SGD and mean-field trajectories",
  description: "Online SGD (batch 1) on N neurons against the coupled mean-field flow: max_i sup_k ||theta_i^(k) - theta_bar_i(kh)|| over N and h, fitted to max(1/N, h)^(1/2).",
  run,
};
