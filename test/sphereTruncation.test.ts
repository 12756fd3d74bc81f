// The sphere PDE of Mahankali et al. (2023) truncates non-polynomial activations at a degree K;
// when maxDegree stops the series above the requested tolerance it must say so, with the tail.

import { describe, expect, it } from "vitest";
import { SphereModel } from "../src/pde/sphere/sphereModel.js";
import { solveSpherePde } from "../src/pde/sphere/spherePde.js";
import { linkToActivation } from "../src/activation/link.js";
import { runtimeFor } from "./helpers.js";

const d = 16;
const link = linkToActivation({ kind: "legendre", coefficients: [0, 0, 1] }, d);

describe("truncated activations in the sphere PDE", () => {
  it("ReLU stops at degree 40 with a relative tail far above 1e-10, and the model says so with the tail", () => {
    const model = new SphereModel({ d, activation: "relu", link });
    expect(model.degree).toBe(40);
    expect(model.warnings).toHaveLength(1);
    const warning = model.warnings[0]!;
    console.log(warning);
    expect(warning).toMatch(/activation stops at degree 40 with relative tail/);
    const stated = Number(/relative tail ([0-9.e+-]+)/.exec(warning)![1]);
    // The tail itself: E[relu(u_1)^2] = 1/2 E[u_1^2] = 1/(2d) minus the Parseval sum of the 41 kept degrees.
    const square = 1 / (2 * d);
    let kept = 0;
    model.activationCoefficients.forEach((c, k) => (kept += (c * c) / (k === 0 ? 1 : model.harmonics[k]!)));
    // Measured 4.8e-5, printed to two digits.
    expect(Math.abs(stated / ((square - kept) / square) - 1)).toBeLessThanOrEqual(0.02);
    expect(stated).toBeGreaterThan(1e-6);
    expect(stated).toBeLessThan(1e-3);
  });

  it("no warning when the tolerance is met (ReLU at 1e-3), when K is given, or for polynomials", () => {
    expect(new SphereModel({ d, activation: "relu", link, tolerance: 1e-3 }).warnings).toEqual([]);
    expect(new SphereModel({ d, activation: "relu", link, degree: 12 }).warnings).toEqual([]);
    expect(new SphereModel({ d, activation: { kind: "polynomial", coefficients: [0, 1, 1] }, link }).warnings).toEqual([]);
  });

  it("the solver's summary carries the warning", async () => {
    const result = await solveSpherePde({ d, activation: "relu", link, times: [0], grid: { cells: 64 }, runtime: await runtimeFor("simd") });
    expect(result.model.warnings).toHaveLength(1);
    expect(result.model.activationTail).toBeGreaterThan(1e-10 / (2 * d));
  });
});
