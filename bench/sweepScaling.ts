// Sweep scaling: wall time of one sweep of independent runs (each a few seconds of empirical GD)
// on the local pool with 1 worker thread and with 2, in one process, and their ratio. Runs are
// single-threaded and share nothing, so on an idle machine with >= 2 cores the ratio should be
// near 2. Other processes take cores away, so the load average and the cores the sweep actually
// got (process CPU time / wall time) are printed with it; with the kernel's autogroup scheduling
// a busy machine gives the benchmark's session a fixed share whatever its thread count.
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

interface Timing {
  seconds: number;
  /** CPU seconds of the whole process (all threads) over wall seconds: the cores the sweep actually got. */
  coresUsed: number;
  runSeconds: number[];
}

async function timeSweep(workers: number): Promise<Timing> {
  const out = mkdtempSync(join(tmpdir(), `meanfield-bench-sweep-${workers}-`));
  const runSeconds: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    const outcome = await runSweep(spec, { out, workers, onResult: (r) => runSeconds.push(r.wallSeconds) });
    if (outcome.failed.length > 0) throw new Error(`bench sweep: ${outcome.failed.length} runs failed: ${outcome.failed[0]!.reason}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { seconds, coresUsed: (used.user + used.system) / 1e6 / seconds, runSeconds };
}

const ROUNDS = 3;
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(" ");
const loadBefore = loadavg();
// Warm-up: compiles the Wasm module and JIT-compiles the step loop once before timing.
await timeSweep(1);
// Alternating rounds, so a change in the machine's load hits both settings alike.
const rounds: { one: Timing; two: Timing }[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const one = await timeSweep(1);
  const two = await timeSweep(2);
  rounds.push({ one, two });
  console.log(`round ${r + 1}: 1 worker ${one.seconds.toFixed(2)} s (${one.coresUsed.toFixed(2)} cores used), 2 workers ${two.seconds.toFixed(2)} s (${two.coresUsed.toFixed(2)} cores used), ratio ${(one.seconds / two.seconds).toFixed(2)}`);
}
const loadAfter = loadavg();
const oneTotal = rounds.reduce((s, r) => s + r.one.seconds, 0);
const twoTotal = rounds.reduce((s, r) => s + r.two.seconds, 0);
const ratio = oneTotal / twoTotal;
const runs = rounds.flatMap((r) => r.one.runSeconds);
const meanRun = runs.reduce((s, x) => s + x, 0) / runs.length;
console.log(`sweep of ${RUNS} runs (empirical GD, n = 2048, N = 128, d = 16, 600 steps; ${meanRun.toFixed(2)} s per run with 1 worker), ${ROUNDS} rounds`);
console.log(`cores: ${availableParallelism()} (${cpus()[0]?.model ?? "?"}); load average before ${fmt(loadBefore)}, after ${fmt(loadAfter)}`);
console.log(`1 worker:  ${(oneTotal / ROUNDS).toFixed(2)} s per sweep`);
console.log(`2 workers: ${(twoTotal / ROUNDS).toFixed(2)} s per sweep`);
console.log(`speed-up 1 -> 2 workers: ${ratio.toFixed(2)}x`);
// On a loaded machine the sweep gets fewer cores than it has threads (the cores-used figures say
// how many); the CPU time per run shows whether parallel runs cost more each (they should not).
const cpuPerRun = (k: "one" | "two") => rounds.reduce((s, r) => s + r[k].coresUsed * r[k].seconds, 0) / (ROUNDS * RUNS);
console.log(`CPU seconds per run: ${cpuPerRun("one").toFixed(3)} with 1 worker, ${cpuPerRun("two").toFixed(3)} with 2`);
const resultsDir = new URL("../../results/", import.meta.url);
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  new URL("sweepScaling.json", resultsDir),
  `${JSON.stringify({ date: new Date().toISOString(), runs: RUNS, rounds, cores: availableParallelism(), loadBefore, loadAfter, speedup: ratio, cpuSecondsPerRun: { one: cpuPerRun("one"), two: cpuPerRun("two") } }, null, 2)}\n`,
);
