// Chen, Ge 2024 (arXiv 2402.08948): a target with the reflective property for a subspace S,
// y(z_{S-perp} - z_S) = y(z), traps the mean-field dynamics started with w_S = 0: every term of
// the gradient along S carries a factor w_S (f and sigma'(<w, x>) are even in x_S, x_S is odd).
// The trap is a symmetry statement, so it must be shown against a control that differs only in
// the symmetry. Two targets of the same term degrees (1 and 3) in z = (z1, z2):
//   reflective      y = h1(z1) + h1(z1) h2(z2)   (even in z2: reflective for S = span(e2))
//   non-reflective  y = h1(z1) + h2(z1) h1(z2)   (reflective for no subspace)
// and the activation sigma(t) = t + t^2/2 + t^3/6, whose Hermite coefficients 0..3 are all
// nonzero, so its degree reaches the target's: with a quadratic sigma the degree-3 terms are
// orthogonal to every gradient and the control is "trapped" too (a broken variant shows it).
//
// Stage 1 (w trained, a = +-1 fixed) runs by population GD on the exact Gaussian loss: the finite-N
// particles then follow the mean-field flow of their empirical law, with no sampling noise to
// break the symmetry. Three runs per d: (i) both targets from w_U = 0 on U = span(e1, e2), the
// d -> infinity limit of w ~ N(0, I/d) (the component off U keeps norm about 1): the reflective
// projection on S stays exactly 0 and its loss stays above the z2 part's, while the control
// escapes at every d (its escape time drifts up with d, by about 0.6 per unit of ln d, not traced); (ii) the reflective target from w ~ N(0, I/d), whose
// O(1/sqrt d) component along S is an unstable seed: the projection at a fixed early time scales
// as d^(-1/2) and the escape time grows like log d, diverging in the mean-field limit.
//
// Trajectory averaging (the paper's two-stage strategy, which it needs for the algebraic
// independence of the features): every neuron starts at the same point 10^-3 e_d (w = 0 needs a
// direction for the exact Gaussian expectations) with a_i = +-1, so stage 1 (w trained, a fixed)
// is deterministic given a and leaves exactly two features, sigma(<w(+1), x>) and sigma(<w(-1), x>).
// The averaging target is the non-reflective single-index h1(z1) + h3(z1) (odd, so reflective for
// no subspace): stage 1 moves both neurons along e1, to r(+) e1 and r(-) e1, and a combination of
// sigma(r z1) = r z1 + r^2 z1^2 / 2 + r^3 z1^3 / 6 matches the target's z1, z1^2 and z1^3
// coefficients only with three distinct nonzero r (a Vandermonde system). Averaging p trajectories
// with independent draws of a, neuron by neuron, gives the p + 1 radii r(-) + (k/p)(r(+) - r(-))
// (k of p signs +1), so stage 2 (a re-solved exactly: ridge on the population Gram matrix) fits the
// target from p = 2 on (p = 3 once the midpoint's radius is near 0) and not at p = 1. With a
// continuous law of a (uniform on [-1, 1]) one trajectory already gives a curve of radii and fits it
// (stage-2 loss 1e-8 at p = 1, measured): averaging is what a two-atom law of a needs, as the paper
// conjectures it is not needed once the degree is known. Identical trajectories (a broken variant)
// buy nothing at all.

import { reflectiveCoordinateSubspaces, type MonomialTerm } from "../tasks/reflectiveProperty.js";
import { lineChart, type ChartRow } from "../report/charts.js";
import { check, type Experiment, type ExperimentContext, type ExperimentScale } from "./experiment.js";
import { integerPower } from "../special/portableMath.js";
import { CHEN_GE_2024 } from "./papers.js";
import { fitPowerLaw } from "./powerLaw.js";
import { crossingTime, distinctRows, drawSigns, drawWeights, firstStageConfig, firstStageEndPoint, limitRows, secondStageLoss, trapRun, type TrapRun } from "./reflectiveTrapRuns.js";

