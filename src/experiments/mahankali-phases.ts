// Mahankali, HaoChen, Dong, Glasgow, Ma (2023): projected gradient flow of N unit-norm quartic
// neurons on the sphere (second layer fixed) on a realizable degree-2/4 target, against the 1-D
// PDE of the law of w = <q*, u> started from the same particles. Measures the loss reaching the
// target error epsilon, the gap between particles and PDE, the phases detected from the dynamics
// (phases.ts) on both, the growth of the burn-in with log d (the PDE at several d), and the potential
// Phi(w) = log(w / sqrt(1 - w^2)): through Phase 3 in Case 1 (D_4 <= 0) the gap |Phi(w) - Phi(w')|
// of every same-sign pair grows, because dPhi/dt = v(w) / (w (1 - w^2)) is then increasing in
// w^2. The unrealizable target (gamma_4 = 1.2 > 1) is solved beside it as a labelled second case.

import { parseConfig, type Config } from "../config.js";
import type { ActivationSpec } from "../activation/spec.js";
import { pdeFromConfig } from "../pde/fromConfig.js";
import { solveSphereQuantiles } from "../pde/sphere/spherePde.js";
import { gridCdf, wasserstein1 } from "../pde/grid/gridDensity.js";
import { PhaseDetector, transportTable, velocityNonlinearity } from "../pde/sphere/phases.js";
import { SphereModel } from "../pde/sphere/sphereModel.js";
import { category, quantity, plotSpec } from "../report/plotSpecs.js";
import type { TableRow } from "../report/csv.js";
import { simulate } from "../run/simulate.js";
import { sphericalHarmonicsDim } from "../special/gegenbauer.js";
import { linkToActivation } from "../activation/link.js";
import { check, type Experiment, type ExperimentContext, type ExperimentResult } from "./experiment.js";
import { MAHANKALI_2023 } from "./papers.js";
import { gammas, quarticLegendre, REALIZABLE, sphereQuarticConfig, UNREALIZABLE, type QuarticInstance } from "./sphereQuartic.js";
import { log } from "../special/portableMath.js";

const SIZES = {
  test: { d: 32, width: 300, time: 12, stepSize: 0.05, records: 48, snapshots: 4, pairs: 5000, burnInDims: [32, 64, 128, 256] },
  quick: { d: 32, width: 1000, time: 16, stepSize: 0.05, records: 64, snapshots: 5, pairs: 20000, burnInDims: [32, 64, 128, 256] },
  paper: { d: 64, width: 2000, time: 20, stepSize: 0.025, records: 80, snapshots: 6, pairs: 50000, burnInDims: [32, 64, 128, 256, 512] },
};

/** The target error: the paper's claim is loss <= epsilon; here epsilon = this fraction of the initial loss. */
const EPSILON = 0.01;

function instanceFor(variant: string | null): QuarticInstance {
  if (variant === "unrealizable") return UNREALIZABLE;
  if (variant === "degree-2 activation") return { activation: [REALIZABLE.activation[0], 0], link: REALIZABLE.link };
  if (variant === "Case 2 link") return { activation: REALIZABLE.activation, link: [REALIZABLE.link[0], 0.3] };
  return REALIZABLE;
}

/** The config's sphere model (K = 4) with the activation and link specs it was built from. */
function sphereModelOf(config: Config): { model: SphereModel; activation: ActivationSpec; link: ActivationSpec } {
  const { task } = config;
  if (task.kind !== "sphereSingleIndex") throw new Error("expected the sphere single-index task");
  const activation = linkToActivation(config.model.activation, task.d);
  const link = linkToActivation(task.link, task.d);
  return { model: new SphereModel({ d: task.d, activation, link, degree: 4 }), activation, link };
}

const phi = (w: number) => log(Math.abs(w) / Math.sqrt(1 - w * w));

