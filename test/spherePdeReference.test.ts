// The sphere PDE of Mahankali et al. (2023) against a reference that shares no code with the
// solvers (test/reference/sphereFlowMap.ts: its own Legendre polynomials, N(d,k), Gauss nodes and
// stepper), and the quantile solver's convergence order in the number of particles M.

import { describe, expect, it } from "vitest";
import { fitPowerLaw } from "../src/experiments/powerLaw.js";
import { solveSpherePde, solveSphereQuantiles, sphereUniformQuantiles } from "../src/pde/sphere/spherePde.js";
import { linkToActivation } from "../src/activation/link.js";
import { runtimeFor } from "./helpers.js";
import { flowMapPanels, harmonicDimension, SphereFlowMap } from "./reference/sphereFlowMap.js";

/** The quartic setting of Mahankali et al. (2023): coefficients of P_{k,d} are s_k sqrt(N(d,k)). */
function quartic(d: number, s2: number, s4: number): number[] {
  return [0, 0, s2 * Math.sqrt(harmonicDimension(d, 2)), 0, s4 * Math.sqrt(harmonicDimension(d, 4))];
}

const d = 32;
const sigma = quartic(d, 0.5, 0.5);
const target = quartic(d, 0.3, 0.6);
const solverOptions = {
  d,
  activation: linkToActivation({ kind: "legendre", coefficients: sigma }, d),
  link: linkToActivation({ kind: "legendre", coefficients: target }, d),
};
const times = [2, 4, 8];

/** Flow-map losses at `times` with RK4 steps of 0.005 (halving the step moves them by < 4e-12). */
function referenceLosses(smallest: number, outer: number, order: number): number[] {
  const flow = new SphereFlowMap({ d, activation: sigma, link: target }, flowMapPanels(smallest, outer), order);
  return times.map((t) => {
    flow.advance(0.005, Math.round((t - flow.time) / 0.005));
    return flow.loss();
  });
}

describe("sphere PDE against the independent flow-map reference (quartic, d = 32)", () => {
  const reference = referenceLosses(1e-10, 32, 16);

  it("the reference is resolved: 1776 and 1952 Gauss nodes on different panels agree to 1e-12 in loss at t = 2, 4, 8", () => {
    // Panels of width 1/16 instead of 1/32 leave 1e-7 at t = 8: the separatrix between the
    // particles that reach w = 1 and those that stop near 0.14 sharpens with time.
    const coarse = referenceLosses(1e-14, 32, 12);
    const gaps = coarse.map((l, k) => Math.abs(l - reference[k]!));
    console.log(`flow-map losses ${reference.map((l) => l.toPrecision(13)).join(", ")}; node-count gaps ${gaps.map((g) => g.toExponential(1)).join(", ")}`);
    // Measured: 8e-17, 3e-17, 3.3e-14.
    for (const g of gaps) expect(g).toBeLessThanOrEqual(1e-12);
  }, 30_000);

  it("finite volumes, Richardson-extrapolated from 4096 and 8192 cells, agree to 3e-9 in loss", async () => {
    const runtime = await runtimeFor("simd");
    const [coarse, fine] = await Promise.all([4096, 8192].map(async (cells) => (await solveSpherePde({ ...solverOptions, times, grid: { cells }, runtime })).records.map((r) => r.loss)));
    const raw = fine!.map((l, k) => Math.abs(l - reference[k]!));
    // The scheme is second order here (observed 4.0 per halving of the cells from 1024 up).
    const extrapolated = fine!.map((l, k) => Math.abs((4 * l - coarse![k]!) / 3 - reference[k]!));
    console.log(`FV loss error at 8192 cells ${raw.map((e) => e.toExponential(2)).join(", ")}; extrapolated ${extrapolated.map((e) => e.toExponential(2)).join(", ")}`);
    // Measured: raw 1.8e-8, 2.9e-8, 2.3e-8; extrapolated 7.9e-11, 5.2e-11, 1.5e-9.
    for (const e of raw) expect(e).toBeLessThanOrEqual(4e-8);
    for (const e of extrapolated) expect(e).toBeLessThanOrEqual(3e-9);
  }, 30_000);

  it("the quantile solver's loss error at t = 8 falls like M^-1.24 (M = 1024 .. 8192), not M^-2", () => {
    const particles = [1024, 2048, 4096, 8192];
    const errors = particles.map((M) => Math.abs(solveSphereQuantiles({ ...solverOptions, times: [8], particles: M }).records[0]!.loss - reference[2]!));
    const fit = fitPowerLaw(particles, errors);
    console.log(`quantile loss error at t = 8: ${errors.map((e) => e.toExponential(2)).join(", ")}; order ${(-fit.exponent.value).toFixed(3)} [${fit.exponent.ci95.map((v) => (-v).toFixed(3)).join(", ")}]`);
    // Between the midpoint rule's M^-2 in the interior and the end points' M^-(1 + 2/(d-1)) = M^-1.065.
    expect(-fit.exponent.value).toBeGreaterThan(1.1);
    expect(-fit.exponent.value).toBeLessThan(1.4);
  }, 30_000);
});

describe("the quantile solver's order at the start: M^-(1 + 2/(d-1)) from the ends of the law", () => {
  // The sphere-uniform law of w has density ~ (1 - w^2)^{(d-3)/2}, so its quantile function
  // behaves like -1 + c m^{2/(d-1)} at m -> 0 (and symmetrically at 1), and the midpoint rule in m
  // on such an end point errs by O(M^{-1-2/(d-1)}) (Navot's extension of Euler–Maclaurin).
  for (const dimension of [5, 32]) {
    it(`d = ${dimension}: E[P_2(w)] (exact 0) from M = 512 .. 8192 quantiles`, () => {
      const particles = [512, 1024, 2048, 4096, 8192];
      const p2 = (w: number) => (dimension * w * w - 1) / (dimension - 1);
      const errors = particles.map((M) => Math.abs(sphereUniformQuantiles(dimension, M).reduce((s, w) => s + p2(w), 0) / M));
      const fit = fitPowerLaw(particles, errors);
      const expected = 1 + 2 / (dimension - 1);
      console.log(`d = ${dimension}: |E[P_2]| ${errors.map((e) => e.toExponential(2)).join(", ")}; order ${(-fit.exponent.value).toFixed(3)}, predicted ${expected.toFixed(3)}`);
      // Measured: 1.497 (d = 5), 1.055 (d = 32).
      expect(Math.abs(-fit.exponent.value - expected)).toBeLessThanOrEqual(0.02);
    });
  }
});
