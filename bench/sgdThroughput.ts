// Online-SGD throughput (samples per second) of whole training steps (batch sampling, forward,
// backward, update) through the Trainer, with 1 and with 2 threads, as `threads` in a run config
// gives them: threads 1 on the SIMD build, threads 2 on the shared-memory build with a worker.
// GFLOP/s count a step as its forward + backward pass, 4 B N d flops (the batch sampling, the loss
// and the update add O(B d + N d)), and their share is of the f64x2 ceiling times the threads
// (the ceiling is one core's).

import Benchmark from "benchmark";
import { loadavg } from "node:os";
import { parseConfig } from "../src/config.js";
import { networkOptionsOf, TwoLayerNetwork } from "../src/model/network.js";
import { createTask } from "../src/tasks/createTask.js";
import { linkToActivation } from "../src/activation/link.js";
import { Trainer } from "../src/train/trainer.js";
import type { NetworkShape } from "../src/wasm/networkKernels.js";
import { loadRuntime } from "../src/wasm/runtime.js";
import { ThreadTeam } from "../src/wasm/threadTeam.js";
import { formatShare, type Ceiling } from "./ceiling.js";
import { printColumns } from "./textTable.js";

export const THREAD_COUNTS = [1, 2] as const;
export type ThreadCount = (typeof THREAD_COUNTS)[number];

export interface ThroughputReport {
  shape: NetworkShape;
  /** gflops: 4 B N d per step. */
  threads: Record<ThreadCount, { msPerStep: number; rmePercent: number; samplesPerSecond: number; gflops: number }>;
  /** Samples per second with 2 threads over 1 thread. */
  speedup: number;
}

interface SgdCase {
  threads: ThreadCount;
  step: () => void;
  close: () => Promise<void>;
}

async function sgdCase(repoRoot: URL, { d, n, b }: NetworkShape, threads: ThreadCount, seed: number): Promise<SgdCase> {
  const runtime = await loadRuntime({ url: new URL(threads > 1 ? "build/meanfield.threads.wasm" : "build/meanfield.wasm", repoRoot) });
  const config = parseConfig({
    seed,
    threads,
    task: { kind: "gaussianSingleIndex", d, link: "relu" },
    model: { width: n, activation: "relu", init: { secondLayer: { kind: "gaussian", std: 1 } } },
    // Steps far beyond what the timing runs, at a step size that keeps the loss bounded throughout.
    algorithm: { kind: "onlineSgd", batch: b, steps: 1e9, stepSize: 0.01 },
  });
  const activation = linkToActivation(config.model.activation, d);
  const task = createTask(runtime, config.task, seed, activation);
  const net = new TwoLayerNetwork(runtime, networkOptionsOf(config, activation));
  const team = threads > 1 ? await ThreadTeam.start(runtime, threads) : null;
  const trainer = new Trainer(config, task, net);
  return {
    threads,
    step: () => void trainer.advance(),
    close: async () => {
      await team?.close();
      trainer.free();
      net.free();
      task.free();
    },
  };
}

/**
 * Best of `rounds` benchmark.js measurements of one step per thread count, the order reversed
 * every other round (benchmark.js's maxTime is set by the caller).
 */
export async function measureSgdThroughput(repoRoot: URL, shape: NetworkShape, rounds: number, seed: number): Promise<ThroughputReport> {
  const cases = await Promise.all(THREAD_COUNTS.map((t) => sgdCase(repoRoot, shape, t, seed)));
  try {
    const best = new Map<ThreadCount, { ms: number; rme: number }>();
    for (let round = 0; round < rounds; round++) {
      for (const c of round % 2 === 1 ? [...cases].reverse() : cases) {
        const bench = new Benchmark(`online SGD, ${c.threads} thread${c.threads > 1 ? "s" : ""}`, c.step);
        bench.run();
        if (bench.error) throw bench.error;
        console.log(`  ${String(bench)}`);
        const ms = bench.stats.mean * 1e3;
        const prev = best.get(c.threads);
        if (prev === undefined || ms < prev.ms) best.set(c.threads, { ms, rme: bench.stats.rme });
      }
    }
    const entry = (t: ThreadCount) => {
      const m = best.get(t)!;
      return { msPerStep: m.ms, rmePercent: m.rme, samplesPerSecond: (shape.b * 1e3) / m.ms, gflops: (4 * shape.b * shape.n * shape.d) / (m.ms * 1e6) };
    };
    const threads = { 1: entry(1), 2: entry(2) };
    return { shape, threads, speedup: threads[2].samplesPerSecond / threads[1].samplesPerSecond };
  } finally {
    for (const c of cases) await c.close();
  }
}

/** Prints the reports, with `previous` (an earlier run's reports) in the last columns. */
export function printThroughput(reports: ThroughputReport[], ceiling: Ceiling, previous: ThroughputReport[] = []): void {
  const load = loadavg().map((v) => v.toFixed(2)).join(" ");
  console.log(`\nonline SGD, whole steps (sampling, forward, backward, update); GFLOP/s of 4 B N d per step, % of threads x f64x2 peak; load average ${load}`);
  const rows = [["shape", "1 thread samples/s", "GFLOP/s", "% of peak", "2 threads samples/s", "GFLOP/s", "% of peak", "2 / 1", "previous 1 thread", "previous 2 threads"]];
  const share = (gflops: number, threads: number) => formatShare(gflops, ceiling.f64x2 === null ? null : threads * ceiling.f64x2);
  for (const r of reports) {
    const before = previous.find((p) => p.shape.d === r.shape.d && p.shape.n === r.shape.n && p.shape.b === r.shape.b);
    rows.push([
      `d = ${r.shape.d}, N = ${r.shape.n}, B = ${r.shape.b}`,
      r.threads[1].samplesPerSecond.toFixed(0),
      r.threads[1].gflops.toFixed(2),
      share(r.threads[1].gflops, 1),
      r.threads[2].samplesPerSecond.toFixed(0),
      r.threads[2].gflops.toFixed(2),
      share(r.threads[2].gflops, 2),
      `${r.speedup.toFixed(2)}x`,
      before ? before.threads[1].samplesPerSecond.toFixed(0) : "-",
      before ? before.threads[2].samplesPerSecond.toFixed(0) : "-",
    ]);
  }
  printColumns(rows);
}
