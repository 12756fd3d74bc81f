import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const cli = new URL("../dist/cli.js", import.meta.url).pathname;

function run(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
}

function configFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "meanfield-kernel-"));
  const path = join(dir, "config.json");
  writeFileSync(
    path,
    JSON.stringify({
      seed: 2,
      task: { kind: "sphereSingleIndex", d: 6, link: { kind: "legendre", coefficients: [0, 0, 0.5, 0, 1] } },
      model: { width: 32, activation: { kind: "legendre", coefficients: [0, 0, 0.5, 0, 1] }, train: "first" },
      algorithm: { kind: "empiricalGd", steps: 50, stepSize: 1, projected: true, samples: 300 },
      metrics: { testSamples: 500 },
    }),
  );
  return path;
}

describe("meanfield kernel", () => {
  const path = configFile();

  it("reports test loss with its standard error and the fraction of each target degree learned", () => {
    const out = run("kernel", path, "--json");
    expect(out.stderr).toBe("");
    expect(out.status).toBe(0);
    const r = JSON.parse(out.stdout) as Record<string, unknown> & { degreeFractions: (number | null)[]; targetEnergy: number[] };
    expect(r).toMatchObject({ n: 300, m: 500, kernel: "nngp", method: "features", degree: 4, features: 20 + 105 });
    expect(r.testLoss as number).toBeGreaterThan(0);
    expect(r.testLossSE as number).toBeGreaterThan(0);
    expect(r.degreeFractions[0]).toBeNull();
    expect(r.degreeFractions[2]).toBeGreaterThan(0.9);
    expect(r.degreeFractions[4]).toBeGreaterThan(0);
    expect(r.targetEnergy[4]).toBeCloseTo(1 / 105, 12);

    const text = run("kernel", path, "--kernel", "ntk", "--method", "cholesky", "--n", "200");
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^ntk cholesky, n = 200, ridge .*: test loss \d\.\d+e[-+]\d+ \+- \d\.\d+e[-+]\d+ \(m = 500/);
    expect(text.stdout).toMatch(/k = 2: .*\n\s+k = 4: /);
  }, 120_000);

  it("--sweep-n gives test loss vs n for the network and the kernels on the same data", () => {
    const out = run("kernel", path, "--sweep-n", "100:400:2", "--kernels", "nngp,rf", "--json");
    expect(out.status).toBe(0);
    const rows = (JSON.parse(out.stdout) as { sweep: { n: number; model: string; testLoss: number; degreeFractions: (number | null)[] }[] }).sweep;
    expect(rows.map((r) => `${r.n} ${r.model}`)).toEqual(["100 network", "100 nngp", "100 rf", "400 network", "400 nngp", "400 rf"]);
    for (const r of rows) {
      expect(r.testLoss).toBeGreaterThan(0);
      expect(r.degreeFractions[2]).not.toBeNull();
    }
    const table = run("kernel", path, "--sweep-n", "100:100:1", "--kernels", "nngp", "--no-network");
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/n\s+model\s+method\s+test loss\s+SE\s+deg 2\s+deg 4\s+seconds/);
  }, 120_000);

  it("bad input exits 2 with one line naming the field or the size", () => {
    const method = run("kernel", path, "--method", "magic");
    expect(method.status).toBe(2);
    expect(method.stderr).toBe("meanfield kernel: method: expected auto, cholesky, cg or features, got magic\n");
    const big = run("kernel", path, "--method", "cholesky", "--n", "2000000");
    expect(big.status).toBe(2);
    expect(big.stderr).toMatch(/^meanfield kernel: n: the cholesky solver needs \d+\.\d+ TiB for the dense 2000000 x 2000000 Gram matrix, more than the .* available/);
    const grid = run("kernel", path, "--sweep-n", "10:5:3");
    expect(grid.status).toBe(2);
    expect(grid.stderr).toMatch(/^meanfield kernel: --sweep-n: expected integers 1 <= min <= max, got 10:5\n$/);
    expect(run("kernel", "/nonexistent.json").stderr).toMatch(/^meanfield kernel: cannot read \/nonexistent.json/);
  }, 120_000);
});
