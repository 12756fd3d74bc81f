// Nothing lost, nothing mixed, nothing silently wrong (issue 18): each block reproduces one way a
// run directory, a resume, a checkpoint, a sweep, the queue or an input limit used to lose, mix or
// silently corrupt results, and checks it no longer does.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CheckpointError } from "../src/run/checkpoint.js";
import { DirectoryLock, LOCK_FILE } from "../src/run/directoryLock.js";
import { resumeRun, runToDirectory } from "../src/run/runDirectory.js";
import { RunFileError } from "../src/run/runFiles.js";
import { runSweep } from "../src/sweep/runSweep.js";
import { expandSweep } from "../src/sweep/expand.js";
import { parseSweepSpec } from "../src/sweep/spec.js";
import { runtimeFor } from "./helpers.js";

const cli = new URL("../dist/cli.js", import.meta.url).pathname;

function cliRun(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
}

function temp(label: string): string {
  return mkdtempSync(join(tmpdir(), `meanfield-robust-${label}-`));
}

/** A run of a few hundredths of a second with a checkpoint every 25 of its 100 steps. */
const config = {
  name: "robust",
  seed: 3,
  checkpointEvery: 25,
  task: { kind: "gaussianSingleIndex", d: 6, link: "relu" },
  model: { width: 16, activation: "tanh" },
  algorithm: { kind: "onlineSgd", batch: 32, steps: 100, stepSize: 0.1 },
  metrics: { include: ["testLoss"], schedule: { kind: "every", steps: 10 }, testSamples: 300 },
};

/** Runs config into dir, stopping it (like a kill) after step `stopAt`. */
async function interrupted(dir: string, stopAt: number, input: object = config) {
  const rt = await runtimeFor("simd");
  await expect(
    runToDirectory(input, {
      out: dir,
      runtime: rt,
      onProgress: (step) => {
        if (step === stopAt) throw new Error("killed");
      },
    }),
  ).rejects.toThrow("killed");
}

