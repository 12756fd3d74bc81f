import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig, type ConfigInput } from "../src/config.js";
import { createTask } from "../src/tasks/createTask.js";
import { solveRidge } from "../src/train/ridge.js";
import { resumeRun, runToDirectory } from "../src/run/runDirectory.js";
import { simulate } from "../src/run/simulate.js";
import { runtimeFor } from "./helpers.js";

const every = (steps: number) => ({ kind: "every" as const, steps });

function lossSeries(records: { populationLoss?: unknown; testLoss?: unknown }[], key: "populationLoss" | "testLoss"): number[] {
  return records.map((r) => r[key] as number);
}

describe("training dynamics", () => {
  it("population GD with exact gradients decreases the loss monotonically at a small step", async () => {
    const rt = await runtimeFor("simd");
    for (const task of [
      { kind: "gaussianSingleIndex", d: 8, link: "tanh" },
      { kind: "teacherAbs", d: 6, width: 3 },
      { kind: "gaussianMultiIndex", d: 6, terms: [{ coefficient: 1, degrees: [1, 0] }, { coefficient: 1, degrees: [1, 1] }] },
    ] as ConfigInput["task"][]) {
      const { records } = await simulate(
        {
          task,
          model: { width: 12, activation: "relu", init: { firstLayer: { kind: "gaussian", kappa: 1 }, secondLayer: { kind: "gaussian", std: 1 } } },
          algorithm: { kind: "populationGd", steps: 60, stepSize: 0.02 },
          metrics: { include: ["populationLoss"], schedule: every(1) },
        },
        { runtime: rt },
      );
      const losses = lossSeries(records, "populationLoss");
      expect(losses).toHaveLength(61);
      for (let k = 1; k < losses.length; k++) expect(losses[k]!, `${task.kind} step ${k}`).toBeLessThan(losses[k - 1]!);
      expect(losses[60]!).toBeLessThan(0.9 * losses[0]!);
    }
  });

  it("online SGD with a large batch tracks population GD", async () => {
    const rt = await runtimeFor("simd");
    const common = {
      seed: 3,
      task: { kind: "gaussianSingleIndex", d: 10, link: { kind: "He", k: 2 } },
      model: { width: 20, activation: "relu", init: { secondLayer: { kind: "gaussian", std: 1 } } },
      metrics: { include: ["populationLoss"], schedule: every(10) },
    } as const;
    const gd = await simulate({ ...common, algorithm: { kind: "populationGd", steps: 50, stepSize: 0.05 } }, { runtime: rt });
    const sgd = await simulate({ ...common, algorithm: { kind: "onlineSgd", batch: 20_000, steps: 50, stepSize: 0.05 } }, { runtime: rt });
    const a = lossSeries(gd.records, "populationLoss");
    const b = lossSeries(sgd.records, "populationLoss");
    expect(a[a.length - 1]!).toBeLessThan(0.8 * a[0]!);
    for (let k = 0; k < a.length; k++) expect(Math.abs(a[k]! - b[k]!), `record ${k}`).toBeLessThan(0.03 * a[0]!);
  });

  it("projected GD keeps every |w_i| = 1 to 1e-12", async () => {
    const rt = await runtimeFor("simd");
    let worst = 0;
    // Checkpoints hand over the weights every 10 steps.
    const result = await simulate(
      {
        checkpointEvery: 10,
        task: { kind: "sphereSingleIndex", d: 12, link: { kind: "legendre", coefficients: [0, 0, 0.5, 0, 1] } },
        model: { width: 30, activation: { kind: "polynomial", coefficients: [0, 0, 0, 0, 1] } },
        algorithm: { kind: "onlineSgd", batch: 64, steps: 100, stepSize: 0.2, projected: true },
        metrics: { include: ["populationLoss"], schedule: every(50) },
      },
      {
        runtime: rt,
        onCheckpoint: (state) => {
          for (let i = 0; i < 30; i++) {
            let s = 0;
            for (let k = 0; k < 12; k++) s += state.w[i * 12 + k]! ** 2;
            worst = Math.max(worst, Math.abs(Math.sqrt(s) - 1));
          }
        },
      },
    );
    expect(result.summary.status).toBe("completed");
    expect(worst).toBeLessThan(1e-12);
  });

  it("the linearized model tracks the NTK-scaled network better as N grows (N = 100, 1000, 10000)", async () => {
    const rt = await runtimeFor("simd");
    const gaps: number[] = [];
    for (const width of [100, 1000, 10_000]) {
      const config = (linearize: boolean) => ({
        seed: 5,
        task: { kind: "gaussianSingleIndex" as const, d: 10, link: "tanh" as const },
        model: { width, activation: "relu" as const, scaling: "ntk" as const, init: { firstLayer: { kind: "gaussian" as const, kappa: Math.sqrt(10) }, secondLayer: { kind: "gaussian" as const, std: 1 } } },
        algorithm: { kind: "onlineSgd" as const, batch: 128, steps: 40, stepSize: 0.5, linearize },
        metrics: { include: ["testLoss" as const], schedule: every(40), testSamples: 4000 },
      });
      const net = await simulate(config(false), { runtime: rt });
      const lin = await simulate(config(true), { runtime: rt });
      const a = lossSeries(net.records, "testLoss");
      const b = lossSeries(lin.records, "testLoss");
      expect(a[1]!).toBeLessThan(a[0]!);
      gaps.push(Math.abs(a[1]! - b[1]!) / a[0]!);
    }
    expect(gaps[1]!).toBeLessThan(gaps[0]!);
    expect(gaps[2]!).toBeLessThan(gaps[1]!);
  });
});

