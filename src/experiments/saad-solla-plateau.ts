// Saad, Solla (1995): online SGD of a soft committee machine (K = 2 erf neurons, second layer fixed
// at 1) learning a teacher of M = 2 erf neurons with orthonormal weights, x ~ N(0, I_d), batch 1,
// learning rate η = 0.5 in their units. The student first settles on a plateau where its two
// neurons are interchangeable (the symmetric fixed point, loss ε*), and leaves it when the
// asymmetry of the initial draw, of size 1/sqrt(d), has grown: the plateau lasts longer at larger
// d. The order-parameter ODEs (src/ode/) describe the dynamics exactly as d -> infinity; here SGD
// at several d is run beside the ODE started from the same draw.
//
// Measured: the ODE-SGD gap of the order parameters before the escape, against d (fitted exponent,
// theory -1/2); the plateau loss of SGD against ε*; the final loss; the escape times of SGD
// against ln d (reported with its interval, not checked: at these sizes the seed-to-seed spread of
// the initial asymmetry is as large as the growth over the d range).

import type { ConfigInput } from "../config.js";
import { compareOdeWithNetwork } from "../ode/compare.js";
import { solveOde } from "../ode/solveOde.js";
import { lineChart } from "../report/charts.js";
import { check, type Experiment, type ExperimentContext, type ExperimentResult } from "./experiment.js";
import { meanInterval } from "./intervals.js";
import { GOLDT_2019, SAAD_SOLLA_1995 } from "./papers.js";
import { fitLine, fitPowerLaw } from "./powerLaw.js";
import { reluConvergence } from "./saadSollaRelu.js";
import { log, pow } from "../special/portableMath.js";

interface Sizes {
  dims: number[];
  seeds: number;
  /** ODE time of every run. */
  horizon: number;
  /** The gap is measured on t <= window, before any escape. */
  window: number;
  /** d of the relu committee run to convergence (saadSollaRelu.ts). */
  reluDimension: number;
}

const SIZES: Record<ExperimentContext["scale"], Sizes> = {
  test: { dims: [100, 200, 400], seeds: 2, horizon: 140, window: 15, reluDimension: 500 },
  quick: { dims: [100, 200, 400, 800, 1600], seeds: 3, horizon: 200, window: 15, reluDimension: 500 },
  paper: { dims: [125, 250, 500, 1000, 2000, 4000], seeds: 6, horizon: 250, window: 15, reluDimension: 2000 },
};

/** η in the ODE's units; the package's step is h = η K s^2 / d (committee scaling, s = 1). */
const ETA = 0.5;
const TEACHER = 2;

function runConfig(d: number, seed: number, width: number, horizon: number): ConfigInput {
  return {
    name: `saad-solla-d${d}-K${width}-seed${seed}`,
    seed,
    task: { kind: "teacherNetwork", d, width: TEACHER, activation: "erf" },
    model: {
      width,
      activation: "erf",
      scaling: "committee",
      train: "first",
      init: { firstLayer: { kind: "gaussian", kappa: 0.1 }, secondLayer: { kind: "constant", value: 1 } },
    },
    algorithm: { kind: "onlineSgd", batch: 1, steps: horizon * d, stepSize: (ETA * width) / d },
    metrics: { include: ["populationLoss"], schedule: { kind: "every", steps: Math.max(1, Math.round(d / 2)) } },
  };
}

/** The loss where ln L changes slowest in time on (from, to): geometric mean of the two records. */
function flattestLoss(times: number[], losses: number[], from: number, to: number): number {
  let best = Infinity;
  let loss = Number.NaN;
  for (let i = 0; i + 1 < times.length; i++) {
    if (times[i]! <= from || times[i + 1]! >= to) continue;
    const rate = Math.abs(log(losses[i + 1]! / losses[i]!)) / (times[i + 1]! - times[i]!);
    if (rate < best) {
      best = rate;
      loss = Math.sqrt(losses[i]! * losses[i + 1]!);
    }
  }
  return loss;
}

/** First ODE time at which the loss falls below half the plateau loss, or NaN. */
function escapeTime(times: number[], losses: number[], plateau: number): number {
  for (let i = 0; i < times.length; i++) if (times[i]! > 1 && losses[i]! < plateau / 2) return times[i]!;
  return Number.NaN;
}

/** The symmetric fixed point: the ODE from a draw made exactly symmetric (both neurons equal) never breaks the symmetry; its late loss is the plateau loss ε*. */
async function symmetricPlateau(ctx: ExperimentContext, size: Sizes, width: number, firstOrderOnly: boolean): Promise<number> {
  const d0 = size.dims[size.dims.length - 1]!;
  const symmetric = await solveOde(runConfig(d0, ctx.seed, width, size.horizon), { runtime: ctx.runtime, symmetrize: true, withoutSecondOrder: firstOrderOnly });
  const plateau = symmetric.records[symmetric.records.length - 1]!.populationLoss;
  ctx.log(`symmetric fixed point: loss ${plateau.toExponential(4)}`);
  return plateau;
}

