import { describe, expect, it } from "vitest";
import type { ConfigInput } from "../src/config.js";
import { pdeFromConfig } from "../src/pde/fromConfig.js";
import { gridQuantile } from "../src/pde/grid/gridDensity.js";
import { chiDensity } from "../src/pde/grid/initialDensity.js";
import { QuantileSolver } from "../src/pde/sphere/quantileSolver.js";
import { RadialModel } from "../src/pde/radial/radialModel.js";
import { radialGrid, solveRadialPde } from "../src/pde/radial/radialPde.js";
import { solveRadialQuantile } from "../src/pde/radial/radialQuantile.js";
import { solvePde } from "../src/pde/solvePde.js";
import { GaussianActivation } from "../src/activation/gaussianMoments.js";
import { IsotropicGaussiansPopulation } from "../src/population/isotropicGaussians.js";
import { simulate } from "../src/run/simulate.js";
import { gaussLegendre } from "../src/special/quadrature.js";
import { runtimeFor } from "./helpers.js";

/** The examples' MMN18 activation: -0.75 below 0.5, slope 1.5 up to 0.75 at 1.5, flat above. */
const activation = { kind: "piecewiseLinear" as const, breakpoints: [0.5, 1.5], slopes: [0, 1.5, 0], valueAtZero: -0.75 };
const delta = 0.5;
const taus = [1 + delta, 1 - delta];

