// mahankali-sample-complexity at scale "test": every check passes and the fitted exponents are
// reported under keys containing "exponent", each with its 95% interval.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findExperiment } from "../src/experiments/registry.js";
import { runExperiment } from "../src/experiments/runExperiment.js";
import { runtimeFor } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "meanfield-mahankali-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("mahankali-sample-complexity at test scale", () => {
  it("every check passes; network, NNGP, NTK and best-kernel exponents with 95% intervals", async () => {
    const experiment = findExperiment("mahankali-sample-complexity");
    expect(experiment).toBeDefined();
    const { summary } = await runExperiment(experiment!, { scale: "test", out: join(root, "sc"), runtime: await runtimeFor("simd") });
    console.log(summary.checks.map((c) => `${c.pass ? "pass" : "FAIL"} ${c.name}: ${c.measured}`).join("\n"));
    expect(summary.error).toBeNull();
    for (const c of summary.checks) expect(c.pass, `${c.name} = ${c.measured}, expected ${JSON.stringify(c.expected)}`).toBe(true);
    const exponents = summary.exponents ?? {};
    for (const key of ["networkExponent", "nngpExponent", "ntkExponent", "bestExponent", "kernelOverNetworkExponent"]) {
      const e = exponents[key];
      expect(e, key).toBeDefined();
      expect(e!.ci95[0]).toBeLessThanOrEqual(e!.value);
      expect(e!.ci95[1]).toBeGreaterThanOrEqual(e!.value);
    }
  }, 180_000);
});
