// mmn18-langevin at scale "test": every check passes and every plot carries data (its broken
// variants run in test/brokenVariants.test.ts).

import { describe, expect, it } from "vitest";
import { findExperiment } from "../src/experiments/registry.js";
import { vasicekEntropy } from "../src/experiments/mmn18-langevin.js";
import { memoryContext } from "./experimentContext.js";
import { normals, runtimeFor, testRandom } from "./helpers.js";

describe("mmn18-langevin", () => {
  it("Vasicek's estimator recovers the entropy of N(0, 1), 1/2 log(2 pi e) = 1.4189, from 4000 draws", () => {
    // m = sqrt(n): bias O(m/n) and spread O(1/sqrt(n)); measured 1.4210.
    const x = normals(testRandom(3), 4000);
    expect(Math.abs(vasicekEntropy(x, 63) - 0.5 * Math.log(2 * Math.PI * Math.E))).toBeLessThan(0.03);
  });

  it("every check passes at scale test, plots have data", async () => {
    const experiment = findExperiment("mmn18-langevin")!;
    const result = await experiment.run(memoryContext(await runtimeFor("simd"), "test", 1));
    expect(result.checks.length).toBeGreaterThan(0);
    for (const c of result.checks) expect(c.pass, `${c.name}: measured ${c.measured}, expected [${c.expected[0]}, ${c.expected[1]}]`).toBe(true);
    for (const p of result.plots) expect(((p.spec as { data?: { values?: unknown[] } }).data?.values ?? []).length, p.name).toBeGreaterThan(0);
  }, 120_000);
});
