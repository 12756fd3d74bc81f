// `meanfield escape` end to end: information-exponent lists one command per (s, d) cell in its
// report, and a listed command, run through the built CLI (dist/) from the run directory, gives
// the experiment's escape steps per seed bit for bit; a bad config fails in one line, exit 2.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findExperiment } from "../src/experiments/registry.js";
import { runExperiment } from "../src/experiments/runExperiment.js";
import { escapeHtml } from "../src/report/reportHtml.js";
import { loadRuntime } from "../src/wasm/runtime.js";

const root = mkdtempSync(join(tmpdir(), "meanfield-escape-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cli = new URL("../dist/cli.js", import.meta.url).pathname;

describe("meanfield escape", () => {
  it("information-exponent lists one escape command per (s, d); the s = 4 cell's reruns to the experiment's steps, bit for bit, on 1 and 2 threads", async () => {
    // The CLI's default Wasm build, so the rerun through dist/cli.js runs the same kernel.
    const runtime = await loadRuntime();
    const dir = join(root, "information-exponent");
    const { summary } = await runExperiment(findExperiment("information-exponent")!, { scale: "test", out: dir, runtime });
    const html = readFileSync(join(dir, "report.html"), "utf8");
    const escape = (summary.reruns ?? []).filter((r) => r.commands.some((c) => c.startsWith("meanfield escape ")));
    const table = readFileSync(join(dir, "metrics", "escape.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { s: number; d: number; steps: string });
    expect(escape.map((r) => r.config).sort()).toEqual(table.map((r) => `configs/escape-s${r.s}-d${r.d}.json`).sort());
    for (const r of escape) expect(html).toContain(escapeHtml(r.commands[0]!));
    const cell = table.filter((r) => r.s === 4)[0]!;
    const command = escape.find((r) => r.config === `configs/escape-s4-d${cell.d}.json`)!.commands[0]!;
    expect(command).toBe(`meanfield escape configs/escape-s4-d${cell.d}.json`);
    const expected = cell.steps.split(" ").map((v) => (v === "Infinity" ? null : Number(v)));
    for (const threads of ["1", "2"]) {
      const out = spawnSync(process.execPath, [cli, ...command.split(" ").slice(1), "--json", "--threads", threads], { cwd: dir, encoding: "utf8", timeout: 180_000 });
      expect(out.status, `${command}: ${out.stderr}`).toBe(0);
      expect((JSON.parse(out.stdout) as { steps: (number | null)[] }).steps).toEqual(expected);
    }
  }, 240_000);

  it("a bad config fails in one line naming the field and its range, exit 2", () => {
    const file = join(root, "bad.json");
    writeFileSync(file, JSON.stringify({ d: 64, link: { kind: "hermite", coefficients: [0, 0, 0, 1] }, activation: { kind: "hermite", coefficients: [0, 0, 0, 1] }, hold: 64, stepSize: -1, cap: 1000, seeds: [1] }));
    const run = spawnSync(process.execPath, [cli, "escape", file], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/^meanfield escape: stepSize: .*0/);
    writeFileSync(file, JSON.stringify({ d: 64, link: "relu", activation: "relu", hold: 64, stepSize: 1e-3, cap: 1000, seeds: [1] }));
    const relu = spawnSync(process.execPath, [cli, "escape", file], { encoding: "utf8" });
    expect(relu.status).toBe(2);
    expect(relu.stderr.trim()).toMatch(/^meanfield escape: link: the overlap chain needs a polynomial/);
  });
});
