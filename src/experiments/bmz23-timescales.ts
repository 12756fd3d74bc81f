// Seed 001 (lecture notes on Berthier–Montanari–Zhou 2023): a ReLU network trained by online SGD
// under mean-field scaling on the Gaussian single-index target y = He0 - He1 + 2/3 He2 (<q*, x>).
// The loss falls in a drop, sits on a plateau and then falls again on a longer time scale, because
// the network learns the Hermite components of the link one degree at a time: the constant and
// linear parts first, the quadratic part an order of magnitude later. The time axis is logarithmic.
// The network is compared with its mean-field limit (reduced particles, src/pde/reducedRun.ts) on
// the times at which each component is learned and on the height of the plateau.

import { parseConfig, type ConfigInput } from "../config.js";
import type { TableRow } from "../report/csv.js";
import { category, plotSpec, quantity } from "../report/plotSpecs.js";
import { solveReducedParticles } from "../pde/reducedRun.js";
import { simulate } from "../run/simulate.js";
import { check, type Experiment, type ExperimentContext, type ExperimentResult } from "./experiment.js";
import { BERTHIER_MONTANARI_ZHOU_2023 } from "./papers.js";
import { exp, log, pow } from "../special/portableMath.js";

const QUARTER_OCTAVE = pow(2, 0.25);

const SIZES = {
  test: { d: 30, width: 256, batch: 128, stepSize: 0.1, steps: 1500 },
  quick: { d: 50, width: 512, batch: 128, stepSize: 0.1, steps: 1500 },
  paper: { d: 100, width: 1024, batch: 256, stepSize: 0.02, steps: 15000 },
};
/** A component counts as learned when |D_k| first falls to this fraction of its initial value. */
const LEARNED = 0.1;
const DEGREES = [0, 1, 2];

/**
 * First time |D_k| reaches LEARNED |D_k(0)|, linear in log t between records (Infinity if never).
 * First passage, not "stays below": SGD noise keeps a learned residual fluctuating around the level.
 */
function learnedAt(times: number[], residuals: number[]): number {
  const level = LEARNED * Math.abs(residuals[0]!);
  const j = residuals.findIndex((r) => Math.abs(r) <= level);
  if (j < 0) return Infinity;
  if (j === 0 || times[j - 1]! <= 0) return times[j]!;
  const [r0, r1] = [Math.abs(residuals[j - 1]!), Math.abs(residuals[j]!)];
  const w = (r0 - level) / (r0 - r1);
  return exp((1 - w) * log(times[j - 1]!) + w * log(times[j]!));
}

/** Loss at time t, linear in log t between records. */
function lossAt(times: number[], losses: number[], t: number): number {
  const j = times.findIndex((s) => s >= t);
  if (j <= 0) return j === 0 ? losses[0]! : losses[losses.length - 1]!;
  const w = (log(t) - log(times[j - 1]!)) / (log(times[j]!) - log(times[j - 1]!));
  return exp((1 - w) * log(losses[j - 1]!) + w * log(losses[j]!));
}

