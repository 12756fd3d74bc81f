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

  it("an unknown command exits 2", () => {
    expect(run("frobnicate").status).toBe(2);
  });
});