/** One SGD run beside its ODE: a type alias, not an interface, so that it is a table row. */
type PlateauRun = {
  d: number;
  seed: number;
  gap: number;
  sgdEscape: number;
  odeEscape: number;
  plateauLoss: number;
  finalLoss: number;
};

/** SGD beside the ODE from the same draw, at every d and seed: the gap before the escape, the escape times and the losses. */
async function sgdAgainstOde(ctx: ExperimentContext, size: Sizes, width: number, firstOrderOnly: boolean, plateau: number) {
  const trajectories: Record<string, number | string>[] = [];
  const perRun: PlateauRun[] = [];
  for (const d of size.dims) {
    for (let s = 0; s < size.seeds; s++) {
      const seed = ctx.seed * 1000 + s;
      const config = runConfig(d, seed, width, size.horizon);
      if (s === 0) ctx.saveConfig(`sgd-d${d}`, config, ["run", { command: "ode", options: ["--compare"] }]);
      const cmp = await compareOdeWithNetwork(config, { runtime: ctx.runtime, withoutSecondOrder: firstOrderOnly });
      const times = cmp.records.map((r) => r.odeTime);
      const sgd = cmp.records.map((r) => r.networkLoss ?? Number.NaN);
      const ode = cmp.records.map((r) => r.odeLoss);
      const gap = Math.max(...cmp.records.filter((r) => r.odeTime <= size.window).map((r) => r.overlapGap));
      // The plateau loss of SGD: its loss where it changes slowest (smallest |d ln L / dt|) between
      // the gap window and the escape, wherever the ODE puts the fixed point.
      const sgdEscape = escapeTime(times, sgd, plateau);
      const plateauLoss = flattestLoss(times, sgd, size.window, Number.isFinite(sgdEscape) ? sgdEscape : Infinity);
      perRun.push({ d, seed, gap, sgdEscape, odeEscape: escapeTime(times, ode, plateau), plateauLoss, finalLoss: sgd[sgd.length - 1]! });
      if (s === 0) {
        for (let i = 0; i < times.length; i++) {
          trajectories.push({ d, dimension: `d = ${d}`, t: times[i]!, loss: sgd[i]!, method: "SGD" });
          trajectories.push({ d, dimension: `d = ${d}`, t: times[i]!, loss: ode[i]!, method: "ODE" });
        }
      }
      ctx.log(`d = ${d}, seed ${seed}: gap (t <= ${size.window}) ${gap.toExponential(2)}, escape SGD ${sgdEscape.toFixed(1)} / ODE ${perRun[perRun.length - 1]!.odeEscape.toFixed(1)}`);
    }
  }
  ctx.saveTable("runs", perRun);
  ctx.saveTable("trajectories", trajectories);
  return { perRun, trajectories };
}

/** Per-d means with 95% intervals, the gap's power law in d, the escape slope in ln d, and the checks. */
function plateauChecks(ctx: ExperimentContext, size: Sizes, perRun: PlateauRun[], plateau: number) {
  const d0 = size.dims[size.dims.length - 1]!;
  const byD = size.dims.map((d) => {
    const runs = perRun.filter((r) => r.d === d);
    return {
      d,
      gap: meanInterval(runs.map((r) => r.gap)),
      sgdEscape: meanInterval(runs.map((r) => r.sgdEscape)),
      odeEscape: meanInterval(runs.map((r) => r.odeEscape)),
    };
  });
  ctx.saveTable(
    "by-dimension",
    byD.map((p) => ({ d: p.d, gapMean: p.gap.mean, gapLower: p.gap.lower, gapUpper: p.gap.upper, sgdEscapeMean: p.sgdEscape.mean, odeEscapeMean: p.odeEscape.mean })),
  );
  const gapFit = fitPowerLaw(byD.map((p) => p.d), byD.map((p) => p.gap.mean));
  const largest = perRun.filter((r) => r.d === d0);
  const plateauRatio = meanInterval(largest.map((r) => r.plateauLoss / plateau)).mean;
  const escapes = perRun.filter((r) => Number.isFinite(r.sgdEscape));
  const finalRatio = Math.max(...perRun.map((r) => r.finalLoss)) / plateau;
  // Escape time against log d: t_esc = a + b ln d over all runs.
  const escapeFit = escapes.length >= 3 ? fitLine(escapes.map((r) => log(r.d)), escapes.map((r) => r.sgdEscape)).slope : null;
  const checks = [
    check("gap exponent", "ODE-SGD gap of (Q, R) before the escape against d: slope of log gap on log d (theory -1/2: the ODE is exact as d -> infinity)", gapFit.exponent.value, [-0.8, -0.3]),
    check("SGD plateau / symmetric fixed point", `SGD at d = ${d0}: its loss where it changes slowest before the escape, over the ODE's symmetric fixed point ε* (1 when SGD sits on the plateau the ODE predicts)`, plateauRatio, [0.9, 1.1]),
    check("runs that escape the plateau", "fraction of SGD runs whose loss falls below ε*/2 within the horizon", escapes.length / perRun.length, [1, 1]),
    check("final loss / plateau loss", `largest SGD loss at t = ${size.horizon} over ε*: specialization drives it far below the plateau`, finalRatio, [0, 1e-2]),
  ];
  return { byD, gapFit, escapeFit, checks };
}

