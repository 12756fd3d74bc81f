// Mahankali, HaoChen, Dong, Glasgow, Ma (2023): projected gradient flow of N unit-norm quartic
// neurons on the sphere (second layer fixed) on a realizable degree-2/4 target, against the 1-D
// PDE of the law of w = <q*, u> started from the same particles. Measures the loss reaching the
// target error epsilon, the gap between particles and PDE, the phases detected from the dynamics
// (phases.ts) on both, the growth of the burn-in with log d (the PDE at several d), and the potential
// Phi(w) = log(w / sqrt(1 - w^2)): through Phase 3 in Case 1 (D_4 <= 0) the gap |Phi(w) - Phi(w')|
// of every same-sign pair grows, because dPhi/dt = v(w) / (w (1 - w^2)) is then increasing in
// w^2. The unrealizable target (gamma_4 = 1.2 > 1) is solved beside it as a labelled second case.

import { parseConfig } from "../config.js";
import { pdeFromConfig } from "../pde/fromConfig.js";
import type { SpherePhases } from "../pde/sphere/phases.js";
import { category, quantity, plotSpec } from "../report/charts.js";
import { methodColor } from "../report/figureColors.js";
import type { TableRow } from "../report/csv.js";
import { check, type Experiment, type ExperimentContext, type ExperimentResult } from "./experiment.js";
import { MAHANKALI_2023 } from "./papers.js";
import { gammas, REALIZABLE, sphereQuarticConfig, UNREALIZABLE, type QuarticInstance } from "./sphereQuartic.js";
import {
  burnInAgainstD, histogramRows, particlePhases, phiGapsOfRun, simulateOverlaps, sphereModelOf, trajectoryAgainstPde, unrealizableBeside,
} from "./mahankaliPhaseMeasures.js";

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

async function run(ctx: ExperimentContext): Promise<ExperimentResult> {
  // Sizes and configs.
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

  // Measurements: the network, the PDE from its overlaps, the phases on both.
  const q = ctx.runtime.random.sphere(config.seed, "task.q", 1, d);
  ctx.log(`projected population GD: N = ${N}, d = ${d}, ${steps} steps of ${size.stepSize}; gamma = (${gammas(instance).join(", ")})`);
  const { sim, overlaps } = await simulateOverlaps(networkConfig, ctx.runtime, q, N, d);
  ctx.log(`network: ${sim.summary.wallSeconds.toFixed(1)} s; solving the PDE from the same initial overlaps`);
  const { model, activation, link } = sphereModelOf(config);
  const initialLoss = sim.records[0]!.populationLoss as number;
  const epsilon = EPSILON * initialLoss;
  // Phase 3 starts when D_2's part of the loss is below epsilon.
  const pde = await pdeFromConfig(config, { runtime: ctx.runtime, initial: "particles", degree: 4, density: { cells: 1024 }, phases: { epsilon } });
  if (pde.kind !== "sphere") throw new Error("expected the sphere PDE");
  const pdePhases = pde.result.phases;
  const records = sim.records;
  const phases = particlePhases(model, records, overlaps, epsilon);
  const trajectory = trajectoryAgainstPde(records, pde.result.records, overlaps, d);
  const { table } = trajectory;
  ctx.saveTable("trajectory", table);
  const times = records.map((r) => r.time);
  const gaps = phiGapsOfRun(ctx.runtime, {
    seed: ctx.seed, pairs: size.pairs, overlaps, times, networkD4: table.map((r) => r.networkD4 as number), d, activation, link,
    networkPhase3: phases.phase3, pdePhase3: pdePhases.phase3,
  });
  ctx.saveTable("phi-gaps", gaps.gapRows);
  const burn = await burnInAgainstD(ctx.runtime, input, config, instance, size.burnInDims);
  ctx.saveTable("burn-in", burn.burnIn);
  const unrealizable = await unrealizableBeside(ctx, { d, width: N, steps, stepSize: size.stepSize, every });
  const histogram = histogramRows(records, pde.result.records, config.metrics.histogramBins, size.snapshots, N);
  ctx.saveTable("histogram", histogram);
  const phaseRows: TableRow[] = [
    { phase: "phase 2 (network)", time: phases.phase2 },
    { phase: "phase 3 (network)", time: phases.phase3 },
    { phase: "phase 2 (PDE)", time: pdePhases.phase2 },
    { phase: "phase 3 (PDE)", time: pdePhases.phase3 },
  ];
  ctx.saveTable("phases", phaseRows);

  // Checks and figures.
  const finalLoss = table[table.length - 1]!.networkLoss as number;
  const measured: Measured = { ...trajectory, ...gaps, ...burn, phases, pdePhases, initialLoss, finalLoss, phaseRows, unrealizable };
  return {
    checks: phaseChecks(measured, size.time),
    plots: phasePlots(measured, histogram, instance, N, d),
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
      "Phi pairs counted (network)": gaps.networkGaps.counted,
      "Phi gaps grown (network)": gaps.networkGaps.fraction,
      "Phi gaps grown (limit)": gaps.limitGaps.fraction,
      "unrealizable: final loss / initial": unrealizable.lossRatio,
      "unrealizable: mass at |w| < 0.1": unrealizable.saddleMass,
      "network seconds": sim.summary.wallSeconds,
      "PDE seconds": pde.result.wallSeconds,
    },
  };
}

