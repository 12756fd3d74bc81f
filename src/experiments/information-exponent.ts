// The information exponent (Ben Arous, Gheissari, Jagannath 2021, arXiv 2003.10409, Theorem 1.3
// and Figure 1): one neuron sigma(<w, x>) trained by projected online SGD (batch 1, w kept on the
// sphere) on y = h_s(<w*, x>), x ~ N(0, I_d), with sigma = h_s = He_s / sqrt(s!), from the overlap
// m0 = <w, w*> = 1/sqrt(d) exactly (the typical overlap of a uniform start, without its spread).
// The steps to reach m = 1/2 grow like d^{s-1} for s >= 3, d log d for s = 2 and d for s = 1 when
// the step is the best one for each d; that step is not given but searched per d on the ladder
// eta_j = 2^{j/2} with the search seeds (the median steps, non-escapes as +infinity, on rungs where
// enough seeds escape for the median's 95% interval to be finite: 8 of 9), a power law in d is
// fitted through the searched steps (informationExponentSweep.ts says why), and the steps are
// measured at that line's step on other seeds; the line's power of d, -max(1, s/2) by BAGJ's
// analysis, is a second measured exponent. Runs use the exact overlap chain of the d-dimensional
// step (overlapChain.ts) on every core (escapePool.ts, same bits on any thread count); the
// single-index ODE (src/ode/singleIndexOde.ts) gives the d -> infinity escape time beside each median.

import { availableParallelism } from "node:os";
import { log } from "../special/portableMath.js";
import { check, type Experiment, type ExperimentCheck, type ExperimentContext, type ExperimentResult, type FittedExponent } from "./experiment.js";
import { EscapePool } from "./escapePool.js";
import { escapePlots } from "./informationExponentPlots.js";
import { DEGREES, hermite, linkDegree, sweepDegree, type Degree, type Point, type Seeds, type Sizes } from "./informationExponentSweep.js";
import { medianInterval } from "./medianInterval.js";
import { BEN_AROUS_GHEISSARI_JAGANNATH_2021 } from "./papers.js";
import { fitPowerLaw } from "./powerLaw.js";
import { bootstrapSlope } from "./seedBootstrap.js";
import { escapeSteps } from "./singleIndexEscape.js";

const SIZES: Record<ExperimentContext["scale"], Sizes> = {
  test: {
    searchSeeds: 9,
    seeds: { 1: 9, 2: 9, 3: 21, 4: 15 },
    dims: { 1: [32, 64, 128, 256], 2: [64, 128, 256, 512], 3: [64, 96, 128, 192], 4: [64, 76, 91] },
    firstRung: { 1: -12, 2: -21, 3: -31, 4: -33 },
    budget: { 1: 1e5, 2: 1e6, 3: 3e7, 4: 3e7 },
  },
  quick: {
    searchSeeds: 9,
    seeds: { 1: 11, 2: 11, 3: 21, 4: 15 },
    dims: { 1: [64, 128, 256, 512, 1024], 2: [64, 128, 256, 512, 1024], 3: [64, 96, 128, 192, 256], 4: [64, 76, 91, 108] },
    firstRung: { 1: -14, 2: -21, 3: -31, 4: -33 },
    budget: { 1: 1e5, 2: 1e6, 3: 3e7, 4: 3e7 },
  },
  paper: {
    searchSeeds: 9,
    seeds: { 1: 15, 2: 15, 3: 31, 4: 65 },
    dims: { 1: [64, 128, 256, 512, 1024, 2048, 4096], 2: [64, 128, 256, 512, 1024, 2048], 3: [64, 96, 128, 192, 256, 384, 512], 4: [64, 76, 91, 108, 128, 152] },
    firstRung: { 1: -14, 2: -21, 3: -31, 4: -33 },
    budget: { 1: 1e5, 2: 1e6, 3: 1e8, 4: 1e8 },
  },
};

const NO_FIT: FittedExponent = { value: Number.NaN, ci95: [Number.NaN, Number.NaN], points: 0 };

function fit(x: number[], y: number[]): FittedExponent {
  return x.length >= 3 ? fitPowerLaw(x, y).exponent : NO_FIT;
}