async function run(ctx: ExperimentContext): Promise<ExperimentResult> {
  const size = SIZES[ctx.scale];
  const width = ctx.variant === "student-too-small" ? 1 : 2;
  const firstOrderOnly = ctx.variant === "first-order-ode";
  const d0 = size.dims[size.dims.length - 1]!;
  const plateau = await symmetricPlateau(ctx, size, width, firstOrderOnly);
  const { perRun, trajectories } = await sgdAgainstOde(ctx, size, width, firstOrderOnly, plateau);
  const { byD, gapFit, escapeFit, checks } = plateauChecks(ctx, size, perRun, plateau);
  const relu = await reluConvergence(ctx, size.reluDimension, ctx.variant === "rounded-relu-conditioning");
  const gapRows = byD.map((p) => ({ d: p.d, gap: p.gap.mean, lower: p.gap.lower, upper: p.gap.upper, series: "measured (mean, 95% interval)" }));
  const fitRows = byD.map((p) => ({ d: p.d, gap: gapFit.prefactor * pow(p.d, gapFit.exponent.value), lower: null, upper: null, series: `fit: d^${gapFit.exponent.value.toFixed(2)}` }));
  return {
    checks: [...checks, ...relu.checks],
    exponents: { gapExponent: gapFit.exponent },
    figures: {
      ...relu.figures,
      plateauLoss: plateau,
      largestDimension: d0,
      ...(escapeFit ? { escapeTimeSlopeInLogD: escapeFit.value, escapeTimeSlopeLower95: escapeFit.ci95[0], escapeTimeSlopeUpper95: escapeFit.ci95[1] } : {}),
    },
    plots: [
      {
        name: "loss",
        title: "Loss of SGD and of the order-parameter ODE from the same draw",
        caption: `K = ${width}, M = 2 erf committee, η = ${ETA}, batch 1. Solid: online SGD at d; dashed: the ODE started from the same initial overlaps. Both sit on the symmetric plateau (loss ${plateau.toPrecision(3)}) until the asymmetry of the initial draw (of size 1/sqrt(d)) has grown, then specialize. Saad, Solla (1995).`,
        spec: lineChart({
          title: "Population loss against t = steps / d",
          rows: trajectories,
          x: { field: "t", title: "t = steps / d" },
          y: { field: "loss", title: "population loss", log: true },
          series: { field: "dimension", title: "input dimension" },
          dash: { field: "method", title: "", dashed: "ODE" },
        }),
      },
      {
        name: "gap",
        title: "ODE-SGD gap against d",
        caption: `Largest |Q - Q_ode|, |R - R_ode| on t <= ${size.window}, mean over ${size.seeds} seeds with 95% intervals, and the fitted power law (theory d^-1/2). Goldt et al. (2019).`,
        spec: lineChart({
          title: "Gap of the order parameters against d",
          rows: [...gapRows, ...fitRows],
          x: { field: "d", title: "input dimension d", log: true },
          y: { field: "gap", title: "max overlap gap", log: true },
          series: { field: "series", title: "" },
          band: { lower: "lower", upper: "upper" },
          points: true,
        }),
      },
      relu.plot,
    ],
  };
}

export const saadSollaPlateau: Experiment = {
  id: "saad-solla-plateau",
  papers: [{ ...SAAD_SOLLA_1995, figure: "the symmetric plateau and its escape by specialization in the realizable case K = M (here K = M = 2)" }, { ...GOLDT_2019, figure: "the order-parameter ODEs of online SGD at fixed width against simulations" }],
  title: "The specialization plateau of a soft committee machine, SGD against the order-parameter ODEs",
  description:
    "Online SGD of a K = 2 erf committee on an M = 2 erf teacher at d = 100 ... 4000 beside the high-dimensional ODEs from the same draw: the symmetric plateau, its escape later at larger d, and the ODE-SGD gap falling like d^(-1/2); and a K = M = 2 relu committee run to convergence, SGD beside the ODE.",
  brokenVariants: [
    {
      name: "first-order-ode",
      description: "The ODE without its η² term (the self-overlap of the SGD steps): it no longer describes SGD at η = 0.5, so the gap stops shrinking with d.",
      fails: ["gap exponent", "SGD plateau / symmetric fixed point"],
    },
    {
      name: "student-too-small",
      description: "A student of K = 1 neuron for the M = 2 teacher: there is no symmetric plateau to leave and the loss cannot reach zero.",
      fails: ["runs that escape the plateau", "final loss / plateau loss"],
    },
    {
      name: "rounded-relu-conditioning",
      description:
        "The relu averages with their conditional covariances in double arithmetic (the earlier code): as the students become collinear with the teachers these jitter by ~1e-16 / (1 - ρ), and the ODE's step-size control rejects step after step.",
      fails: ["relu ODE rejected steps", "relu late decay rate, SGD / ODE"],
    },
  ],
  run,
};
