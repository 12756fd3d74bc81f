// The Mahankali et al. (2023) row of `npm run bench:answer`: the population loss trajectory of
// projected gradient flow of unit-norm quartic neurons on the sphere (realizable instance, d = 64,
// t in [0, 20]) in the mean-field limit, by the 1-D PDE of the law of w = <q*, u> and by projected
// GD of N particles, at the N and step size that match the PDE to a relative 1e-3 (largest
// |L_GD(t) - L_PDE(t)| over the records, over L(0)).
//
// GD at that N cannot be run inside a bench (its pair sums cost O(N^2 d) per step), so the N and
// step are found from a measured error model with three parts, each measured on its own:
//   bias A / N   the network's loss has the self-interaction terms i = j, which the limit has not
//   Euler B eta  GD's finite step against the PDE's flow
//   sampling     C / sqrt(N): the N-particle initial law against the sphere-uniform one
// A and B: GD against the PDE started from the very same particles (no sampling error) at
// (N, eta) = (250, 0.05), (500, 0.05), (250, 0.025); C: the PDE from N particles against the PDE
// from the law (no GD), root-mean-square over seeds, at N = 1000 .. 16000. The matching N is the
// smallest with A / N + C / sqrt(N) <= 1e-3 - B eta, eta chosen so that B eta = 1e-4 (the bound
// adds the three parts' largest values, so it errs on the large side). GD's time is its per-step
// CPU time, measured at N = 500 .. 2000 and extrapolated as N^2, times 20 / eta steps.

import { parseConfig, type Config } from "../../src/config.js";
import { REALIZABLE, sphereQuarticConfig } from "../../src/experiments/sphereQuartic.js";
import { pdeFromConfig } from "../../src/pde/fromConfig.js";
import { simulate } from "../../src/run/simulate.js";
import type { WasmRuntime } from "../../src/wasm/runtime.js";
import { cpuMs } from "../ceiling.js";

const D = 64;
const HORIZON = 20;
const RECORD_EVERY = 0.25;
const TARGET = 1e-3;
/** The part of TARGET left to the Euler error. */
const EULER_SHARE = 1e-4;
/** Cells of the timed PDE, and of the reference it is checked against. */
const CELLS = 512;
const REFERENCE_CELLS = 2048;

function configFor(width: number, stepSize: number, seed: number, steps = Math.round(HORIZON / stepSize)): Config {
  const input = sphereQuarticConfig({ name: "answer-mahankali", seed, d: D, width, steps, stepSize, every: Math.max(1, Math.round(RECORD_EVERY / stepSize)), instance: REALIZABLE });
  return parseConfig({ ...input, metrics: { ...input.metrics, include: ["populationLoss"] } });
}

async function pdeLosses(rt: WasmRuntime, config: Config, initial: "law" | "particles", cells = CELLS): Promise<number[]> {
  const r = await pdeFromConfig(config, { runtime: rt, degree: 4, cells, initial });
  if (r.kind !== "sphere") throw new Error("expected the sphere PDE");
  return r.result.records.map((p) => p.loss);
}

const maxGap = (p: number[], q: number[]) => p.reduce((m, v, k) => Math.max(m, Math.abs(v - q[k]!)), 0);

export interface SphereQuarticAnswer {
  /** Fastest of three solves in this process (warm). */
  pdeCpuMs: number;
  /** The process's first solve, which also warms up the TypeScript around the Wasm stages: what a user's first call costs. */
  pdeFirstCpuMs: number;
  pdeError: number;
  initialLoss: number;
  bias: number;
  euler: number;
  sampling: number;
  measured: { width: number; stepSize: number; gap: number }[];
  samplingGaps: { width: number; rms: number }[];
  width: number;
  stepSize: number;
  stepMs: { width: number; ms: number }[];
  gdSeconds: number;
}