/** Seed resamples of the steps exponents' bootstrap intervals. */
const REPLICATES = 1000;

/**
 * A steps exponent: least squares of log(transform(d, median)) on log d through the per-d medians at
 * the searched steps. Its 95% interval is the hull of the Student-t interval (scatter about the line,
 * n - 2 degrees of freedom) and the seed bootstrap's (seedBootstrap.ts: the seeds resampled per d and
 * the step chosen again), so that neither the line's few residuals nor the heavy-tailed seeds alone set it.
 */
function stepsExponent(ctx: ExperimentContext, ps: Point[], name: string, transform = (_d: number, median: number) => median): { exponent: FittedExponent; t: [number, number]; bootstrap: [number, number] } {
  const fitted = fit(ps.map((p) => p.d), ps.map((p) => transform(p.d, p.median)));
  if (fitted.points < 3) return { exponent: fitted, t: fitted.ci95, bootstrap: [Number.NaN, Number.NaN] };
  const groups = ps.map((p) => ({ x: p.d, values: p.measured }));
  const draws = REPLICATES * groups[0]!.values.length;
  const uniforms = ctx.runtime.random.uniform(ctx.seed, `information-exponent.bootstrap.${name}`, draws);
  const bootstrap = bootstrapSlope(groups, uniforms, REPLICATES, transform).ci95;
  const ci95: [number, number] = [Math.min(fitted.ci95[0], bootstrap[0]), Math.max(fitted.ci95[1], bootstrap[1])];
  return { exponent: { ...fitted, ci95 }, t: fitted.ci95, bootstrap };
}

/**
 * The d-dimensional network (the package's Trainer: TwoLayerNetwork, width 1, projected onlineSgd,
 * batch 1) at the smallest d of s = 1 and 2 and the searched step, on its own samples: how many of
 * its medians' 95% intervals overlap the chain's. Larger d and s cost O(d) per step there.
 */
function networkCrossCheck(ctx: ExperimentContext, points: Point[], seedsOf: (s: Degree) => number[]): { overlapping: number; rows: Record<string, number | string>[] } {
  const rows: Record<string, number | string>[] = [];
  let overlapping = 0;
  for (const s of [1, 2] as const) {
    const p = points.find((q) => q.s === s);
    if (!p) continue;
    const spec = hermite(linkDegree(ctx, s));
    const problem = { d: p.d, link: spec, activation: spec, outputWeight: 1, threshold: 0.5, hold: p.d, trainFirstLayer: ctx.variant !== "frozen-first-layer" };
    const cap = Math.ceil(20 * p.upper);
    const runs = seedsOf(s).map((seed) => escapeSteps(ctx.runtime, problem, seed, p.eta, cap).steps);
    if (runs.some((r) => r === null)) continue;
    const net = medianInterval(runs as number[]);
    if (net.lower <= p.upper && p.lower <= net.upper) overlapping++;
    rows.push({ s, d: p.d, eta: p.eta, networkMedian: net.median, networkLower: net.lower, networkUpper: net.upper, chainMedian: p.median, chainLower: p.lower, chainUpper: p.upper });
    ctx.log(`network SGD, s = ${s}, d = ${p.d}: median ${net.median} [${net.lower}, ${net.upper}] against the chain's ${p.median} [${p.lower}, ${p.upper}]`);
  }
  return { overlapping, rows };
}

/** The escape table and one `meanfield escape` config per (s, d): the measurement seeds at the measured step and cap. */
function saveCells(ctx: ExperimentContext, points: Point[], measureSeeds: (s: Degree) => number[]): void {
  ctx.saveTable(
    "escape",
    points.map(({ sgdAtOde, measured, problem: _, link: __, ...p }) => ({
      ...p,
      sgdAtOdeMedian: sgdAtOde?.median ?? null,
      sgdAtOdeLower: sgdAtOde?.lower ?? null,
      sgdAtOdeUpper: sgdAtOde?.upper ?? null,
      steps: measured.join(" "),
    })),
  );
  for (const p of points) {
    ctx.saveConfig(
      `escape-s${p.s}-d${p.d}`,
      { d: p.d, link: p.link, activation: p.link, threshold: p.problem.threshold, hold: p.problem.hold, maxJump: p.problem.maxJump, start: p.problem.start, trainFirstLayer: p.problem.trainFirstLayer, stepSize: p.eta, cap: p.cap, seeds: measureSeeds(p.s) },
      ["escape"],
    );
  }
}