async function run(ctx: ExperimentContext): Promise<ExperimentResult> {
  const size = SIZES[ctx.scale];
  const input: ConfigInput = {
    name: "bmz23-timescales",
    seed: ctx.seed,
    task: { kind: "gaussianSingleIndex", d: size.d, link: "bmz23" },
    model: { width: size.width, activation: "relu", init: { firstLayer: { kind: "sphere" }, secondLayer: { kind: "gaussian", std: 1 } } },
    algorithm: { kind: "onlineSgd", batch: size.batch, steps: size.steps, stepSize: size.stepSize },
    metrics: { include: ["populationLoss", "components"], schedule: { kind: "logSpaced", points: 60 }, degrees: 2 },
  };
  const config = parseConfig(input);
  ctx.saveConfig(config.name, config);
  const sim = await simulate(config, { runtime: ctx.runtime });
  ctx.log(`online SGD: N = ${size.width}, d = ${size.d}, ${size.steps} steps, ${sim.summary.wallSeconds.toFixed(1)} s`);
  // The mean-field limit of the same config (reduced particles (a, <w, q*>, |w_perp|), no d in the
  // dynamics), with as many particles as neurons, at the same record times.
  const limit = await solveReducedParticles(config, { runtime: ctx.runtime, particles: size.width });
  ctx.log(`mean-field limit (reduced particles, M = ${size.width}): ${limit.summary.wallSeconds.toFixed(1)} s`);
  const limitLoss = new Map(limit.records.map((r) => [r.step, r.loss]));
  const records = sim.records.filter((r) => r.time > 0);
  const times = records.map((r) => r.time);
  const losses = records.map((r) => r.populationLoss as number);
  const table: TableRow[] = sim.records.map((r) => {
    const c = r.components as number[];
    const d = r.residuals as number[];
    return { step: r.step, time: r.time, populationLoss: r.populationLoss as number, limitLoss: limitLoss.get(r.step) ?? null, f0: c[0]!, f1: c[1]!, f2: c[2]!, D0: d[0]!, D1: d[1]!, D2: d[2]! };
  });
  ctx.saveTable("trajectory", table);
  const initial = sim.records[0]!.residuals as number[];
  const learned = DEGREES.map((k) => learnedAt([0, ...times], [initial[k]!, ...records.map((r) => (r.residuals as number[])[k]!)]));
  const fast = Math.max(learned[0]!, learned[1]!);
  const limitRecords = limit.records.filter((r) => r.time > 0);
  const limitTimes = limitRecords.map((r) => r.time);
  const limitLosses = limitRecords.map((r) => r.loss);
  const targets = DEGREES.map((k) => (sim.records[0]!.components as number[])[k]! - (sim.records[0]!.residuals as number[])[k]!);
  const limitLearned = DEGREES.map((k) =>
    learnedAt([0, ...limitTimes], [limit.records[0]!.coefficients[k]! - targets[k]!, ...limitRecords.map((r) => r.coefficients[k]! - targets[k]!)]),
  );
  const limitFast = Math.max(limitLearned[0]!, limitLearned[1]!);
  const limitSlow = limitLearned[2]!;
  const slow = learned[2]!;
  const l0 = sim.records[0]!.populationLoss as number;
  const afterDrop = lossAt(times, losses, fast);
  // Rate of decrease per doubling of time, -log2 (L(2t) / L(t)): large in a drop, small on a plateau.
  const rate = (t: number) => log(lossAt(times, losses, t) / lossAt(times, losses, 2 * t)) / Math.LN2;
  const dropRate = rate(fast / 2);
  let plateauRate = Infinity;
  for (let t = fast; 2 * t <= Math.min(slow, times[times.length - 1]!); t *= QUARTER_OCTAVE) plateauRate = Math.min(plateauRate, rate(t));
  const final = losses[losses.length - 1]!;
  const checks = [
    check("first drop", `loss when He0 and He1 are learned (|D_k| <= ${LEARNED} |D_k(0)|) over the initial loss`, afterDrop / l0, [0, 0.15]),
    check("plateau", "slowest decrease of the loss (per doubling of t) between the two learning times, over its decrease in the first drop", plateauRate / dropRate, [0, 0.3]),
    check("time-scale separation", "time He2 is learned over the time He0 and He1 are learned", slow / fast, [5, Infinity]),
    check("second drop", "final loss over the loss right after the first drop", final / afterDrop, [0, 0.3]),
    // Compared in time rather than loss: in a drop a small shift in time (finite N, SGD noise) is a large change in loss.
    check("He0, He1 on the limit's time", "time the network learns He0 and He1 over the time its mean-field limit does", fast / limitFast, [0.8, 1.25]),
    check("He2 on the limit's time", "time the network learns He2 over the time its mean-field limit does", slow / limitSlow, [0.67, 1.5]),
    check("plateau height", "network loss over the mean-field limit's on the plateau (3x the first learning time)", lossAt(times, losses, 3 * fast) / lossAt(limitTimes, limitLosses, 3 * fast), [0.8, 1.25]),
  ];
  const rules: TableRow[] = [
    { time: fast, event: "He0, He1 learned" },
    ...(Number.isFinite(slow) ? [{ time: slow, event: "He2 learned" }] : []),
  ];
  const componentRows = records.flatMap((r) =>
    DEGREES.map((k) => ({ time: r.time, component: `He${k}`, value: (r.components as number[])[k]!, target: (r.components as number[])[k]! - (r.residuals as number[])[k]! })),
  );
  const target = DEGREES.map((k) => ({ component: `He${k}`, target: (sim.records[0]!.components as number[])[k]! - initial[k]! }));
  const ruleLayers = [
    { mark: "rule" as const, values: rules, markProperties: { strokeDash: [4, 3], color: "gray" }, encoding: { x: quantity("time", "time t (log)", { log: true }) } },
    { mark: "text" as const, values: rules, markProperties: { angle: 270, align: "right", dx: -4, dy: -4, fontSize: 10, color: "gray" }, encoding: { x: quantity("time", "time t (log)", { log: true }), y: { value: 0 }, text: { field: "event" } } },
  ];
  return {
    checks,
    plots: [
      {
        name: "loss",
        title: "Loss: a drop, a plateau and a slower drop",
        caption: `Exact population loss of a mean-field ReLU network (N = ${size.width}, d = ${size.d}) trained by online SGD (batch ${size.batch}, step ${size.stepSize}) on y = He0 - He1 + 2/3 He2 (<q*, x>) (points), and of its mean-field limit by reduced particles (line). Rules: times at which the components are learned to ${LEARNED * 100}%.`,
        spec: plotSpec({
          title: "Population loss (log-log)",
          values: table
            .filter((r) => (r.time as number) > 0)
            .flatMap((r) => [
              { time: r.time, loss: r.populationLoss, source: "network (SGD)" },
              { time: r.time, loss: r.limitLoss, source: "mean-field limit" },
            ]),
          layers: [
            { mark: "line", filter: "datum.source === 'mean-field limit'", encoding: { x: quantity("time", "time t (log)", { log: true }), y: quantity("loss", "loss", { log: true }), color: category("source", "") } },
            { mark: "point", filter: "datum.source === 'network (SGD)'", encoding: { x: quantity("time", "time t (log)", { log: true }), y: quantity("loss", "loss", { log: true }), color: category("source", "") } },
            ...ruleLayers,
          ],
        }),
      },
      {
        name: "components",
        title: "Hermite components learned one by one",
        caption: "The components f_k = E[f(x) h_k(<q*, x>)] of the network (normalized Hermite h_k) against their targets (dashed): the constant and linear parts settle first, the quadratic part an order of magnitude later.",
        spec: plotSpec({
          title: "Components f_k(t)",
          values: componentRows,
          layers: [
            { mark: "line", encoding: { x: quantity("time", "time t (log)", { log: true }), y: quantity("value", "f_k"), color: category("component", "component") } },
            { mark: "rule", values: target, markProperties: { strokeDash: [6, 4] }, encoding: { y: quantity("target", "f_k"), color: category("component", "component") } },
            ...ruleLayers,
          ],
        }),
      },
    ],
    figures: {
      "He0 learned (t)": learned[0]!,
      "He1 learned (t)": learned[1]!,
      "He2 learned (t)": learned[2]!,
      "He0, He1 learned by the mean-field limit (t)": limitFast,
      "He2 learned by the mean-field limit (t)": limitSlow,
      "initial loss": l0,
      "loss after the first drop": afterDrop,
      "final loss": final,
      "loss decrease per doubling of t, first drop": dropRate,
      "loss decrease per doubling of t, plateau": plateauRate,
      "SGD seconds": sim.summary.wallSeconds,
      "mean-field limit seconds": limit.summary.wallSeconds,
    },
  };
}

export const bmz23Timescales: Experiment = {
  id: "bmz23-timescales",
  papers: [{ ...BERTHIER_MONTANARI_ZHOU_2023, figure: "Figure 2" }],
  brokenVariants: [],
  title: "Learning time scales (BMZ23): Hermite components learned one by one",
  description: "A ReLU network learning y = He0 - He1 + 2/3 He2 by online SGD: the loss drops, plateaus and drops again as the Hermite components are learned one degree at a time (log time axis).",
  run,
};