describe("1. nothing lost: sweeps and resume", () => {
  it("a sweep run killed between its last checkpoint and result.json, or stored with empty metrics, is run again", async () => {
    const out = temp("sweep");
    const spec = parseSweepSpec({ name: "lost", base: config, seeds: { count: 4 }, metrics: ["testLoss"] });
    await runSweep(spec, { out, workers: 1 });
    const [killed, empty] = expandSweep(spec);
    // Killed after the checkpoint at the last step: no summary.json, no result.json.
    rmSync(join(out, "runs", killed!.id, "summary.json"));
    rmSync(join(out, "runs", killed!.id, "result.json"));
    // What the old resume stored for such a run: "completed" with no metrics.
    const stored = JSON.parse(readFileSync(join(out, "runs", empty!.id, "result.json"), "utf8"));
    writeFileSync(join(out, "runs", empty!.id, "result.json"), JSON.stringify({ ...stored, metrics: {} }));
    writeFileSync(join(out, "runs", empty!.id, "summary.json"), JSON.stringify({ status: "completed", final: null }));
    const again = await runSweep(spec, { out, workers: 1 });
    expect(again).toMatchObject({ ran: 2, skipped: 2, failed: [] });
    expect(again.aggregate.points[0]!.metrics.testLoss!.count).toBe(4);
    const csv = readFileSync(join(out, "sweep.csv"), "utf8").trim().split("\n");
    expect(csv[1]!.split(",").slice(1, 3)).toEqual(["4", "4"]);
  }, 60_000);

  it("--resume on a finished run changes nothing; resuming after the last checkpoint writes the real final record", async () => {
    const dir = join(temp("finished"), "run");
    const rt = await runtimeFor("simd");
    const whole = await runToDirectory(config, { out: dir, runtime: rt });
    const summary = readFileSync(join(dir, "summary.json"), "utf8");
    const again = await resumeRun(dir, { runtime: rt });
    expect(again.alreadyFinished).toBe(true);
    expect(readFileSync(join(dir, "summary.json"), "utf8")).toBe(summary);
    // Killed after the checkpoint at step 100 but before summary.json.
    rmSync(join(dir, "summary.json"));
    const resumed = await resumeRun(dir, { runtime: rt });
    expect(resumed.summary.final).toEqual(whole.summary.final);
    expect(JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")).final.testLoss).toBe(whole.summary.final!.testLoss);
  });

  it("a resume that fails leaves metrics.ndjson as it was", async () => {
    const dir = join(temp("failed"), "run");
    await interrupted(dir, 65);
    const metrics = readFileSync(join(dir, "metrics.ndjson"), "utf8");
    expect(metrics.trim().split("\n")).toHaveLength(7); // steps 0..60, past the checkpoint at 50
    const bin = join(dir, "checkpoint-50.bin");
    const bytes = readFileSync(bin);
    bytes[100] ^= 1;
    writeFileSync(bin, bytes);
    await expect(resumeRun(dir, { runtime: await runtimeFor("simd") })).rejects.toThrow(CheckpointError);
    expect(readFileSync(join(dir, "metrics.ndjson"), "utf8")).toBe(metrics);
  });
});

describe("2. nothing mixed: run directories", () => {
  it("a directory in use by a live process is refused; a lock left by a dead process is taken over", async () => {
    const rt = await runtimeFor("simd");
    const dir = temp("lock");
    const held = DirectoryLock.acquire(dir);
    await expect(runToDirectory(config, { out: dir, runtime: rt })).rejects.toThrow(new RegExp(`is in use by process ${process.pid} on ${hostname()}`));
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    held.release();
    // A pid that cannot exist (beyond pid_max) on this host: the owner is gone.
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 2 ** 30, host: hostname(), since: "then", token: "x" }));
    const result = await runToDirectory(config, { out: dir, runtime: rt });
    expect(result.summary.status).toBe("completed");
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it("two processes writing into one directory: one runs, the other exits 2 naming the directory", () => {
    const root = temp("two");
    const file = join(root, "c.json");
    writeFileSync(file, JSON.stringify({ ...config, algorithm: { ...config.algorithm, steps: 3000 } }));
    const out = join(root, "run");
    const [a, b] = [0, 1].map(() => spawnSync("sh", ["-c", `node ${cli} run ${file} --out ${out} --json & node ${cli} run ${file} --out ${out} --json; wait`], { encoding: "utf8" }));
    for (const r of [a!, b!]) {
      const failures = r.stderr.split("\n").filter((l) => l.length > 0);
      // Either both ran one after the other (the lock was free each time) or one was refused.
      for (const line of failures) expect(line).toMatch(new RegExp(`^meanfield run: ${out.replace(/[/.]/g, "\\$&")} is in use by process \\d+ on `));
    }
    const lines = readFileSync(join(out, "metrics.ndjson"), "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).step)).toEqual(Array.from({ length: 301 }, (_, k) => 10 * k));
  }, 60_000);

  it("a directory holding another run is refused unless --force, which leaves no old checkpoint behind", async () => {
    const rt = await runtimeFor("simd");
    const dir = join(temp("reuse"), "run");
    await interrupted(dir, 60);
    const other = { ...config, seed: 4, checkpointEvery: 0 };
    await expect(runToDirectory(other, { out: dir, runtime: rt })).rejects.toThrow(/holds another run \(a different config\.json\); choose an empty directory, continue it with --resume, or pass --force/);
    expect(readdirSync(dir).sort()).toEqual(["checkpoint-50.bin", "checkpoint.json", "config.json", "metrics.ndjson"]);
    await runToDirectory(other, { out: dir, runtime: rt, force: true });
    expect(readdirSync(dir).sort()).toEqual(["config.json", "metrics.ndjson", "summary.json"]);
    const foreign = temp("foreign");
    writeFileSync(join(foreign, "notes.txt"), "mine");
    await expect(runToDirectory(config, { out: foreign, runtime: rt })).rejects.toThrow(RunFileError);
    expect(readFileSync(join(foreign, "notes.txt"), "utf8")).toBe("mine");
  });

  it("the same run again starts over in its directory", async () => {
    const rt = await runtimeFor("simd");
    const dir = join(temp("same"), "run");
    await interrupted(dir, 60);
    const result = await runToDirectory(config, { out: dir, runtime: rt });
    expect(result.summary.status).toBe("completed");
    expect(readFileSync(join(dir, "metrics.ndjson"), "utf8").trim().split("\n")).toHaveLength(11);
  });

  it("run CONFIG --resume DIR and --resume DIR --out X are rejected in one line", () => {
    const root = temp("flags");
    writeFileSync(join(root, "c.json"), JSON.stringify(config));
    const both = cliRun("run", join(root, "c.json"), "--resume", root);
    expect(both.status).toBe(2);
    expect(both.stderr).toBe("meanfield run: give a config file or --resume DIR, not both (a resumed run uses DIR/config.json)\n");
    const out = cliRun("run", "--resume", root, "--out", join(root, "x"));
    expect(out.status).toBe(2);
    expect(out.stderr).toBe("meanfield run: --resume continues in its own directory; drop --out\n");
    const none = cliRun("run", "--resume", join(root, "nothing"));
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^meanfield run: --resume \S+nothing: no config\.json there; is it a run directory\?\n$/);
  }, 30_000);
});