interface Sizes {
  ds: number[];
  width: number;
  /** Stage-1 time of the trap runs. */
  trapTime: number;
  averagingD: number;
  /** Stage-1 time of each averaged trajectory. */
  averagingTime: number;
  ps: number[];
}

const SIZES: Record<ExperimentScale, Sizes> = {
  test: { ds: [16, 32, 64], width: 32, trapTime: 8, averagingD: 16, averagingTime: 20, ps: [1, 2, 3] },
  quick: { ds: [16, 32, 64, 128, 256], width: 64, trapTime: 12, averagingD: 32, averagingTime: 20, ps: [1, 2, 3, 4] },
  paper: { ds: [16, 32, 64, 128, 256, 512, 1024], width: 128, trapTime: 16, averagingD: 64, averagingTime: 30, ps: [1, 2, 3, 4, 6] },
};

/** The projection on S counts as escaped once its RMS over neurons reaches this. */
const ESCAPE_LEVEL = 0.5;
/** Early time at which the seeded projection is compared across d (before any escape). */
const SEED_TIME = 0.5;
/** Common starting point NEAR_ZERO e_d of every neuron in the averaging runs (w = 0 needs a direction). */
const NEAR_ZERO = 1e-3;
/** Neurons closer than this (max norm) count as one. */
const DISTINCT_TOLERANCE = 1e-6;
/** sigma(t) = t + t^2/2 + t^3/6 (monomial coefficients); the broken variant drops t^3. */
const CUBIC = [0, 1, 1 / 2, 1 / 6];
const QUADRATIC = [0, 1, 1 / 2];

const REFLECTIVE: MonomialTerm[] = [
  { coefficient: 1, degrees: [1, 0] },
  { coefficient: 1, degrees: [1, 2] },
];
const NON_REFLECTIVE: MonomialTerm[] = [
  { coefficient: 1, degrees: [1, 0] },
  { coefficient: 1, degrees: [2, 1] },
];
/** The averaging runs' target h1(z1) + h3(z1): non-reflective, of the activation's degree. */
const AVERAGING_TARGET: MonomialTerm[] = [
  { coefficient: 1, degrees: [1] },
  { coefficient: 1, degrees: [3] },
];
/** Smallest stage-2 loss ratio p = 1 over the best p > 1 that counts as averaging buying the fit. */
const AVERAGING_GAIN = 100;
/** Population loss 1/2 E[(f - y)^2] of the part h1(z1) h2(z2), which no function of z1 alone can fit. */
const Z2_PART_LOSS = 0.5;

const VARIANTS = {
  controlAsReflective: "control-as-reflective",
  quadratic: "quadratic-activation",
  gaussianInit: "gaussian-init",
  identical: "identical-trajectories",
} as const;

/** Escape time of a trap run: its projection on S first reaching ESCAPE_LEVEL. */
const escape = (r: TrapRun) => crossingTime(r.times, r.projectionS, ESCAPE_LEVEL);
/** The projection on S of a trap run at the first record at or after time t. */
const at = (r: TrapRun, t: number) => r.projectionS[r.times.findIndex((s) => s >= t - 1e-9)]!;

interface TrapPerD {
  d: number;
  trapped: TrapRun;
  control: TrapRun;
  seeded: TrapRun;
}

