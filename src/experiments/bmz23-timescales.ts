// Berthier, Montanari, Zhou (2023), Figure 2: the mean-field neuron dynamics of a ReLU network with
// unit first-layer weights learning y = He0 - He1 + 2/3 He2 (<q*, x>), x ~ N(0, I_d), d -> infinity,
// when the first layer learns epsilon times slower than the second (algorithm.firstLayerStepRatio).
// Their setting: f = (1/m) sum_i a_i relu(<w_i, x>), |w_i| = 1, d -> infinity first, so every
// overlap s_i = <q*, w_i> starts at 0; the m = 10 neurons of their figure are m particles of the
// limit (their Eq. (23): the interaction of neurons i and j is U(s_i s_j), i = j included), which is
// what the reduced particles (a, s, r = sqrt(1 - s^2)) of src/pde/reduced/reducedParticles.ts compute with
// algorithm.projected (test/firstLayerStepRatio.test.ts checks them against the closed form).
//
// Time. The package's time is the second layer's (a moves at rate 1, w at epsilon); BMZ23's is the
// first layer's, t = epsilon x ours, and every time below is theirs. The second layer fits He0 at
// t ~ epsilon; the first layer must then leave s = 0, where a alone cannot fit He1. There the
// fast second layer amplifies any overlap (a ~ 1/s), a linear instability of rate ~ sigma_1
// |phi_1| / sqrt(epsilon), so He1 is learned at t_1 ~ sqrt(epsilon) log(1/epsilon), with a large
// (~ epsilon^(-1/4)) and s small (~ epsilon^(1/4)): "the alignment is small and second layer weights
// are large" (BMZ23, section 8), and BMZ23's degree-1 time scale t ~ epsilon^(1/2). Between t ~ epsilon
// and t_1 the risk sits on a plateau at (phi_1^2 + phi_2^2) / 2 whose length in log t grows as
// epsilon -> 0; He2 follows He1.
//
// Parts: (1) BMZ23's Figure 2: m = 10 particles, epsilon = 1e-3 and 1e-6, risk in linear and log
// time and the three terms (phi_k - f_k)^2 / 2; (2) the mean-field limit (M particles) over a sweep
// of epsilon, with the fitted exponents of the learning times; (3) a finite network (online SGD,
// N neurons, d finite) with the same ratio against its own mean-field limit, which checks the
// trainer's ratio against the reduced solver's.

import { parseConfig, type Config, type ConfigInput } from "../config.js";
import { initialParticles } from "../pde/reduced/reducedInit.js";
import { solveReducedParticles, type ReducedRecord } from "../pde/reduced/reducedRun.js";
import { simulate } from "../run/simulate.js";
import { lineChart, type ChartRow } from "../report/charts.js";
import { check, type Experiment, type ExperimentCheck, type ExperimentContext, type ExperimentResult, type ExperimentScale } from "./experiment.js";
import { BERTHIER_MONTANARI_ZHOU_2023 } from "./papers.js";
import { fitPowerLaw } from "./powerLaw.js";
import { exp, log } from "../special/portableMath.js";

interface Sizes {
  /** Figure 2's epsilons, m = 10 particles each. */
  figureEpsilons: number[];
  /** The mean-field sweep of epsilon and its particle count. */
  sweepEpsilons: number[];
  sweepParticles: number;
  /** The finite network: width, dimension, batch, epsilon, horizon (BMZ23 time). */
  network: { width: number; d: number; batch: number; epsilon: number; horizon: number; limitParticles: number };
}

