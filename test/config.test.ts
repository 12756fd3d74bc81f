import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";

const run = promisify(execFile);
const cli = new URL("../dist/cli.js", import.meta.url).pathname;

const base = () => ({
  name: "ok",
  seed: 1,
  task: { kind: "gaussianSingleIndex", d: 10, link: "relu" },
  model: { width: 8, activation: "relu" },
  algorithm: { kind: "onlineSgd", batch: 16, steps: 10, stepSize: 0.1 },
  metrics: { include: ["testLoss"] },
});

type Mutation = (c: ReturnType<typeof base> & Record<string, unknown>) => unknown;

// Each bad config and the one-line message it must produce (field path first).
const BAD: [string, Mutation, RegExp][] = [
  ["unknown top-level key", (c) => ({ ...c, epochs: 3 }), /^\(config\): Unrecognized key: "epochs"$/],
  ["missing task", (c) => ({ ...c, task: undefined }), /^task: Invalid input/],
  ["unknown task kind", (c) => ({ ...c, task: { kind: "mnist", d: 3 } }), /^task\.kind: kind must be one of sphereSingleIndex/],
  ["d is a string", (c) => ({ ...c, task: { ...c.task, d: "10" } }), /^task\.d: Invalid input: expected number, received string$/],
  ["d = 0", (c) => ({ ...c, task: { ...c.task, d: 0 } }), /^task\.d: Too small: expected number to be >=1$/],
  ["d not an integer", (c) => ({ ...c, task: { ...c.task, d: 2.5 } }), /^task\.d: Invalid input: expected int, received number$/],
  ["d too large", (c) => ({ ...c, task: { ...c.task, d: 1e6 } }), /^task\.d: Too big: expected number to be <=100000$/],
  ["sphere with d = 1", (c) => ({ ...c, task: { kind: "sphereSingleIndex", d: 1, link: "relu" } }), /^task\.d: Too small: expected number to be >=2$/],
  ["unknown link", (c) => ({ ...c, task: { ...c.task, link: "softplus" } }), /^task\.link\.kind: kind must be one of relu, abs, tanh, erf, sigmoid, polynomial/],
  ["He_k with k = 13", (c) => ({ ...c, task: { ...c.task, link: { kind: "He", k: 13 } } }), /^task\.link\.k: Too big: expected number to be <=12$/],
  ["unknown key in task", (c) => ({ ...c, task: { ...c.task, noise: 0.1 } }), /^task: Unrecognized key: "noise"$/],
  ["delta = 1", (c) => ({ ...c, task: { kind: "isotropicGaussians", d: 5, delta: 1 } }), /^task\.delta: Too big: expected number to be <1$/],
  ["teacher wider than d", (c) => ({ ...c, task: { kind: "teacherAbs", d: 3, width: 4 } }), /^task\.width: at most d = 3 orthonormal teacher neurons, got 4$/],
  ["teacher outputs of the wrong length", (c) => ({ ...c, task: { kind: "teacherAbs", d: 5, width: 2, outputs: [1, 2, 3] } }), /^task\.outputs: expected 2 numbers/],
  ["multi-index terms of unequal length", (c) => ({ ...c, task: { kind: "gaussianMultiIndex", d: 5, terms: [{ coefficient: 1, degrees: [1, 0] }, { coefficient: 1, degrees: [1] }] } }), /^task\.terms\[1\]\.degrees: expected 2 degrees/],
  ["negative Hermite degree", (c) => ({ ...c, task: { kind: "gaussianMultiIndex", d: 5, terms: [{ coefficient: 1, degrees: [-1] }] } }), /^task\.terms\[0\]\.degrees\[0\]: Too small/],
  ["staircase longer than d", (c) => ({ ...c, task: { kind: "staircase", d: 3, degree: 4 } }), /^task\.degree: at most d = 3, got 4$/],
  ["width 0", (c) => ({ ...c, model: { ...c.model, width: 0 } }), /^model\.width: Too small: expected number to be >=1$/],
  ["unknown scaling", (c) => ({ ...c, model: { ...c.model, scaling: "mup" } }), /^model\.scaling: expected "meanfield", "ntk", "committee" or a number q in \[0, 2\] \(output scale N\^-q\)$/],
  ["scaling exponent above 2", (c) => ({ ...c, model: { ...c.model, scaling: 3 } }), /^model\.scaling: Too big: expected number to be <=2$/],
  ["polynomial activation of degree 13", (c) => ({ ...c, model: { ...c.model, activation: { kind: "polynomial", coefficients: new Array(14).fill(1) } } }), /^model\.activation\.coefficients: Too big/],
  ["breakpoints not increasing", (c) => ({ ...c, model: { ...c.model, activation: { kind: "piecewiseLinear", breakpoints: [1, 0], slopes: [0, 1, 0] } } }), /^model\.activation\.breakpoints\[1\]: breakpoints must be strictly increasing$/],
  ["given weights with the wrong row count", (c) => ({ ...c, model: { ...c.model, init: { firstLayer: { kind: "given", weights: [[1]] } } } }), /^model\.init\.firstLayer\.weights: expected 8 rows \(model\.width\), got 1$/],
  ["given weights with the wrong row length", (c) => ({ ...c, model: { ...c.model, width: 1, init: { firstLayer: { kind: "given", weights: [[1, 2]] } } } }), /^model\.init\.firstLayer\.weights\[0\]: expected 10 numbers/],
  ["given second layer of the wrong length", (c) => ({ ...c, model: { ...c.model, init: { secondLayer: { kind: "given", values: [1] } } } }), /^model\.init\.secondLayer\.values: expected 8 numbers/],
  ["kappa negative", (c) => ({ ...c, model: { ...c.model, init: { firstLayer: { kind: "gaussian", kappa: -1 } } } }), /^model\.init\.firstLayer\.kappa: Too small/],
  ["unknown algorithm", (c) => ({ ...c, algorithm: { kind: "adam", steps: 1, stepSize: 1 } }), /^algorithm\.kind: kind must be one of populationGd, empiricalGd, onlineSgd, twoTimescale, layerwise$/],
  ["negative step size", (c) => ({ ...c, algorithm: { ...c.algorithm, stepSize: -0.1 } }), /^algorithm\.stepSize: Too small: expected number to be >0$/],
  ["steps = 0", (c) => ({ ...c, algorithm: { ...c.algorithm, steps: 0 } }), /^algorithm\.steps: Too small: expected number to be >=1$/],
  ["online SGD without a batch", (c) => ({ ...c, algorithm: { kind: "onlineSgd", steps: 10, stepSize: 0.1 } }), /^algorithm\.batch: Invalid input: expected number, received undefined$/],
  ["Langevin with beta 0", (c) => ({ ...c, algorithm: { ...c.algorithm, noise: { lambda: 0.1, beta: 0 } } }), /^algorithm\.noise\.beta: Too small: expected number to be >0$/],
  ["two-timescale with ridge 0", (c) => ({ ...c, algorithm: { kind: "twoTimescale", steps: 5, stepSize: 0.1, ridge: 0, data: { kind: "online", batch: 8 } } }), /^algorithm\.ridge: must be > 0/],
  ["population GD on the hypercube", (c) => ({ ...c, task: { kind: "staircase", d: 10 }, algorithm: { kind: "populationGd", steps: 5, stepSize: 0.1 } }), /^algorithm: the hypercube staircase has no exact population loss/],
  ["sphere population loss without projection", (c) => ({ ...c, task: { kind: "sphereSingleIndex", d: 5, link: "relu" }, metrics: { include: ["populationLoss"] } }), /^algorithm\.projected: the sphere task's exact population loss needs unit-norm w_i/],
  ["population loss with a bias", (c) => ({ ...c, model: { ...c.model, bias: true }, metrics: { include: ["populationLoss"] } }), /^model\.bias: exact population losses are not available with a bias/],
  ["unknown metric", (c) => ({ ...c, metrics: { include: ["accuracy"] } }), /^metrics\.include\[0\]: Invalid option: expected one of/],
  ["train loss without a training set", (c) => ({ ...c, metrics: { include: ["trainLoss"] } }), /^metrics\.include: trainLoss needs a fixed training set/],
  ["projections on a single-index task", (c) => ({ ...c, metrics: { include: ["projections"] } }), /^metrics\.include: projections needs a multi-index task/],
  ["log schedule with one point", (c) => ({ ...c, metrics: { include: ["testLoss"], schedule: { kind: "logSpaced", points: 1 } } }), /^metrics\.schedule\.points: Too small: expected number to be >=2$/],
  ["name with a slash", (c) => ({ ...c, name: "a/b" }), /^name: letters, digits, '\.', '_' and '-' only$/],
  ["seed negative", (c) => ({ ...c, seed: -1 }), /^seed: Too small: expected number to be >=0$/],
  ["threads 0", (c) => ({ ...c, threads: 0 }), /^threads: Too small: expected number to be >=1$/],
];

describe("bad configs", () => {
  it(`the table has at least 30 cases (${BAD.length})`, () => {
    expect(BAD.length).toBeGreaterThanOrEqual(30);
  });

  it.each(BAD)("%s: parseConfig throws one line naming the field", (_name, mutate, message) => {
    let error: Error | null = null;
    try {
      parseConfig(mutate(base()));
    } catch (err) {
      error = err as Error;
    }
    expect(error, "no error thrown").not.toBeNull();
    expect(error!.message).not.toContain("\n");
    expect(error!.message).toMatch(message);
  });

  it("every one exits 2 from `meanfield run` with that line on stderr", async () => {
    const dir = mkdtempSync(join(tmpdir(), "meanfield-bad-"));
    const check = async ([name, mutate, message]: (typeof BAD)[number], k: number): Promise<string | null> => {
      const file = join(dir, `bad-${k}.json`);
      writeFileSync(file, JSON.stringify(mutate(base())));
      try {
        await run(process.execPath, [cli, "run", file, "--out", join(dir, `out-${k}`)]);
        return `${name}: exited 0`;
      } catch (err) {
        const e = err as { code: number; stderr: string };
        const lines = e.stderr.trim().split("\n");
        if (e.code !== 2) return `${name}: exit code ${e.code}`;
        if (lines.length !== 1) return `${name}: ${lines.length} lines`;
        const text = lines[0]!.replace(/^meanfield run: /, "");
        return message.test(text) ? null : `${name}: ${text}`;
      }
    };
    const results: (string | null)[] = [];
    // Four processes at a time: each is a whole Node start-up.
    for (let k = 0; k < BAD.length; k += 4) {
      results.push(...(await Promise.all(BAD.slice(k, k + 4).map((entry, j) => check(entry, k + j)))));
    }
    expect(results.filter((r) => r !== null)).toEqual([]);
  }, 120_000);

  it("a good config resolves every default", () => {
    const config = parseConfig(base());
    expect(config.model.scaling).toBe("meanfield");
    expect(config.model.init.firstLayer).toEqual({ kind: "sphere" });
    expect(config.metrics.schedule).toEqual({ kind: "logSpaced", points: 40 });
    expect(config.algorithm.projected).toBe(false);
    expect(config.checkpointEvery).toBe(0);
  });
});

describe("examples", () => {
  it("every run config in examples/ parses", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const dir = new URL("../examples/", import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith(".json") && !f.startsWith("demo-") && !f.startsWith("sweep-"));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const f of files) expect(() => parseConfig(JSON.parse(readFileSync(new URL(f, dir), "utf8"))), f).not.toThrow();
  });
});

describe("metric and task combinations", () => {
  it.each([
    ["components on a multi-index task", { task: { kind: "gaussianMultiIndex", d: 5, terms: [{ coefficient: 1, degrees: [1] }] }, metrics: { include: ["components"] } }, /^metrics\.include: components needs a single-index task/],
    ["overlaps on isotropic Gaussians", { task: { kind: "isotropicGaussians", d: 5, delta: 0.5 }, metrics: { include: ["overlaps"] } }, /^metrics\.include: overlaps needs a target direction/],
    ["hermiteOrders with a bias", { task: { kind: "teacherAbs", d: 5, width: 2 }, model: { width: 4, bias: true }, metrics: { include: ["hermiteOrders"] } }, /^model\.bias: hermiteOrders is not available with a bias/],
  ])("%s", (_name, change, message) => {
    const config = { ...base(), ...change };
    expect(() => parseConfig(config)).toThrow(message);
  });
});