/** Part 1: the trap and its absence, against d (reflective from w_U = 0, the control, and the reflective target seeded by w ~ N(0, I/d)). */
async function trapRuns(context: ExperimentContext, sizes: Sizes, activation: number[], trappedTerms: MonomialTerm[]) {
  const variant = context.variant;
  const n = sizes.width;
  const u = [0, 1];
  const trapRows: ChartRow[] = [];
  const perD: TrapPerD[] = [];
  for (const d of sizes.ds) {
    context.log(`trap: d = ${d}, N = ${n}, population GD to t = ${sizes.trapTime}`);
    // Symmetric pairs (w, +1), (w, -1): f = 0 at the start, so no finite-N output noise off U
    // (whose size depends on d through the overlaps of the neurons) drives the first steps.
    const a = Array.from({ length: n }, (_, i) => (i < n / 2 ? 1 : -1));
    const half = drawWeights(context, `w.${d}`, n / 2, d, 1);
    const gaussian = [...half, ...half];
    const onLimit = limitRows(gaussian, u);
    const trappedInit = variant === VARIANTS.gaussianInit ? gaussian : onLimit;
    const trapped = await trapRun(context, `reflective-d${d}`, firstStageConfig(`reflective-trap-reflective-d${d}`, d, trappedTerms, activation, trappedInit, a, sizes.trapTime));
    const control = await trapRun(context, `control-d${d}`, firstStageConfig(`reflective-trap-control-d${d}`, d, NON_REFLECTIVE, activation, onLimit, a, sizes.trapTime));
    const seeded = await trapRun(context, `seeded-d${d}`, firstStageConfig(`reflective-trap-seeded-d${d}`, d, REFLECTIVE, activation, gaussian, a, sizes.trapTime));
    perD.push({ d, trapped, control, seeded });
    const series: [string, TrapRun][] = [
      ["reflective, w_U = 0", trapped],
      ["non-reflective, w_U = 0", control],
      ["reflective, w ~ N(0, I/d)", seeded],
    ];
    for (const [run, r] of series) r.times.forEach((t, k) => trapRows.push({ d, run, time: t, projectionS: r.projectionS[k]!, loss: r.loss[k]! }));
  }
  context.saveTable("trap", trapRows);
  return { trapRows, perD };
}

/** Escape times and seeded projections per d, and the measures the trap checks read. */
function trapMeasures(context: ExperimentContext, perD: TrapPerD[]) {
  const escapeRows: ChartRow[] = perD.map((p) => ({
    d: p.d,
    reflectiveEscape: escape(p.trapped),
    controlEscape: escape(p.control),
    seededEscape: escape(p.seeded),
    seededInitial: p.seeded.projectionS[0]!,
    seededAtSeedTime: at(p.seeded, SEED_TIME),
    reflectiveFinalLoss: p.trapped.loss[p.trapped.loss.length - 1]!,
  }));
  context.saveTable("escape", escapeRows);
  const maxTrapped = Math.max(...perD.flatMap((p) => p.trapped.projectionS));
  const largest = perD[perD.length - 1]!;
  const smallest = perD[0]!;
  const trappedLoss = largest.trapped.loss[largest.trapped.loss.length - 1]!;
  const seedFit = fitPowerLaw(
    perD.map((p) => p.d),
    perD.map((p) => at(p.seeded, SEED_TIME)),
  );
  const controlRatio = escape(largest.control) / escape(smallest.control);
  const seededRatio = escape(largest.seeded) / escape(smallest.seeded);
  return { maxTrapped, largest, smallest, trappedLoss, seedFit, controlRatio, seededRatio };
}