const SIZES: Record<ExperimentScale, Sizes> = {
  test: {
    figureEpsilons: [1e-3, 1e-4],
    sweepEpsilons: [1e-2, 3e-3, 1e-3, 3e-4],
    sweepParticles: 40,
    network: { width: 128, d: 20, batch: 128, epsilon: 1e-2, horizon: 0.6, limitParticles: 400 },
  },
  quick: {
    figureEpsilons: [1e-3, 1e-6],
    sweepEpsilons: [1e-2, 3e-3, 1e-3, 3e-4, 1e-4],
    sweepParticles: 200,
    network: { width: 128, d: 30, batch: 256, epsilon: 1e-2, horizon: 1, limitParticles: 500 },
  },
  paper: {
    figureEpsilons: [1e-3, 1e-6],
    sweepEpsilons: [1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5],
    sweepParticles: 1000,
    network: { width: 512, d: 50, batch: 512, epsilon: 1e-2, horizon: 1, limitParticles: 2000 },
  },
};

/** BMZ23's m. */
const FIGURE_WIDTH = 10;
/** phi = He0 - He1 + 2/3 He2 in the normalized basis h_k = He_k / sqrt(k!). */
const PHI = [1, -1, (2 / 3) * Math.SQRT2];
const DEGREES = [0, 1, 2];
/** A component counts as learned when |phi_k - f_k| first falls to this fraction of its initial value. */
const LEARNED = 0.1;
/**
 * Mean-field step in our (second-layer) time: the second layer's Gram matrix has eigenvalues <= 1/2
 * and the first layer's rates are epsilon a^2 <= 1/4 here, so Heun is stable and its local error small.
 */
const STEP = 1;
/** Gauss–Hermite nodes in <q*, x>: sigma_r(s x) with |s| <= 0.6, r = sqrt(1 - s^2) varies on scale >= 1. */
const NODES = 64;
/** The broken variant's ratio. */
const BROKEN_RATIO = 1;

function ratioOf(ctx: ExperimentContext, epsilon: number): number {
  return ctx.variant === "equal-rates" ? BROKEN_RATIO : epsilon;
}

function baseConfig(name: string, seed: number, width: number, d: number, ratio: number, steps: number, stepSize: number, points: number): ConfigInput {
  return {
    name,
    seed,
    task: { kind: "gaussianSingleIndex", d, link: "bmz23" },
    model: { width, activation: "relu", init: { firstLayer: { kind: "sphere" }, secondLayer: { kind: "gaussian", std: 1 } } },
    algorithm: { kind: "populationGd", steps, stepSize, projected: true, firstLayerStepRatio: ratio },
    metrics: { include: ["populationLoss", "components"], schedule: { kind: "logSpaced", points }, degrees: 2 },
  };
}

interface Trajectory {
  /** BMZ23 time. */
  times: number[];
  risk: number[];
  /** phi_k - f_k for k = 0, 1, 2 at each record. */
  residuals: number[][];
}

/** First BMZ23 time |phi_k - f_k| reaches LEARNED |phi_k - f_k(0)|, linear in log t between records (Infinity if never). */
function learnedAt(tr: Trajectory, k: number): number {
  const r = tr.residuals.map((row) => Math.abs(row[k]!));
  const level = LEARNED * r[0]!;
  const j = r.findIndex((v) => v <= level);
  if (j < 0) return Infinity;
  if (j === 0 || tr.times[j - 1]! <= 0) return tr.times[j]!;
  const w = (r[j - 1]! - level) / (r[j - 1]! - r[j]!);
  return exp((1 - w) * log(tr.times[j - 1]!) + w * log(tr.times[j]!));
}

/** A quantity at BMZ23 time t, linear in log t between records. */
function at(times: number[], values: number[], t: number): number {
  const j = times.findIndex((s) => s >= t);
  if (j < 0) return values[values.length - 1]!;
  if (j === 0 || times[j - 1]! <= 0) return values[j]!;
  const w = (log(t) - log(times[j - 1]!)) / (log(times[j]!) - log(times[j - 1]!));
  return (1 - w) * values[j - 1]! + w * values[j]!;
}

