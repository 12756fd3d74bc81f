// The measurements of the mahankali-phases experiment (Mahankali, HaoChen, Dong, Glasgow, Ma 2023),
// one per phase of its run: the network with its overlaps w = <q*, u>, the phases detected on the
// particles, the trajectory against the PDE, the Phi gaps through Phase 3, the burn-in against d,
// the unrealizable target beside it, and the histogram of w. Residuals D_k are the Legendre moments
// E[P_{k,d}(w)] (P(1) = 1); time is mean-field time t = step h.

import { parseConfig, type Config, type ConfigInput } from "../config.js";
import type { ActivationSpec } from "../activation/spec.js";
import { linkToActivation } from "../activation/link.js";
import { pdeFromConfig } from "../pde/fromConfig.js";
import { solveSphereQuantiles, type SpherePdeRecord } from "../pde/sphere/spherePde.js";
import { gridCdf, wasserstein1 } from "../pde/grid/gridDensity.js";
import { PhaseDetector, transportTable, velocityNonlinearity, type SpherePhases } from "../pde/sphere/phases.js";
import { SphereModel } from "../pde/sphere/sphereModel.js";
import type { TableRow } from "../report/csv.js";
import { simulate, type MetricRecord, type SimulationResult } from "../run/simulate.js";
import { sphericalHarmonicsDim } from "../special/gegenbauer.js";
import { log } from "../special/portableMath.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import type { ExperimentContext } from "./experiment.js";
import { quarticLegendre, sphereQuarticConfig, UNREALIZABLE, type QuarticInstance } from "./sphereQuartic.js";