describe("radial PDE (MMN18 isotropic Gaussians)", () => {
  it("the risk is 1/2 + int V drho + 1/2 int int U drho drho, V and U from MMN18's definitions", async () => {
    const runtime = await runtimeFor("simd");
    const result = await solveRadialPde({ d: 320, delta, activation, initial: { kind: "gaussian", kappa: 0.4 }, times: [0, 3], runtime });
    const act = new GaussianActivation(activation);
    const rule = gaussLegendre(6);
    for (const [k, faces, values] of [[0, null, null], [1, result.final.faces, result.final.values]] as const) {
      const grid = faces ?? radialGrid(320, { kind: "gaussian", kappa: 0.4 });
      const rho = values ?? chiDensity(grid, 320, 0.4);
      // E_rho[E sigma(tau r Z)] by Gauss points in every cell: an independent path to the moments.
      const q = taus.map((tau) => {
        let s = 0;
        for (let i = 0; i < rho.length; i++) {
          const half = 0.5 * (grid[i + 1]! - grid[i]!);
          for (let j = 0; j < 6; j++) s += rho[i]! * half * rule.weights[j]! * act.hermite(tau * (grid[i]! + half * (1 + rule.nodes[j]!)), 0).values[0]!;
        }
        return s;
      });
      const V = -0.5 * (q[0]! - q[1]!);
      const U = 0.5 * (q[0]! ** 2 + q[1]! ** 2);
      expect(result.records[k]!.risk).toBeCloseTo(0.5 + V + 0.5 * U, 12);
    }
  });

  for (const kappa of [0.1, 0.4]) {
    it(`t = 0, kappa = ${kappa}: the risk against the exact population loss of N = 500 random neurons in d = 500`, async () => {
      const runtime = await runtimeFor("simd");
      const n = 500;
      const d = 500;
      const w = runtime.random.gaussian(11, "test.radial.w", n * d).map((v) => (v * kappa) / Math.sqrt(d));
      const norms = Float64Array.from({ length: n }, (_, i) => Math.hypot(...w.subarray(i * d, (i + 1) * d)));
      const exact = new IsotropicGaussiansPopulation({ d, activation, delta }).evaluate(w, new Float64Array(n).fill(1), 1 / n).loss;
      // The network's loss has self terms i = j that the N -> infinity limit has not:
      // 1/(2N^2) sum_i 1/2 sum_pm Var(sigma(tau_pm r_i Z)).
      const act = new GaussianActivation(activation);
      let self = 0;
      for (const r of norms) for (const tau of taus) self += act.square(tau * r).value - act.hermite(tau * r, 0).values[0]! ** 2;
      self *= 0.25 / (n * n);
      const fromSamples = await solveRadialPde({ d, delta, activation, initial: { kind: "samples", samples: norms }, times: [0], runtime });
      const fromLaw = await solveRadialPde({ d, delta, activation, initial: { kind: "gaussian", kappa }, times: [0], runtime });
      const sampled = fromSamples.records[0]!;
      // One draw of N norms moves the risk by about (1/sqrt N) std_i of 1/2 sum_pm D_pm q_pm(r_i).
      const influence = Array.from(norms, (r) => 0.5 * taus.reduce((s, tau, k) => s + sampled.residuals[k]! * act.hermite(tau * r, 0).values[0]!, 0));
      const mean = influence.reduce((s, g) => s + g, 0) / n;
      const sampling = Math.sqrt(influence.reduce((s, g) => s + (g - mean) ** 2, 0) / (n - 1) / n);
      const ownGap = exact - self - sampled.risk;
      const lawGap = exact - self - fromLaw.records[0]!.risk;
      console.log(
        `kappa = ${kappa}: exact ${exact.toFixed(7)}, self terms ${self.toExponential(2)}, PDE from the network's norms ${sampled.risk.toFixed(7)} ` +
          `(gap ${ownGap.toExponential(2)}), PDE from the chi law ${fromLaw.records[0]!.risk.toFixed(7)} (gap ${lawGap.toExponential(2)}, sampling std ${sampling.toExponential(2)})`,
      );
      // What remains are the correlations <w_i, w_j> ~ 1/sqrt(d) of distinct neurons, which the
      // d -> infinity limit drops (O(1/d): 2e-5 here for kappa = 0.4), and the histogram's binning (~5e-6).
      expect(Math.abs(ownGap)).toBeLessThanOrEqual(1e-4);
      expect(Math.abs(lawGap)).toBeLessThanOrEqual(1e-4 + 4 * sampling);
    }, 30_000);
  }

  it("finite volumes and quantiles agree (kappa = 0.4, d = 320, t = 2)", async () => {
    const runtime = await runtimeFor("simd");
    const initial = { kind: "gaussian" as const, kappa: 0.4 };
    const fv = await solveRadialPde({ d: 320, delta, activation, initial, times: [2], runtime });
    const faces = radialGrid(320, initial);
    const m = 2048;
    const start = gridQuantile({ faces, values: chiDensity(faces, 320, 0.4) }, Float64Array.from({ length: m }, (_, j) => (j + 0.5) / m));
    const quantiles = new QuantileSolver(new RadialModel({ activation, delta, rMax: fv.rMax }), start);
    quantiles.advanceTo(2);
    const gap = Math.abs(quantiles.loss() - fv.records[0]!.risk);
    console.log(`radial risk at t = 2: finite volumes ${fv.records[0]!.risk.toFixed(8)}, quantiles ${quantiles.loss().toFixed(8)} (gap ${gap.toExponential(2)})`);
    // The quantile solver is converged to 1e-7 here; the finite volumes carry 1.2e-5 at 4096 cells,
    // 4e-7 at 16384: the initial law (width kappa / sqrt(2d) = 0.016) spans only 16 default cells.
    expect(gap).toBeLessThanOrEqual(3e-5);
  }, 30_000);

  it("solveRadialQuantile (the experiment's and `pde --solver quantile`'s solver) from the chi law's quantiles agrees with finite volumes at t = 2; solvePde refuses it without particles", async () => {
    const runtime = await runtimeFor("simd");
    const initial = { kind: "gaussian" as const, kappa: 0.4 };
    const fv = await solveRadialPde({ d: 320, delta, activation, initial, times: [2], runtime });
    const faces = radialGrid(320, initial);
    const m = 2048;
    const radii = gridQuantile({ faces, values: chiDensity(faces, 320, 0.4) }, Float64Array.from({ length: m }, (_, j) => (j + 0.5) / m)).reverse();
    const { records } = solveRadialQuantile({ activation, delta, radii, times: [0, 2] });
    const { risk, residuals } = records[1]!;
    expect(risk).toBe((residuals[0]! ** 2 + residuals[1]! ** 2) / 4);
    // As the test above: the finite volumes carry 1.2e-5 at 4096 cells.
    expect(Math.abs(risk - fv.records[0]!.risk)).toBeLessThanOrEqual(3e-5);
    expect(() => solveRadialQuantile({ activation, delta, radii, times: [2, 1] })).toThrow(/times must be ascending/);
    const config: ConfigInput = {
      task: { kind: "isotropicGaussians", d: 8, delta },
      model: { width: 4, activation, train: "first", init: { firstLayer: { kind: "gaussian", kappa: 0.4 }, secondLayer: { kind: "constant", value: 1 } } },
      algorithm: { kind: "onlineSgd", batch: 1, steps: 10, stepSize: 0.1 },
    };
    await expect(solvePde(config, { runtime, method: "quantile" })).rejects.toThrow(/needs initial "particles"/);
    const quantile = await solvePde(config, { runtime, method: "quantile", initial: "particles" });
    expect(quantile.kind).toBe("radialQuantile");
    expect(quantile.records[quantile.records.length - 1]!.time).toBeCloseTo(1, 12);
  }, 30_000);

  it("against online SGD (N = 400, d = 200, kappa = 0.4, h = 0.01, B = 256) up to t = 5", async () => {
    const runtime = await runtimeFor("simd");
    const config: ConfigInput = {
      name: "mmn18-vs-pde",
      seed: 5,
      task: { kind: "isotropicGaussians", d: 200, delta },
      model: { width: 400, activation, train: "first", init: { firstLayer: { kind: "gaussian", kappa: 0.4 } } },
      algorithm: { kind: "onlineSgd", batch: 256, steps: 500, stepSize: 0.01 },
      metrics: { include: ["populationLoss"], schedule: { kind: "every", steps: 100 } },
    };
    const sim = await simulate(config, { runtime });
    const pde = await pdeFromConfig(config, { runtime, initial: "particles" });
    if (pde.kind !== "radial") throw new Error("expected the radial PDE");
    expect(pde.result.edgeMass).toBeLessThanOrEqual(1e-12);
    const gaps = sim.records.map((r, k) => (r.populationLoss as number) - pde.result.records[k]!.risk);
    console.log(`SGD vs PDE: times ${pde.times.join(", ")}; SGD ${sim.records.map((r) => (r.populationLoss as number).toFixed(5)).join(", ")}; gaps ${gaps.map((g) => g.toExponential(2)).join(", ")}`);
    // SGD at step h in dimension d pushes |w| out by O(h d / B) per unit time beyond the gradient
    // flow (its noise is isotropic in d directions; MMN18 need eps << 1/d): 7e-3 at h d / B = 0.06,
    // 1.3e-3 here (0.008), largest early when the risk drops fastest. Finite N and d add O(1e-4).
    for (const gap of gaps) expect(Math.abs(gap)).toBeLessThanOrEqual(2.5e-3);
    expect((sim.records[0]!.populationLoss as number) - (sim.records[5]!.populationLoss as number)).toBeGreaterThan(0.2);
  }, 120_000);
});