/**
 * For each pair (i, j) of particles of the same sign with |w| < 1 at the first record at or after
 * phase 3, whether |Phi(w_i) - Phi(w_j)| is larger at each later record of the stretch where
 * D_4 <= 0: the fraction that grew at each record, and at the stretch's end (NaN without a stretch).
 */
function phiGaps(particles: Float64Array[], times: number[], d4: number[], phase3: number | null, pairs: (readonly [number, number])[]) {
  const rows: TableRow[] = [];
  const start = phase3 === null ? -1 : times.findIndex((t) => t >= phase3);
  let end = start;
  while (start >= 0 && end + 1 < times.length && d4[end + 1]! <= 0) end++;
  const sameSign = (w: Float64Array, i: number, j: number) => w[i]! * w[j]! > 0 && Math.abs(w[i]!) < 1 && Math.abs(w[j]!) < 1;
  let fraction = NaN;
  let counted = 0;
  if (start >= 0 && end > start) {
    const w0 = particles[start]!;
    const gap0 = pairs.map(([i, j]) => (sameSign(w0, i, j) ? Math.abs(phi(w0[i]!) - phi(w0[j]!)) : NaN));
    for (let k = start; k <= end; k++) {
      const w = particles[k]!;
      let count = 0;
      let increased = 0;
      pairs.forEach(([i, j], p) => {
        if (!(gap0[p]! >= 0) || !sameSign(w, i, j)) return;
        count++;
        if (Math.abs(phi(w[i]!) - phi(w[j]!)) > gap0[p]!) increased++;
      });
      rows.push({ time: times[k]!, pairs: count, increasedFraction: count > 0 ? increased / count : null });
      fraction = count > 0 ? increased / count : NaN;
      counted = count;
    }
  }
  return { rows, fraction, counted };
}

