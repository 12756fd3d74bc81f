import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { kernelBaseline } from "../src/kernels/kernelRidge.js";
import { runToDirectory } from "../src/run/runDirectory.js";
import { studentTCentralProbability, studentTTwoSidedQuantile } from "../src/special/studentT.js";
import { aggregateSweep, metricStats } from "../src/sweep/aggregate.js";
import { expandSweep, setPath } from "../src/sweep/expand.js";
import { sweepCsv } from "../src/sweep/report.js";
import { readResults } from "../src/sweep/resultStore.js";
import { canonicalJson } from "../src/run/runFiles.js";
import { runId } from "../src/sweep/runId.js";
import { aggregateDirectories, runSweep } from "../src/sweep/runSweep.js";
import { inShard, parseShard } from "../src/sweep/shard.js";
import { parseSweepSpec, type SweepSpecInput } from "../src/sweep/spec.js";

const cli = new URL("../dist/cli.js", import.meta.url).pathname;

/** Runs of a few hundredths of a second: 2 sample sizes x 2 seeds. */
function tinySpec(extra: Partial<SweepSpecInput> = {}): SweepSpecInput {
  return {
    name: "tiny",
    base: {
      name: "tiny",
      task: { kind: "gaussianSingleIndex", d: 6, link: "relu" },
      model: { width: 16, activation: "relu" },
      algorithm: { kind: "empiricalGd", samples: 8, steps: 40, stepSize: 0.5 },
      metrics: { include: ["testLoss", "trainLoss"], schedule: { kind: "every", steps: 10 }, testSamples: 200 },
    },
    axes: [{ path: "algorithm.samples", values: [16, 64] }],
    seeds: { count: 2 },
    metrics: ["testLoss", "trainLoss"],
    ...extra,
  };
}

function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `meanfield-sweep-${label}-`));
}

describe("Student t quantiles (scipy fixture)", () => {
  const fixture = JSON.parse(readFileSync(new URL("./fixtures/student_t.json", import.meta.url), "utf8")) as {
    quantiles: [number, number, number][];
    probabilities: [number, number, number][];
  };
  it("two-sided quantiles agree with scipy.stats.t.ppf to 1e-12 relative", () => {
    for (const [nu, level, t] of fixture.quantiles) expect(Math.abs(studentTTwoSidedQuantile(level, nu) - t), `nu ${nu} level ${level}`).toBeLessThan(1e-12 * t);
  });
  it("central probabilities agree with scipy.stats.t.cdf to 1e-13", () => {
    for (const [nu, t, p] of fixture.probabilities) expect(Math.abs(studentTCentralProbability(t, nu) - p), `nu ${nu} t ${t}`).toBeLessThan(1e-13);
  });
  it("rejects levels outside (0, 1) and non-integer degrees of freedom", () => {
    expect(() => studentTTwoSidedQuantile(1, 3)).toThrow(/level must be in \(0, 1\), got 1/);
    expect(() => studentTTwoSidedQuantile(0.95, 2.5)).toThrow(/nu must be an integer >= 1, got 2.5/);
  });
});

