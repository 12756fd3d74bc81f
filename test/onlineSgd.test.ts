import { describe, expect, it } from "vitest";
import { runDemo } from "../src/demo.js";
import { runtimeFor } from "./helpers.js";

describe("online SGD on a Gaussian single-index target", () => {
  it("learns: the test loss falls 100-fold and the neurons align with q*", async () => {
    const rt = await runtimeFor("simd");
    const records = await runDemo({ d: 20, n: 128, steps: 600, logEvery: 300, testSamples: 2000 }, undefined, rt);
    const [first, , last] = records;
    expect(last!.loss).toBeLessThan(first!.loss / 100);
    // The drop is far outside the Monte-Carlo error of the test estimate.
    expect(first!.loss - last!.loss).toBeGreaterThan(10 * (first!.standardError + last!.standardError));
    expect(last!.meanOverlap).toBeGreaterThan(0.3);
  });

  it("the same settings and seed give bit-identical records; another seed does not", async () => {
    const rt = await runtimeFor("simd");
    const settings = { d: 10, n: 33, batch: 17, steps: 50, logEvery: 10, testSamples: 500 };
    const a = await runDemo({ ...settings, seed: 4 }, undefined, rt);
    const b = await runDemo({ ...settings, seed: 4 }, undefined, await runtimeFor("simd"));
    expect(b).toEqual(a);
    const c = await runDemo({ ...settings, seed: 5 }, undefined, rt);
    expect(c[5]!.loss).not.toBe(a[5]!.loss);
    expect(rt.arena.liveAllocations).toBe(0);
  });

  it("stops with a clear message when the loss diverges", async () => {
    const rt = await runtimeFor("simd");
    await expect(runDemo({ d: 10, n: 16, steps: 200, stepSize: 1e5, link: { kind: "polynomial", coefficients: [0, 0, 0, 5] } }, undefined, rt)).rejects.toThrow(
      /loss diverged .* at step \d+; lower the step size/,
    );
    expect(rt.arena.liveAllocations).toBe(0);
  });
});