describe("3. checkpoints with integrity", () => {
  type Corruption = [name: string, corrupt: (dir: string) => void, file: RegExp];
  const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8"));
  const editManifest = (edit: (m: Record<string, unknown>) => void) => (dir: string) => {
    const m = manifest(dir);
    edit(m);
    writeFileSync(join(dir, "checkpoint.json"), JSON.stringify(m));
  };
  const corruptions: Corruption[] = [
    ["a flipped bit in the weights", (dir) => {
      const b = readFileSync(join(dir, "checkpoint-50.bin"));
      b[9] ^= 4;
      writeFileSync(join(dir, "checkpoint-50.bin"), b);
    }, /checkpoint-50\.bin: SHA-256 mismatch/],
    ["truncated weights", (dir) => writeFileSync(join(dir, "checkpoint-50.bin"), readFileSync(join(dir, "checkpoint-50.bin")).subarray(0, 64)), /checkpoint-50\.bin: 64 bytes, expected/],
    ["missing weights", (dir) => rmSync(join(dir, "checkpoint-50.bin")), /checkpoint-50\.bin: missing/],
    ["a wrong record count", editManifest((m) => (m.records = 5)), /checkpoint\.json: its checksum does not match/],
    ["a wrong step", editManifest((m) => (m.step = 75)), /checkpoint\.json: its checksum does not match/],
    ["garbage", (dir) => writeFileSync(join(dir, "checkpoint.json"), "g{"), /checkpoint\.json: not valid JSON/],
    ["an old manifest without checksums", (dir) => writeFileSync(join(dir, "checkpoint.json"), JSON.stringify({ step: 50, records: 6, arrays: [] })), /checkpoint\.json: format: /],
    ["an edited metrics line before the checkpoint", (dir) => {
      const lines = readFileSync(join(dir, "metrics.ndjson"), "utf8").split("\n");
      lines[2] = lines[2]!.replace(/"testLoss":\d/, '"testLoss":9');
      writeFileSync(join(dir, "metrics.ndjson"), lines.join("\n"));
    }, /metrics\.ndjson: its first 6 lines differ/],
    ["truncated metrics", (dir) => writeFileSync(join(dir, "metrics.ndjson"), readFileSync(join(dir, "metrics.ndjson"), "utf8").split("\n").slice(0, 3).join("\n")), /metrics\.ndjson: 3 lines, but the checkpoint covers 6/],
    ["another config.json", (dir) => writeFileSync(join(dir, "config.json"), JSON.stringify({ ...JSON.parse(readFileSync(join(dir, "config.json"), "utf8")), seed: 9 })), /checkpoint\.json: written by a run of another config/],
  ];

  it("every corruption is a one-line error naming the file, and nothing is modified", async () => {
    const root = temp("corrupt");
    const pristine = join(root, "pristine");
    await interrupted(pristine, 65);
    for (const [name, corrupt, file] of corruptions) {
      const dir = join(root, name.replace(/\W+/g, "-"));
      spawnSync("cp", ["-r", pristine, dir]);
      corrupt(dir);
      const before = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))]));
      const error = await resumeRun(dir, { runtime: await runtimeFor("simd") }).then(
        () => null,
        (err: Error) => err,
      );
      expect(error, name).toBeInstanceOf(RunFileError);
      expect(error!.message, name).toMatch(file);
      expect(error!.message, name).not.toMatch(/\n/);
      for (const [f, bytes] of Object.entries(before)) expect(readFileSync(join(dir, f)).equals(bytes), `${name}: ${f}`).toBe(true);
    }
    // The pristine copy resumes to the end.
    expect((await resumeRun(pristine, { runtime: await runtimeFor("simd") })).summary.status).toBe("completed");
  });

  it("the CLI exits 2 with that line", async () => {
    const dir = join(temp("corrupt-cli"), "run");
    await interrupted(dir, 65);
    writeFileSync(join(dir, "checkpoint-50.bin"), Buffer.alloc(8));
    const out = cliRun("run", "--resume", dir);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/^meanfield run: \S+checkpoint-50\.bin: 8 bytes, expected \d+\n$/);
  }, 30_000);
});