describe("sweep spec and grid expansion", () => {
  it("expands axes (first outermost) x methods x seeds (innermost) with resolved configs", () => {
    const spec = parseSweepSpec({
      ...tinySpec(),
      axes: [
        { path: "algorithm.samples", log: { from: 10, to: 1000, points: 3 }, integer: true },
        { path: "model.width", values: [8, 16] },
      ],
      seeds: [5, 9],
      methods: ["network", "nngp"],
    });
    const runs = expandSweep(spec);
    expect(runs).toHaveLength(3 * 2 * 2 * 2);
    expect(runs.map((r) => r.index)).toEqual(runs.map((_, k) => k));
    expect(runs.slice(0, 5).map((r) => [r.point["algorithm.samples"], r.point["model.width"], r.method, r.seed])).toEqual([
      [10, 8, "network", 5],
      [10, 8, "network", 9],
      [10, 8, "nngp", 5],
      [10, 8, "nngp", 9],
      [10, 16, "network", 5],
    ]);
    expect([...new Set(runs.map((r) => r.point["algorithm.samples"]))]).toEqual([10, 100, 1000]);
    const last = runs[runs.length - 1]!;
    expect(last.config.algorithm).toMatchObject({ kind: "empiricalGd", samples: 1000 });
    expect(last.config.model.width).toBe(16);
    expect(last.config.seed).toBe(9);
    expect(last.config.model.scaling).toBe("meanfield");
  });

  it("integer log grids drop repeats; linear grids end exactly at their ends", () => {
    const runs = expandSweep(parseSweepSpec({ ...tinySpec(), axes: [{ path: "algorithm.samples", log: { from: 1, to: 4, points: 7 }, integer: true }], seeds: [0] }));
    expect(runs.map((r) => r.point["algorithm.samples"])).toEqual([1, 2, 3, 4]);
    const linear = expandSweep(parseSweepSpec({ ...tinySpec(), axes: [{ path: "algorithm.stepSize", linear: { from: 0.1, to: 0.7, points: 4 } }], seeds: [0] }));
    const values = linear.map((r) => r.point["algorithm.stepSize"] as number);
    expect(values[0]).toBe(0.1);
    expect(values[3]).toBe(0.7);
    expect(values[1]).toBeCloseTo(0.3, 15);
  });

  it("ids hash the resolved config: stable under key order and defaults, different for different runs", () => {
    const runs = expandSweep(parseSweepSpec(tinySpec()));
    expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
    for (const r of runs) {
      expect(r.id).toMatch(/^[0-9a-f]{16}$/);
      expect(r.id).toBe(runId("network", parseConfig(r.config)));
    }
    // The same runs written with other key orders and with defaults spelled out.
    const base = tinySpec().base as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(base).reverse());
    const explicit = setPath(reordered, "model.scaling", "meanfield");
    const again = expandSweep(parseSweepSpec({ ...tinySpec(), base: explicit }));
    expect(again.map((r) => r.id)).toEqual(runs.map((r) => r.id));
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    // A kernel baseline of the same config is another run.
    expect(runId("nngp", runs[0]!.config)).not.toBe(runs[0]!.id);
  });

  it("bad sweeps fail naming the field or the grid point", () => {
    expect(() => parseSweepSpec({ ...tinySpec(), axes: [{ path: "seed", values: [1] }] })).toThrow(/^sweep axes\[0\]\.path: seeds are set by the sweep's seeds field/);
    expect(() => parseSweepSpec({ ...tinySpec(), axes: [{ path: "algorithm.samples", log: { from: 0, to: 10, points: 3 } }] })).toThrow(/^sweep axes\[0\]\.log: a log range needs from > 0/);
    expect(() => parseSweepSpec({ ...tinySpec(), methods: ["svm"] })).toThrow(/^sweep methods\[0\]: /);
    expect(() => expandSweep(parseSweepSpec({ ...tinySpec(), axes: [{ path: "algorithm.samples", values: [16, 0] }] }))).toThrow(
      /^sweep point algorithm\.samples=0, seed=0: algorithm\.samples: Too small/,
    );
    expect(() => expandSweep(parseSweepSpec({ ...tinySpec(), axes: [{ path: "model.widht", values: [4] }] }))).toThrow(/^sweep point model\.widht=4, seed=0: model: Unrecognized key: "widht"/);
    expect(() => expandSweep(parseSweepSpec({ ...tinySpec(), axes: [{ path: "model.width", values: [16, 16] }] }))).toThrow(/resolves to the same run as model\.width=16, seed=0/);
    expect(() => expandSweep(parseSweepSpec({ ...tinySpec(), axes: [{ path: "model.bias", values: [true] }], methods: ["nngp"] }))).toThrow(
      /^sweep point model\.bias=true, seed=0: method nngp: model\.bias: /,
    );
  });

  it("the example sweeps parse and expand", () => {
    const dir = new URL("../examples/", import.meta.url);
    const files = readdirSync(dir).filter((f) => f.startsWith("sweep-") && f.endsWith(".json"));
    expect(files).toContain("sweep-n.json");
    for (const f of files) expect(expandSweep(parseSweepSpec(JSON.parse(readFileSync(new URL(f, dir), "utf8")))).length, f).toBeGreaterThan(1);
  });
});

