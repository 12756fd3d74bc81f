// The reduced-particle rows of `npm run bench:answer`: a run whose d -> infinity limit the package
// solves without the dimension (src/pde/reducedParticles.ts), against the finite network at
// d = 1000 that a peer would train to get the same curve.
//   BMZ23        Berthier, Montanari, Zhou (2023): ReLU, unit w, y = He0 - He1 + 2/3 He2, the first
//                layer at epsilon = 1e-2 times the second's rate (bmz23-timescales, part 3);
//                online SGD of N neurons against M = N reduced particles from the same initial law.
//   staircase    Abbe, Boix-Adsera, Misiakiewicz (2022): z1 + z1z2 + z1z2z3 + z1z2z3z4 on the
//                hypercube (abam22-staircase's network) by batch SGD against the DF-PDE.
// Matched accuracy: the reduced run has as many particles as the network has neurons, from the
// same law, so its Monte Carlo error is the network's own; the network adds the finite d and the
// SGD noise. Each row states the largest gap between the two loss curves over the initial loss, and
// the reduced run's own Monte Carlo error (against 8 times as many particles).

import { parseConfig, type Config, type ConfigInput } from "../../src/config.js";
import { solveReducedParticles } from "../../src/pde/reduced/reducedRun.js";
import { simulate } from "../../src/run/simulate.js";
import type { WasmRuntime } from "../../src/wasm/runtime.js";
import { cpuMs } from "../ceiling.js";

const D = 1000;

export interface ReducedAnswer {
  name: string;
  network: string;
  networkCpuSeconds: number;
  reducedCpuSeconds: number;
  particles: number;
  /** Largest |network loss - reduced loss| over the records, over the initial loss. */
  gap: number;
  /** Largest |reduced loss at M - at 8 M| over the initial loss. */
  monteCarlo: number;
}

interface Row {
  name: string;
  config: ConfigInput;
  /** The network's loss metric, and the reduced solver's options. */
  lossMetric: "populationLoss" | "testLoss";
  nodes?: number;
}

/** bmz23-timescales' network (part 3) at d = 1000: N = 512, batch 512, epsilon = 1e-2, BMZ23 time 1. */
const BMZ23: Row = {
  name: "BMZ23 (epsilon = 1e-2)",
  lossMetric: "populationLoss",
  nodes: 64,
  config: {
    name: "answer-bmz23",
    seed: 7,
    task: { kind: "gaussianSingleIndex", d: D, link: "bmz23" },
    model: { width: 512, activation: "relu", init: { firstLayer: { kind: "sphere" }, secondLayer: { kind: "gaussian", std: 1 } } },
    algorithm: { kind: "onlineSgd", batch: 512, steps: 500, stepSize: 0.2, projected: true, firstLayerStepRatio: 1e-2 },
    metrics: { include: ["populationLoss"], schedule: { kind: "logSpaced", points: 60 }, degrees: 2 },
  },
};

/** abam22-staircase's network (relu(z + 1/2) with a bias, N = 300, step 0.1, 1500 steps) at d = 1000. */
function staircase(batch: number): Row {
  return {
    name: "staircase (P = 4)",
    lossMetric: "testLoss",
    config: {
      name: "answer-staircase",
      seed: 7,
      task: { kind: "staircase", d: D, degree: 4 },
      model: {
        width: 300,
        activation: { kind: "piecewiseLinear", breakpoints: [-0.5], slopes: [0, 1], valueAtZero: 0.5 },
        bias: true,
        init: { firstLayer: { kind: "gaussian", kappa: 1 }, secondLayer: { kind: "constant", value: 0 } },
      },
      algorithm: { kind: "onlineSgd", batch, steps: 1500, stepSize: 0.1 },
      metrics: { include: ["testLoss"], schedule: { kind: "logSpaced", points: 60 }, testSamples: 4000 },
    },
  };
}

async function measure(rt: WasmRuntime, row: Row): Promise<ReducedAnswer> {
  const config: Config = parseConfig(row.config);
  let t0 = cpuMs();
  const sim = await simulate(config, { runtime: rt });
  const networkCpuSeconds = (cpuMs() - t0) / 1e3;
  if (sim.summary.status !== "completed") throw new Error(`${row.name}: the network diverged`);
  const particles = config.model.width;
  t0 = cpuMs();
  const reduced = await solveReducedParticles(config, { runtime: rt, particles, nodes: row.nodes });
  const reducedCpuSeconds = (cpuMs() - t0) / 1e3;
  const reference = await solveReducedParticles(config, { runtime: rt, particles: 8 * particles, nodes: row.nodes });
  const net = sim.records.map((r) => r[row.lossMetric] as number);
  // Both log at the config's schedule, so record k is the same step.
  const initial = reduced.records[0]!.loss;
  const gap = net.reduce((m, v, k) => Math.max(m, Math.abs(v - reduced.records[k]!.loss)), 0) / initial;
  const monteCarlo = reduced.records.reduce((m, r, k) => Math.max(m, Math.abs(r.loss - reference.records[k]!.loss)), 0) / initial;
  const { d, kind } = config.task;
  const a = config.algorithm;
  const batch = a.kind === "onlineSgd" ? a.batch : 0;
  return {
    name: row.name,
    network: `${kind} d = ${d}, N = ${particles}, B = ${batch}, ${a.steps} steps`,
    networkCpuSeconds,
    reducedCpuSeconds,
    particles,
    gap,
    monteCarlo,
  };
}

export async function reducedAnswers(rt: WasmRuntime, staircaseBatch: number): Promise<ReducedAnswer[]> {
  return [await measure(rt, BMZ23), await measure(rt, staircase(staircaseBatch))];
}