function fromReduced(records: ReducedRecord[], epsilon: number): Trajectory {
  return {
    times: records.map((r) => r.time * epsilon),
    risk: records.map((r) => r.loss),
    residuals: records.map((r) => DEGREES.map((k) => PHI[k]! - r.coefficients[k]!)),
  };
}

/**
 * The mean-field neuron dynamics from BMZ23's d -> infinity start: s_i = 0, r_i = 1, a_i ~ N(0, 1)
 * (the config's a stream, so the first particles of a larger run are those of a smaller one).
 */
async function meanFieldRun(ctx: ExperimentContext, name: string, particles: number, epsilon: number, horizon: number, points: number): Promise<Trajectory> {
  const ratio = ratioOf(ctx, epsilon);
  const steps = Math.ceil(horizon / epsilon / STEP);
  // d only sets the initial law, which `initial` replaces by its d -> infinity limit.
  const config: Config = parseConfig(baseConfig(name, ctx.seed, particles, 1000, ratio, steps, STEP, points));
  // `meanfield pde` starts from the config's law at d = 1000 (overlaps of order 1/sqrt(d)), not from exactly s = 0.
  ctx.saveConfig(name, config, ["pde"]);
  const start = initialParticles(ctx.runtime, config, 1, particles);
  start.wS.fill(0);
  start.r.fill(1);
  const result = await solveReducedParticles(config, { runtime: ctx.runtime, initial: start, nodes: NODES });
  if (result.summary.status !== "completed") throw new Error(`bmz23-timescales: ${name} diverged at step ${result.summary.divergence?.step}`);
  ctx.log(`${name}: M = ${particles}, epsilon = ${epsilon}, ${steps} steps, ${result.summary.wallSeconds.toFixed(1)} s`);
  return fromReduced(result.records, epsilon);
}

async function run(ctx: ExperimentContext): Promise<ExperimentResult> {
  const size = SIZES[ctx.scale];
  const checks: ExperimentCheck[] = [];
  const figures: Record<string, number | string> = {};
  // (1) Figure 2: m = 10 particles; (2) the mean-field limit over epsilon; (3) a finite network against its limit.
  const figure2 = await figure2Runs(ctx, size, checks, figures);
  const limit = await limitSweep(ctx, size, checks);
  const network = await networkAgainstLimit(ctx, size, checks);
  const { he0Fit, he1Fit, he1RawFit } = limit;
  const { netT1, limitT1 } = network;
  const figureTimes = figure2.figureTimes;
  const exponents: ExperimentResult["exponents"] = {};
  if (he0Fit) exponents.he0TimeExponent = he0Fit.exponent;
  if (he1Fit) exponents.he1LogCorrectedTimeExponent = he1Fit.exponent;
  if (he1RawFit) exponents.he1TimeExponent = he1RawFit.exponent;
  figureTimes.forEach(({ epsilon, t }) => (figures[`m = 10, epsilon = ${epsilon}: t_1 / t_0`] = t[1]! / t[0]!));
  figures["network He1 time (t)"] = netT1;
  figures["network's limit He1 time (t)"] = limitT1;

  return { checks, exponents, figures, plots: timescalePlots(size, figure2, limit, network) };
}

const PLATEAU_RISK = (PHI[1]! ** 2 + PHI[2]! ** 2) / 2;

/**
 * Figure 2 with m = 10 particles at each of the figure's epsilons: risk and the three terms over
 * time, the learning times t_0, t_1, t_2, and the checks on the plateau between He0 and He1.
 */
