// Experiments 1-5 (seeds 000 and 001) at scale "test": each one's quantitative claims, as its own
// checks state them, must hold. Timing is not asserted.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findExperiment } from "../src/experiments/registry.js";
import { runExperiment } from "../src/experiments/runExperiment.js";
import { runtimeFor } from "./helpers.js";

const IDS = ["mahankali-phases", "lazy-vs-meanfield", "chaos", "mmn18-isotropic", "bmz23-timescales"];
const root = mkdtempSync(join(tmpdir(), "meanfield-experiments-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("paper experiments 1-5 at test scale", () => {
  for (const id of IDS) {
    it(`${id}: every check passes`, async () => {
      const experiment = findExperiment(id);
      expect(experiment, `${id} is registered`).toBeDefined();
      const dir = join(root, id);
      const { summary } = await runExperiment(experiment!, { scale: "test", out: dir, runtime: await runtimeFor("simd") });
      const lines = summary.checks.map((c) => `${c.pass ? "pass" : "FAIL"} ${c.name}: ${c.measured} in [${c.expected[0] ?? "-inf"}, ${c.expected[1] ?? "inf"}]`);
      console.log(`${id} (${summary.wallSeconds.toFixed(1)} s)\n  ${lines.join("\n  ")}`);
      expect(summary.error).toBeNull();
      expect(summary.checks.length).toBeGreaterThanOrEqual(3);
      for (const c of summary.checks) expect(c.pass, `${id}: ${c.name} = ${c.measured}, expected ${JSON.stringify(c.expected)}`).toBe(true);
      expect(summary.plots.length).toBeGreaterThanOrEqual(2);
      expect(summary.tables.length).toBeGreaterThanOrEqual(1);
      const html = readFileSync(join(dir, "report.html"), "utf8");
      expect((html.match(/<svg/g) ?? []).length).toBe(summary.plots.length);
      expect(html).not.toMatch(/https?:\/\//);
    }, 120_000);
  }

  it("the same seed gives byte-identical metric tables and plot specs; another seed gives different ones", async () => {
    const runtime = await runtimeFor("simd");
    const experiment = findExperiment("lazy-vs-meanfield")!;
    const files = (dir: string) => ["metrics/movement.csv", "metrics/loss.ndjson", "plots/movement.vl.json"].map((f) => readFileSync(join(dir, f), "utf8"));
    const outputs: string[][] = [];
    for (const [name, seed] of [["same-a", 5], ["same-b", 5], ["other", 6]] as const) {
      outputs.push(files((await runExperiment(experiment, { scale: "test", seed, out: join(root, name), runtime })).dir));
    }
    const [a, b, other] = outputs;
    expect(b).toEqual(a);
    expect(other![0]).not.toEqual(a![0]);
  }, 120_000);
});
