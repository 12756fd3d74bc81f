// Seed 001 (lecture notes, NTK vs mean-field scaling): one task trained under NTK scaling (1/sqrt N,
// plain gradient) and mean-field scaling (1/N, velocity -N grad) at widths from 10^2 to 10^4. Under
// NTK scaling the weights move by O(N^{-1/2}) relative to their initial size and the network stays
// on its linearization f_0 + J_0 (theta - theta_0) (lazy training); under mean-field scaling the
// relative movement stays of order one whatever N.

import { parseConfig, type ConfigInput } from "../config.js";
import { logLogSlope } from "../pde/compare.js";
import type { TableRow } from "../report/csv.js";
import { category, plotSpec, quantity } from "../report/plotSpecs.js";
import { simulate } from "../run/simulate.js";
import { check, type Experiment, type ExperimentContext, type ExperimentResult } from "./experiment.js";
import { CHIZAT_OYALLON_BACH_2019 } from "./papers.js";

const SIZES = {
  test: { d: 10, widths: [50, 200, 800], steps: 100, testSamples: 1000, points: 12 },
  // Test losses of the widest networks cost as much as their training: few points, few samples.
  quick: { d: 20, widths: [100, 300, 1000, 3000, 10000], steps: 200, testSamples: 1000, points: 12 },
  paper: { d: 20, widths: [100, 300, 1000, 3000, 10000, 30000], steps: 500, testSamples: 10000, points: 25 },
};

type Scaling = "ntk" | "meanfield";

function config(seed: number, d: number, width: number, scaling: Scaling, linearize: boolean, size: { steps: number; testSamples: number; points: number }): ConfigInput {
  const { steps, testSamples, points } = size;
  return {
    name: `${scaling}-N${width}${linearize ? "-linearized" : ""}`,
    seed,
    task: { kind: "gaussianSingleIndex", d, link: "tanh" },
    model: {
      width,
      activation: "relu",
      scaling,
      // w_i ~ N(0, I_d): kappa = sqrt(d), so pre-activations are O(1) like the NTK papers' init.
      init: { firstLayer: { kind: "gaussian", kappa: Math.sqrt(d) }, secondLayer: { kind: "gaussian", std: 1 } },
    },
    algorithm: { kind: "onlineSgd", batch: 128, steps, stepSize: 0.2, linearize },
    metrics: { include: ["testLoss", "movement"], schedule: { kind: "logSpaced", points }, testSamples },
  };
}