/** Threads of the escape runs: every core (the results are the same bits with any number, escapePool.ts). */
const THREADS = availableParallelism();

async function run(ctx: ExperimentContext): Promise<ExperimentResult> {
  const size = SIZES[ctx.scale];
  const seedList = (from: number, count: number) => Array.from({ length: count }, (_, i) => ctx.seed + 1000 * (from + i));
  const seedsOf = (s: Degree): Seeds => ({ search: seedList(0, size.searchSeeds), measure: seedList(size.searchSeeds, size.seeds[s]) });
  const pool = new EscapePool(ctx.runtime, THREADS);
  const points: Point[] = [];
  const stepExponents: Record<string, FittedExponent | null> = {};
  try {
    for (const s of DEGREES) {
      const swept = await sweepDegree(ctx, size, s, seedsOf(s), pool);
      points.push(...swept.points);
      stepExponents[s] = swept.stepExponent;
    }
  } finally {
    await pool.close();
  }
  const network = networkCrossCheck(ctx, points, (s) => seedsOf(s).measure);
  ctx.saveTable("network-cross-check", network.rows);
  saveCells(ctx, points, (s) => seedsOf(s).measure);

  const exponents: Record<string, FittedExponent> = {};
  const intervals: Record<string, string> = {};
  const of = (s: Degree) => points.filter((p) => p.s === s);
  const steps = (name: string, ps: Point[], transform?: (d: number, median: number) => number) => {
    const r = stepsExponent(ctx, ps, name, transform);
    exponents[name] = r.exponent;
    intervals[`${name} intervals`] = `Student t [${r.t.map((v) => v.toFixed(2)).join(", ")}], seed bootstrap [${r.bootstrap.map((v) => v.toFixed(2)).join(", ")}]`;
  };
  for (const s of DEGREES) {
    const ps = of(s);
    const d = ps.map((p) => p.d);
    steps(`s${s}StepsExponent`, ps);
    // The power of the line fitted through the searched steps (the line's own steps would fit it exactly).
    exponents[`s${s}StepSizeExponent`] = stepExponents[s] ?? NO_FIT;
    exponents[`s${s}OdeStepsExponent`] = fit(d, ps.map((p) => p.odeSteps));
  }
  steps("s2StepsOverLogDExponent", of(2), (d, median) => median / log(d));
  const e = (s: Degree) => exponents[`s${s}StepsExponent`]!.value;
  // SGD against the ODE at the ODE's best step, s = 1..3 (BAGJ's s = 4 escape needs d beyond reach for the ODE's small step).
  const compared = points.filter((p) => p.s <= 3);
  const ratios = compared.map((p) => (p.sgdAtOde === null ? Number.NaN : p.sgdAtOde.median / p.odeSteps));
  const worstRatio = ratios.length === 0 ? Number.NaN : Math.max(...ratios.map((r) => Math.max(r, 1 / r)));
  const inside = compared.filter((p) => p.sgdAtOde !== null && p.odeSteps >= p.sgdAtOde.lower && p.odeSteps <= p.sgdAtOde.upper).length;
  const insideFraction = compared.length === 0 ? Number.NaN : inside / compared.length;

  const checks: ExperimentCheck[] = [
    check("s=1 exponent", "steps to overlap 1/2 against d, s = 1 (BAGJ: linear in d)", e(1), [0.7, 1.3]),
    check("s=2 exponent", "steps / log d against d, s = 2 (BAGJ: d log d)", exponents.s2StepsOverLogDExponent!.value, [0.7, 1.3]),
    check(
      "s=3 exponent",
      "steps against d, s = 3 (BAGJ: d^{s-1} = d^2 as d -> infinity; the range keeps closer to 2 than to its neighbours, s = 2's d log d (local slope 1 + 1/ln d, about 1.2 here) and s = 4's 3, with the lower end at 1.5 because SGD's best step escapes with the noise's help where the ODE is trapped, and at d <= 512 that regime's slope sits below 2)",
      e(3),
      [1.5, 2.5],
    ),
    check(
      "s=4 exponent",
      "steps against d, s = 4 (BAGJ: d^3 as d -> infinity; fitted from d = 64, where single-sample jumps stop choosing the step; the medians of 15-65 seeds move by 20-40% and d spans a factor 1.4-2.4, so the fit's interval is about +-0.7 (paper) to +-3 (test))",
      e(4),
      [2, 4.5],
    ),
    check("exponents increase with s", "smaller of the gaps s = 2 -> 3 and s = 3 -> 4 between steps exponents (BAGJ: about 0.8 and 1)", Math.min(e(3) - e(2), e(4) - e(3)), [0.2, 2.5]),
    check(
      "network SGD matches the chain",
      "at the smallest d of s = 1 and 2 and the searched step: how many of the d-dimensional network's median intervals overlap the overlap chain's",
      network.overlapping,
      [2, 2],
    ),
    check("ODE s=4 exponent", "the single-index ODE's escape steps at its best step against d, s = 4 (BAGJ: d^3)", exponents.s4OdeStepsExponent!.value, [2.7, 3.3]),
    check(
      "ODE escape time matches SGD",
      "fraction of (s, d), s = 1..3, at which the ODE's escape steps lie in the 95% interval of SGD's median, both at the ODE's best step (each interval covers with >= 95%)",
      insideFraction,
      [0.75, 1],
    ),
  ];

  const figures: Record<string, number | string> = { seeds: DEGREES.map((s) => size.seeds[s]).join(" / "), worstOdeRatio: worstRatio, odeInsideFraction: insideFraction, ...intervals };
  for (const p of points) {
    figures[`s${p.s} d${p.d}`] =
      `searched eta ${p.searchedEta.toPrecision(3)} (median ${p.searchedMedian}); line's eta ${p.eta.toPrecision(3)}: median ${p.median} [${p.lower}, ${p.upper}] (ODE there ${p.odeAtBest.toPrecision(4)}); ` +
      `ODE's best eta ${p.odeEta.toPrecision(3)}: ODE ${p.odeSteps.toPrecision(4)}, SGD ${p.sgdAtOde ? `${p.sgdAtOde.median} [${p.sgdAtOde.lower}, ${p.sgdAtOde.upper}]` : "-"}`;
  }
  return {
    checks,
    exponents,
    figures,
    plots: escapePlots(DEGREES.map((s) => size.seeds[s]).join(" / "), points, exponents),
  };
}