export async function sphereQuarticAnswer(rt: WasmRuntime, log: (line: string) => void): Promise<SphereQuarticAnswer> {
  const lawConfig = configFor(100, 0.025, 1);
  let pdeCpuMs = Infinity;
  let pdeFirstCpuMs = 0;
  let law: number[] = [];
  for (let k = 0; k < 3; k++) {
    const t0 = cpuMs();
    law = await pdeLosses(rt, lawConfig, "law");
    const ms = cpuMs() - t0;
    if (k === 0) pdeFirstCpuMs = ms;
    pdeCpuMs = Math.min(pdeCpuMs, ms);
  }
  const initialLoss = law[0]!;
  const pdeError = maxGap(law, await pdeLosses(rt, lawConfig, "law", REFERENCE_CELLS)) / initialLoss;
  log(`  PDE (${CELLS} cells): ${pdeCpuMs.toFixed(0)} ms CPU warm (fastest of 3; the process's first solve ${pdeFirstCpuMs.toFixed(0)} ms), off the ${REFERENCE_CELLS}-cell PDE by ${pdeError.toExponential(1)} of L(0)`);

  const measured: SphereQuarticAnswer["measured"] = [];
  for (const [width, stepSize] of [[250, 0.05], [500, 0.05], [250, 0.025]] as const) {
    let gap = 0;
    for (const seed of [11, 12]) {
      const config = configFor(width, stepSize, seed);
      const sim = await simulate(config, { runtime: rt });
      const own = await pdeLosses(rt, config, "particles");
      gap += maxGap(sim.records.map((r) => r.populationLoss as number), own) / initialLoss / 2;
    }
    measured.push({ width, stepSize, gap });
    log(`  GD N = ${width}, eta = ${stepSize} against the PDE from its own particles: ${gap.toExponential(2)} of L(0) (mean of 2 seeds)`);
  }
  const [g1, g2, g3] = measured.map((m) => m.gap) as [number, number, number];
  const bias = Math.max(500 * (g1 - g2), 0);
  const euler = Math.max((g1 - g3) / 0.025, 0);

  const samplingGaps: SphereQuarticAnswer["samplingGaps"] = [];
  for (const width of [1000, 4000, 16000]) {
    let squares = 0;
    const seeds = [21, 22, 23, 24];
    for (const seed of seeds) squares += (maxGap(await pdeLosses(rt, configFor(width, 0.05, seed), "particles"), law) / initialLoss) ** 2;
    samplingGaps.push({ width, rms: Math.sqrt(squares / seeds.length) });
  }
  const sampling = samplingGaps.reduce((s, g) => s + g.rms * Math.sqrt(g.width), 0) / samplingGaps.length;
  log(`  PDE from N particles against the PDE from the law (rms of 4 seeds): ${samplingGaps.map((g) => `N = ${g.width} ${g.rms.toExponential(2)}`).join(", ")}`);

  const stepSize = euler > 0 ? EULER_SHARE / euler : 0.05;
  const budget = TARGET - EULER_SHARE;
  let lo = 1;
  let hi = 1e9;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (bias / mid + sampling / Math.sqrt(mid) <= budget) hi = mid;
    else lo = mid;
  }
  const width = hi;

  const stepMs: SphereQuarticAnswer["stepMs"] = [];
  // Two runs differing by 4 steps: the set-up and the two metric records cancel in the difference.
  const runMs = async (n: number, steps: number) => {
    const config = configFor(n, stepSize, 31, steps);
    const t0 = cpuMs();
    await simulate({ ...config, metrics: { ...config.metrics, schedule: { kind: "every", steps } } }, { runtime: rt });
    return cpuMs() - t0;
  };
  for (const n of [500, 1000, 2000]) stepMs.push({ width: n, ms: ((await runMs(n, 6)) - (await runMs(n, 2))) / 4 });
  const perStepAt = (n: number) => stepMs.reduce((s, m) => s + m.ms * (n / m.width) ** 2, 0) / stepMs.length;
  const gdSeconds = (perStepAt(width) * Math.round(HORIZON / stepSize)) / 1e3;
  return { pdeCpuMs, pdeFirstCpuMs, pdeError, initialLoss, bias, euler, sampling, measured, samplingGaps, width, stepSize, stepMs, gdSeconds };
}
