// The demo's worker: the step loop (or the mean-field limit) off the page's main thread. simulate()
// awaits what onProgress returns, so every ~30 ms the loop yields to this worker's message queue,
// where pause and resume arrive; a reset terminates the worker.

import { ConfigError, loadRuntime, parseConfig, simulate, type ConfigInput } from "meanfield";
import { solveDemoLimit } from "./limit.ts";
import type { FromWorker, ToWorker } from "./protocol.ts";

const post = (message: FromWorker) => self.postMessage(message);

/** A macrotask boundary: a MessageChannel round trip, which browsers do not clamp like setTimeout. */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
const nextTask = () =>
  new Promise<void>((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });

const YIELD_MS = 30;
let paused = false;
let resumed: (() => void) | null = null;

async function runNetwork(config: ConfigInput): Promise<void> {
  const threads = parseConfig(config).threads;
  // The plain SIMD builds, not relaxed SIMD, although Chromium has it: the page promises the same
  // bits as `meanfield run` in Node 20, where relaxed SIMD needs a flag, and FMA rounds differently.
  const runtime = await loadRuntime({ build: threads > 1 ? "threads" : "simd" });
  post({ type: "runtime", build: threads > 1 ? `${runtime.build}, ${threads} threads` : runtime.build });
  let lastYield = performance.now();
  let pausedMs = 0;
  const started = performance.now();
  // Steps per second of running time: pauses do not count.
  const rate = (step: number) => step / Math.max(1e-3, (performance.now() - started - pausedMs) / 1000);
  const result = await simulate(config, {
    runtime,
    onRecord: (record) => post({ type: "record", record }),
    onProgress: (step, total) => {
      if (performance.now() - lastYield < YIELD_MS && step < total) return;
      return (async () => {
        post({ type: "progress", step, total, stepsPerSecond: rate(step) });
        await nextTask();
        if (paused) {
          const from = performance.now();
          await new Promise<void>((resolve) => (resumed = resolve));
          pausedMs += performance.now() - from;
        }
        lastYield = performance.now();
      })();
    },
  });
  post({ type: "done", summary: result.summary, stepsPerSecond: rate(result.summary.steps) });
}

async function runLimit(config: ConfigInput): Promise<void> {
  const started = performance.now();
  await solveDemoLimit(config, (kind, records) => post({ type: "limitRecords", kind, records }));
  post({ type: "limitDone", seconds: (performance.now() - started) / 1000 });
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case "pause":
      paused = true;
      return;
    case "resume":
      paused = false;
      resumed?.();
      resumed = null;
      return;
    case "simulate":
      runNetwork(message.config).catch((err: unknown) =>
        post({ type: "error", message: err instanceof Error ? err.message : String(err), configError: err instanceof ConfigError }),
      );
      return;
    case "limit":
      runLimit(message.config).catch((err: unknown) =>
        post({ type: "limitUnavailable", message: err instanceof Error ? err.message : String(err) }),
      );
      return;
  }
};