/** Everything the checks and figures read from the measurements. */
type Measured = ReturnType<typeof trajectoryAgainstPde> &
  ReturnType<typeof phiGapsOfRun> &
  Awaited<ReturnType<typeof burnInAgainstD>> & {
    phases: SpherePhases;
    pdePhases: SpherePhases;
    initialLoss: number;
    finalLoss: number;
    phaseRows: TableRow[];
    unrealizable: Awaited<ReturnType<typeof unrealizableBeside>>;
  };

/** The paper's claims on one run: loss below epsilon, network on its limit, phases in order and agreeing, Phi gaps growing in Case 1, burn-in like log d. */
function phaseChecks(m: Measured, time: number) {
  const { phases, pdePhases } = m;
  const phaseGap = (p: SpherePhases) => (p.phase2 !== null && p.phase3 !== null ? p.phase3 - p.phase2 : NaN);
  return [
    check("loss below epsilon", `final network loss over the initial loss; the paper's claim: below epsilon = ${EPSILON} x initial`, m.finalLoss / m.initialLoss, [0, EPSILON]),
    check("network vs PDE loss", "max |network loss - PDE loss| over time, relative to the initial loss (finite-N and Euler-step error)", m.maxLossGap / m.initialLoss, [0, 0.05]),
    check("network vs PDE W1", "max W1 between the particles' w and the PDE density over time", m.maxW1, [0, 0.05]),
    check("phase order (network)", "phase 3 (D_2's loss below epsilon) starts after phase 2 (the velocity turns nonlinear), both within the run: t_3 - t_2 on the particles", phaseGap(phases), [1e-9, time]),
    check("phase order (PDE)", "the same on the PDE", phaseGap(pdePhases), [1e-9, time]),
    check("phase 3 case", "D_4 <= 0 at the start of phase 3 on the particles (the paper's Case 1, where the potential argument applies)", phases.phase3Case ?? NaN, [1, 1]),
    check("phases agree", "|t_3(network) - t_3(PDE)| relative to t_3(PDE)", Math.abs((phases.phase3 ?? NaN) - (pdePhases.phase3 ?? NaN)) / (pdePhases.phase3 ?? NaN), [0, 0.1]),
    check(
      "Phi gaps increase (limit)",
      `fraction of ${m.pairCount} sampled pairs of same-sign particles of the mean-field limit whose |Phi(w) - Phi(w')| is larger at the end of the D_4 <= 0 stretch of phase 3 than at its start (1 in exact arithmetic)`,
      m.limitGaps.fraction,
      [0.99, 1],
    ),
    check(
      "Phi gaps increase (network)",
      "the same fraction on the network's particles, whose finite-N interactions (absent from the limit) shrink the slowest-growing gaps",
      m.networkGaps.fraction,
      [0.75, 1],
    ),
    check(
      "burn-in grows like log d",
      "slope of the PDE's phase-2 start against log d, times 2 x the initial linear rate v'(0) (1 when w grows like exp(v'(0) t) from the 1/sqrt(d) scale to a fixed level)",
      m.burnInSlope * 2 * m.largestRate,
      [0.8, 1.6],
    ),
  ];
}

/** Residuals with the phase rules, the losses beside the unrealizable target, the Phi gaps, the burn-in against d and the law of w over time. */
/** The loss plot's colours (its layers are filtered, which figureStyle cannot colour by method): the network blue, its limit orange. */
const lossColors = {
  ...category("source", ""),
  scale: { domain: ["network", "PDE", "PDE, unrealizable target"], range: [methodColor("network"), methodColor("mean-field limit"), "#000000"] },
};

function phasePlots(m: Measured, histogram: TableRow[], instance: QuarticInstance, N: number, d: number) {
  const { curves, table, initialLoss, burnIn, gapRows, pairCount } = m;
  const uRecords = m.unrealizable.uRecords;
  const unrealizableLossRatio = m.unrealizable.lossRatio;
  const unrealizableSaddleMass = m.unrealizable.saddleMass;
  // Each phase label on its own line near the bottom of the plot, right of its rule: the residuals start
  // at their most negative and have risen by the time a phase starts, so the bottom is free there
  // (labels at the top sat on the curves as they approach 0).
  const values = curves.map((c) => Number(c.value)).filter(Number.isFinite);
  const low = Math.min(...values);
  const span = Math.max(...values) - low;
  const phaseRules: TableRow[] = m.phaseRows
    .filter((p) => p.time !== null && String(p.phase).includes("network"))
    .map((p, i) => ({ ...p, labelY: low + (0.04 + 0.08 * i) * span }));
  return [
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
          { mark: "text", values: phaseRules, markProperties: { align: "left", baseline: "middle", dx: 4, fontSize: 12, color: "#444" }, encoding: { x: quantity("time", "time t"), y: quantity("labelY", "D_k"), text: { field: "phase" } } },
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
          { mark: "line", filter: "datum.source !== 'network'", encoding: { x: quantity("time", "time t"), y: quantity("loss", "loss / initial loss", { log: true }), color: lossColors } },
          { mark: "point", filter: "datum.source === 'network'", encoding: { x: quantity("time", "time t"), y: quantity("loss", "loss / initial loss", { log: true }), color: lossColors } },
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