async function figure2Runs(ctx: ExperimentContext, size: Sizes, checks: ExperimentCheck[], figures: Record<string, number | string>) {
  const plateauRisk = PLATEAU_RISK;
  const riskRows: ChartRow[] = [];
  const termRows: ChartRow[] = [];
  const figureTimes: { epsilon: number; t: number[] }[] = [];
  for (const epsilon of size.figureEpsilons) {
    // Long enough for He2: about 300 sqrt(epsilon) ... capped at t = 30 (BMZ23 time).
    const horizon = Math.min(30, 300 * Math.sqrt(epsilon));
    const tr = await meanFieldRun(ctx, `figure2-eps${epsilon}`, FIGURE_WIDTH, epsilon, horizon, 300);
    const t = DEGREES.map((k) => learnedAt(tr, k));
    figureTimes.push({ epsilon, t });
    const label = `epsilon = ${epsilon.toExponential(0)}`;
    tr.times.forEach((time, j) => {
      if (time <= 0) return;
      riskRows.push({ time, risk: tr.risk[j]!, run: label });
      DEGREES.forEach((k) => termRows.push({ time, term: tr.residuals[j]![k]! ** 2 / 2, curve: `He${k}, ${label}`, run: label }));
    });
    ctx.saveTable(`figure2-eps${epsilon}`, tr.times.map((time, j) => ({ time, risk: tr.risk[j]!, D0: tr.residuals[j]![0]!, D1: tr.residuals[j]![1]!, D2: tr.residuals[j]![2]! })));
    // The plateau: the geometric middle of [t_0, t_1] in log time.
    const middle = Math.sqrt(t[0]! * t[1]!);
    const riskMiddle = at(tr.times, tr.risk, middle);
    const he2AtT1 = 1 - Math.abs(at(tr.times, tr.residuals.map((r) => r[2]!), t[1]!)) / Math.abs(tr.residuals[0]![2]!);
    const final = tr.risk[tr.risk.length - 1]! / tr.risk[0]!;
    figures[`m = 10, epsilon = ${epsilon}: He0, He1, He2 learned at t`] = t.map((v) => v.toPrecision(3)).join(", ");
    figures[`m = 10, epsilon = ${epsilon}: risk at the plateau's middle`] = riskMiddle;
    figures[`m = 10, epsilon = ${epsilon}: fraction of He2 learned when He1 is`] = he2AtT1;
    // The separation BMZ23's scales predict is ~ sqrt(epsilon) log(1/epsilon) / epsilon (14 at 1e-3, 870 at 1e-6); a fifth of sqrt(1/epsilon) leaves room for the constant.
    const separationFloor = 0.2 / Math.sqrt(epsilon);
    checks.push(
      check(
        `separation (m = 10, epsilon = ${epsilon})`,
        `t_1 / t_0, the time He1 is learned over the time He0 is (the plateau's length in log time): at least 0.2 / sqrt(epsilon) = ${separationFloor.toFixed(1)}`,
        t[1]! / t[0]!,
        [separationFloor, Infinity],
      ),
      check(
        `He2 after He1 (m = 10, epsilon = ${epsilon})`,
        "fraction of |phi_2 - f_2| gone when He1 is learned: He2 is learned after He1, not during the drops before it",
        he2AtT1,
        [-0.1, 0.35],
      ),
      check(`converges (m = 10, epsilon = ${epsilon})`, "final risk over the initial risk", final, [0, 0.01]),
    );
    // The plateau is flat where it is long: at the smallest epsilon of the figure.
    if (epsilon === Math.min(...size.figureEpsilons)) {
      checks.push(
        check(
          "plateau (m = 10, smallest epsilon)",
          `risk at sqrt(t_0 t_1), the plateau's middle in log time, over (phi_1^2 + phi_2^2) / 2 = ${plateauRisk.toFixed(3)}, its value when only He0 is learned`,
          riskMiddle / plateauRisk,
          [0.95, 1.02],
        ),
      );
    }
  }

  return { riskRows, termRows, figureTimes };
}

