// `npm run bench:ode`: the wall and CPU time of a full K = M = 4 committee trajectory of the
// order-parameter ODEs (src/ode/), relu and erf, with the right-hand sides counted and the load
// average beside them (timings on a shared machine are noisy; no timing is asserted in tests).
// relu: seed 2, d = 1000, committee scaling, step 2/d (η = 0.5), batch 1, to t = 400 (loss 1.7 ->
// ~5e-14) at solveOde's default tolerance, with the drift and square terms in Wasm
// (assembly/reluCommitteeTerms.ts, the rotation-path and Plackett orthants in Wasm beside them),
// alternating with the path before them: the same terms in TypeScript (reluCommitteeTerms.ts,
// collinearOrthant.ts; Plackett's integral in Wasm), which gives the same bits
// (test/reluTermsKernel.test.ts). With `--reference` also the run with the TypeScript reference of
// every average (the Stein recursion per average, Plackett's integral in TypeScript; about 6 s).
// erf: the same committee to t = 1500 (loss 0.93 -> ~1e-16, the loss formula's rounding; closed forms).

import { loadavg } from "node:os";
import type { ConfigInput } from "../src/config.js";
import { DEFAULT_TOLERANCE, odeSetup, solveOde, type SolveOdeOptions } from "../src/ode/solveOde.js";
import { CommitteeOde, flatten, parameterViews } from "../src/ode/committeeOde.js";
import { integrate } from "../src/ode/dormandPrince.js";
import { ReluIntegrals } from "../src/ode/reluIntegrals.js";
import { loadRuntime } from "../src/wasm/runtime.js";
import { PlackettKernel } from "../src/wasm/plackettKernel.js";
import { collinearOrthant4 } from "../src/ode/collinearOrthant.js";

// This file runs as bench/.build/bench/odeTrajectory.js (bench/tsconfig.json).
const repoRoot = new URL("../../../", import.meta.url);
const D = 1000;

function committee(activation: "relu" | "erf", horizon: number, stepSize: number): ConfigInput {
  return {
    name: `committee-${activation}-k4`,
    seed: 2,
    task: { kind: "teacherNetwork", d: D, width: 4, activation },
    model: {
      width: 4,
      activation,
      scaling: "committee",
      train: "first",
      init: { firstLayer: { kind: "gaussian", kappa: 0.1 }, secondLayer: { kind: "constant", value: 1 } },
    },
    algorithm: { kind: "onlineSgd", batch: 1, steps: horizon * D, stepSize },
    metrics: { include: ["populationLoss"], schedule: { kind: "every", steps: 50 * D } },
  };
}

function timed<T>(run: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  return run().then((value) => {
    const cpu = process.cpuUsage(cpu0);
    return { value, wall: (performance.now() - wall0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  });
}

function row(name: string, evaluations: number, rejected: number, wall: number, cpu: number, loss0: number, loss1: number): void {
  const load = loadavg().map((l) => l.toFixed(2)).join(" ");
  console.log(
    `${name.padEnd(28)} ${String(evaluations).padStart(6)} RHS ${String(rejected).padStart(3)} rejected  wall ${wall.toFixed(2)} s  CPU ${cpu.toFixed(2)} s  ` +
      `${((1000 * cpu) / evaluations).toFixed(3)} ms/RHS  loss ${loss0.toExponential(2)} -> ${loss1.toExponential(2)}  load ${load}`,
  );
}

async function trajectory(name: string, config: ConfigInput, options: SolveOdeOptions): Promise<void> {
  const { value, wall, cpu } = await timed(() => solveOde(config, options));
  const losses = value.records.map((r) => r.populationLoss);
  row(name, value.evaluations, value.rejectedSteps, wall, cpu, losses[0]!, losses[losses.length - 1]!);
}

/**
 * The relu run on an earlier path: the drift and square terms in TypeScript with Plackett's
 * integral in Wasm (`kernel`: the path before the terms kernel), or every average by the Stein
 * recursion in TypeScript (no kernel: the reference).
 */
async function reluReference(config: ConfigInput, horizon: number, name: string, kernel?: PlackettKernel): Promise<void> {
  const setup = await odeSetup(config, { runtime });
  const orthant4 = (hi: Float64Array, lo: Float64Array) => {
    const p = collinearOrthant4(hi, lo);
    return Number.isNaN(p) ? kernel!.orthant4(hi, lo) : p;
  };
  const integrals = kernel ? new ReluIntegrals({ orthant4, shared: true }) : new ReluIntegrals();
  const ode = new CommitteeOde({ ...setup.ode.spec, integrals });
  const { k, m } = ode.spec;
  const y = flatten(setup.initial);
  const loss0 = ode.loss(setup.initial);
  const state = { h: 1e-3 / ode.spec.learningRate, rejected: 0 };
  const { value: evaluations, wall, cpu } = await timed(async () => {
    let evaluations = 0;
    for (let t = 50; t <= horizon; t += 50) evaluations += integrate((s, out) => ode.derivative(parameterViews(s, k, m), parameterViews(out, k, m)), y, t - 50, t, DEFAULT_TOLERANCE, state);
    return evaluations;
  });
  row(name, evaluations, state.rejected, wall, cpu, loss0, ode.loss(parameterViews(y, k, m)));
}

const runtime = await loadRuntime({ url: new URL("build/meanfield.wasm", repoRoot) });
// The first call compiles the module and warms the JIT; the rows after it are the steady state.
await solveOde(committee("erf", 10, 2 / D), { runtime });
await trajectory("erf K = M = 4, t = 1500", committee("erf", 1500, 2 / D), { runtime });
// Old and new relu paths alternate, twice each, so both see the same load.
for (let round = 0; round < 2; round++) {
  await reluReference(committee("relu", 400, 2 / D), 400, "relu before (terms in TS)", new PlackettKernel(runtime));
  await trajectory("relu K = M = 4, t = 400", committee("relu", 400, 2 / D), { runtime });
}
if (process.argv.includes("--reference")) await reluReference(committee("relu", 400, 2 / D), 400, "relu, TypeScript reference");
