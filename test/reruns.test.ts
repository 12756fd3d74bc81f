// Every part of an experiment can be rerun from its report: the mean-field limit with `meanfield
// pde`, the order-parameter ODEs with `meanfield ode`, the kernels with `meanfield kernel`, each on
// a config written beside report.html. Runs three experiments at test scale, checks the report
// lists each command, runs one command of each kind from the run directory through the built CLI
// (dist/, as a user would) and checks it succeeds; the PDE's rerun reproduces the experiment's
// limit curve to the last bit, as does mmn18-langevin's radial Langevin PDE; mmn18-isotropic's
// phase-1 PDE (finite volumes from the run's initial |w_i|) matches the experiment's quantile solver;
// ts24-alignment's NNGP and NTK ridge with a bias (kernel.bias, the ridge chosen on held-out
// samples) rerun with `meanfield kernel` to the experiment's test losses, bit for bit.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findExperiment } from "../src/experiments/registry.js";
import { runExperiment } from "../src/experiments/runExperiment.js";
import { escapeHtml } from "../src/report/reportHtml.js";
import { runtimeFor } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "meanfield-reruns-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cli = new URL("../dist/cli.js", import.meta.url).pathname;

/** Splits a listed command as a POSIX shell would (the runner quotes with '...' only where needed). */
function words(command: string): string[] {
  return [...command.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!));
}

