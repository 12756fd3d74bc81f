// The relu part of saad-solla-plateau: the order-parameter ODEs hold for any activation (Goldt,
// Advani, Saxe, Krzakala, Zdeborová 2019, arXiv 1906.08632, who show relu committees beside
// erf ones). A K = M = 2 relu committee (second layer fixed at 1, η = 0.5, batch 1) is run by
// online SGD at one d beside its ODE from the same draw, to convergence (t = 220, loss ~1e-12).
// Near convergence the student fields are almost collinear with the teacher's and the relu
// averages must stay smooth there (src/ode/reluIntegrals.ts): the ODE's step-size control shows
// whether they do. Measured: the ODE's rejected steps, the decades its loss falls, and the late
// exponential decay rate of the loss of SGD against the ODE's (fitted on t in [140, 220]).

import type { ConfigInput } from "../config.js";
import { compareOdeWithNetwork } from "../ode/compare.js";
import { lineChart } from "../report/charts.js";
import { log } from "../special/portableMath.js";
import { check, type ExperimentCheck, type ExperimentContext, type ExperimentPlot } from "./experiment.js";
import { fitLine } from "./powerLaw.js";

const ETA = 0.5;
const HORIZON = 220;
/** The late-time window of the decay-rate fit, after both have specialized. */
const LATE = 140;

function reluConfig(d: number, seed: number): ConfigInput {
  return {
    name: `saad-solla-relu-d${d}-seed${seed}`,
    seed,
    task: { kind: "teacherNetwork", d, width: 2, activation: "relu" },
    model: {
      width: 2,
      activation: "relu",
      scaling: "committee",
      train: "first",
      init: { firstLayer: { kind: "gaussian", kappa: 0.1 }, secondLayer: { kind: "constant", value: 1 } },
    },
    algorithm: { kind: "onlineSgd", batch: 1, steps: HORIZON * d, stepSize: (ETA * 2) / d },
    metrics: { include: ["populationLoss"], schedule: { kind: "every", steps: 10 * d } },
  };
}

/** -d ln L / dt fitted on the records at t >= LATE. */
function lateRate(times: number[], losses: number[]): number {
  const idx = times.map((_, i) => i).filter((i) => times[i]! >= LATE);
  return -fitLine(idx.map((i) => times[i]!), idx.map((i) => log(losses[i]!))).slope.value;
}

/** SGD and the ODE for the relu committee at dimension d: checks, figures and the loss plot. */
export async function reluConvergence(ctx: ExperimentContext, d: number, roundedConditioning: boolean): Promise<{ checks: ExperimentCheck[]; figures: Record<string, number>; plot: ExperimentPlot }> {
  const config = reluConfig(d, ctx.seed);
  ctx.saveConfig(`relu-d${d}`, config, ["run", { command: "ode", options: ["--compare"] }]);
  const cmp = await compareOdeWithNetwork(config, { runtime: ctx.runtime, roundedReluConditioning: roundedConditioning });
  const times = cmp.records.map((r) => r.odeTime);
  const ode = cmp.records.map((r) => r.odeLoss);
  const sgd = cmp.records.map((r) => r.networkLoss ?? Number.NaN);
  const odeRate = lateRate(times, ode);
  const sgdRate = lateRate(times, sgd);
  const decades = log(ode[0]! / ode[ode.length - 1]!) / log(10);
  ctx.log(`relu K = M = 2, d = ${d}: ODE loss ${ode[ode.length - 1]!.toExponential(2)} at t = ${HORIZON} (${cmp.rejectedSteps} rejected steps), late decay rate SGD ${sgdRate.toFixed(4)} / ODE ${odeRate.toFixed(4)}`);
  const rows = times.flatMap((t, i) => [
    { t, loss: sgd[i]!, method: `SGD, d = ${d}` },
    { t, loss: ode[i]!, method: "ODE" },
  ]);
  ctx.saveTable("relu-trajectory", rows);
  const checks = [
    check("relu ODE rejected steps", `steps the ODE's error control rejected on t <= ${HORIZON}: the relu averages are smooth as the students become collinear with the teachers (0 expected; thousands when they jitter)`, cmp.rejectedSteps, [0, 10]),
    check("relu ODE loss decades", `log10 of the ODE's loss at t = 0 over t = ${HORIZON}: the realizable relu committee converges exponentially (10.8 decades at seed 1; a run stuck on a plateau or gone NaN stays below 8)`, decades, [8, 20]),
    check("relu late decay rate, SGD / ODE", `-d ln L/dt of SGD at d = ${d} over the ODE's, fitted on t in [${LATE}, ${HORIZON}]: the ODE predicts the convergence rate of finite-d SGD`, sgdRate / odeRate, [0.8, 1.2]),
  ];
  const plot: ExperimentPlot = {
    name: "relu-loss",
    title: "Relu committee: SGD and the ODE to convergence",
    caption: `K = M = 2 relu committee, η = ${ETA}, batch 1, SGD at d = ${d} (solid) beside the ODE from the same draw (dashed), to t = ${HORIZON}: both decay exponentially at the same late rate (SGD ${sgdRate.toFixed(3)}, ODE ${odeRate.toFixed(3)} per unit t). Goldt et al. (2019).`,
    spec: lineChart({
      title: "Population loss against t = steps / d (relu)",
      rows,
      x: { field: "t", title: "t = steps / d" },
      y: { field: "loss", title: "population loss", log: true },
      series: { field: "method", title: "" },
      dash: { field: "method", title: "", dashed: "ODE" },
    }),
  };
  return { checks, figures: { reluOdeRejectedSteps: cmp.rejectedSteps, reluLateRateSgd: sgdRate, reluLateRateOde: odeRate, reluOdeFinalLoss: ode[ode.length - 1]! }, plot };
}
