// Seed 001 (propagation of chaos): N particles trained by projected population GD against the
// mean-field PDE of the same config (seed 000's sphere setting, where the PDE is one-dimensional
// and solved to high accuracy). The Wasserstein-1 distance between the particles' law of
// w = <q*, u> and the PDE density decays like N^{-1/2}; the fitted slope of log W1 against log N is
// the check, averaged over independent seeds per width.

import { parseConfig } from "../config.js";
import { logLogSlope, sweepWidths } from "../pde/compare.js";
import type { TableRow } from "../report/csv.js";
import { category, plotSpec, quantity } from "../report/plotSpecs.js";
import { check, type Experiment, type ExperimentContext, type ExperimentResult } from "./experiment.js";
import { sphereQuarticConfig } from "./sphereQuartic.js";
import { MEI_MONTANARI_NGUYEN_2018 } from "./papers.js";
import { exp, log } from "../special/portableMath.js";

const SIZES = {
  test: { d: 16, widths: [50, 200, 800], seeds: 4, steps: 20 },
  quick: { d: 16, widths: [100, 300, 1000, 3000], seeds: 3, steps: 40 },
  paper: { d: 16, widths: [100, 300, 1000, 3000, 10000], seeds: 8, steps: 80 },
};
const STEP_SIZE = 0.05;

async function run(ctx: ExperimentContext): Promise<ExperimentResult> {
  const size = SIZES[ctx.scale];
  const base = parseConfig(
    sphereQuarticConfig({ name: "chaos", seed: ctx.seed, d: size.d, width: size.widths[0]!, steps: size.steps, stepSize: STEP_SIZE, every: size.steps / 4 }),
  );
  ctx.saveConfig("base", base);
  const sweep = await sweepWidths(base, size.widths, {
    runtime: ctx.runtime,
    seeds: size.seeds,
    cells: 4096,
    onPoint: (p) => ctx.log(`N = ${p.width}: W1 ${p.w1.toExponential(3)} (mean over t ${p.meanW1.toExponential(3)}), loss gap ${p.lossGap.toExponential(2)}, ${p.wallSeconds.toFixed(1)} s`),
  });
  const rows: TableRow[] = sweep.points.map((p) => ({ width: p.width, w1: p.w1, meanW1: p.meanW1, lossGap: p.lossGap, seeds: p.seeds, wallSeconds: p.wallSeconds }));
  ctx.saveTable("sweep", rows);
  const { slope } = sweep;
  // The fitted line through the geometric means, for the plot.
  const n = sweep.points.length;
  const meanLogN = sweep.points.reduce((s, p) => s + log(p.width), 0) / n;
  const meanLogW = sweep.points.reduce((s, p) => s + log(p.w1), 0) / n;
  const ends = [size.widths[0]!, size.widths[n - 1]!];
  const lines: TableRow[] = [
    ...ends.map((width) => ({ width, w1: exp(meanLogW + slope * (log(width) - meanLogN)), line: `fit, slope ${slope.toFixed(2)}` })),
    ...ends.map((width) => ({ width, w1: exp(meanLogW - 0.5 * (log(width) - meanLogN)), line: "slope -1/2" })),
  ];
  const first = sweep.points[0]!;
  const last = sweep.points[n - 1]!;
  const checks = [
    check("W1 slope", "least-squares slope of log W1 (last time) against log N; propagation of chaos: -1/2", slope, [-0.7, -0.3]),
    check("mean W1 slope", "the same slope for W1 averaged over the logged times t > 0", logLogSlope(sweep.points.map((p) => p.width), sweep.points.map((p) => p.meanW1)), [-0.7, -0.3]),
    check("W1 shrinks", `W1 at N = ${last.width} over W1 at N = ${first.width}`, last.w1 / first.w1, [0, 0.5]),
  ];
  return {
    checks,
    plots: [
      {
        name: "w1-vs-n",
        title: "Particles against the PDE: W1 distance vs N",
        caption: `W1 between the law of w = <q*, u> of N particles (projected population GD, d = ${size.d}, t = ${size.steps * STEP_SIZE}) and the PDE density, averaged over ${size.seeds} seeds per N. Fitted slope ${slope.toFixed(3)}.`,
        spec: plotSpec({
          title: "W1 vs N (log-log)",
          values: rows,
          layers: [
            { mark: "point", encoding: { x: quantity("width", "width N", { log: true }), y: quantity("w1", "W1 at the last time", { log: true }) }, markProperties: { size: 60 } },
            { mark: "line", values: lines, encoding: { x: quantity("width", "width N", { log: true }), y: quantity("w1", "W1 at the last time", { log: true }), strokeDash: category("line", "") }, markProperties: { color: "gray" } },
          ],
        }),
      },
      {
        name: "loss-gap",
        title: "Loss gap vs N",
        caption: "|network loss - PDE loss| at the last time, averaged over seeds: the finite-N fluctuation of the loss (plus the O(h) gap of Euler steps).",
        spec: plotSpec({
          title: "Loss gap vs N (log-log)",
          values: rows.map((r) => ({ ...r, absGap: Math.abs(r.lossGap as number) })),
          layers: [{ mark: "line", markProperties: { point: true }, encoding: { x: quantity("width", "width N", { log: true }), y: quantity("absGap", "|loss gap|", { log: true }) } }],
        }),
      },
    ],
    figures: { "fitted slope": slope, ...Object.fromEntries(sweep.points.map((p) => [`W1 at N = ${p.width}`, p.w1])) },
  };
}

export const chaos: Experiment = {
  id: "chaos",
  papers: [{ ...MEI_MONTANARI_NGUYEN_2018, figure: "propagation of chaos (Theorem 3)" }],
  brokenVariants: [],
  title: "Propagation of chaos: particles against the mean-field PDE",
  description: "Distance between N trained particles and the mean-field PDE against N, with the fitted slope (propagation of chaos predicts N^(-1/2)).",
  run,
};
