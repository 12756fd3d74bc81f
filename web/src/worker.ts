// The demo's worker: the step loop (or the mean-field limit) off the page's main thread. simulate()
// awaits what onProgress returns, so every ~30 ms the loop yields to this worker's message queue,
// where pause and resume arrive; a reset terminates the worker.

import {
  ConfigError,
  loadRuntime,
  parseConfig,
  pdeFromConfig,
  simulate,
  solveReducedParticles,
  type ConfigInput,
  type ReducedParticleState,
} from "meanfield";
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

/** Reduced particles at least this many, so their histogram is a fair picture of the limit law. */
const MIN_REDUCED_PARTICLES = 1024;
const HISTOGRAM_BINS = 60;

/** The histogram (as a density) of w_S1 / |w| over reduced particles, |w|^2 = |w_S|^2 + r^2. */
function overlapDensity(state: ReducedParticleState, coordinates: number): LimitRecord["density"] {
  const m = state.r.length;
  const counts = new Float64Array(HISTOGRAM_BINS);
  for (let i = 0; i < m; i++) {
    let norm2 = state.r[i]! ** 2;
    for (let p = 0; p < coordinates; p++) norm2 += state.wS[i * coordinates + p]! ** 2;
    const overlap = norm2 > 0 ? state.wS[i * coordinates]! / Math.sqrt(norm2) : 0;
    counts[Math.min(HISTOGRAM_BINS - 1, Math.floor(((overlap + 1) / 2) * HISTOGRAM_BINS))]!++;
  }
  const width = 2 / HISTOGRAM_BINS;
  return {
    faces: Array.from({ length: HISTOGRAM_BINS + 1 }, (_, j) => -1 + j * width),
    values: Array.from(counts, (c) => c / (m * width)),
  };
}

async function runLimit(config: ConfigInput): Promise<void> {
  const started = performance.now();
  const done = () => post({ type: "limitDone", seconds: (performance.now() - started) / 1000 });
  const resolved = parseConfig(config);
  if (resolved.task.kind === "sphereSingleIndex") {
    // The run's own initial particles, so the comparison carries no initial sampling error.
    const limit = await pdeFromConfig(resolved, { initial: "particles", cells: 1024, density: { cells: 160 } });
    if (limit.kind !== "sphere") throw new Error(`expected the sphere PDE, got ${limit.kind}`);
    const { stepSize } = resolved.algorithm;
    const records: LimitRecord[] = limit.result.records.map((r) => ({
      step: Math.round(r.time / stepSize),
      loss: r.loss,
      residuals: Array.from(r.residuals),
      ...(r.density ? { density: r.density } : {}),
    }));
    post({ type: "limitRecords", kind: "sphere PDE (finite volumes)", records });
    done();
    return;
  }
  const particles = Math.max(resolved.model.width, MIN_REDUCED_PARTICLES);
  const kind = `reduced particles (DF-PDE, M = ${particles})`;
  let density: LimitRecord["density"];
  await solveReducedParticles(resolved, {
    particles,
    // Euler with the run's step size is the network's own time discretization, so the gap
    // between the curves is the finite-N one; it also costs half of Heun, which matters on
    // machines where this worker and the network's share few cores.
    scheme: "euler",
    observe: (_step, _time, state) => (density = overlapDensity(state, state.wS.length / state.r.length)),
    onRecord: (r) =>
      post({ type: "limitRecords", kind, records: [{ step: r.step, loss: r.loss, coefficients: r.coefficients, projections: r.projections, density }] }),
  });
  done();
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