describe("each part of an experiment reruns from its report", () => {
  it("pde, ode and kernel commands are listed in report.html and succeed from the run directory; the PDE's rerun gives the experiment's curve", async () => {
    const runtime = await runtimeFor("simd");
    const byKind = new Map<string, { dir: string; command: string }>();
    const dirs: Record<string, string> = {};
    for (const id of ["abam22-staircase", "saad-solla-plateau", "mahankali-sample-complexity"]) {
      const dir = join(root, id);
      dirs[id] = dir;
      const { summary } = await runExperiment(findExperiment(id)!, { scale: "test", out: dir, runtime });
      const html = readFileSync(join(dir, "report.html"), "utf8");
      for (const rerun of summary.reruns ?? []) {
        for (const command of rerun.commands) {
          expect(html, `${id}: report lists ${command}`).toContain(escapeHtml(command));
          const kind = words(command)[1]!;
          expect(words(command)[2], command).toBe(rerun.config);
          if (!byKind.has(kind)) byKind.set(kind, { dir, command });
        }
      }
    }
    expect([...byKind.keys()].sort()).toEqual(["kernel", "ode", "pde", "run"]);
    for (const kind of ["pde", "ode", "kernel"]) {
      const { dir, command } = byKind.get(kind)!;
      const out = spawnSync(process.execPath, [cli, ...words(command).slice(1)], { cwd: dir, encoding: "utf8", timeout: 180_000 });
      expect(out.status, `${command} in ${dir}: ${out.stderr}`).toBe(0);
      expect(out.stdout.length).toBeGreaterThan(0);
    }
    // abam22-staircase's DF-PDE: the rerun's last record is the experiment's, bit for bit.
    const dir = dirs["abam22-staircase"]!;
    const pdeDir = readdirSync(join(dir, "runs")).find((d) => d.includes("-pde-"))!;
    const records = readFileSync(join(dir, "runs", pdeDir, "pde.ndjson"), "utf8").trim().split("\n");
    const rerunLast = JSON.parse(records[records.length - 1]!) as { time: number; loss: number };
    const table = readFileSync(join(dir, "metrics", "df-pde.ndjson"), "utf8").trim().split("\n");
    const experimentLast = JSON.parse(table[table.length - 1]!) as { time: number; testLoss: number };
    expect(rerunLast.time).toBe(experimentLast.time);
    expect(rerunLast.loss).toBe(experimentLast.testLoss);
  }, 300_000);

  it("mmn18-langevin's radial Langevin PDE reruns from its report with the experiment's curve, bit for bit", async () => {
    const runtime = await runtimeFor("simd");
    const dir = join(root, "mmn18-langevin");
    const { summary } = await runExperiment(findExperiment("mmn18-langevin")!, { scale: "test", out: dir, runtime });
    const html = readFileSync(join(dir, "report.html"), "utf8");
    const rerun = summary.reruns?.find((r) => r.config.includes("beta2d"));
    const command = rerun?.commands.find((c) => words(c)[1] === "pde");
    expect(command, "the beta = 2d config lists meanfield pde").toBeDefined();
    expect(html).toContain(escapeHtml(command!));
    const pdeDir = join(dir, "pde-beta2d");
    const out = spawnSync(process.execPath, [cli, ...words(command!).slice(1), "--out", pdeDir], { cwd: dir, encoding: "utf8", timeout: 180_000 });
    expect(out.status, `${command}: ${out.stderr}`).toBe(0);
    const rerunRecords = readFileSync(join(pdeDir, "pde.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { time: number; loss: number; freeEnergy: number });
    const experimentRows = readFileSync(join(dir, "metrics", "free-energy.ndjson"), "utf8").trim().split("\n")
      .map((l) => JSON.parse(l) as { time: number; risk: number; freeEnergy: number; beta: string; source: string })
      .filter((r) => r.source === "PDE" && r.beta === "beta = 2d");
    expect(rerunRecords.map((r) => [r.time, r.loss, r.freeEnergy])).toEqual(experimentRows.map((r) => [r.time, r.risk, r.freeEnergy]));
  }, 120_000);

  it("mmn18-isotropic's phase-1 PDE reruns by finite volumes from the run's initial |w_i| and matches the experiment's quantile solver", async () => {
    const runtime = await runtimeFor("simd");
    const dir = join(root, "mmn18-isotropic");
    const { summary } = await runExperiment(findExperiment("mmn18-isotropic")!, { scale: "test", out: dir, runtime });
    const command = summary.reruns?.find((r) => r.config.includes("kappa0.4"))?.commands.find((c) => words(c)[1] === "pde");
    expect(command, "the kappa = 0.4 config lists meanfield pde").toBe("meanfield pde configs/mmn18-kappa0.4-phase1.json --initial particles");
    const pdeDir = join(dir, "pde-kappa0.4");
    const out = spawnSync(process.execPath, [cli, ...words(command!).slice(1), "--out", pdeDir], { cwd: dir, encoding: "utf8", timeout: 180_000 });
    expect(out.status, `${command}: ${out.stderr}`).toBe(0);
    const experiment = new Map(
      readFileSync(join(dir, "metrics", "trajectories.ndjson"), "utf8").trim().split("\n")
        .map((l) => JSON.parse(l) as { kappa: number; time: number; pdeRisk: number })
        .filter((r) => r.kappa === 0.4)
        .map((r) => [r.time, r.pdeRisk]),
    );
    const rerun = readFileSync(join(pdeDir, "pde.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { time: number; loss: number });
    expect(rerun.length).toBeGreaterThan(10);
    // Measured 1.7e-4: 4096 finite-volume cells against the experiment's N = 100 quantile particles.
    for (const r of rerun) expect(Math.abs(Math.log(r.loss / experiment.get(r.time)!)), `t = ${r.time}`).toBeLessThan(1e-3);
  }, 120_000);

  it("ts24-alignment's NNGP and NTK baselines with a bias rerun with meanfield kernel to the experiment's losses, bit for bit", async () => {
    const runtime = await runtimeFor("simd");
    const dir = join(root, "ts24-alignment");
    const { summary } = await runExperiment(findExperiment("ts24-alignment")!, { scale: "test", out: dir, runtime });
    const html = readFileSync(join(dir, "report.html"), "utf8");
    const rerun = summary.reruns?.find((r) => r.config === "configs/kernels-d64.json");
    expect(rerun?.commands).toEqual(["meanfield kernel configs/kernels-d64.json --kernel nngp", "meanfield kernel configs/kernels-d64.json --kernel ntk"]);
    const baselines = readFileSync(join(dir, "metrics", "baselines.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { baseline: string; testLoss: number; ridge: number | string });
    for (const [command, name] of [[rerun!.commands[0]!, "NNGP"], [rerun!.commands[1]!, "NTK"]] as const) {
      expect(html).toContain(escapeHtml(command));
      const out = spawnSync(process.execPath, [cli, ...words(command).slice(1), "--json"], { cwd: dir, encoding: "utf8", timeout: 180_000 });
      expect(out.status, `${command}: ${out.stderr}`).toBe(0);
      const fit = JSON.parse(out.stdout) as { testLoss: number; ridge: number; ridgeSelection: { trials: unknown[] } };
      const row = baselines.find((b) => b.baseline.startsWith(name))!;
      expect(fit.testLoss, command).toBe(row.testLoss);
      expect(fit.ridge).toBe(row.ridge);
      expect(fit.ridgeSelection.trials.length).toBeGreaterThan(1);
    }
  }, 180_000);
});