describe("4. results finite or the run fails", () => {
  const base = {
    task: { kind: "gaussianSingleIndex", d: 5, link: "relu" },
    model: { width: 8 },
    algorithm: { kind: "onlineSgd", batch: 8, steps: 10, stepSize: 0.1 },
    metrics: { testSamples: 100, schedule: { kind: "every", steps: 1 } },
  };

  it("a non-finite metric stops the run with exit 3 naming it; nothing non-finite reaches metrics.ndjson", () => {
    const root = temp("finite");
    writeFileSync(join(root, "hot.json"), JSON.stringify({ ...base, algorithm: { ...base.algorithm, noise: { beta: 1e-300 } } }));
    const hot = cliRun("run", join(root, "hot.json"), "--out", join(root, "hot"));
    expect(hot.status).toBe(3);
    expect(hot.stderr).toMatch(/^meanfield run: metric testLoss is Infinity at step 1; the likely cause is a step size too large \(lower algorithm\.stepSize\) or too much noise; the metrics logged so far are in \S+\n$/);
    const metrics = readFileSync(join(root, "hot", "metrics.ndjson"), "utf8");
    expect(metrics).not.toMatch(/null|NaN|Infinity/);
    expect(JSON.parse(readFileSync(join(root, "hot", "summary.json"), "utf8")).status).toBe("diverged");
  }, 30_000);

  it("divergence at step 0 blames the initial state, later divergence the step size", async () => {
    const { simulate } = await import("../src/run/simulate.js");
    const { DivergenceError } = await import("../src/train/trainer.js");
    const rt = await runtimeFor("simd");
    const huge = await simulate({ ...base, model: { width: 8, init: { secondLayer: { kind: "constant", value: 1e200 } } } } as never, { runtime: rt });
    expect(huge.summary.status).toBe("diverged");
    expect(huge.summary.divergence!.message).toMatch(/^metric testLoss is \S+ at step 0.*before any update/);
    expect(new DivergenceError(0, Number.NaN).message).toMatch(/at step 0, before any update: the initial state is at fault, not the step size/);
    expect(new DivergenceError(7, 1e9).message).toMatch(/at step 7; the likely cause is a step size too large/);
  });

  it("kernel exits 3 naming the field instead of printing Infinity", () => {
    const root = temp("kernel");
    writeFileSync(join(root, "k.json"), JSON.stringify({ ...base, task: { kind: "gaussianSingleIndex", d: 5, link: { kind: "polynomial", coefficients: [0, 1e200] } } }));
    const out = cliRun("kernel", join(root, "k.json"), "--n", "50");
    expect(out.status).toBe(3);
    expect(out.stdout).toBe("");
    expect(out.stderr).toMatch(/^meanfield kernel: the fit's testLoss is Infinity; [^\n]*\n$/);
  }, 30_000);

  it("demo shows every shipped run example without NaN and refuses the sweep example in one line", async () => {
    const { demoConfig, demoHeader, demoLine } = await import("../src/demo.js");
    const { simulate } = await import("../src/run/simulate.js");
    const rt = await runtimeFor("simd");
    const examples = readdirSync(new URL("../examples/", import.meta.url)).filter((f) => f.endsWith(".json"));
    for (const file of examples) {
      const path = new URL(`../examples/${file}`, import.meta.url);
      if (file === "sweep-n.json") {
        expect(() => demoConfig(path)).toThrow(/sweep-n\.json is a sweep file; run it with meanfield sweep/);
        continue;
      }
      const config = demoConfig(path, { steps: 2 });
      const input = { ...config, metrics: { ...config.metrics, testSamples: Math.min(config.metrics.testSamples, 500), alignmentSamples: 50 } };
      const lines = [demoHeader(config)];
      await simulate(input, { runtime: rt, onRecord: (r) => lines.push(demoLine(r, config)) });
      expect(lines.length, file).toBeGreaterThan(2);
      expect(lines.join("\n"), file).not.toMatch(/NaN|Infinity/);
      expect(lines[1], file).toMatch(/^\s+0\s+0\.00\s+\d\.\d{4}e[-+]\d+ /);
    }
  }, 60_000);
});

describe("5. strict schemas at every depth", () => {
  const base = { task: { kind: "gaussianSingleIndex", d: 5, link: "relu" }, model: { width: 4 }, algorithm: { kind: "onlineSgd", steps: 10, stepSize: 0.1, batch: 4 } };

  it("unknown keys are rejected inside activations, links, Hermite terms and as __proto__, naming the field", async () => {
    const { parseConfig } = await import("../src/config.js");
    const cases: [string, (c: Record<string, any>) => void, string][] = [
      ["relu slope", (c) => (c.model.activation = { kind: "relu", slope: 0.1 }), 'model.activation: Unrecognized key: "slope"'],
      ["polynomial extra", (c) => (c.model.activation = { kind: "polynomial", coefficients: [0, 1], degree: 1 }), 'model.activation: Unrecognized key: "degree"'],
      ["piecewise extra", (c) => (c.model.activation = { kind: "piecewiseLinear", breakpoints: [0], slopes: [0, 1], offset: 1 }), 'model.activation: Unrecognized key: "offset"'],
      ["hermite link extra", (c) => (c.task.link = { kind: "hermite", coefficients: [0, 1], normalized: true }), 'task.link: Unrecognized key: "normalized"'],
      ["He link extra", (c) => (c.task.link = { kind: "He", k: 2, q: [1] }), 'task.link: Unrecognized key: "q"'],
      ["legendre link extra", (c) => (c.task.link = { kind: "legendre", coefficients: [0, 1], d: 3 }), 'task.link: Unrecognized key: "d"'],
      ["bmz23 extra", (c) => (c.task.link = { kind: "bmz23", scale: 2 }), 'task.link: Unrecognized key: "scale"'],
      ["named link extra", (c) => (c.task.link = { kind: "tanh", gain: 2 }), 'task.link: Unrecognized key: "gain"'],
      ["Hermite term extra", (c) => (c.task = { kind: "gaussianMultiIndex", d: 5, terms: [{ coefficient: 1, degrees: [1], direction: 0 }] }), 'task.terms[0]: Unrecognized key: "direction"'],
      ["__proto__ in a link", (c) => (c.task.link = JSON.parse('{"kind": "He", "k": 2, "__proto__": {"k": 9}}')), 'task.link: Unrecognized key: "__proto__"'],
      ["__proto__ at the top", (c) => Object.defineProperty(c, "__proto__", { value: { seed: 1 }, enumerable: true }), '(config): Unrecognized key: "__proto__"'],
    ];
    for (const [name, patch, message] of cases) {
      const c = structuredClone(base) as Record<string, any>;
      patch(c);
      expect(() => parseConfig(c), name).toThrow(message);
    }
  });

  it("sweep metric names are checked against the registry and against what the runs log", async () => {
    const { parseSweepSpec } = await import("../src/sweep/spec.js");
    expect(() => parseSweepSpec({ base, metrics: ["testLos"] })).toThrow(/^sweep metrics\[0\]: unknown metric "testLos"; one of step, time, populationLoss/);
    expect(() => expandSweep(parseSweepSpec({ base, metrics: ["trainLoss"] }))).toThrow("sweep metrics: no run at seed=0 reports trainLoss");
    expect(expandSweep(parseSweepSpec({ base, metrics: ["testLoss", "ridge"], methods: ["network", "nngp"] }))).toHaveLength(2);
  });
});

describe("6. size limits with the real maximum, estimates and budgets", () => {
  const base = { task: { kind: "gaussianSingleIndex", d: 5, link: "relu" }, model: { width: 4 }, algorithm: { kind: "onlineSgd", steps: 10, stepSize: 0.1, batch: 4 } };

  it("every integer field out of range names its real maximum, never 2^53 - 1 as a number", async () => {
    const { parseConfig } = await import("../src/config.js");
    const cases: [(c: Record<string, any>) => void, string][] = [
      [(c) => (c.task.d = 1e20), "task.d: Too big: expected number to be <=100000"],
      [(c) => (c.model.width = 1e20), "model.width: Too big: expected number to be <=1000000"],
      [(c) => (c.algorithm.steps = 1e20), "algorithm.steps: Too big: expected number to be <=1000000000"],
      [(c) => (c.algorithm.batch = 1e20), "algorithm.batch: Too big: expected number to be <=1000000"],
      [(c) => (c.checkpointEvery = 1e20), "checkpointEvery: Too big: expected number to be <=1000000000"],
      [(c) => (c.metrics = { schedule: { kind: "every", steps: 1e20 } }), "metrics.schedule.steps: Too big: expected number to be <=1000000000"],
      [(c) => (c.seed = 1e20), "seed: Too big: expected int to be <=2^53 - 1"],
      [(c) => ((c.algorithm.steps = 2 ** 24), (c.metrics = { schedule: { kind: "every", steps: 1 } })), "metrics.schedule.steps: logging every 1 of 16777216 steps makes 16777218 records; at most 100000 (every >= 168)"],
    ];
    for (const [patch, message] of cases) {
      const c = structuredClone(base) as Record<string, any>;
      patch(c);
      expect(() => parseConfig(c)).toThrow(message);
    }
  });

  it("a sweep too large to hold is refused before it is expanded", async () => {
    const { parseSweepSpec } = await import("../src/sweep/spec.js");
    const axes = ["algorithm.stepSize", "model.init.firstLayer.kappa", "metrics.testSamples"].map((path) => ({ path, linear: { from: 1, to: 2, points: 10_000 } }));
    const started = performance.now();
    expect(() => expandSweep(parseSweepSpec({ base, axes }))).toThrow(
      "sweep: 10000 (algorithm.stepSize) x 10000 (model.init.firstLayer.kappa) x 10000 (metrics.testSamples) x 1 method(s) x 1 seed(s) = 1000000000000 runs; at most 10000",
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("a run beyond the memory or time budget is refused with its estimate unless --force; beyond Wasm memory always", async () => {
    const { parseConfig } = await import("../src/config.js");
    const { checkBudget, estimateRun } = await import("../src/run/budget.js");
    const huge = parseConfig({ ...base, task: { kind: "gaussianSingleIndex", d: 100_000, link: "relu" }, model: { width: 100 }, algorithm: { kind: "onlineSgd", steps: 10, stepSize: 0.1, batch: 1_000_000 } });
    expect(() => checkBudget(huge, true)).toThrow(/^metrics\.testSamples: this run needs an estimated 1\d\.\d GB of memory, mostly metrics\.testSamples x task\.d \(the test set\); a Wasm memory holds at most 4\.29 GB$/);
    const slow = parseConfig({ ...base, task: { kind: "gaussianSingleIndex", d: 1000, link: "relu" }, model: { width: 1000 }, algorithm: { kind: "onlineSgd", steps: 1e8, stepSize: 0.1, batch: 1000 } });
    expect(() => checkBudget(slow)).toThrow(/^algorithm\.steps: this run needs an estimated \S+ days, mostly algorithm\.steps x algorithm\.batch, above the budget of 24 h; make it smaller or pass --force$/);
    expect(checkBudget(slow, true).seconds).toBeGreaterThan(86_400);
    expect(estimateRun(parseConfig(base)).bytes).toBeLessThan(1e7);
    const root = temp("budget");
    writeFileSync(join(root, "huge.json"), JSON.stringify(huge));
    const out = cliRun("run", join(root, "huge.json"), "--out", join(root, "o"));
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/^meanfield run: metrics\.testSamples: this run needs an estimated [^\n]+\n$/);
    expect(existsSync(join(root, "o"))).toBe(false);
  }, 30_000);

  it("an output directory that cannot be created is one line, not a spin", () => {
    const root = temp("proc");
    writeFileSync(join(root, "c.json"), JSON.stringify(base));
    const out = spawnSync(process.execPath, [cli, "run", join(root, "c.json"), "--out", "/proc/meanfield-x"], { encoding: "utf8", timeout: 20_000 });
    expect(out.status).toBe(2);
    expect(out.stderr).toBe("meanfield run: cannot create /proc/meanfield-x: /proc does not accept new directories\n");
  }, 30_000);
});

describe("7. queue connections", () => {
  it("an unreachable Redis is a bounded retry, then exit 2 with one line naming the URL (sweep and worker)", () => {
    const root = temp("queue");
    writeFileSync(join(root, "s.json"), JSON.stringify({ base: { task: { kind: "gaussianSingleIndex", d: 5, link: "relu" }, model: { width: 4 }, algorithm: { kind: "onlineSgd", steps: 10, stepSize: 0.1, batch: 4 } } }));
    const url = "redis://127.0.0.1:1";
    const [sweep, worker] = [
      ["sweep", join(root, "s.json"), "--queue", url, "--out", join(root, "out"), "--json"],
      ["worker", "--queue", url],
    ].map((args) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 40_000 }));
    for (const [name, r] of [["sweep", sweep!], ["worker", worker!]] as const) {
      expect(r.status, name).toBe(2);
      expect(r.stderr, name).toBe(`meanfield ${name}: --queue: cannot reach ${url} after 6 attempts (ECONNREFUSED)\n`);
    }
  }, 60_000);
});

describe("8. messages name the field or the file", () => {
  const base = { task: { kind: "gaussianSingleIndex", d: 5, link: "relu" }, model: { width: 4 }, algorithm: { kind: "onlineSgd", steps: 10, stepSize: 0.1, batch: 4 }, metrics: { testSamples: 100 } };

  it("a UTF-8 byte-order mark is accepted; bad JSON is one line naming the file", () => {
    const root = temp("bom");
    writeFileSync(join(root, "c.json"), `\uFEFF${JSON.stringify(base)}`);
    writeFileSync(join(root, "s.json"), `\uFEFF${JSON.stringify({ base })}`);
    writeFileSync(join(root, "bad.json"), "{ task: 1 }");
    const run = cliRun("run", join(root, "c.json"), "--out", join(root, "out"), "--json");
    expect(run.status, run.stderr).toBe(0);
    const sweep = cliRun("sweep", join(root, "s.json"), "--dry-run", "--out", join(root, "sw"));
    expect(sweep.status, sweep.stderr).toBe(0);
    const bad = cliRun("run", join(root, "bad.json"));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^meanfield run: \S+bad\.json: not valid JSON \([^\n]+\)\n$/);
  }, 30_000);

  it("a zero first-layer row names the field", async () => {
    const { parseConfig } = await import("../src/config.js");
    expect(() =>
      parseConfig({ ...base, task: { kind: "gaussianSingleIndex", d: 2, link: "relu" }, model: { width: 2, init: { firstLayer: { kind: "given", weights: [[1, 0], [0, 0]] } } }, algorithm: { kind: "populationGd", steps: 5, stepSize: 0.1 }, metrics: { include: ["populationLoss"] } }),
    ).toThrow("model.init.firstLayer.weights[1]: a zero row; exact population losses need every w_i nonzero");
  });
});