/** The mean-field limit over epsilon: learning times of He0 and He1 and their fitted exponents in epsilon (1 and 1/2 after the log correction). */
async function limitSweep(ctx: ExperimentContext, size: Sizes, checks: ExperimentCheck[]) {
  const sweep: { epsilon: number; t: number[] }[] = [];
  for (const epsilon of size.sweepEpsilons) {
    // Three times the expected t_1 ~ sqrt(epsilon) log(1/epsilon), which the fit then measures.
    const horizon = 3 * Math.sqrt(epsilon) * log(1 / epsilon);
    const tr = await meanFieldRun(ctx, `limit-eps${epsilon}`, size.sweepParticles, epsilon, horizon, 200);
    sweep.push({ epsilon, t: [learnedAt(tr, 0), learnedAt(tr, 1)] });
  }
  ctx.saveTable("limit-learning-times", sweep.map((s) => ({ epsilon: s.epsilon, t0: s.t[0]!, t1: s.t[1]! })));
  const eps = sweep.map((s) => s.epsilon);
  const finite = sweep.every((s) => s.t.every(Number.isFinite));
  const he0Fit = finite ? fitPowerLaw(eps, sweep.map((s) => s.t[0]!)) : null;
  const he1Fit = finite ? fitPowerLaw(eps, sweep.map((s) => s.t[1]! / log(1 / s.epsilon))) : null;
  const he1RawFit = finite ? fitPowerLaw(eps, sweep.map((s) => s.t[1]!)) : null;
  checks.push(
    check("He0 time exponent", "fitted p in t_0 ~ epsilon^p (mean-field limit): the second layer relaxes in time O(epsilon); 1 predicted", he0Fit?.exponent.value ?? NaN, [0.9, 1.1]),
    check(
      "He1 time exponent",
      "fitted p in t_1 / log(1/epsilon) ~ epsilon^p (mean-field limit): BMZ23's degree-1 time scale epsilon^(1/2), with the log of the escape from s = 0; 1/2 predicted",
      he1Fit?.exponent.value ?? NaN,
      [0.4, 0.6],
    ),
  );

  return { sweep, he0Fit, he1Fit, he1RawFit };
}

/** A finite network with the ratio against its own mean-field limit (same d, same law): He1 times and the largest risk gap. */
async function networkAgainstLimit(ctx: ExperimentContext, size: Sizes, checks: ExperimentCheck[]) {
  const net = size.network;
  const netRatio = ratioOf(ctx, net.epsilon);
  const netStep = 0.2;
  const netSteps = Math.ceil(net.horizon / net.epsilon / netStep);
  const netInput: ConfigInput = {
    ...baseConfig("network", ctx.seed, net.width, net.d, netRatio, netSteps, netStep, 60),
    algorithm: { kind: "onlineSgd", batch: net.batch, steps: netSteps, stepSize: netStep, projected: true, firstLayerStepRatio: netRatio },
  };
  const netConfig = parseConfig(netInput);
  ctx.saveConfig("network", netConfig);
  const sim = await simulate(netConfig, { runtime: ctx.runtime });
  if (sim.summary.status !== "completed") throw new Error(`bmz23-timescales: the network diverged`);
  ctx.log(`network: N = ${net.width}, d = ${net.d}, epsilon = ${net.epsilon}, ${netSteps} steps, ${sim.summary.wallSeconds.toFixed(1)} s`);
  const netTr: Trajectory = {
    times: sim.records.map((r) => r.time * net.epsilon),
    risk: sim.records.map((r) => r.populationLoss as number),
    residuals: sim.records.map((r) => (r.residuals as number[]).slice(0, 3).map((v) => -v)),
  };
  const limitConfig = ctx.variant === "limit-ignores-ratio" ? parseConfig({ ...netInput, algorithm: { ...netInput.algorithm, firstLayerStepRatio: 1 } }) : netConfig;
  // `meanfield pde` takes M from model.width: the limit's config is the network's with N = M.
  ctx.saveConfig("network-limit", parseConfig({ ...limitConfig, name: "network-limit", model: { ...limitConfig.model, width: net.limitParticles } }), ["pde"]);
  const limitResult = await solveReducedParticles(limitConfig, { runtime: ctx.runtime, particles: net.limitParticles, nodes: NODES });
  ctx.log(`network's mean-field limit: M = ${net.limitParticles}, ${limitResult.summary.wallSeconds.toFixed(1)} s`);
  const limitTr = fromReduced(limitResult.records, net.epsilon);
  const netT1 = learnedAt(netTr, 1);
  const limitT1 = learnedAt(limitTr, 1);
  let riskGap = 0;
  netTr.times.forEach((t, j) => {
    if (t > 0) riskGap = Math.max(riskGap, Math.abs(netTr.risk[j]! - at(limitTr.times, limitTr.risk, t)));
  });
  checks.push(
    check("network He1 time", `time the network (N = ${net.width}, d = ${net.d}, online SGD, epsilon = ${net.epsilon}) learns He1 over its mean-field limit's`, netT1 / limitT1, [0.8, 1.25]),
    check("network risk gap", "largest |network risk - limit risk| over time, over the initial risk", riskGap / netTr.risk[0]!, [0, 0.1]),
  );
  ctx.saveTable(
    "network",
    netTr.times.map((time, j) => ({ time, risk: netTr.risk[j]!, limitRisk: at(limitTr.times, limitTr.risk, time), D1: netTr.residuals[j]![1]! })),
  );

  return { net, netTr, limitTr, netT1, limitT1 };
}

