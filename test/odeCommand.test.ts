// `meanfield ode` and the ODE experiments (saad-solla-plateau, two-limits) end to end: the command writes the ODE's
// records (and the SGD comparison), refuses what has no ODE in one line with exit 2, and the
// experiment's checks pass at scale "test".

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findExperiment } from "../src/experiments/registry.js";
import { runtimeFor } from "./helpers.js";
import { memoryContext } from "./experimentContext.js";

const cli = new URL("../dist/cli.js", import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), "meanfield-ode-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const config = (task: unknown) => ({
  name: "tiny-committee",
  seed: 4,
  task,
  model: { width: 2, activation: "erf", scaling: "committee", train: "first", init: { firstLayer: { kind: "gaussian", kappa: 0.1 } } },
  algorithm: { kind: "onlineSgd", batch: 1, steps: 2000, stepSize: 0.01 },
  metrics: { include: ["populationLoss"], schedule: { kind: "every", steps: 500 } },
});

describe("meanfield ode", () => {
  it("writes the ODE's records and, with --compare, the gaps to the network", () => {
    const file = join(root, "committee.json");
    writeFileSync(file, JSON.stringify(config({ kind: "teacherNetwork", d: 100, width: 2, activation: "erf" })));
    const out = join(root, "out");
    const run = spawnSync(process.execPath, [cli, "ode", file, "--compare", "--out", out], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/closed forms \(erf; Saad, Solla 1995\); eta = 0\.5000/);
    const ode = readFileSync(join(out, "ode.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const compare = readFileSync(join(out, "compare.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(ode.map((r) => r.step)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(compare[0].overlapGap).toBe(0);
    expect(compare[0].networkLoss).toBeCloseTo(compare[0].odeLoss, 12);
    expect(ode[4].populationLoss).toBeLessThan(ode[0].populationLoss);
  }, 60_000);

  it("refuses a task without an order-parameter ODE in one line, exit 2", () => {
    const file = join(root, "staircase.json");
    writeFileSync(file, JSON.stringify({ ...config({ kind: "staircase", d: 20 }), metrics: { include: ["testLoss"] } }));
    const run = spawnSync(process.execPath, [cli, "ode", file], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/^meanfield ode: task\.kind: the ODEs are for Gaussian teacher-student tasks/);
  });
});

describe("the ODE experiments at scale test", () => {
  it("saad-solla-plateau: every check passes", async () => {
    const context = memoryContext(await runtimeFor("simd"), "test", 1);
    const result = await findExperiment("saad-solla-plateau")!.run(context);
    for (const c of result.checks) expect(c.pass, `${c.name}: ${c.measured} in ${JSON.stringify(c.expected)}`).toBe(true);
    expect(result.exponents?.gapExponent?.points).toBe(3);
  }, 120_000);

  it("two-limits: every check passes", async () => {
    const context = memoryContext(await runtimeFor("simd"), "test", 1);
    const result = await findExperiment("two-limits")!.run(context);
    for (const c of result.checks) expect(c.pass, `${c.name}: ${c.measured} in ${JSON.stringify(c.expected)}`).toBe(true);
  }, 120_000);
});