/** Part 2: what averaging p trajectories buys: stage 1 from w = 0 for p independent draws of a, then stage 2 on their averages. */
async function averagingRuns(context: ExperimentContext, sizes: Sizes, activation: number[]) {
  const variant = context.variant;
  const n = sizes.width;
  const dAvg = sizes.averagingD;
  const pMax = Math.max(...sizes.ps);
  context.log(`averaging: d = ${dAvg}, ${pMax} first-stage trajectories from w = 0 to t = ${sizes.averagingTime}`);
  const endPoints: Float64Array[] = [];
  for (let j = 0; j < pMax; j++) {
    // The broken variant gives every trajectory the same draws of a, so they coincide.
    const stream = variant === VARIANTS.identical ? "avg" : `avg.${j}`;
    const a = drawSigns(context, `a.${stream}`, n);
    const w0 = Array.from({ length: n }, () => Array.from({ length: dAvg }, (_, k) => (k === dAvg - 1 ? NEAR_ZERO : 0)));
    const label = `stage1-trajectory${j + 1}`;
    const config = firstStageConfig(`reflective-trap-${label}`, dAvg, AVERAGING_TARGET, activation, w0, a, sizes.averagingTime);
    context.saveConfig(label, config);
    endPoints.push(await firstStageEndPoint(context, label, config));
  }
  const averagingRows: ChartRow[] = [];
  for (const p of sizes.ps) {
    const mean = new Float64Array(n * dAvg);
    for (let j = 0; j < p; j++) endPoints[j]!.forEach((v, k) => (mean[k]! += v / p));
    const loss = await secondStageLoss(context, `stage2-p${p}`, dAvg, AVERAGING_TARGET, activation, mean, n);
    averagingRows.push({ p, stage2Loss: loss, distinctNeurons: distinctRows(mean, n, dAvg, DISTINCT_TOLERANCE) });
  }
  context.saveTable("averaging", averagingRows);
  const lossAt = (p: number) => averagingRows.find((r) => r.p === p)!.stage2Loss as number;
  const distinctAt = (p: number) => averagingRows.find((r) => r.p === p)!.distinctNeurons as number;
  const bestAveraged = Math.min(...sizes.ps.filter((p) => p > 1).map(lossAt));
  const gain = lossAt(1) / bestAveraged;
  const bestP = averagingRows.find((r) => r.stage2Loss === bestAveraged)!.p as number;
  return { dAvg, pMax, averagingRows, distinctAt, gain, bestP };
}

/** The symmetry facts of the three targets, the exact trap and the escapes over d, and the averaging gain. */
function reflectiveChecks(trap: ReturnType<typeof trapMeasures>, averaging: Awaited<ReturnType<typeof averagingRuns>>) {
  const { maxTrapped, largest, smallest, trappedLoss, seedFit, controlRatio, seededRatio } = trap;
  const { pMax, distinctAt, gain } = averaging;
  const reflective = reflectiveCoordinateSubspaces(REFLECTIVE);
  const nonReflective = reflectiveCoordinateSubspaces(NON_REFLECTIVE);
  const averagingReflective = reflectiveCoordinateSubspaces(AVERAGING_TARGET);
  return [
    check("property.reflective", "Coordinate subspaces for which h1(z1) + h1(z1)h2(z2) is reflective (span(e2) among them)", reflective.length, [1, Infinity]),
    check("property.nonReflective", "Coordinate subspaces for which the control h1(z1) + h2(z1)h1(z2) is reflective", nonReflective.length, [0, 0]),
    check("trap.exact", "Reflective target from w_U = 0: largest RMS projection of w on S = span(e2) over every d and time (exactly 0: every gradient term along S carries w_S)", maxTrapped, [0, 1e-12]),
    check("trap.loss", `Reflective target from w_U = 0, d = ${largest.d}: final loss over the loss of its z2 part (no function of z1 alone fits it: >= 1; the z1 part is fitted: near 1)`, trappedLoss / Z2_PART_LOSS, [1, 1.1]),
    check("escape.control", `Control from w_U = 0: escape time (projection on S reaches ${ESCAPE_LEVEL}) at d = ${largest.d} over d = ${smallest.d} (escapes at every d, driven rather than seeded; drifts up slowly with d)`, controlRatio, [0.8, 1.5]),
    check("escape.seeded", `Reflective target from w ~ N(0, I/d): escape time at d = ${largest.d} over d = ${smallest.d} (grows like log d from a small offset; the seed's own signature is seed.exponent)`, seededRatio, [1.5, Infinity]),
    check("seed.exponent", `Reflective target from w ~ N(0, I/d): exponent of the projection on S at t = ${SEED_TIME} against d (-1/2: the seed amplified by a d-independent factor)`, seedFit.exponent.value, [-0.65, -0.35]),
    check("property.averagingTarget", "Coordinate subspaces for which the averaging target h1(z1) + h3(z1) is reflective", averagingReflective.length, [0, 0]),
    check("averaging.gain", `Stage-2 loss at p = 1 over the best p > 1 (one trajectory's two features cannot fit h1 + h3; p + 1 >= 3 averaged radii can: at least ${AVERAGING_GAIN})`, gain, [AVERAGING_GAIN, Infinity]),
    check("averaging.atoms", "Distinct neurons after one trajectory from w = 0 with a = ±1 (exactly two: the flow is deterministic given a)", distinctAt(1), [2, 2]),
    check("averaging.distinct", `Distinct neurons after averaging p = ${pMax} independent trajectories over p + 1 (at least the p + 1 sign counts)`, distinctAt(pMax) / (pMax + 1), [1, integerPower(2, pMax) / (pMax + 1)]),
  ];
}