/** The config's sphere model (K = 4) with the activation and link specs it was built from. */
export function sphereModelOf(config: Config): { model: SphereModel; activation: ActivationSpec; link: ActivationSpec } {
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

/** The network run, with the overlaps w_i = <q*, u_i / |u_i|> (clamped to [-1, 1]) at every record, which the PDE's law describes. */
export async function simulateOverlaps(networkConfig: Config, runtime: WasmRuntime, q: Float64Array, N: number, d: number): Promise<{ sim: SimulationResult; overlaps: Float64Array[] }> {
  const overlaps: Float64Array[] = [];
  const sim = await simulate(networkConfig, {
    runtime,
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
  return { sim, overlaps };
}

/** The PDE's phase rules applied to the particles: their D_k and the velocity's nonlinearity on their overlaps, so both sides are judged alike. */
export function particlePhases(model: SphereModel, records: MetricRecord[], overlaps: Float64Array[], epsilon: number): SpherePhases {
  const residualsAt = (k: number) => (records[k]!.residuals as number[]).slice(1);
  const initialResiduals = residualsAt(0);
  const detector = new PhaseDetector(
    initialResiduals,
    initialResiduals.map((r, k) => (model.weights[k]! * r) / model.harmonics[k + 1]!),
    model.harmonics.subarray(1),
    { epsilon },
  );
  const transport = (w: number, out: Float64Array) => model.transport(w, out);
  records.forEach((r, k) => detector.observe(r.time, residualsAt(k), velocityNonlinearity(transportTable(transport, model.count, overlaps[k]!), residualsAt(k), null)));
  return detector.result();
}

/**
 * Network against PDE record by record: losses, D_2 and D_4 in the orthonormal basis
 * D_k / sqrt(N(d,k)) (so the loss is 1/2 the sum of their squares and both are on one scale), and
 * the W1 distance of the particles' w to the PDE density; with the largest gaps over time.
 */
export function trajectoryAgainstPde(records: MetricRecord[], pdeRecords: SpherePdeRecord[], overlaps: Float64Array[], d: number) {
  const curves: TableRow[] = [];
  const table: TableRow[] = [];
  let maxLossGap = 0;
  let maxW1 = 0;
  const unit = (k: number, value: number) => value / Math.sqrt(sphericalHarmonicsDim(d, k));
  records.forEach((r, k) => {
    const p = pdeRecords[k]!;
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
  return { curves, table, maxLossGap, maxW1 };
}

/** What the Phi-gap measurement needs of the run: the particles, the PDE's inputs and both phase-3 starts. */
export interface PhiGapInputs {
  seed: number;
  pairs: number;
  overlaps: Float64Array[];
  times: number[];
  networkD4: number[];
  d: number;
  activation: ActivationSpec;
  link: ActivationSpec;
  networkPhase3: number | null;
  pdePhase3: number | null;
}

/**
 * Phi gaps of a fixed sample of pairs through Phase 3 while D_4 <= 0 (the paper's Case 1): on the
 * network's particles, and on the limit's particles (the quantile solver of the same PDE from the
 * same overlaps: it moves each w exactly by the mean-field velocity, so particle j stays particle j).
 */
export function phiGapsOfRun(runtime: WasmRuntime, input: PhiGapInputs) {
  const { overlaps, times } = input;
  const N = overlaps[0]!.length;
  const pairCount = Math.min(input.pairs, (N * (N - 1)) / 2);
  const draws = runtime.random.uniform(input.seed, "phi.pairs", 2 * pairCount);
  const pairs = Array.from({ length: pairCount }, (_, p) => {
    const i = Math.min(N - 1, Math.floor(draws[2 * p]! * N));
    const j = (i + 1 + Math.min(N - 2, Math.floor(draws[2 * p + 1]! * (N - 1)))) % N;
    return [i, j] as const;
  });
  const limit = solveSphereQuantiles({ d: input.d, activation: input.activation, link: input.link, degree: 4, times, initial: { kind: "samples", samples: overlaps[0]! } });
  const sortedOrder = Array.from(overlaps[0]!, (_, i) => i).sort((i, j) => overlaps[0]![i]! - overlaps[0]![j]!);
  const limitParticles = limit.records.map((r) => {
    const w = new Float64Array(N);
    sortedOrder.forEach((i, rank) => (w[i] = r.positions[rank]!));
    return w;
  });
  const networkGaps = phiGaps(overlaps, times, input.networkD4, input.networkPhase3, pairs);
  const limitGaps = phiGaps(limitParticles, times, limit.records.map((r) => r.residuals[4]!), input.pdePhase3, pairs);
  const gapRows: TableRow[] = [
    ...networkGaps.rows.map((r) => ({ ...r, particles: "network" })),
    ...limitGaps.rows.map((r) => ({ ...r, particles: "mean-field limit" })),
  ];
  return { pairCount, networkGaps, limitGaps, gapRows };
}

/**
 * The burn-in against d: the PDE from the sphere-uniform law at several d, its phase starts and the
 * initial linear rate v'(0); the least-squares slope of the phase-2 start against log d, which is
 * 1 / (2 v'(0)) when w grows like exp(v'(0) t) from the 1/sqrt(d) scale to a fixed level.
 */
export async function burnInAgainstD(runtime: WasmRuntime, input: ConfigInput, config: Config, instance: QuarticInstance, dims: number[]) {
  const burnIn: TableRow[] = [];
  for (const dd of dims) {
    const cfg = parseConfig({ ...input, task: { ...config.task, d: dd, link: quarticLegendre(dd, ...instance.link) }, model: { ...config.model, activation: quarticLegendre(dd, ...instance.activation) } });
    const r = await pdeFromConfig(cfg, { runtime, degree: 4, cells: 1024 });
    if (r.kind !== "sphere") throw new Error("expected the sphere PDE");
    const m = sphereModelOf(cfg).model;
    const at0 = transportTable((w, out) => m.transport(w, out), m.count, [0]);
    const rate = -r.result.records[0]!.residuals.slice(1).reduce((s, D, k) => s + D * at0.slopeAtZero[k]!, 0);
    burnIn.push({ d: dd, phase2: r.result.phases.phase2, phase3: r.result.phases.phase3, rate });
  }
  const reached = burnIn.filter((b) => b.phase2 !== null && (b.phase2 as number) > 0);
  let burnInSlope = NaN;
  if (reached.length >= 2) {
    const xs = reached.map((b) => log(b.d as number));
    const ys = reached.map((b) => b.phase2 as number);
    const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
    const my = ys.reduce((s, v) => s + v, 0) / ys.length;
    burnInSlope = xs.reduce((s, x, k) => s + (x - mx) * (ys[k]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  }
  return { burnIn, burnInSlope, largestRate: burnIn[burnIn.length - 1]!.rate as number };
}

/** Shape of the run the unrealizable target is solved beside: same d, width, steps and step size. */
export interface RunShape {
  d: number;
  width: number;
  steps: number;
  stepSize: number;
  every: number;
}

/**
 * The unrealizable instance (gamma_4 = 1.2 > 1) beside the realizable one: its PDE from the
 * sphere-uniform law, the loss ratio it stalls at and its mass near the saddle w = 0.
 */
export async function unrealizableBeside(ctx: ExperimentContext, shape: RunShape) {
  const unrealizableConfig = parseConfig(sphereQuarticConfig({ name: "mahankali-phases-unrealizable", seed: ctx.seed, ...shape, instance: UNREALIZABLE }));
  ctx.saveConfig("unrealizable", unrealizableConfig, [{ command: "pde", options: ["--cells", "1024"] }]);
  const unrealizable = await pdeFromConfig(unrealizableConfig, { runtime: ctx.runtime, degree: 4, cells: 1024, density: { cells: 1024 } });
  if (unrealizable.kind !== "sphere") throw new Error("expected the sphere PDE");
  const uRecords = unrealizable.result.records;
  const uFinal = uRecords[uRecords.length - 1]!;
  const uDensity = { faces: Float64Array.from(uFinal.density!.faces), values: Float64Array.from(uFinal.density!.values) };
  return { uRecords, saddleMass: gridCdf(uDensity, 0.1) - gridCdf(uDensity, -0.1), lossRatio: uFinal.loss / uRecords[0]!.loss };
}

/** Histogram of w at a few times: the network's counts against the PDE's mass in the same bins, both as densities per unit w. */
export function histogramRows(records: MetricRecord[], pdeRecords: SpherePdeRecord[], bins: number, snapshots: number, N: number): TableRow[] {
  const histogram: TableRow[] = [];
  const picks = Array.from({ length: snapshots }, (_, j) => Math.round((j * (records.length - 1)) / (snapshots - 1)));
  for (const k of picks) {
    const r = records[k]!;
    const counts = r.overlapHistogram as number[];
    const p = pdeRecords[k]!;
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
  return histogram;
}
