// Every part of an experiment can be rerun from its report: the mean-field limit with `meanfield
// pde`, the order-parameter ODEs with `meanfield ode`, the kernels with `meanfield kernel`, each on
// a config written beside report.html. Runs three experiments at test scale, checks the report
// lists each command, runs one command of each kind from the run directory through the built CLI
// (dist/, as a user would) and checks it succeeds; the PDE's rerun reproduces the experiment's
// limit curve to the last bit, as does mmn18-langevin's radial Langevin PDE; mmn18-isotropic's
// phase-1 PDE (finite volumes from the run's initial |w_i|) matches the experiment's quantile solver,
// its second SGD phase (from phase 1's final weights, saved in its config) reruns bit for bit, and its
// quantile-solver PDE to t = 400 reruns to 2e-5.
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
import { loadRuntime } from "../src/wasm/runtime.js";
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

  it("mmn18-isotropic reruns from its report: phase-1 PDE by finite volumes, phase-2 SGD bit for bit, the quantile PDE to t = 400 to 2e-5", async () => {
    // The CLI's default Wasm build, so the SGD rerun through dist/cli.js runs the same kernels.
    const runtime = await loadRuntime();
    const dir = join(root, "mmn18-isotropic");
    const { summary } = await runExperiment(findExperiment("mmn18-isotropic")!, { scale: "test", out: dir, runtime });
    const html = readFileSync(join(dir, "report.html"), "utf8");
    const listed = (config: string, kind: string) => summary.reruns?.find((r) => r.config === config)?.commands.find((c) => words(c)[1] === kind);
    const rerun = (command: string, out: string) => {
      expect(html).toContain(escapeHtml(command));
      const result = spawnSync(process.execPath, [cli, ...words(command).slice(1), "--out", out], { cwd: dir, encoding: "utf8", timeout: 180_000 });
      expect(result.status, `${command}: ${result.stderr}`).toBe(0);
      return readFileSync(join(out, command.includes(" pde ") ? "pde.ndjson" : "metrics.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number>);
    };
    const table = (name: string) => readFileSync(join(dir, "metrics", `${name}.ndjson`), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number>);
    const experimentPde = new Map(table("trajectories").filter((r) => r.kappa === 0.4).map((r) => [r.time!, r.pdeRisk!]));

    // Phase 1's PDE by finite volumes from the run's initial |w_i|: an independent solver. Measured
    // 1.7e-4: 4096 finite-volume cells against the experiment's N = 100 quantile particles.
    const finiteVolume = listed("configs/mmn18-kappa0.4-phase1.json", "pde");
    expect(finiteVolume).toBe("meanfield pde configs/mmn18-kappa0.4-phase1.json --initial particles");
    const fv = rerun(finiteVolume!, join(dir, "pde-kappa0.4"));
    expect(fv.length).toBeGreaterThan(10);
    for (const r of fv) expect(Math.abs(Math.log(r.loss! / experimentPde.get(r.time!)!)), `t = ${r.time}`).toBeLessThan(1e-3);

    // Phase 2 starts from phase 1's final weights, written into its config: the same SGD, bit for bit.
    const phase2 = rerun(listed("configs/mmn18-kappa0.4-phase2.json", "run")!, join(dir, "run-kappa0.4-phase2"));
    const experimentSgd = table("sgd-records").filter((r) => r.kappa === 0.4 && r.phase === 2);
    expect(phase2.map((r) => [r.step, r.time, r.movementW])).toEqual(experimentSgd.map((r) => [r.step, r.time, r.movementW]));

    // The PDE to t = 400 through the plateau and its escape, by the experiment's quantile solver.
    // Not bit for bit: the experiment also records at SGD's times, which splits RK4 steps
    // differently, and the escape amplifies that (measured 5.8e-6).
    const quantile = listed("configs/mmn18-kappa0.4-pde.json", "pde");
    expect(quantile).toBe("meanfield pde configs/mmn18-kappa0.4-pde.json --initial particles --solver quantile");
    const limit = rerun(quantile!, join(dir, "pde-kappa0.4-quantile"));
    expect(limit[limit.length - 1]!.time).toBe(400);
    for (const r of limit) expect(Math.abs(Math.log(r.loss! / experimentPde.get(r.time!)!)), `t = ${r.time}`).toBeLessThan(2e-5);
  }, 240_000);

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