/** Figure 2's three rows, the learning times against epsilon, and the network on its limit. */
function timescalePlots(size: Sizes, figure2: Awaited<ReturnType<typeof figure2Runs>>, limit: Awaited<ReturnType<typeof limitSweep>>, network: Awaited<ReturnType<typeof networkAgainstLimit>>) {
  const { riskRows, termRows, figureTimes } = figure2;
  const { sweep } = limit;
  const { net, netTr, limitTr } = network;
  const plateauRisk = PLATEAU_RISK;
  const timeRows: ChartRow[] = [
    ...sweep.flatMap((s) => [
      { epsilon: s.epsilon, time: s.t[0]!, series: "He0 (mean-field limit)" },
      { epsilon: s.epsilon, time: s.t[1]!, series: "He1 (mean-field limit)" },
    ]),
    ...figureTimes.flatMap((f) => DEGREES.map((k) => ({ epsilon: f.epsilon, time: f.t[k]!, series: `He${k} (m = 10)` }))),
  ].filter((r) => Number.isFinite(r.time));
  const epsLabel = size.figureEpsilons.map((e) => e.toExponential(0)).join(" and ");
  return [
      {
        name: "risk-linear",
        title: "Risk in linear time (BMZ23 Figure 2, first row)",
        caption: `Risk of the mean-field neuron dynamics with m = 10 ReLU neurons (unit w, d -> infinity, s(0) = 0, a(0) ~ N(0, 1)) on y = He0 - He1 + 2/3 He2, first-layer learning rate epsilon times the second's (epsilon = ${epsLabel}). In linear time the risk falls in sharp steps: the plateaus of the log-time plot are invisible at this scale. BMZ23 Figure 2, first row.`,
        spec: lineChart({ title: "Risk, linear time", rows: riskRows, x: { field: "time", title: "t (first-layer time, BMZ23)", log: false }, y: { field: "risk", title: "risk ½E(f − y)²", log: false }, series: { field: "run", title: "run" } }),
      },
      {
        name: "risk-log",
        title: "Risk in log time (BMZ23 Figure 2, second row)",
        caption: `The same runs against log t: He0 is learned at t ~ epsilon, then the risk sits on the plateau (phi_1^2 + phi_2^2)/2 = ${plateauRisk.toFixed(3)} until t ~ sqrt(epsilon) log(1/epsilon), where He1 and then He2 are learned; the plateau is about three decades long at epsilon = 1e-6 and one at 1e-3. BMZ23 Figure 2, second row.`,
        spec: lineChart({ title: "Risk, log time", rows: riskRows, x: { field: "time", title: "t (log)", log: true }, y: { field: "risk", title: "risk (log)", log: true }, series: { field: "run", title: "run" } }),
      },
      {
        name: "components",
        title: "The three terms of the risk (BMZ23 Figure 2, third row)",
        caption: "(phi_k - f_k)^2 / 2 for k = 0, 1, 2 (f_k = sigma_k mean_i a_i s_i^k, the terms of BMZ23's Eq. (38)): learned one degree after the other.",
        spec: lineChart({ title: "Terms (phi_k - f_k)^2 / 2", rows: termRows, x: { field: "time", title: "t (log)", log: true }, y: { field: "term", title: "term (log)", log: true }, series: { field: "curve", title: "degree, run" } }),
      },
      {
        name: "learning-times",
        title: "Learning times against epsilon",
        caption: `Times He0, He1 (and He2 for m = 10) are learned to ${LEARNED * 100}%, log-log, for the mean-field limit (M = ${size.sweepParticles}) over epsilon and the m = 10 runs. He0: slope 1 (t ~ epsilon); He1: slope about 1/2 (t ~ sqrt(epsilon) log(1/epsilon)), so the plateau between them lengthens as epsilon -> 0.`,
        spec: lineChart({ title: "Learning times", rows: timeRows, x: { field: "epsilon", title: "epsilon (log)", log: true }, y: { field: "time", title: "t (log)", log: true }, series: { field: "series", title: "component" }, points: true }),
      },
      {
        name: "network",
        title: "A finite network with the ratio on its mean-field limit",
        caption: `Online SGD of N = ${net.width} neurons in d = ${net.d} (batch ${net.batch}, epsilon = ${net.epsilon}, projected) against its mean-field limit from the same initial law (M = ${net.limitParticles} reduced particles): the network's risk stays on its limit's curve, so N = ${net.width} neurons already behave as infinitely many.`,
        spec: lineChart({
          title: "Risk, network and limit",
          rows: netTr.times.flatMap((time, j) =>
            time > 0
              ? [
                  { time, risk: netTr.risk[j]!, source: "network (SGD)" },
                  { time, risk: at(limitTr.times, limitTr.risk, time), source: "mean-field limit" },
                ]
              : [],
          ),
          x: { field: "time", title: "t (log)", log: true },
          y: { field: "risk", title: "risk (log)", log: true },
          series: { field: "source", title: "" },
          dash: { field: "source", title: "", dashed: "mean-field limit" },
        }),
      },
    ];
}