/** Projection on S over time, escape time against d, and stage-2 loss against p. */
function reflectivePlots(n: number, trapRows: ChartRow[], perD: TrapPerD[], trap: ReturnType<typeof trapMeasures>, averaging: Awaited<ReturnType<typeof averagingRuns>>) {
  const { largest, smallest } = trap;
  const { dAvg, averagingRows, gain, bestP } = averaging;
  const trapPlotRows = trapRows.filter((r) => r.d === largest.d || r.d === smallest.d).map((r) => ({ ...r, curve: `${r.run}, d = ${r.d}`, value: Math.max(r.projectionS as number, 1e-4) }));
  const escapePlotRows: ChartRow[] = perD.flatMap((p) => [
    { d: p.d, time: escape(p.control), curve: "non-reflective, w_U = 0" },
    { d: p.d, time: escape(p.seeded), curve: "reflective, w ~ N(0, I/d)" },
  ]);
  return [
    {
      name: "projection-on-S",
      title: "Projection of the first layer on S = span(e2) during stage 1",
      caption: `RMS over N = ${n} neurons of <e2, w_i>, population GD, d = ${smallest.d} and ${largest.d}. From w_U = 0 the reflective target stays at exactly 0 (drawn at the 1e-4 floor) while the control escapes at the same time for both d; from w ~ N(0, I/d) the reflective target escapes later at larger d. Chen, Ge 2024, Theorem 3.3.`,
      spec: lineChart({
        title: "Projection on S (stage 1)",
        rows: trapPlotRows,
        x: { field: "time", title: "time t" },
        y: { field: "value", title: "RMS projection on S", log: true },
        series: { field: "curve", title: "run" },
      }),
    },
    {
      name: "escape-time",
      title: "Escape time against d",
      caption: `Time at which the projection on S reaches ${ESCAPE_LEVEL}: flat in d for the control, growing like log d for the reflective target seeded by w ~ N(0, I/d). The reflective target from w_U = 0 never escapes (not drawn).`,
      spec: lineChart({
        title: "Escape time",
        rows: escapePlotRows,
        x: { field: "d", title: "dimension d", log: true },
        y: { field: "time", title: "escape time" },
        series: { field: "curve", title: "run" },
      }),
    },
    {
      name: "averaging",
      title: "Stage-2 loss against the number p of averaged trajectories",
      caption: `Non-reflective target h1(z1) + h3(z1), d = ${dAvg}, stage 1 from w = 0 with a = ±1, stage 2 an exact ridge solve for a: one trajectory leaves two features sigma(r z1), too few for the target's three monomials; p averaged trajectories leave p + 1 radii or more, and the loss falls by ${gain.toExponential(1)}x at p = ${bestP}. Chen, Ge 2024, Section 4 (Algorithm 1's averaging).`,
      spec: lineChart({
        title: "Two-stage training",
        rows: averagingRows.map((r) => ({ p: r.p, loss: r.stage2Loss, curve: "stage-2 population loss" })),
        x: { field: "p", title: "trajectories averaged p", integer: true },
        y: { field: "loss", title: "population loss", log: true },
        series: { field: "curve", title: "" },
        points: true,
      }),
    },
  ];
}