async function run(ctx: ExperimentContext): Promise<ExperimentResult> {
  const size = SIZES[ctx.scale];
  const movementRows: TableRow[] = [];
  const lossRows: TableRow[] = [];
  // Relative final loss gap network vs linearization, by width: every width under NTK scaling, where
  // it is a check; the narrowest and widest under mean-field scaling, which the plot shows.
  const gaps: Record<Scaling, Map<number, number>> = { ntk: new Map(), meanfield: new Map() };
  const extremes = new Set([size.widths[0]!, size.widths[size.widths.length - 1]!]);
  const movement: Record<Scaling, number[]> = { ntk: [], meanfield: [] };
  for (const scaling of ["ntk", "meanfield"] as const) {
    for (const width of size.widths) {
      const finals: number[] = [];
      for (const linearize of scaling === "ntk" || extremes.has(width) ? [false, true] : [false]) {
        const c = parseConfig(config(ctx.seed, size.d, width, scaling, linearize, size));
        ctx.saveConfig(c.name, c);
        const sim = await simulate(c, { runtime: ctx.runtime });
        const model = linearize ? "linearized" : "network";
        ctx.log(`${c.name}: test loss ${(sim.summary.final!.testLoss as number).toFixed(4)}, ${sim.summary.wallSeconds.toFixed(1)} s`);
        for (const r of sim.records) {
          lossRows.push({ scaling, width, model, step: r.step, time: r.time, testLoss: r.testLoss as number, testLossSE: r.testLossSE as number, movement: r.movement as number });
        }
        const last = sim.summary.final!;
        finals.push(last.testLoss as number);
        if (!linearize) {
          movement[scaling].push(last.movement as number);
          movementRows.push({ scaling, width, movement: last.movement as number, movementW: last.movementW as number, movementA: last.movementA as number });
        }
      }
      if (finals.length === 2) gaps[scaling].set(width, Math.abs(finals[0]! - finals[1]!) / finals[0]!);
    }
  }
  ctx.saveTable("movement", movementRows);
  ctx.saveTable("loss", lossRows);
  const gapRows = (["ntk", "meanfield"] as const).flatMap((scaling) => [...gaps[scaling]].map(([width, relativeLossGap]) => ({ scaling, width, relativeLossGap })));
  ctx.saveTable("linearization-gap", gapRows);

  const ntkSlope = logLogSlope(size.widths, movement.ntk);
  const mfSlope = logLogSlope(size.widths, movement.meanfield);
  const last = size.widths.length - 1;
  const nMax = size.widths[last]!;
  const checks = [
    check("NTK movement slope", "slope of log(relative movement) against log N under NTK scaling (lazy: -1/2)", ntkSlope, [-0.65, -0.35]),
    check("mean-field movement slope", "the same slope under mean-field scaling (flat: 0)", mfSlope, [-0.15, 0.15]),
    check("NTK stays linear", `|L_network - L_linearized| / L_network at N = ${nMax} under NTK scaling`, gaps.ntk.get(nMax)!, [0, 0.05]),
    check("NTK linearization improves with N", `the same gap at N = ${nMax} over the gap at N = ${size.widths[0]}`, gaps.ntk.get(nMax)! / gaps.ntk.get(size.widths[0]!)!, [0, 0.5]),
    check("mean-field moves more", `relative movement under mean-field over NTK scaling at N = ${nMax}`, movement.meanfield[last]! / movement.ntk[last]!, [5, Infinity]),
  ];
  const reference = [size.widths[0]!, nMax].map((width) => ({ width, movement: movement.ntk[0]! * Math.sqrt(size.widths[0]! / width), scaling: "N^(-1/2)" }));
  const plots = [
    {
      name: "movement",
      title: "Relative weight movement against width",
      caption: `||theta_T - theta_0|| / ||theta_0|| after ${size.steps} online SGD steps (t = ${size.steps * 0.2}) on y = tanh(<q*, x>), d = ${size.d}. Fitted slopes: NTK ${ntkSlope.toFixed(3)}, mean-field ${mfSlope.toFixed(3)}; dashed: N^(-1/2).`,
      spec: plotSpec({
        title: "Movement vs N (log-log)",
        values: movementRows,
        layers: [
          { mark: "line", markProperties: { point: true }, encoding: { x: quantity("width", "width N", { log: true }), y: quantity("movement", "relative movement", { log: true }), color: category("scaling", "scaling") } },
          { mark: "line", values: reference, markProperties: { strokeDash: [5, 4], color: "gray" }, encoding: { x: quantity("width", "width N", { log: true }), y: quantity("movement", "relative movement", { log: true }) } },
        ],
      }),
    },
    {
      name: "linearized-loss",
      title: "The network against its linearization",
      caption: `Test loss of the network (solid) and of f_0 + J_0 (theta - theta_0) trained the same way (dashed), at N = ${size.widths[0]} and N = ${nMax}. Relative final gaps under NTK scaling: ${[...gaps.ntk.values()].map((g) => g.toExponential(1)).join(", ")} for N = ${size.widths.join(", ")}.`,
      spec: {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        title: "Test loss: network vs linearized model",
        background: "white",
        data: { values: lossRows.filter((r) => extremes.has(r.width as number) && (r.time as number) > 0) },
        facet: { column: { field: "scaling", type: "nominal", title: "scaling" } },
        spec: {
          width: 300,
          height: 220,
          mark: { type: "line" },
          encoding: {
            x: quantity("time", "time t", { log: true }),
            y: quantity("testLoss", "test loss", { log: true }),
            color: { field: "width", type: "nominal", title: "N" },
            strokeDash: { ...category("model", "model"), scale: { domain: ["network", "linearized"] } },
          },
        },
        resolve: { scale: { y: "independent" } },
      },
    },
  ];
  return {
    checks,
    plots,
    figures: {
      "NTK movement slope": ntkSlope,
      "mean-field movement slope": mfSlope,
      ...Object.fromEntries([...gaps.ntk].map(([w, g]) => [`NTK linearization gap, N = ${w}`, g])),
      ...Object.fromEntries([...gaps.meanfield].map(([w, g]) => [`mean-field linearization gap, N = ${w}`, g])),
    },
  };
}

export const lazyVsMeanfield: Experiment = {
  id: "lazy-vs-meanfield",
  papers: [CHIZAT_OYALLON_BACH_2019],
  brokenVariants: [],
  title: "Lazy (NTK) against mean-field scaling",
  description: "One task under NTK and mean-field scaling for N from 10^2 to 10^4: relative weight movement vs N (slope -1/2 vs flat) and the linearized model's loss against the network's.",
  run,
};
