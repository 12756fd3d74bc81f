// Exact (Funk–Hecke) population losses of kernel ridge on the sphere: against a Monte-Carlo test
// set of the same fit (model kernels through kernelBaseline, general degree weights on fresh
// points), the conjugate-gradient solve against the dense one, exact recovery once n exceeds the
// kernel's feature dimension, and the null predictor's loss 1/2 E[y^2] under an overwhelming ridge.

import { describe, expect, it } from "vitest";
import type { ConfigInput } from "../src/config.js";
import { kernelBaseline } from "../src/kernels/kernelRidge.js";
import { quarticLegendre } from "../src/experiments/sphereQuartic.js";
import { fitSphereKernels, sphereKernelRidge } from "../src/kernels/sphereKernelRidge.js";
import { gegenbauerAll, sphericalHarmonicsDim } from "../src/special/gegenbauer.js";
import { runtimeFor } from "./helpers.js";

const quartic = { kind: "legendre" as const, coefficients: [0, 0, 0.5, 0, 1] };
const input: ConfigInput = {
  seed: 1,
  task: { kind: "sphereSingleIndex", d: 12, link: quartic },
  model: { width: 16, activation: quartic },
  algorithm: { kind: "onlineSgd", batch: 16, steps: 1, stepSize: 1, projected: true },
  metrics: { include: ["populationLoss"] },
};

describe("sphereKernelRidge", () => {
  it("gives the loss a 50000-point test set estimates, within 4 standard errors, for the NNGP and the NTK", async () => {
    const rt = await runtimeFor("simd");
    const exact = sphereKernelRidge(rt, input, ["nngp", "ntk"], [500]);
    for (const fit of exact) {
      const mc = await kernelBaseline(input, { n: 500, m: 50_000, kernel: fit.kernel, method: "cholesky", runtime: rt });
      expect(Math.abs(fit.loss - mc.testLoss)).toBeLessThan(4 * mc.testLossSE);
      // The exact degree fractions are kernelBaseline's (both from Funk–Hecke on the same alpha).
      expect(fit.degreeFractions[4]!).toBeCloseTo(mc.degreeFractions![4]!, 8);
    }
  }, 60_000);

  it("solves by conjugate gradients to the dense solution's loss", async () => {
    const rt = await runtimeFor("simd");
    const [dense] = sphereKernelRidge(rt, input, ["nngp"], [400]);
    const [cg] = sphereKernelRidge(rt, input, ["nngp"], [400], 100);
    expect(cg!.method).toBe("cg");
    expect(dense!.method).toBe("cholesky");
    expect(Math.abs(cg!.loss - dense!.loss) / dense!.loss).toBeLessThan(1e-6);
  });
});

const d = 6;
const link = quarticLegendre(d, 0.5, 0.45).coefficients;
const energy = link.reduce((s, h, k) => s + h * h / sphericalHarmonicsDim(d, k), 0);

function target(q: Float64Array, x: Float64Array, i: number): number {
  let t = 0;
  for (let c = 0; c < d; c++) t += q[c]! * x[i * d + c]!;
  const p = gegenbauerAll(4, d, Math.max(-1, Math.min(1, t)));
  return link.reduce((s, h, k) => s + h * p[k]!, 0);
}

async function setup(n: number) {
  const runtime = await runtimeFor("simd");
  const q = runtime.random.sphere(5, "q", 1, d);
  const x = runtime.random.sphere(5, "x", n, d);
  const y = Float64Array.from({ length: n }, (_, i) => target(q, x, i));
  return { runtime, q, x, y };
}

describe("fitSphereKernels (degree weights)", () => {
  it("population loss equals the Monte-Carlo loss on 40000 fresh points within 4 standard errors", async () => {
    const n = 60;
    const { runtime, q, x, y } = await setup(n);
    const kappa = [0.1, 0.2, 0.5, 0.3, 0.4];
    const [fit] = fitSphereKernels(runtime, x, y, d, [kappa], q, link, { ridge: 1e-3 });
    const m = 40_000;
    const z = runtime.random.sphere(6, "z", m, d);
    let sum = 0;
    let sumSquares = 0;
    for (let s = 0; s < m; s++) {
      let f = 0;
      for (let j = 0; j < n; j++) {
        let t = 0;
        for (let c = 0; c < d; c++) t += x[j * d + c]! * z[s * d + c]!;
        const p = gegenbauerAll(4, d, Math.max(-1, Math.min(1, t)));
        f += fit!.alpha[j]! * kappa.reduce((acc, v, k) => acc + v * p[k]!, 0);
      }
      const loss = 0.5 * (f - target(q, z, s)) ** 2;
      sum += loss;
      sumSquares += loss * loss;
    }
    const mean = sum / m;
    const se = Math.sqrt((sumSquares / m - mean * mean) / m);
    console.log(`exact ${fit!.loss.toFixed(5)}, Monte Carlo ${mean.toFixed(5)} +- ${se.toFixed(5)}`);
    expect(Math.abs(fit!.loss - mean)).toBeLessThan(4 * se);
    expect(fit!.loss).toBeGreaterThan(0.05 * energy);
  }, 60_000);

  it("recovers the target once n exceeds N(d,2) + N(d,4), and gives 1/2 E[y^2] under an overwhelming ridge", async () => {
    const p = sphericalHarmonicsDim(d, 2) + sphericalHarmonicsDim(d, 4);
    const { runtime, q, x, y } = await setup(p + 20);
    const kappa = [0, 0, 1, 0, 1];
    const [exact, none] = [fitSphereKernels(runtime, x, y, d, [kappa], q, link, { ridge: 1e-10 })[0]!, fitSphereKernels(runtime, x, y, d, [kappa], q, link, { ridge: 1e12 })[0]!];
    expect(exact.loss).toBeLessThan(1e-8 * energy);
    expect(none.loss).toBeCloseTo(0.5 * energy, 8);
  });
});
