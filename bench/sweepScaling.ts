// Sweep scaling: wall time of one sweep of independent runs (each a few seconds of empirical GD)
// on the local pool with 1 worker thread and with 2, in one process, and their ratio. Runs are
// single-threaded and share nothing, so on an idle machine with >= 2 cores the ratio should be
// near 2; the load average is printed because other processes on the machine take cores away.
// Needs npm run build (it times the built package). Writes bench/results/sweepScaling.json.
//
//   npm run bench:sweep            (or: tsc -p bench/tsconfig.json && node bench/.build/bench/sweepScaling.js)

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
// The built package (dist/), as a user runs sweeps; its worker threads load dist/sweep/runTask.js.
import { parseSweepSpec, runSweep } from "meanfield/node";

const RUNS = 8;

const spec = parseSweepSpec({
  name: "scaling",
  base: {
    name: "scaling",
    task: { kind: "gaussianSingleIndex", d: 16, link: "relu" },
    model: { width: 128, activation: "relu", init: { secondLayer: { kind: "gaussian", std: 1 } } },
    algorithm: { kind: "empiricalGd", samples: 2048, steps: 600, stepSize: 1 },
    metrics: { include: ["testLoss"], schedule: { kind: "logSpaced", points: 10 }, testSamples: 4000 },
  },
  seeds: { count: RUNS },
});

async function timeSweep(workers: number): Promise<{ seconds: number; runSeconds: number[] }> {
  const out = mkdtempSync(join(tmpdir(), `meanfield-bench-sweep-${workers}-`));
  const runSeconds: number[] = [];
  const started = performance.now();
  try {
    const outcome = await runSweep(spec, { out, workers, onResult: (r) => runSeconds.push(r.wallSeconds) });
    if (outcome.failed.length > 0) throw new Error(`bench sweep: ${outcome.failed.length} runs failed: ${outcome.failed[0]!.reason}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return { seconds: (performance.now() - started) / 1000, runSeconds };
}

const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(" ");
const loadBefore = loadavg();
// Warm-up: compiles the Wasm module and JIT-compiles the step loop once before timing.
await timeSweep(1).catch(() => undefined);
const one = await timeSweep(1);
const two = await timeSweep(2);
const loadAfter = loadavg();
const ratio = one.seconds / two.seconds;
const meanRun = one.runSeconds.reduce((s, x) => s + x, 0) / one.runSeconds.length;
console.log(`sweep of ${RUNS} runs (empirical GD, n = 2048, N = 128, d = 16, 600 steps; ${meanRun.toFixed(2)} s per run with 1 worker)`);
console.log(`cores: ${availableParallelism()} (${cpus()[0]?.model ?? "?"}); load average before ${fmt(loadBefore)}, after ${fmt(loadAfter)}`);
console.log(`1 worker:  ${one.seconds.toFixed(2)} s`);
console.log(`2 workers: ${two.seconds.toFixed(2)} s`);
console.log(`speed-up 1 -> 2 workers: ${ratio.toFixed(2)}x`);
const resultsDir = new URL("../../results/", import.meta.url);
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  new URL("sweepScaling.json", resultsDir),
  `${JSON.stringify({ date: new Date().toISOString(), runs: RUNS, cores: availableParallelism(), loadBefore, loadAfter, oneWorkerSeconds: one.seconds, twoWorkerSeconds: two.seconds, speedup: ratio }, null, 2)}\n`,
);
