// The demo's worker: the step loop (or the mean-field limit) off the page's main thread. simulate()
// awaits what onProgress returns, so every ~30 ms the loop yields to this worker's message queue,
// where pause and resume arrive; a reset terminates the worker.

import { ConfigError, pdeFromConfig, simulate, solveReducedParticles, type ConfigInput } from "meanfield";
import type { FromWorker, LimitRecord, ToWorker } from "./protocol.ts";

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
  let lastYield = performance.now();
  let pausedMs = 0;
  const started = performance.now();
  const rate = (step: number) => step / Math.max(1e-3, (performance.now() - started - pausedMs) / 1000);
  const result = await simulate(config, {
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
  post({ type: "done", summary: result.summary });
}

async function runLimit(config: ConfigInput): Promise<void> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const task = (config.task as { kind: string }).kind;
  if (task === "sphereSingleIndex") {
    // The run's own initial particles, so the comparison carries no initial sampling error.
    const limit = await pdeFromConfig(config, { initial: "particles", cells: 1024, density: { cells: 160 } });
    if (limit.kind !== "sphere") throw new Error(`expected the sphere PDE, got ${limit.kind}`);
    const stepSize = limit.config.algorithm.stepSize;
    const records: LimitRecord[] = limit.result.records.map((r) => ({
      step: Math.round(r.time / stepSize),
      loss: r.loss,
      residuals: Array.from(r.residuals),
      ...(r.density ? { density: r.density } : {}),
    }));
    post({ type: "limit", kind: "sphere PDE", records, seconds: seconds() });
    return;
  }
  const reduced = await solveReducedParticles(config);
  const records: LimitRecord[] = reduced.records.map((r) => ({
    step: r.step,
    loss: r.loss,
    coefficients: r.coefficients,
    projections: r.projections,
  }));
  post({ type: "limit", kind: "reduced particles (DF-PDE)", records, seconds: seconds() });
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
