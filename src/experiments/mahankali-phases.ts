// Seed 000 (Mahankali et al. 2023): projected gradient flow of N unit-norm neurons with quartic
// activation and link on the sphere, against the 1-D PDE of the law of w = <q*, u> started from the
// same particles. Shows D_2(t) and D_4(t) for both, the histogram of w over time against the PDE
// density, the spread of the potential Phi(w) = log(w / sqrt(1 - w^2)), and the three phases the
// PDE goes through (burn-in, power-method-like growth, then D_2 small with Phase 3 in Case 1).

import { parseConfig } from "../config.js";
import { pdeFromConfig } from "../pde/fromConfig.js";
import { gridCdf, wasserstein1 } from "../pde/gridDensity.js";
import { category, quantity, plotSpec } from "../report/plotSpecs.js";
import type { TableRow } from "../report/csv.js";
import { simulate } from "../run/simulate.js";
import { sphericalHarmonicsDim } from "../special/gegenbauer.js";
import { check, type Experiment, type ExperimentContext, type ExperimentResult } from "./experiment.js";
import { sphereQuarticConfig } from "./sphereQuartic.js";
import { MAHANKALI_2023 } from "./papers.js";

const SIZES = {
  test: { d: 32, width: 300, time: 20, stepSize: 0.1, records: 20, snapshots: 4 },
  quick: { d: 32, width: 1000, time: 20, stepSize: 0.05, records: 40, snapshots: 5 },
  paper: { d: 64, width: 4000, time: 30, stepSize: 0.025, records: 60, snapshots: 6 },
};