describe("two-timescale training", () => {
  it("re-solves the second layer exactly: (scale^2 G + ridge I) a = scale c", async () => {
    const rt = await runtimeFor("simd");
    const n = 7;
    const b = Float64Array.from({ length: n * n }, (_, k) => Math.sin(k + 1));
    const gram = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) gram[i * n + j]! += b[i * n + k]! * b[j * n + k]!;
    const cross = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
    const scale = 0.3;
    const ridge = 0.01;
    const a = solveRidge(rt, gram, cross, scale, ridge);
    for (let i = 0; i < n; i++) {
      let lhs = ridge * a[i]!;
      for (let j = 0; j < n; j++) lhs += scale * scale * gram[i * n + j]! * a[j]!;
      expect(Math.abs(lhs - scale * cross[i]!)).toBeLessThan(1e-12);
    }
  });

  it("lowers the training loss with the second layer at its ridge optimum every step", async () => {
    const rt = await runtimeFor("simd");
    const { records } = await simulate(
      {
        task: { kind: "gaussianSingleIndex", d: 8, link: { kind: "He", k: 2 } },
        model: { width: 32, activation: "relu" },
        algorithm: { kind: "twoTimescale", data: { kind: "samples", n: 500 }, ridge: 1e-3, steps: 100, stepSize: 0.1 },
        metrics: { include: ["trainLoss"], schedule: every(50) },
      },
      { runtime: rt },
    );
    const losses = records.map((r) => r.trainLoss as number);
    expect(losses[2]!).toBeLessThan(losses[1]!);
    expect(losses[1]!).toBeLessThan(losses[0]!);
  });
});

describe("explicit initial weights", () => {
  it("step 0 reports a population loss equal to a 1e6-sample Monte-Carlo estimate within 4 s.e.", async () => {
    const rt = await runtimeFor("simd");
    const weights = [
      [0.3, -0.2, 0.9, 0.1],
      [-0.5, 0.4, 0.0, 0.7],
      [0.1, 0.1, -0.6, -0.3],
    ];
    const values = [0.8, -1.2, 0.5];
    const config = {
      seed: 9,
      task: { kind: "gaussianSingleIndex" as const, d: 4, link: "bmz23" as const },
      model: { width: 3, activation: "relu" as const, init: { firstLayer: { kind: "given" as const, weights }, secondLayer: { kind: "given" as const, values } } },
      algorithm: { kind: "onlineSgd" as const, batch: 8, steps: 1, stepSize: 0.01 },
      metrics: { include: ["populationLoss" as const], schedule: every(1) },
    };
    const { records } = await simulate(config, { runtime: rt });
    const exact = records[0]!.populationLoss as number;
    const task = createTask(rt, parseConfig(config).task, 9, "relu");
    const m = 1_000_000;
    const chunk = 50_000;
    const x = rt.arena.f64(chunk * 4);
    const y = rt.arena.f64(chunk);
    let sum = 0;
    let sumSq = 0;
    try {
      for (let s0 = 0; s0 < m; s0 += chunk) {
        task.sampleInto("mc", s0, x, y);
        const { f } = rt.network.forward({ x: x.view, w: Float64Array.from(weights.flat()), a: Float64Array.from(values), d: 4, scale: 1 / 3, activation: "relu" });
        const yv = y.view;
        for (let b = 0; b < chunk; b++) {
          const l = 0.5 * (f[b]! - yv[b]!) ** 2;
          sum += l;
          sumSq += l * l;
        }
      }
    } finally {
      x.free();
      y.free();
      task.free();
    }
    const mean = sum / m;
    const se = Math.sqrt((sumSq / m - mean * mean) / m);
    expect(Math.abs(exact - mean)).toBeLessThan(4 * se);
  });
});

