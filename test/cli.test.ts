import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The built CLI, as a user runs it (npm ci builds dist/ through the prepare script).
const cli = new URL("../dist/cli.js", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

function run(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
}

describe("meanfield CLI", () => {
  it("is built", () => {
    expect(existsSync(cli), "dist/cli.js is missing: run `npm run build`").toBe(true);
  });

  it("--version prints the package version", () => {
    expect(execFileSync(process.execPath, [cli, "--version"], { encoding: "utf8" }).trim()).toBe(pkg.version);
  });

  it("--help lists the commands", () => {
    const out = run("--help");
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/Usage: meanfield/);
    expect(out.stdout).toMatch(/list/);
    expect(out.stdout).toMatch(/demo/);
  });

  it("list prints the example configs that exist", () => {
    const out = run("list");
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/demo-relu-single-index/);
    const json = JSON.parse(run("list", "--json").stdout) as { examples: { file: string }[] };
    for (const e of json.examples) expect(existsSync(new URL(`../${e.file}`, import.meta.url))).toBe(true);
  });

  it("demo prints a falling loss; bad settings exit 2 naming the field", () => {
    const out = run("demo", "--steps", "400", "--json");
    expect(out.status, out.stderr).toBe(0);
    const records = out.stdout.trim().split("\n").map((l) => JSON.parse(l) as { step: number; testLoss: number });
    expect(records.map((r) => r.step)).toEqual([0, 200, 400]);
    expect(records[2]!.testLoss).toBeLessThan(records[0]!.testLoss / 10);

    const bad = run("demo", "--steps", "0");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^meanfield demo: algorithm\.steps: Too small: expected number to be >=1\n$/);

    const dir = mkdtempSync(join(tmpdir(), "meanfield-"));
    writeFileSync(join(dir, "c.json"), JSON.stringify({ task: { kind: "gaussianSingleIndex", d: 5, link: "softplus" } }));
    const badFile = run("demo", join(dir, "c.json"));
    expect(badFile.status).toBe(2);
    expect(badFile.stderr).toMatch(/task\.link\.kind: kind must be one of/);
  });

  it("run writes its outputs; a diverging run exits 3 and keeps its metrics", () => {
    const dir = mkdtempSync(join(tmpdir(), "meanfield-run-"));
    const config = {
      name: "cli",
      task: { kind: "gaussianSingleIndex", d: 5, link: { kind: "He", k: 3 } },
      model: { width: 8, activation: { kind: "polynomial", coefficients: [0, 0, 0, 1] } },
      algorithm: { kind: "onlineSgd", batch: 16, steps: 20, stepSize: 0.01 },
      metrics: { include: ["testLoss"], schedule: { kind: "every", steps: 5 }, testSamples: 100 },
    };
    writeFileSync(join(dir, "ok.json"), JSON.stringify(config));
    const ok = run("run", join(dir, "ok.json"), "--out", join(dir, "ok"), "--json");
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).status).toBe("completed");
    for (const f of ["config.json", "metrics.ndjson", "summary.json"]) expect(existsSync(join(dir, "ok", f)), f).toBe(true);
    expect(readFileSync(join(dir, "ok", "metrics.ndjson"), "utf8").trim().split("\n")).toHaveLength(5);

    writeFileSync(join(dir, "bad.json"), JSON.stringify({ ...config, algorithm: { ...config.algorithm, stepSize: 1e4 }, metrics: { ...config.metrics, schedule: { kind: "every", steps: 1 } } }));
    const bad = run("run", join(dir, "bad.json"), "--out", join(dir, "bad"));
    expect(bad.status).toBe(3);
    expect(bad.stderr).toMatch(/^meanfield run: (the loss (exploded to \S+|became \S+)|metric testLoss is \S+) at step \d+[;,] .*the likely cause is a step size too large.*metrics\.ndjson\n$/);
    expect(readFileSync(join(dir, "bad", "metrics.ndjson"), "utf8").length).toBeGreaterThan(0);
  });

  it("pde --solver quantile solves the radial PDE from the run's radii; without --initial particles or with an unknown solver it exits 2 naming the option", () => {
    const dir = mkdtempSync(join(tmpdir(), "meanfield-pde-"));
    const config = {
      name: "quantile",
      task: { kind: "isotropicGaussians", d: 8, delta: 0.5 },
      model: { width: 16, activation: { kind: "relu" }, train: "first", init: { firstLayer: { kind: "gaussian", kappa: 0.4 }, secondLayer: { kind: "constant", value: 1 } } },
      algorithm: { kind: "onlineSgd", batch: 1, steps: 10, stepSize: 0.1 },
    };
    writeFileSync(join(dir, "c.json"), JSON.stringify(config));
    const ok = run("pde", join(dir, "c.json"), "--initial", "particles", "--solver", "quantile", "--out", join(dir, "q"), "--json");
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ kind: "radialQuantile", particles: 16 });
    const noParticles = run("pde", join(dir, "c.json"), "--solver", "quantile", "--out", join(dir, "n"));
    expect(noParticles.status).toBe(2);
    expect(noParticles.stderr).toMatch(/--solver quantile: .*--initial particles/);
    const unknown = run("pde", join(dir, "c.json"), "--solver", "spectral", "--out", join(dir, "u"));
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/--solver: expected finite-volume or quantile, got spectral/);
  });

  it("an unknown command exits 2", () => {
    expect(run("frobnicate").status).toBe(2);
  });
});