async function run(ctx: ExperimentContext): Promise<ExperimentResult> {
  const size = SIZES[ctx.scale];
  const instance = instanceFor(ctx.variant);
  const steps = Math.round(size.time / size.stepSize);
  const every = Math.max(1, Math.round(steps / size.records));
  const input = sphereQuarticConfig({ name: "mahankali-phases", seed: ctx.seed, d: size.d, width: size.width, steps, stepSize: size.stepSize, every, instance });
  const config = parseConfig(input);
  // The PDE is always that of projected first-layer training; the frozen variant changes only the network.
  const networkConfig = ctx.variant === "frozen first layer" ? parseConfig({ ...input, model: { ...config.model, train: "second" } }) : config;
  // The PDE is that of `config` (the frozen variant's network is not its own limit).
  ctx.saveConfig("network", networkConfig, ctx.variant === "frozen first layer" ? ["run"] : ["run", "pde"]);
  const d = size.d;
  const N = size.width;
  const q = ctx.runtime.random.sphere(config.seed, "task.q", 1, d);
  const overlaps: Float64Array[] = [];
  ctx.log(`projected population GD: N = ${N}, d = ${d}, ${steps} steps of ${size.stepSize}; gamma = (${gammas(instance).join(", ")})`);
  const sim = await simulate(networkConfig, {
    runtime: ctx.runtime,
    observe: (_s, _t, w) => {
      const m = new Float64Array(N);
      for (let i = 0; i < N; i++) {
        let s = 0;
        let r = 0;
        for (let k = 0; k < d; k++) {
          s += w[i * d + k]! * q[k]!;
          r += w[i * d + k]! ** 2;
        }
        m[i] = Math.max(-1, Math.min(1, s / Math.sqrt(r)));
      }
      overlaps.push(m);
    },
  });
  ctx.log(`network: ${sim.summary.wallSeconds.toFixed(1)} s; solving the PDE from the same initial overlaps`);
  const { model, activation, link } = sphereModelOf(config);
  const initialLoss = sim.records[0]!.populationLoss as number;
  const epsilon = EPSILON * initialLoss;
  // Phase 3 starts when D_2's part of the loss is below epsilon.
  const pde = await pdeFromConfig(config, { runtime: ctx.runtime, initial: "particles", degree: 4, density: { cells: 1024 }, phases: { epsilon } });
  if (pde.kind !== "sphere") throw new Error("expected the sphere PDE");
  const pdePhases = pde.result.phases;

  // The same phase rules on the particles: their D_k and the velocity's nonlinearity on their overlaps.
  const records = sim.records;
  const residualsAt = (k: number) => (records[k]!.residuals as number[]).slice(1);
  const initialResiduals = residualsAt(0);
  const networkPhases = new PhaseDetector(
    initialResiduals,
    initialResiduals.map((r, k) => (model.weights[k]! * r) / model.harmonics[k + 1]!),
    model.harmonics.subarray(1),
    { epsilon },
  );
  const transport = (w: number, out: Float64Array) => model.transport(w, out);
  records.forEach((r, k) => networkPhases.observe(r.time, residualsAt(k), velocityNonlinearity(transportTable(transport, model.count, overlaps[k]!), residualsAt(k), null)));
  const phases = networkPhases.result();

  const curves: TableRow[] = [];
  const table: TableRow[] = [];
  let maxLossGap = 0;
  let maxW1 = 0;
  // D_k in the orthonormal basis (D_k / sqrt(N(d,k))), so the loss is 1/2 sum of their squares and both are on one scale.
  const unit = (k: number, value: number) => value / Math.sqrt(sphericalHarmonicsDim(d, k));
  records.forEach((r, k) => {
    const p = pde.result.records[k]!;
    const residuals = (r.residuals as number[]).map((v, j) => unit(j, v));
    const pdeResiduals = p.residuals.map((v, j) => unit(j, v));
    const w1 = wasserstein1({ faces: Float64Array.from(p.density!.faces), values: Float64Array.from(p.density!.values) }, overlaps[k]!);
    const networkLoss = r.populationLoss as number;
    maxLossGap = Math.max(maxLossGap, Math.abs(networkLoss - p.loss));
    maxW1 = Math.max(maxW1, w1);
    table.push({ time: r.time, networkLoss, pdeLoss: p.loss, networkD2: residuals[2]!, pdeD2: pdeResiduals[2]!, networkD4: residuals[4]!, pdeD4: pdeResiduals[4]!, w1 });
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

  // Phi gaps of a fixed sample of pairs through Phase 3 while D_4 <= 0 (the paper's Case 1): on the
  // network's particles, and on the limit's particles (the quantile solver of the same PDE from the
  // same overlaps: it moves each w exactly by the mean-field velocity, so particle j stays particle j).
  const pairCount = Math.min(size.pairs, (N * (N - 1)) / 2);
  const draws = ctx.runtime.random.uniform(ctx.seed, "phi.pairs", 2 * pairCount);
  const pairs = Array.from({ length: pairCount }, (_, p) => {
    const i = Math.min(N - 1, Math.floor(draws[2 * p]! * N));
    const j = (i + 1 + Math.min(N - 2, Math.floor(draws[2 * p + 1]! * (N - 1)))) % N;
    return [i, j] as const;
  });
  const times = records.map((r) => r.time);
  const limit = solveSphereQuantiles({
    d,
    activation,
    link,
    degree: 4,
    times,
    initial: { kind: "samples", samples: overlaps[0]! },
  });
  const sortedOrder = Array.from(overlaps[0]!, (_, i) => i).sort((i, j) => overlaps[0]![i]! - overlaps[0]![j]!);
  const limitParticles = limit.records.map((r) => {
    const w = new Float64Array(N);
    sortedOrder.forEach((i, rank) => (w[i] = r.positions[rank]!));
    return w;
  });
  const networkGaps = phiGaps(overlaps, times, table.map((r) => r.networkD4 as number), phases.phase3, pairs);
  const limitGaps = phiGaps(limitParticles, times, limit.records.map((r) => r.residuals[4]!), pdePhases.phase3, pairs);
  const gapRows: TableRow[] = [
    ...networkGaps.rows.map((r) => ({ ...r, particles: "network" })),
    ...limitGaps.rows.map((r) => ({ ...r, particles: "mean-field limit" })),
  ];
  ctx.saveTable("phi-gaps", gapRows);

  // The burn-in against d: the PDE from the sphere-uniform law at several d.
  const burnIn: TableRow[] = [];
  for (const dd of size.burnInDims) {
    const cfg = parseConfig({ ...input, task: { ...config.task, d: dd, link: quarticLegendre(dd, ...instance.link) }, model: { ...config.model, activation: quarticLegendre(dd, ...instance.activation) } });
    const r = await pdeFromConfig(cfg, { runtime: ctx.runtime, degree: 4, cells: 1024 });
    if (r.kind !== "sphere") throw new Error("expected the sphere PDE");
    const m = sphereModelOf(cfg).model;
    const at0 = transportTable((w, out) => m.transport(w, out), m.count, [0]);
    const rate = -r.result.records[0]!.residuals.slice(1).reduce((s, D, k) => s + D * at0.slopeAtZero[k]!, 0);
    burnIn.push({ d: dd, phase2: r.result.phases.phase2, phase3: r.result.phases.phase3, rate });
  }
  ctx.saveTable("burn-in", burnIn);
  const reached = burnIn.filter((b) => b.phase2 !== null && (b.phase2 as number) > 0);
  let burnInSlope = NaN;
  if (reached.length >= 2) {
    const xs = reached.map((b) => log(b.d as number));
    const ys = reached.map((b) => b.phase2 as number);
    const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
    const my = ys.reduce((s, v) => s + v, 0) / ys.length;
    burnInSlope = xs.reduce((s, x, k) => s + (x - mx) * (ys[k]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  }
  const largestRate = burnIn[burnIn.length - 1]!.rate as number;

  // The unrealizable instance beside it: the PDE from the sphere-uniform law, same d and time.
  const unrealizableConfig = parseConfig(sphereQuarticConfig({ name: "mahankali-phases-unrealizable", seed: ctx.seed, d, width: N, steps, stepSize: size.stepSize, every, instance: UNREALIZABLE }));
  ctx.saveConfig("unrealizable", unrealizableConfig, [{ command: "pde", options: ["--cells", "1024"] }]);
  const unrealizable = await pdeFromConfig(unrealizableConfig, { runtime: ctx.runtime, degree: 4, cells: 1024, density: { cells: 1024 } });
  if (unrealizable.kind !== "sphere") throw new Error("expected the sphere PDE");
  const uRecords = unrealizable.result.records;
  const uFinal = uRecords[uRecords.length - 1]!;
  const uDensity = { faces: Float64Array.from(uFinal.density!.faces), values: Float64Array.from(uFinal.density!.values) };
  const unrealizableSaddleMass = gridCdf(uDensity, 0.1) - gridCdf(uDensity, -0.1);
  const unrealizableLossRatio = uFinal.loss / uRecords[0]!.loss;

  // Histogram of w at a few times: the network's counts against the PDE's mass in the same bins.
  const bins = config.metrics.histogramBins;
  const histogram: TableRow[] = [];
  const picks = Array.from({ length: size.snapshots }, (_, j) => Math.round((j * (records.length - 1)) / (size.snapshots - 1)));
  for (const k of picks) {
    const r = records[k]!;
    const counts = r.overlapHistogram as number[];
    const p = pde.result.records[k]!;
    const density = { faces: Float64Array.from(p.density!.faces), values: Float64Array.from(p.density!.values) };
    for (let j = 0; j < bins; j++) {
      const lo = -1 + (2 * j) / bins;
      const hi = lo + 2 / bins;
      const width = 2 / bins;
      const label = `t = ${Number(r.time.toPrecision(3))}`;
      histogram.push({ snapshot: label, time: r.time, w: lo + width / 2, source: "network", density: counts[j]! / N / width });
      histogram.push({ snapshot: label, time: r.time, w: lo + width / 2, source: "PDE", density: (gridCdf(density, hi) - gridCdf(density, lo)) / width });
    }
  }
  ctx.saveTable("histogram", histogram);
  const phaseRows: TableRow[] = [
    { phase: "phase 2 (network)", time: phases.phase2 },
    { phase: "phase 3 (network)", time: phases.phase3 },
    { phase: "phase 2 (PDE)", time: pdePhases.phase2 },
    { phase: "phase 3 (PDE)", time: pdePhases.phase3 },
  ];
  ctx.saveTable("phases", phaseRows);

  const finalLoss = table[table.length - 1]!.networkLoss as number;
  const phaseGap = (p: typeof phases) => (p.phase2 !== null && p.phase3 !== null ? p.phase3 - p.phase2 : NaN);
  const checks = [
    check("loss below epsilon", `final network loss over the initial loss; the paper's claim: below epsilon = ${EPSILON} x initial`, finalLoss / initialLoss, [0, EPSILON]),
    check("network vs PDE loss", "max |network loss - PDE loss| over time, relative to the initial loss (finite-N and Euler-step error)", maxLossGap / initialLoss, [0, 0.05]),
    check("network vs PDE W1", "max W1 between the particles' w and the PDE density over time", maxW1, [0, 0.05]),
    check("phase order (network)", "phase 3 (D_2's loss below epsilon) starts after phase 2 (the velocity turns nonlinear), both within the run: t_3 - t_2 on the particles", phaseGap(phases), [1e-9, size.time]),
    check("phase order (PDE)", "the same on the PDE", phaseGap(pdePhases), [1e-9, size.time]),
    check("phase 3 case", "D_4 <= 0 at the start of phase 3 on the particles (the paper's Case 1, where the potential argument applies)", phases.phase3Case ?? NaN, [1, 1]),
    check("phases agree", "|t_3(network) - t_3(PDE)| relative to t_3(PDE)", Math.abs((phases.phase3 ?? NaN) - (pdePhases.phase3 ?? NaN)) / (pdePhases.phase3 ?? NaN), [0, 0.1]),
    check(
      "Phi gaps increase (limit)",
      `fraction of ${pairCount} sampled pairs of same-sign particles of the mean-field limit whose |Phi(w) - Phi(w')| is larger at the end of the D_4 <= 0 stretch of phase 3 than at its start (1 in exact arithmetic)`,
      limitGaps.fraction,
      [0.99, 1],
    ),
    check(
      "Phi gaps increase (network)",
      "the same fraction on the network's particles, whose finite-N interactions (absent from the limit) shrink the slowest-growing gaps",
      networkGaps.fraction,
      [0.75, 1],
    ),
    check(
      "burn-in grows like log d",
      "slope of the PDE's phase-2 start against log d, times 2 x the initial linear rate v'(0) (1 when w grows like exp(v'(0) t) from the 1/sqrt(d) scale to a fixed level)",
      burnInSlope * 2 * largestRate,
      [0.8, 1.6],
    ),
  ];

  // Each phase label on its own line at the top of the plot (pixel rows 14, 30, ...), right of its rule, so labels never overlap each other or a rotated curve.
  const phaseRules: TableRow[] = phaseRows.filter((p) => p.time !== null && String(p.phase).includes("network")).map((p, i) => ({ ...p, labelY: 14 + 16 * i }));
  const plots = [
    {
      name: "residuals",
      title: "D_2(t) and D_4(t): particles (points) on the PDE (lines)",
      caption: `Residuals in the orthonormal Legendre basis, D_k / sqrt(N(d,k)), on the realizable instance gamma = (${gammas(instance).join(", ")}). Projected population GD with N = ${N} neurons in d = ${d} against the 1-D PDE started from their overlaps. Vertical rules: phase starts detected on the particles (phase 2: the velocity turns nonlinear; phase 3: D_2's part of the loss below epsilon). Corresponds to the three phases of the paper's proof overview.`,
      spec: plotSpec({
        title: "Residuals D_k(t)",
        values: curves,
        layers: [
          { mark: "line", filter: "datum.source === 'PDE'", encoding: { x: quantity("time", "time t"), y: quantity("value", "D_k"), color: category("series", "residual") } },
          { mark: "point", filter: "datum.source === 'network'", encoding: { x: quantity("time", "time t"), y: quantity("value", "D_k"), color: category("series", "residual") } },
          { mark: "rule", values: phaseRules, markProperties: { strokeDash: [4, 3], color: "gray" }, encoding: { x: quantity("time", "time t"), tooltip: { field: "phase" } } },
          { mark: "text", values: phaseRules, markProperties: { align: "left", baseline: "middle", dx: 4, fontSize: 12, color: "#444" }, encoding: { x: quantity("time", "time t"), y: { field: "labelY", type: "quantitative", scale: null }, text: { field: "phase" } } },
        ],
      }),
    },
    {
      name: "loss",
      title: "Loss: particles, PDE, and the unrealizable target's PDE",
      caption: `Population loss over its initial value, log scale: the realizable instance's network (points) and PDE (line) fall below epsilon = ${EPSILON} (dashed rule); the unrealizable target (gamma_4 = 1.2 > 1) stalls at ${unrealizableLossRatio.toPrecision(2)} with ${(100 * unrealizableSaddleMass).toFixed(0)}% of its mass at |w| < 0.1 (near the saddle w = 0).`,
      spec: plotSpec({
        title: "Population loss / initial loss",
        values: [
          ...table.flatMap((r) => [
            { time: r.time, source: "network", loss: (r.networkLoss as number) / initialLoss },
            { time: r.time, source: "PDE", loss: (r.pdeLoss as number) / initialLoss },
          ]),
          ...uRecords.map((r) => ({ time: r.time, source: "PDE, unrealizable target", loss: r.loss / uRecords[0]!.loss })),
        ],
        layers: [
          { mark: "line", filter: "datum.source !== 'network'", encoding: { x: quantity("time", "time t"), y: quantity("loss", "loss / initial loss", { log: true }), color: category("source", "") } },
          { mark: "point", filter: "datum.source === 'network'", encoding: { x: quantity("time", "time t"), y: quantity("loss", "loss / initial loss", { log: true }), color: category("source", "") } },
          { mark: "rule", values: [{ epsilon: EPSILON }], markProperties: { strokeDash: [4, 3], color: "gray" }, encoding: { y: quantity("epsilon", "loss / initial loss", { log: true }) } },
        ],
      }),
    },
    {
      name: "phi-gaps",
      title: "Phi gaps of same-sign pairs through Phase 3, Case 1",
      caption: `Fraction of ${pairCount} sampled same-sign particle pairs whose |Phi(w) - Phi(w')| exceeds its value at the start of phase 3, while D_4 <= 0, for the network's particles and the mean-field limit's (quantile solver from the same overlaps). With D_4 <= 0, dPhi/dt = v(w) / (w (1 - w^2)) increases with w^2, so every gap grows in the limit (fraction 1): the paper's potential argument, which keeps the particles spread around the root of v. The network's finite-N interactions shrink some slowly growing gaps (the fraction rises with N).`,
      spec: plotSpec({
        title: "Pairs whose Phi gap grew",
        values: gapRows,
        layers: [{ mark: "line", markProperties: { point: true }, encoding: { x: quantity("time", "time t"), y: quantity("increasedFraction", "fraction of pairs", { domain: [0, 1] }), color: category("particles", "particles") } }],
      }),
    },
    {
      name: "burn-in",
      title: "Burn-in length against d (PDE)",
      caption: "Start of phase 2 (the velocity turns nonlinear on the law) and of phase 3 against d, log axis in d: the burn-in grows like log d / (2 v'(0)) as the overlaps grow from the 1/sqrt(d) scale; phase 3 follows a d-independent time later.",
      spec: plotSpec({
        title: "Phase starts against d",
        values: burnIn.flatMap((b) => [
          { d: b.d, phase: "phase 2", time: b.phase2 },
          { d: b.d, phase: "phase 3", time: b.phase3 },
        ]),
        layers: [{ mark: "line", markProperties: { point: true }, encoding: { x: quantity("d", "d", { log: true }), y: quantity("time", "start time t"), color: category("phase", "") } }],
      }),
    },
    {
      name: "histogram",
      title: "The law of w = <q*, u> over time",
      caption: "Bars: the particles' histogram (density per unit w); line: the PDE's mass in the same bins. The bulk leaves w near 0 and spreads towards w = ±1 (the quartic is even, so both signs fit the target).",
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
  ];
  return {
    checks,
    plots,
    figures: {
      "gamma_2, gamma_4": gammas(instance).join(", "),
      "epsilon (loss)": epsilon,
      "phase 2 starts (network, t)": phases.phase2 ?? "not reached",
      "phase 3 starts (network, t)": phases.phase3 ?? "not reached",
      "phase 2 starts (PDE, t)": pdePhases.phase2 ?? "not reached",
      "phase 3 starts (PDE, t)": pdePhases.phase3 ?? "not reached",
      "initial loss": initialLoss,
      "final network loss": finalLoss,
      "final PDE loss": table[table.length - 1]!.pdeLoss as number,
      "Phi pairs counted (network)": networkGaps.counted,
      "Phi gaps grown (network)": networkGaps.fraction,
      "Phi gaps grown (limit)": limitGaps.fraction,
      "unrealizable: final loss / initial": unrealizableLossRatio,
      "unrealizable: mass at |w| < 0.1": unrealizableSaddleMass,
      "network seconds": sim.summary.wallSeconds,
      "PDE seconds": pde.result.wallSeconds,
    },
  };
}

export const mahankaliPhases: Experiment = {
  id: "mahankali-phases",
  papers: [{ ...MAHANKALI_2023, figure: "proof overview: the three phases of the population dynamics and the potential Phi" }],
  brokenVariants: [
    {
      name: "unrealizable",
      description: "The first instance's target, gamma = (0.6, 1.2): E[P_4(w)] would have to reach 1.2 > 1, so the loss stalls far above epsilon.",
      fails: ["loss below epsilon"],
    },
    {
      name: "degree-2 activation",
      description: "sigma = P2bar only: the network cannot fit the target's degree-4 part (loss stays near 1/2 e4^2), and with no degree-4 term dPhi/dt no longer depends on w, so the Phi gaps do not grow.",
      fails: ["loss below epsilon", "Phi gaps increase (network)"],
    },
    {
      name: "Case 2 link",
      description: "A realizable link nearer gamma_2^2, gamma = (0.5, 0.3): D_4 > 0 when D_2 is fitted (the paper's Case 2), so the potential argument does not apply and there is no D_4 <= 0 stretch of phase 3 to measure the Phi gaps on.",
      fails: ["phase 3 case", "Phi gaps increase (limit)", "Phi gaps increase (network)"],
    },
    {
      name: "frozen first layer",
      description: "Only the second layer is trained (random features): the neurons never move, no phase starts and the loss stays far above epsilon.",
      fails: ["loss below epsilon", "phase order (network)", "Phi gaps increase (network)"],
    },
  ],
  title: "Three phases of projected gradient flow on the sphere (quartic activation, realizable degree-2/4 link)",
  description: "Projected GD of N unit-norm quartic neurons on a realizable degree-2/4 target against the 1-D PDE: loss below epsilon, the phases from the dynamics, the burn-in against log d, the Phi gaps in Case 1, and the unrealizable target beside it.",
  run,
};
