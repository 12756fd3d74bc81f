// The ReLU field averages as a student field becomes collinear with a teacher's (the converged end
// of a relu committee's trajectory), against 30-digit references computed by another reduction
// (conditioning the student fields on the teacher fields, closed-form radial integrals, tanh-sinh
// in the angle: test/fixtures/make_relu_collinear.py), and the K = M = 2 relu ODE run to
// convergence. The earlier double-arithmetic conditioning (ReluIntegrals roundedConditioning) is
// shown to fail both.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ReluIntegrals } from "../src/ode/reluIntegrals.js";
import { orthantProbability } from "../src/ode/gaussianOrthant.js";
import { odeSetup } from "../src/ode/solveOde.js";
import { CommitteeOde, flatten, parameterViews } from "../src/ode/committeeOde.js";
import { integrate } from "../src/ode/dormandPrince.js";
import { runtimeFor } from "./helpers.js";

interface Row {
  k: number;
  oneMinusRho: number;
  covariance: number[][];
  i2_lam1_nu1: number;
  i3_lam1_lam2_nu1: number;
  i3_lam1_nu2_nu1: number;
  i4_lam1_lam2_nu1_nu2: number;
  j2_lam1_lam2: number;
  p4: number;
}
const rows = (JSON.parse(readFileSync(new URL("./fixtures/reluCollinear.json", import.meta.url), "utf8")) as { rows: Row[] }).rows;

/** Largest |computed - reference| per level k over I2, I3 (two), I4, J2 and P4 (fields λ1, λ2, ν1, ν2). */
function errorsPerLevel(relu: ReluIntegrals): number[] {
  return rows.map((row) => {
    const c4 = Float64Array.from(row.covariance.flat());
    const sub = (idx: number[]) => Float64Array.from(idx.flatMap((i) => idx.map((j) => c4[i * 4 + j]!)));
    return Math.max(
      Math.abs(relu.i2(sub([0, 2])) - row.i2_lam1_nu1),
      Math.abs(relu.i3(sub([0, 1, 2])) - row.i3_lam1_lam2_nu1),
      Math.abs(relu.i3(sub([0, 3, 2])) - row.i3_lam1_nu2_nu1),
      Math.abs(relu.i4(c4) - row.i4_lam1_lam2_nu1_nu2),
      Math.abs(relu.j2(sub([0, 1])) - row.j2_lam1_lam2),
      Math.abs(orthantProbability(c4, 4) - row.p4),
    );
  });
}

describe("relu averages near collinearity (correlation 1 - 10^-k, k = 1..14)", () => {
  it("agree with the 30-digit references to rounding at every k", () => {
    const errors = errorsPerLevel(new ReluIntegrals());
    console.log(`relu averages vs 30-digit references, k = 1..14: ${errors.map((e) => e.toExponential(1)).join(", ")}`);
    // Measured: <= 2.8e-16 at every k (values 0.1-0.3: a few ulps).
    for (const e of errors) expect(e).toBeLessThan(5e-16);
  });

  it("the double-arithmetic conditioning (the stalling code) is wrong by ~1e-16 / (1 - ρ) there", () => {
    const errors = errorsPerLevel(new ReluIntegrals({ roundedConditioning: true }));
    console.log(`rounded conditioning vs the same references: ${errors.map((e) => e.toExponential(1)).join(", ")}`);
    // Measured: 1e-16 at k = 1, 2.8e-13 at k = 10, 4.5e-9 at k = 14.
    expect(Math.max(...errors.slice(0, 3))).toBeLessThan(4e-16);
    expect(Math.max(...errors.slice(9))).toBeGreaterThan(1e-12);
  });
});

/** The example's K = M = 2 relu committee (d = 500, η = 0.5) integrated to tEnd with the given averages. */
async function reluTrajectory(relu: ReluIntegrals, tEnd: number) {
  const runtime = await runtimeFor("simd");
  const config = JSON.parse(readFileSync(new URL("../examples/committee-relu-ode.json", import.meta.url), "utf8"));
  const setup = await odeSetup(config, { runtime });
  const ode = new CommitteeOde({ ...setup.ode.spec, integrals: relu });
  const { k, m } = ode.spec;
  const y = flatten(setup.initial);
  const state = { h: 1e-3, rejected: 0 };
  const started = process.cpuUsage();
  const evaluations = integrate((s, out) => ode.derivative(parameterViews(s, k, m), parameterViews(out, k, m)), y, 0, tEnd, { rtol: 1e-9, atol: 1e-12 }, state);
  const cpu = process.cpuUsage(started);
  return { loss: ode.loss(parameterViews(y, k, m)), evaluations, rejected: state.rejected, seconds: (cpu.user + cpu.system) / 1e6 };
}

describe("the K = M = 2 relu ODE to convergence (examples/committee-relu-ode.json)", () => {
  it("reaches loss < 1e-12 by t = 220 with no NaN and almost no rejected steps", async () => {
    const run = await reluTrajectory(new ReluIntegrals(), 220);
    console.log(`relu K = M = 2 to t = 220: loss ${run.loss.toExponential(2)}, ${run.evaluations} right-hand sides, ${run.rejected} rejected steps, ${run.seconds.toFixed(2)} s CPU`);
    // Measured: loss 2.6e-13, 2155 right-hand sides, 0 rejected steps, 0.33 s CPU (load average 6).
    expect(Number.isFinite(run.loss)).toBe(true);
    expect(run.loss).toBeLessThan(1e-12);
    expect(run.loss).toBeGreaterThan(0);
    expect(run.rejected).toBeLessThan(10);
  }, 60_000);

  it("with the double-arithmetic conditioning the step control rejects step after step by t = 150", async () => {
    const run = await reluTrajectory(new ReluIntegrals({ roundedConditioning: true }), 150);
    console.log(`rounded conditioning to t = 150: loss ${run.loss.toExponential(2)}, ${run.evaluations} right-hand sides, ${run.rejected} rejected steps`);
    // Measured: 187 rejected steps (0 with the double-double conditioning), 5203 right-hand sides.
    expect(run.rejected).toBeGreaterThan(50);
  }, 60_000);
});