describe("shards", () => {
  it("partition the grid exactly for every shard count", () => {
    const runs = expandSweep(parseSweepSpec({ ...tinySpec(), axes: [{ path: "algorithm.samples", log: { from: 8, to: 4096, points: 10 }, integer: true }], seeds: { count: 3 } }));
    expect(runs).toHaveLength(30);
    for (const n of [1, 2, 3, 4, 7, 30, 31]) {
      const slices = Array.from({ length: n }, (_, i) => inShard(runs, parseShard(`${i}/${n}`)).map((r) => r.id));
      const all = slices.flat();
      expect(all).toHaveLength(runs.length);
      expect(new Set(all)).toEqual(new Set(runs.map((r) => r.id)));
      const sizes = slices.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });
  it("--shard accepts i/n with 0 <= i < n only", () => {
    expect(parseShard("2/5")).toEqual({ index: 2, count: 5 });
    for (const bad of ["5/5", "1/0", "-1/3", "a/b", "1"]) expect(() => parseShard(bad), bad).toThrow(/^--shard: expected i\/n with integers 0 <= i < n/);
  });
});

describe("aggregation", () => {
  it("mean, sample sd and the Student-t 95% interval", () => {
    const s = metricStats([1, 2, 3, 6])!;
    expect(s.mean).toBe(3);
    expect(s.sd).toBeCloseTo(Math.sqrt(14 / 3), 14);
    const half = 3.182446305284263 * (Math.sqrt(14 / 3) / 2); // t_{0.975, 3} (scipy)
    expect(s.ciLow).toBeCloseTo(3 - half, 10);
    expect(s.ciHigh).toBeCloseTo(3 + half, 10);
    expect(metricStats([2])).toEqual({ count: 1, mean: 2, sd: null, ciLow: null, ciHigh: null });
    expect(metricStats([])).toBeNull();
  });

  it("sweep.csv quotes values that hold commas or quotes (object-valued axes)", () => {
    const spec = parseSweepSpec({ ...tinySpec(), axes: [{ path: "task.link", values: ["relu", { kind: "He", k: 2 }] }], seeds: [0] });
    const runs = expandSweep(spec);
    const csv = sweepCsv(aggregateSweep(spec, runs, new Map())).split("\n");
    expect(csv[0]).toMatch(/^method,task\.link,runs,done,diverged,/);
    expect(csv[1]).toBe("network,relu,1,0,0,,,,,0,,,,,0");
    expect(csv[2]).toBe('network,"{""kind"":""He"",""k"":2}",1,0,0,,,,,0,,,,,0');
  });

  it("groups seeds per point, leaves diverged runs out of the statistics and counts missing runs", () => {
    const spec = parseSweepSpec(tinySpec());
    const runs = expandSweep(spec);
    const results = new Map(
      runs.slice(0, 3).map((r, k) => [r.id, { id: r.id, method: r.method, point: r.point, seed: r.seed, status: k === 1 ? ("diverged" as const) : ("completed" as const), metrics: { testLoss: k + 1, trainLoss: null }, wallSeconds: 0 }]),
    );
    const agg = aggregateSweep(spec, runs, results);
    expect(agg.totalRuns).toBe(4);
    expect(agg.doneRuns).toBe(3);
    expect(agg.points).toHaveLength(2);
    expect(agg.points[0]).toMatchObject({ runs: 2, done: 2, diverged: 1, metrics: { testLoss: { count: 1, mean: 1 }, trainLoss: null } });
    expect(agg.points[1]).toMatchObject({ runs: 2, done: 1, diverged: 0, metrics: { testLoss: { count: 1, mean: 3 } } });
  });
});

describe("local sweeps", () => {
  it("run on the pool bit-identically to in-process runs, resume skipping done runs, and write the report", async () => {
    const out = tempDir("local");
    const spec = parseSweepSpec(tinySpec({ methods: ["network", "nngp"] }));
    const first = await runSweep(spec, { out, workers: 2 });
    expect(first).toMatchObject({ ran: 8, skipped: 0, failed: [] });
    const runs = expandSweep(spec);
    const network = runs.find((r) => r.method === "network" && r.point["algorithm.samples"] === 64 && r.seed === 1)!;
    const inProcess = await runToDirectory(network.config, { out: join(out, "in-process") });
    expect(readFileSync(join(out, "runs", network.id, "metrics.ndjson"), "utf8")).toBe(readFileSync(join(inProcess.dir, "metrics.ndjson"), "utf8"));
    expect(readResults(out).get(network.id)!.metrics.testLoss).toBe(inProcess.summary.final!.testLoss);
    const kernel = runs.find((r) => r.method === "nngp" && r.point["algorithm.samples"] === 64 && r.seed === 0)!;
    const fit = await kernelBaseline(kernel.config, { kernel: "nngp", n: 64 });
    expect(readResults(out).get(kernel.id)!.metrics).toMatchObject({ testLoss: fit.testLoss, testLossSE: fit.testLossSE, n: 64, ridge: fit.ridge });

    // Resume: nothing left to run; a deleted result is the only run that runs again.
    const stamp = (id: string) => statSync(join(out, "runs", id, "result.json")).mtimeMs;
    const before = new Map(runs.map((r) => [r.id, stamp(r.id)]));
    expect(await runSweep(spec, { out, workers: 2 })).toMatchObject({ ran: 0, skipped: 8 });
    const victim = runs[5]!;
    rmSync(join(out, "runs", victim.id, "result.json"));
    const resumed = await runSweep(spec, { out, workers: 2 });
    expect(resumed).toMatchObject({ ran: 1, skipped: 7 });
    for (const r of runs) if (r.id !== victim.id) expect(stamp(r.id), r.id).toBe(before.get(r.id));
    expect(existsSync(join(out, "runs", victim.id, "result.json"))).toBe(true);

    // A grown sweep (a third seed) in the same directory runs only the new runs.
    let changed: boolean | undefined;
    const grown = await runSweep(parseSweepSpec(tinySpec({ methods: ["network", "nngp"], seeds: { count: 3 } })), { out, workers: 2, onPlan: (p) => (changed = p.specChanged) });
    expect(changed).toBe(true);
    expect(grown).toMatchObject({ ran: 4, skipped: 8 });
    expect(grown.aggregate.points[0]).toMatchObject({ runs: 3, done: 3 });
    await runSweep(spec, { out, workers: 2 });

    const csv = readFileSync(join(out, "sweep.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe(
      "method,algorithm.samples,runs,done,diverged,testLoss_mean,testLoss_sd,testLoss_ci95_low,testLoss_ci95_high,testLoss_count,trainLoss_mean,trainLoss_sd,trainLoss_ci95_low,trainLoss_ci95_high,trainLoss_count",
    );
    expect(csv).toHaveLength(5);
    const row = csv[1]!.split(",");
    expect(row.slice(0, 5)).toEqual(["network", "16", "2", "2", "0"]);
    const seeds = runs.filter((r) => r.method === "network" && r.point["algorithm.samples"] === 16).map((r) => readResults(out).get(r.id)!.metrics.testLoss!);
    expect(Number(row[5])).toBe((seeds[0]! + seeds[1]!) / 2);
    expect(csv[2]!.split(",").slice(0, 2)).toEqual(["nngp", "16"]);
    expect(Number(csv[2]!.split(",")[11])).toBe(0); // kernel fits report no train loss
    const json = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) as { doneRuns: number; points: unknown[] };
    expect(json).toMatchObject({ doneRuns: 8 });
    expect(readFileSync(join(out, "sweep.md"), "utf8")).toMatch(/\| network \| 16 \| 2\/2 \| /);
    expect(readFileSync(join(out, "sweep.html"), "utf8")).toMatch(/<td>nngp<\/td><td>64<\/td>/);
  }, 60_000);

  it("shards run apart and merged with --aggregate give the report of the whole sweep", () => {
    const root = tempDir("shards");
    const file = join(root, "tiny.json");
    writeFileSync(file, JSON.stringify(tinySpec()));
    const dirs = [0, 1, 2].map((i) => join(root, `shard${i}`));
    for (const [i, dir] of dirs.entries()) {
      const out = spawnSync(process.execPath, [cli, "sweep", file, "--shard", `${i}/3`, "--workers", "1", "--out", dir], { encoding: "utf8" });
      expect(out.status, out.stderr).toBe(0);
      expect(out.stdout).toMatch(new RegExp(`4 runs, shard ${i}/3: ${i === 0 ? 2 : 1}; 0 already done`));
    }
    const merged = join(root, "merged");
    const agg = spawnSync(process.execPath, [cli, "sweep", "--aggregate", ...dirs, "--out", merged], { encoding: "utf8" });
    expect(agg.status, agg.stderr).toBe(0);
    expect(agg.stdout).toMatch(/^4 of 4 runs done/);
    const whole = join(root, "whole");
    expect(spawnSync(process.execPath, [cli, "sweep", file, "--workers", "2", "--out", whole], { encoding: "utf8" }).status).toBe(0);
    expect(readFileSync(join(merged, "sweep.csv"), "utf8")).toBe(readFileSync(join(whole, "sweep.csv"), "utf8"));
    expect(readResults(merged).size).toBe(4);

    const plan = spawnSync(process.execPath, [cli, "sweep", file, "--dry-run", "--shard", "0/3", "--out", dirs[0]!], { encoding: "utf8" });
    expect(plan.status, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^ {4}0 [0-9a-f]{16} network algorithm\.samples=16 seed=0 \(done\)\n {4}3 [0-9a-f]{16} network algorithm\.samples=64 seed=1 \(done\)\n2 of 4 runs in shard 0\/3; 2 done in /);

    const bad = spawnSync(process.execPath, [cli, "sweep", file, "--shard", "3/3"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^meanfield sweep: --shard: expected i\/n with integers 0 <= i < n \(e\.g\. 0\/4\), got 3\/3\n$/);
    writeFileSync(join(root, "bad.json"), JSON.stringify({ ...tinySpec(), axes: [{ path: "algorithm.samples", values: [16, -1] }] }));
    const badSpec = spawnSync(process.execPath, [cli, "sweep", join(root, "bad.json")], { encoding: "utf8" });
    expect(badSpec.status).toBe(2);
    expect(badSpec.stderr).toMatch(/^meanfield sweep point algorithm\.samples=-1, seed=0: algorithm\.samples: Too small: expected number to be >=1\n$/);
    const noQueue = spawnSync(process.execPath, [cli, "worker"], { encoding: "utf8" });
    expect(noQueue.status).toBe(2);
    expect(noQueue.stderr).toBe("meanfield worker: --queue redis://HOST:PORT is required\n");
    const badUrl = spawnSync(process.execPath, [cli, "sweep", file, "--queue", "http://localhost:6379"], { encoding: "utf8" });
    expect(badUrl.status).toBe(2);
    expect(badUrl.stderr).toBe("meanfield sweep: --queue: expected redis://HOST:PORT (or rediss://), got http://localhost:6379\n");
    const other = spawnSync(process.execPath, [cli, "sweep", "--aggregate", dirs[0]!, root], { encoding: "utf8" });
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/has no sweep\.spec\.json; is it a sweep directory\?/);
  }, 60_000);
});