describe("9. startup and progress", () => {
  const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;
  const wall = (args: string[]) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: "utf8" });
    expect(r.status).toBe(0);
    return performance.now() - t;
  };

  it("--version and --help load only the command line: under 150 ms beyond a bare node", () => {
    const bare = median([0, 1, 2, 3, 4].map(() => wall(["-e", "0"])));
    for (const flag of ["--version", "--help"]) {
      const cost = median([0, 1, 2, 3, 4].map(() => wall([cli, flag])));
      expect(cost - bare, flag).toBeLessThan(150);
    }
  }, 30_000);

  it("kernel reports the stage it is in once a fit has run for a second", async () => {
    const { kernelBaseline } = await import("../src/kernels/kernelRidge.js");
    const { progressLine } = await import("../src/commands/kernel.js");
    const stages: string[] = [];
    await kernelBaseline({ task: { kind: "gaussianSingleIndex", d: 5, link: "relu" }, model: { width: 8 }, algorithm: { kind: "empiricalGd", samples: 64, steps: 1, stepSize: 0.1 }, metrics: { testSamples: 100 } } as never, { kernel: "nngp", method: "cholesky", onStage: (s) => stages.push(s) });
    expect(stages).toEqual(["drawing 64 training samples", "factorizing the 64 x 64 Gram matrix (Cholesky)", "testing on samples 1..100 of 100"]);
    const lines: string[] = [];
    progressLine(performance.now(), "quick", (l) => lines.push(l));
    progressLine(performance.now() - 2500, "factorizing", (l) => lines.push(l));
    expect(lines).toEqual(["  2.5 s: factorizing\n"]);
  });
});