export const informationExponent: Experiment = {
  id: "information-exponent",
  papers: [{ ...BEN_AROUS_GHEISSARI_JAGANNATH_2021, figure: "Theorem 1.3 and Figure 1 (steps to weak recovery against d for information exponents 1, 2, >= 3)" }],
  title: "The information exponent: online SGD needs d^{s-1} steps to escape the equator",
  description:
    "One neuron learning h_s(<w*, x>) by projected online SGD, s = 1..4: the steps to overlap 1/2 at the best searched step grow like d, d log d, d^2, d^3, and the single-index ODE at the same step predicts them.",
  brokenVariants: [
    {
      name: "mislabelled-link",
      description: "The target and the neuron use h_{s-1} where h_s is meant (the Hermite degree off by one): every exponent shifts down by one, and s = 1 becomes a constant link that never escapes.",
      fails: ["s=1 exponent", "s=3 exponent"],
    },
    {
      name: "frozen-first-layer",
      description: "w is never trained: the overlap stays at 1/sqrt(d), no run escapes, and no exponent can be fitted.",
      fails: ["s=1 exponent", "s=2 exponent", "s=3 exponent", "s=4 exponent", "exponents increase with s", "ODE escape time matches SGD"],
    },
    {
      name: "ode-without-retraction",
      description: "The single-index ODE drops the renormalization's retraction term (c^2 / 2) m E[(sigma - h)^2 sigma'^2]: nothing then limits the step, the ODE's best step is the top of the ladder, where it escapes in a few steps and SGD does not escape at all.",
      fails: ["ODE escape time matches SGD", "ODE s=4 exponent"],
    },
  ],
  run,
};