describe("runs on disk", () => {
  const config = {
    name: "resume",
    seed: 7,
    checkpointEvery: 25,
    task: { kind: "gaussianSingleIndex", d: 6, link: "relu" },
    model: { width: 16, activation: "tanh", init: { secondLayer: { kind: "rademacher" } } },
    algorithm: { kind: "onlineSgd", batch: 32, steps: 100, stepSize: 0.1, noise: { lambda: 0.01, beta: 1000 } },
    metrics: { include: ["testLoss", "movement"], schedule: every(10), testSamples: 500 },
  };

  it("the same config and seed give bit-identical metrics.ndjson", async () => {
    const rt = await runtimeFor("simd");
    const root = mkdtempSync(join(tmpdir(), "meanfield-run-"));
    const a = await runToDirectory(config, { out: join(root, "a"), runtime: rt });
    const b = await runToDirectory(config, { out: join(root, "b"), runtime: rt });
    expect(readFileSync(join(a.dir, "metrics.ndjson"), "utf8")).toBe(readFileSync(join(b.dir, "metrics.ndjson"), "utf8"));
    expect(JSON.parse(readFileSync(join(a.dir, "config.json"), "utf8")).model.scaling).toBe("meanfield");
  });

  it("resume from a checkpoint is bit-identical to an uninterrupted run", async () => {
    const rt = await runtimeFor("simd");
    const root = mkdtempSync(join(tmpdir(), "meanfield-resume-"));
    const whole = await runToDirectory(config, { out: join(root, "whole"), runtime: rt });
    // Interrupt after step 60: the last checkpoint is at step 50, and records up to 60 were written.
    const cut = join(root, "cut");
    await expect(
      runToDirectory(config, {
        out: cut,
        runtime: rt,
        onProgress: (step) => {
          if (step === 60) throw new Error("interrupted");
        },
      }),
    ).rejects.toThrow("interrupted");
    const resumed = await resumeRun(cut, { runtime: rt });
    expect(resumed.summary.steps).toBe(100);
    expect(readFileSync(join(cut, "metrics.ndjson"), "utf8")).toBe(readFileSync(join(whole.dir, "metrics.ndjson"), "utf8"));
  });

  it("a process killed while writing a checkpoint resumes from the previous one, bit-identically", async () => {
    const rt = await runtimeFor("simd");
    const root = mkdtempSync(join(tmpdir(), "meanfield-torn-"));
    const whole = await runToDirectory(config, { out: join(root, "whole"), runtime: rt });
    const cut = join(root, "cut");
    await expect(
      runToDirectory(config, {
        out: cut,
        runtime: rt,
        onProgress: (step) => {
          if (step === 60) throw new Error("interrupted");
        },
      }),
    ).rejects.toThrow("interrupted");
    expect(readdirSync(cut).filter((f) => f.endsWith(".bin"))).toEqual(["checkpoint-50.bin"]);
    // The weights of the next checkpoint were written, but the process died before the index named them.
    writeFileSync(join(cut, "checkpoint-100.bin"), new Uint8Array(8 * 16));
    await resumeRun(cut, { runtime: rt });
    expect(readFileSync(join(cut, "metrics.ndjson"), "utf8")).toBe(readFileSync(join(whole.dir, "metrics.ndjson"), "utf8"));
  });

  it("a diverging run stops with the step and keeps its metrics", async () => {
    const rt = await runtimeFor("simd");
    const root = mkdtempSync(join(tmpdir(), "meanfield-div-"));
    const result = await runToDirectory(
      { ...config, checkpointEvery: 0, algorithm: { kind: "onlineSgd", batch: 32, steps: 200, stepSize: 1e4 }, task: { kind: "gaussianSingleIndex", d: 6, link: { kind: "He", k: 3 } }, model: { width: 16, activation: { kind: "polynomial", coefficients: [0, 0, 0, 1] } } },
      { out: join(root, "d"), runtime: rt },
    );
    expect(result.summary.status).toBe("diverged");
    expect(result.summary.divergence!.message).toMatch(/at step \d+; the likely cause is a step size too large/);
    const lines = readFileSync(join(result.dir, "metrics.ndjson"), "utf8").trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(result.dir, "summary.json"), "utf8")).status).toBe("diverged");
  });
});
