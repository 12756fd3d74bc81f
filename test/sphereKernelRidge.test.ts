// Exact (Funk–Hecke) population losses of kernel ridge on the sphere against a Monte-Carlo test
// set of the same fit, and the conjugate-gradient solve against the dense one.

import { describe, expect, it } from "vitest";
import type { ConfigInput } from "../src/config.js";
import { kernelBaseline } from "../src/kernels/kernelRidge.js";
import { sphereKernelRidge } from "../src/kernels/sphereKernelRidge.js";
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