async function run(context: ExperimentContext) {
  const sizes = SIZES[context.scale];
  const variant = context.variant;
  const activation = variant === VARIANTS.quadratic ? QUADRATIC : CUBIC;
  const trappedTerms = variant === VARIANTS.controlAsReflective ? NON_REFLECTIVE : REFLECTIVE;
  if (!reflectiveCoordinateSubspaces(REFLECTIVE).some((s) => s.length === 1 && s[0] === 1)) throw new Error("reflective-trap: the reflective target is not reflective for span(e2)");
  const { trapRows, perD } = await trapRuns(context, sizes, activation, trappedTerms);
  const trap = trapMeasures(context, perD);
  const averaging = await averagingRuns(context, sizes, activation);
  const { maxTrapped, trappedLoss, seedFit } = trap;
  const { averagingRows, gain, bestP } = averaging;
  return {
    checks: reflectiveChecks(trap, averaging),
    exponents: { seedExponent: seedFit.exponent },
    plots: reflectivePlots(sizes.width, trapRows, perD, trap, averaging),
    figures: {
      "reflective max projection on S (w_U = 0)": maxTrapped,
      "reflective final loss / z2-part loss": trappedLoss / Z2_PART_LOSS,
      ...Object.fromEntries(perD.map((p) => [`control escape time, d = ${p.d}`, escape(p.control)])),
      ...Object.fromEntries(perD.map((p) => [`seeded reflective escape time, d = ${p.d}`, escape(p.seeded)])),
      ...Object.fromEntries(averagingRows.map((r) => [`stage-2 loss, p = ${r.p}`, r.stage2Loss as number])),
      "averaging gain (p = 1 over best p > 1)": gain,
      "best p": bestP,
    },
  };
}

export const reflectiveTrap: Experiment = {
  id: "reflective-trap",
  papers: [{ ...CHEN_GE_2024, figure: "Theorem 3.3 (reflective property) and the two-stage strategy of Section 4" }],
  brokenVariants: [
    {
      name: VARIANTS.controlAsReflective,
      description: "The non-reflective control runs where the reflective target should: nothing holds its projection on S at 0, so the exact-trap checks must fail.",
      fails: ["trap.exact", "trap.loss"],
    },
    {
      name: VARIANTS.quadratic,
      description: "Activation t + t^2/2, of degree 2 below the target's 3: the degree-3 term is orthogonal to every gradient, so the control is stuck at w_S = 0 too and its escape check must fail.",
      fails: ["escape.control"],
    },
    {
      name: VARIANTS.gaussianInit,
      description: "The reflective trap run starts from w ~ N(0, I/d) instead of w_U = 0: the O(1/sqrt d) seed along S is unstable and the reflective target escapes at finite d, so the exact-trap checks must fail.",
      fails: ["trap.exact", "trap.loss"],
    },
    {
      name: VARIANTS.identical,
      description: "The p first-stage trajectories are not independent (the same draws of a for each): they coincide, their average is any one of them, averaging adds no distinct neuron and the stage-2 loss stays at p = 1's.",
      fails: ["averaging.distinct", "averaging.gain"],
    },
  ],
  title: "The reflective property traps the mean-field dynamics at w_S = 0; averaging p trajectories gives the features stage 2 needs",
  description:
    "Reflective target h1(z1) + h1(z1)h2(z2) against the non-reflective control h1(z1) + h2(z1)h1(z2) with a cubic activation, population GD from w_S = 0 over d: the reflective projection on S stays exactly 0, the control escapes at a time nearly flat in d; from w ~ N(0, I/d) the escape time grows like log d. Two-stage training from w = 0 with a = ±1 on h1(z1) + h3(z1): distinct features and stage-2 loss for p = 1 against p > 1 averaged trajectories.",
  run,
};