export const bmz23Timescales: Experiment = {
  id: "bmz23-timescales",
  papers: [{ ...BERTHIER_MONTANARI_ZHOU_2023, figure: "Figure 2" }],
  brokenVariants: [
    {
      name: "equal-rates",
      description: "firstLayerStepRatio = 1 in every run (the ratio dropped): both layers learn at the same rate, so He1 follows He0 within a few time units whatever epsilon is nominally, and t_1 scales like epsilon, not sqrt(epsilon).",
      fails: ["separation (m = 10, epsilon = 0.001)", "He1 time exponent"],
    },
    {
      name: "limit-ignores-ratio",
      description: "The finite network keeps epsilon but its mean-field limit is solved with ratio 1: the network then lags its limit, which the comparison must notice (it checks the trainer's ratio against the reduced solver's).",
      fails: ["network He1 time", "network risk gap"],
    },
  ],
  title: "Learning time scales (BMZ23 Figure 2): a learning-rate ratio epsilon separates the plateaus",
  description:
    "BMZ23's mean-field neuron dynamics (m = 10 and the mean-field limit) of a ReLU network learning He0 - He1 + 2/3 He2 with the first layer epsilon times slower: He0 at t ~ epsilon, a plateau, He1 at t ~ sqrt(epsilon) log(1/epsilon); risk in linear and log time, fitted exponents.",
  run,
};
