// The radial Langevin PDE against closed forms. With a constant activation the loss does not move
// w, so w is an Ornstein-Uhlenbeck process dw = -lambda w dt + sqrt(2/beta) dB: from w ~ N(0, kappa^2/d I)
// it stays Gaussian with per-coordinate variance v(t) = v_inf + (kappa^2/d - v_inf) e^{-2 lambda t},
// v_inf = 1/(lambda beta), so E r^2 = d v(t) exactly; that tests the diffusion, the weight decay and
// the Jacobian drift (d - 1)/(beta r) together. The entropy of N(0, v I_d) is (d/2) log(2 pi e v), which
// the reported entropy plus log |S^{d-1}| = log(2 pi^{d/2} / Gamma(d/2)) must match.

import { describe, expect, it } from "vitest";
import { solveRadialLangevin } from "../src/pde/radial/radialLangevin.js";
import { solvePde } from "../src/pde/solvePde.js";

const flat = { kind: "polynomial" as const, coefficients: [0.3] };

describe("solveRadialLangevin", () => {
  const [d, lambda, beta, kappa] = [12, 0.5, 8, 0.5];
  const times = [0, 0.25, 0.5, 1, 2, 4, 8, 30];
  const result = solveRadialLangevin({ d, delta: 0.5, activation: flat, lambda, beta, kappa, times, cells: 800, rMax: 6, maxStep: 0.002 });
  const variance = (t: number) => 1 / (lambda * beta) + (kappa ** 2 / d - 1 / (lambda * beta)) * Math.exp(-2 * lambda * t);

  it("E r^2 follows the Ornstein-Uhlenbeck law d v(t) (constant activation)", () => {
    // Linearly implicit Euler at dt = 0.002 and 800 cells: measured relative error 7.2e-4.
    for (const [j, t] of times.entries()) {
      const second = result.records[j]!;
      const expected = d * variance(t);
      // E r^2 from the recorded free energy: F = R + (lambda/2) E r^2 - Ent / beta, R constant.
      const measured = (2 / lambda) * (second.freeEnergy - second.risk + second.entropy / beta);
      expect(Math.abs(measured - expected) / expected, `t = ${t}`).toBeLessThan(3e-3);
    }
  });

  it("the entropy is that of N(0, v(t) I_d); F decreases; the end is its Gibbs law", () => {
    // Midpoint quadrature of -p log p and (d - 1) log r on the cells: measured error 4.4e-3.
    const gaussianEntropy = (t: number) => (d / 2) * Math.log(2 * Math.PI * Math.E * variance(t));
    const logSphere = Math.log(2) + (d / 2) * Math.log(Math.PI) - Math.log(120); // Gamma(6) = 120, d = 12
    for (const [j, t] of times.entries()) {
      expect(Math.abs(result.records[j]!.entropy + logSphere - gaussianEntropy(t)), `t = ${t}`).toBeLessThan(1e-2);
    }
    for (let j = 1; j < times.length; j++) expect(result.records[j]!.freeEnergy).toBeLessThanOrEqual(result.records[j - 1]!.freeEnergy);
    expect(result.gibbsResidual).toBeLessThan(1e-6);
  });

  it("rejects a bad beta with a message naming it", () => {
    expect(() => solveRadialLangevin({ d, delta: 0.5, activation: flat, lambda, beta: 0, kappa, times })).toThrow(/beta/);
  });

  it("solvePde takes a noisy isotropic-Gaussians config to this PDE, and refuses noise it cannot reduce, naming the field", async () => {
    const config = {
      task: { kind: "isotropicGaussians", d: 12, delta: 0.5 },
      model: { width: 10, activation: "tanh", train: "first", init: { firstLayer: { kind: "gaussian", kappa: 0.4 }, secondLayer: { kind: "constant", value: 1 } } },
      algorithm: { kind: "onlineSgd", batch: 10, steps: 100, stepSize: 0.01, noise: { lambda: 0.1, beta: 24 } },
      metrics: { include: ["populationLoss"], schedule: { kind: "logSpaced", points: 4 } },
    };
    const solution = await solvePde(config);
    expect(solution.kind).toBe("radialLangevin");
    expect(solution.records[solution.records.length - 1]!.step).toBe(100);
    await expect(solvePde({ ...config, algorithm: { ...config.algorithm, noise: { lambda: 0.1 } } })).rejects.toThrow(/algorithm\.noise\.beta/);
    const given = { kind: "given", weights: [[1, ...new Array<number>(11).fill(0)]] };
    await expect(solvePde({ ...config, model: { ...config.model, width: 1, init: { ...config.model.init, firstLayer: given } } })).rejects.toThrow(/model\.init\.firstLayer/);
  });
});