async function run(ctx: ExperimentContext): Promise<ExperimentResult> {
  const size = SIZES[ctx.scale];
  const steps = Math.round(size.time / size.stepSize);
  const every = Math.max(1, Math.round(steps / size.records));
  const config = parseConfig(sphereQuarticConfig({ name: "mahankali-phases", seed: ctx.seed, d: size.d, width: size.width, steps, stepSize: size.stepSize, every }));
  ctx.saveConfig("network", config);
  const q = ctx.runtime.random.sphere(config.seed, "task.q", 1, size.d);
  const overlaps: Float64Array[] = [];
  ctx.log(`projected population GD: N = ${size.width}, d = ${size.d}, ${steps} steps of ${size.stepSize}`);
  const sim = await simulate(config, {
    runtime: ctx.runtime,
    observe: (_s, _t, w) => {
      const m = new Float64Array(size.width);
      for (let i = 0; i < size.width; i++) {
        let s = 0;
        for (let k = 0; k < size.d; k++) s += w[i * size.d + k]! * q[k]!;
        m[i] = s;
      }
      overlaps.push(m);
    },
  });
  ctx.log(`network: ${sim.summary.wallSeconds.toFixed(1)} s; solving the PDE from the same initial overlaps`);
  const pde = await pdeFromConfig(config, { runtime: ctx.runtime, initial: "particles", degree: 4, density: { cells: 1024 } });
  if (pde.kind !== "sphere") throw new Error("expected the sphere PDE");
  const { phases } = pde.result;

  const curves: TableRow[] = [];
  const table: TableRow[] = [];
  let maxLossGap = 0;
  let maxW1 = 0;
  // D_k in the orthonormal basis (D_k / sqrt(N(d,k))), so the loss is 1/2 sum of their squares and both are on one scale.
  const unit = (k: number, value: number) => value / Math.sqrt(sphericalHarmonicsDim(size.d, k));
  sim.records.forEach((r, k) => {
    const p = pde.result.records[k]!;
    const residuals = (r.residuals as number[]).map((v, j) => unit(j, v));
    const pdeResiduals = p.residuals.map((v, j) => unit(j, v));
    const w1 = wasserstein1({ faces: Float64Array.from(p.density!.faces), values: Float64Array.from(p.density!.values) }, overlaps[k]!);
    const networkLoss = r.populationLoss as number;
    maxLossGap = Math.max(maxLossGap, Math.abs(networkLoss - p.loss));
    maxW1 = Math.max(maxW1, w1);
    table.push({
      time: r.time,
      networkLoss,
      pdeLoss: p.loss,
      networkD2: residuals[2]!,
      pdeD2: pdeResiduals[2]!,
      networkD4: residuals[4]!,
      pdeD4: pdeResiduals[4]!,
      w1,
      phiStd: r.phiStd as number | null,
      phiIqr: r.phiIqr as number | null,
      overlapMean: r.overlapMean as number,
    });
    for (const [series, value, source] of [
      ["D_2", residuals[2]!, "network"],
      ["D_2", pdeResiduals[2]!, "PDE"],
      ["D_4", residuals[4]!, "network"],
      ["D_4", pdeResiduals[4]!, "PDE"],
    ] as const) {
      curves.push({ time: r.time, series, source, value });
    }
  });
  ctx.saveTable("trajectory", table);

  // Histogram of w at a few times: the network's counts against the PDE's mass in the same bins.
  const bins = config.metrics.histogramBins;
  const histogram: TableRow[] = [];
  const picks = Array.from({ length: size.snapshots }, (_, j) => Math.round((j * (sim.records.length - 1)) / (size.snapshots - 1)));
  for (const k of picks) {
    const r = sim.records[k]!;
    const counts = r.overlapHistogram as number[];
    const p = pde.result.records[k]!;
    const density = { faces: Float64Array.from(p.density!.faces), values: Float64Array.from(p.density!.values) };
    for (let j = 0; j < bins; j++) {
      const lo = -1 + (2 * j) / bins;
      const hi = lo + 2 / bins;
      const width = 2 / bins;
      const label = `t = ${Number(r.time.toPrecision(3))}`;
      histogram.push({ snapshot: label, time: r.time, w: lo + width / 2, source: "network", density: counts[j]! / size.width / width });
      histogram.push({ snapshot: label, time: r.time, w: lo + width / 2, source: "PDE", density: (gridCdf(density, hi) - gridCdf(density, lo)) / width });
    }
  }
  ctx.saveTable("histogram", histogram);
  const phaseRows: TableRow[] = [
    { phase: "phase 1 (burn-in)", time: phases.phase1 },
    { phase: "phase 2 (growth)", time: phases.phase2 },
    { phase: "phase 3 (D_2 small)", time: phases.phase3 },
  ];
  ctx.saveTable("phases", phaseRows);

  const initialLoss = table[0]!.pdeLoss as number;
  const finalLoss = table[table.length - 1]!.networkLoss as number;
  const phase1 = phases.phase1 ?? NaN;
  const phase2 = phases.phase2 ?? NaN;
  const phase3 = phases.phase3 ?? NaN;
  const lastPhi = table[table.length - 1]!.phiStd as number | null;
  const checks = [
    check("leading degree", "D_2 drives the dynamics from the uniform start (k* = 2)", phases.leadingDegree ?? NaN, [2, 2]),
    check("phase 2 after phase 1", "the power-method phase starts after the burn-in (t_2 - t_1 > 0)", phase2 - phase1, [1e-9, Infinity]),
    check("phase 3 reached", "D_2 falls below a tenth of its initial value within the run, after phase 2 (t_3 - t_2)", phase3 - phase2, [1e-9, size.time]),
    check("phase 3 case", "at the start of phase 3, D_4 <= 0 (the seed's Case 1)", phases.phase3Case ?? NaN, [1, 1]),
    check("D_2 fitted", "|D_2| of the network at the end over its initial value", Math.abs((table[table.length - 1]!.networkD2 as number) / (table[0]!.networkD2 as number)), [0, 0.1]),
    check("loss decrease", "final network loss over the initial loss (phase 3 leaves the slower D_4 part)", finalLoss / initialLoss, [0, 0.35]),
    check("network vs PDE loss", "max |network loss - PDE loss| over time, relative to the initial loss", maxLossGap / initialLoss, [0, 0.05]),
    check("network vs PDE W1", "max W1 between the particles' w and the PDE density over time", maxW1, [0, 0.1]),
    check("Phi spread", "the particles keep a spread in Phi at the end (std of Phi over 0 < w < 1)", lastPhi ?? NaN, [1e-3, Infinity]),
  ];

  const phaseRules: TableRow[] = phaseRows.filter((p) => p.time !== null);
  const plots = [
    {
      name: "residuals",
      title: "D_2(t) and D_4(t): particles (points) on the PDE (lines)",
      caption: `Residuals in the orthonormal Legendre basis, D_k / sqrt(N(d,k)). Projected population GD with N = ${size.width} neurons in d = ${size.d} against the 1-D PDE started from their overlaps. Vertical rules: phase starts detected on the PDE.`,
      spec: plotSpec({
        title: "Residuals D_k(t)",
        values: curves,
        layers: [
          { mark: "line", filter: "datum.source === 'PDE'", encoding: { x: quantity("time", "time t"), y: quantity("value", "D_k"), color: category("series", "residual") } },
          { mark: "point", filter: "datum.source === 'network'", encoding: { x: quantity("time", "time t"), y: quantity("value", "D_k"), color: category("series", "residual") } },
          { mark: "rule", values: phaseRules, markProperties: { strokeDash: [4, 3], color: "gray" }, encoding: { x: quantity("time", "time t"), tooltip: { field: "phase" } } },
          { mark: "text", values: phaseRules, markProperties: { angle: 270, align: "right", dx: -4, dy: -4, fontSize: 10, color: "gray" }, encoding: { x: quantity("time", "time t"), y: { value: 0 }, text: { field: "phase" } } },
        ],
      }),
    },
    {
      name: "histogram",
      title: "The law of w = <q*, u> over time",
      caption: "Bars: the particles' histogram (density per unit w); line: the PDE's mass in the same bins. The bulk leaves w near 0 and piles up near w = ±1 (the quartic is even, so both signs fit the target).",
      spec: {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        title: "Histogram of w over time",
        background: "white",
        data: { values: histogram },
        facet: { row: { field: "snapshot", type: "ordinal", title: null, sort: { field: "time" } } },
        spec: {
          width: 420,
          height: 90,
          layer: [
            { mark: { type: "bar", opacity: 0.5 }, transform: [{ filter: "datum.source === 'network'" }], encoding: { x: quantity("w", "w", { domain: [-1, 1] }), y: quantity("density", "density") } },
            { mark: { type: "line", color: "black" }, transform: [{ filter: "datum.source === 'PDE'" }], encoding: { x: quantity("w", "w", { domain: [-1, 1] }), y: quantity("density", "density") } },
          ],
        },
        resolve: { scale: { y: "independent" } },
      },
    },
    {
      name: "phi-spread",
      title: "Spread of the potential Phi(w) = log(w / sqrt(1 - w^2))",
      caption: "Standard deviation and interquartile range of Phi over the particles with 0 < w < 1; the spread keeps the average velocity away from a saddle in phase 3.",
      spec: plotSpec({
        title: "Phi spread",
        values: table.flatMap((r) => [
          { time: r.time, statistic: "std", value: r.phiStd },
          { time: r.time, statistic: "IQR", value: r.phiIqr },
        ]),
        layers: [{ mark: "line", markProperties: { point: true }, encoding: { x: quantity("time", "time t"), y: quantity("value", "Phi spread"), color: category("statistic", "statistic") } }],
      }),
    },
    {
      name: "loss",
      title: "Loss: particles against the PDE",
      caption: "Exact population loss of the network (points) and of the PDE (line), log scale.",
      spec: plotSpec({
        title: "Population loss",
        values: table.flatMap((r) => [
          { time: r.time, source: "network", loss: r.networkLoss },
          { time: r.time, source: "PDE", loss: r.pdeLoss },
        ]),
        layers: [
          { mark: "line", filter: "datum.source === 'PDE'", encoding: { x: quantity("time", "time t"), y: quantity("loss", "loss", { log: true }), color: category("source", "") } },
          { mark: "point", filter: "datum.source === 'network'", encoding: { x: quantity("time", "time t"), y: quantity("loss", "loss", { log: true }), color: category("source", "") } },
        ],
      }),
    },
  ];
  return {
    checks,
    plots,
    figures: {
      "phase 1 starts (t)": phase1,
      "phase 2 starts (t)": phase2,
      "phase 3 starts (t)": phase3,
      "initial loss": initialLoss,
      "final network loss": finalLoss,
      "final PDE loss": table[table.length - 1]!.pdeLoss as number,
      "network seconds": sim.summary.wallSeconds,
      "PDE seconds": pde.result.wallSeconds,
    },
  };
}

export const mahankaliPhases: Experiment = {
  id: "mahankali-phases",
  papers: [{ ...MAHANKALI_2023, figure: "Section 4: the three phases of the 1-D dynamics" }],
  brokenVariants: [],
  title: "Three phases of projected gradient flow on the sphere (quartic activation and link)",
  description: "Projected GD of N unit-norm quartic neurons on the sphere against the 1-D PDE: D_2, D_4, the law of w over time, the Phi spread and the three phases.",
  run,
};
