// The numerical pieces behind the lazy-vs-meanfield and chaos experiments, against independent
// truths: eigenvalues of matrices built from known spectra, exact power laws, W1 of equal-size
// samples as the mean gap of their order statistics, the output scale N^-q, and the coupling of a
// network with its reduced mean-field limit at t = 0.

import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { coupledDistance, coupledLimit, empiricalW1 } from "../src/experiments/coupledLimit.js";
import { fitCommonPowerLaw } from "../src/experiments/powerLaw.js";
import { symmetricEigenvalues } from "../src/kernels/symmetricEigenvalues.js";
import { networkOptionsOf, outputScale, TwoLayerNetwork } from "../src/model/network.js";
import { linkToActivation } from "../src/activation/link.js";
import { normals, runtimeFor, testRandom } from "./helpers.js";

/** Q diag(values) Q^T with Q a product of random Householder reflections (orthogonal to round-off). */
function withSpectrum(values: number[], seed: number): Float64Array {
  const n = values.length;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = values[i]!;
  const rand = testRandom(seed);
  for (let r = 0; r < 3; r++) {
    const v = normals(rand, n);
    const norm2 = v.reduce((s, x) => s + x * x, 0);
    // H M H with H = I - 2 v v^T / |v|^2, applied to rows then columns.
    for (const side of ["rows", "columns"] as const) {
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += v[k]! * (side === "rows" ? m[k * n + j]! : m[j * n + k]!);
        const c = (2 * dot) / norm2;
        for (let k = 0; k < n; k++) {
          if (side === "rows") m[k * n + j]! -= c * v[k]!;
          else m[j * n + k]! -= c * v[k]!;
        }
      }
    }
  }
  return m;
}

describe("symmetricEigenvalues", () => {
  it("recovers a spectrum spread over eight decades from a rotated diagonal", () => {
    const values = Array.from({ length: 40 }, (_, k) => 10 ** (-6 + (8 * k) / 39));
    const got = symmetricEigenvalues(withSpectrum(values, 3), 40);
    values.forEach((v, k) => expect(Math.abs(got[k]! - v)).toBeLessThan(1e-12 * 100));
    // The smallest is resolved relative to itself, which sigma_min needs.
    expect(Math.abs(got[0]! / values[0]! - 1)).toBeLessThan(1e-6);
  });

  it("handles a 1 x 1 matrix, repeated eigenvalues and rejects a wrong size", () => {
    expect(Array.from(symmetricEigenvalues([2.5], 1))).toEqual([2.5]);
    const got = symmetricEigenvalues(withSpectrum([1, 1, 1, 4], 5), 4);
    [1, 1, 1, 4].forEach((v, k) => expect(got[k]).toBeCloseTo(v, 13));
    expect(() => symmetricEigenvalues([1, 2, 3], 2)).toThrow(/4/);
  });
});

describe("fitCommonPowerLaw", () => {
  it("gives the exact shared exponent and each group's prefactor on exact power laws", () => {
    const x1 = [1, 2, 4, 8];
    const x2 = [0.1, 0.01, 0.001];
    const fit = fitCommonPowerLaw([
      { x: x1, y: x1.map((x) => 3 * x ** 0.5) },
      { x: x2, y: x2.map((x) => 0.2 * x ** 0.5) },
    ]);
    expect(fit.exponent.value).toBeCloseTo(0.5, 12);
    expect(fit.exponent.ci95[1] - fit.exponent.ci95[0]).toBeLessThan(1e-10);
    expect(fit.prefactors[0]).toBeCloseTo(3, 12);
    expect(fit.prefactors[1]).toBeCloseTo(0.2, 12);
    expect(fit.exponent.points).toBe(7);
  });

  it("widens the interval with scatter and refuses groups of one point", () => {
    const x = [1, 2, 4, 8, 16];
    const fit = fitCommonPowerLaw([{ x, y: x.map((v, k) => v * (1 + 0.05 * (-1) ** k)) }, { x, y: x.map((v) => 2 * v) }]);
    expect(fit.exponent.ci95[0]).toBeLessThan(1);
    expect(fit.exponent.ci95[1]).toBeGreaterThan(1);
    expect(() => fitCommonPowerLaw([{ x: [1], y: [1] }])).toThrow(/group 0/);
  });
});

describe("empiricalW1", () => {
  it("equals the mean gap of the order statistics for samples of equal size", () => {
    const rand = testRandom(11);
    const x = normals(rand, 200);
    const y = normals(rand, 200, 1.5);
    const xs = Float64Array.from(x).sort();
    const ys = Float64Array.from(y).sort();
    let truth = 0;
    for (let k = 0; k < 200; k++) truth += Math.abs(xs[k]! - ys[k]!) / 200;
    expect(empiricalW1(x, y)).toBeCloseTo(truth, 12);
  });

  it("is the distance of two points, and the mean distance to a point", () => {
    expect(empiricalW1([0], [1])).toBeCloseTo(1, 15);
    expect(empiricalW1([0, 1], [0.25])).toBeCloseTo(0.5, 15);
  });
});

describe("outputScale with a numeric exponent", () => {
  it("is N^-q, with q = 1 and 1/2 the named scalings", () => {
    expect(outputScale(0.25, 16)).toBeCloseTo(0.5, 15);
    expect(outputScale(1, 100)).toBe(outputScale("meanfield", 100));
    expect(outputScale(0.5, 100)).toBeCloseTo(outputScale("ntk", 100), 15);
    expect(() => outputScale(3, 10)).toThrow(/\[0, 2\]/);
  });
});

describe("coupledLimit", () => {
  it("starts every coupled particle at its neuron (distance 0) and measures a moved neuron's displacement", async () => {
    const runtime = await runtimeFor("simd");
    const config = parseConfig({
      seed: 4,
      task: { kind: "gaussianSingleIndex", d: 6, link: "tanh" },
      model: { width: 8, activation: "erf", init: { firstLayer: { kind: "gaussian", kappa: 1 }, secondLayer: { kind: "gaussian", std: 1 } } },
      algorithm: { kind: "onlineSgd", batch: 1, steps: 4, stepSize: 0.25 },
    });
    const limit = coupledLimit(runtime, config, { particles: 64, nMax: 8, stepSize: 0.25, steps: 0, every: 1, nodes: 16 });
    const net = new TwoLayerNetwork(runtime, networkOptionsOf(config, linkToActivation(config.model.activation, 6)));
    const w = net.w.toArray();
    const a = net.a.toArray();
    net.free();
    expect(coupledDistance(limit, limit.snapshots[0]!, w, a).max).toBeLessThan(1e-15);
    // A prefix of the neurons is coupled to the same particles (prefix-consistent draws).
    expect(coupledDistance(limit, limit.snapshots[0]!, w.subarray(0, 4 * 6), a.subarray(0, 4)).max).toBeLessThan(1e-15);
    a[3]! += 0.3;
    w[5 * 6 + 2]! -= 0.4;
    const moved = coupledDistance(limit, limit.snapshots[0]!, w, a);
    expect(moved.max).toBeCloseTo(0.4, 14);
    expect(moved.rms).toBeCloseTo(Math.sqrt((0.09 + 0.16) / 8), 14);
  });
});
