// A team of threads that call the same Wasm kernel at once over one shared memory: this thread
// (index 0) and size - 1 workers, each with its own instance of the module. A call's work is cut
// into units (neuron blocks, values, rows) whose results do not depend on which thread computes
// them, and every thread claims units, its own share first, until none are left
// (src/wasm/threadProgram.ts says how). Every call is
// synchronous: its arguments go into a small control block, one Atomics generation counter wakes
// the workers, this thread starts claiming at once and returns when every unit is done.
//
// Claiming rather than a fixed range per thread is what lets threads pay on a busy machine: a
// worker that the OS has not scheduled, or that is still waking from Atomics.wait, leaves its
// share to the threads that are running instead of holding the call up, and this thread waits
// only for units already under way. A call never takes much longer than on this thread alone,
// and on an idle machine each thread keeps its own share, as a fixed split would.
// While a team is open it is its runtime's `team`, which the splittable work (network passes of
// sample objectives, random fills, long axpys) runs on.
//
// Workers are plain node:worker_threads (src/wasm/nodeThread.ts), not a pool like piscina: a
// step at small sizes takes well under a millisecond, less than a pool's per-task
// postMessage round trip, so workers stay parked on the control block between calls instead.
// Atomics.wait is not allowed on a browser's main thread; there the team must live in a Web
// Worker.

import type { WasmRuntime } from "./runtime.js";
import { spawnWebThread } from "./webThread.js";
import {
  ARGC,
  CALL,
  controlLayout,
  COUNT,
  DONE,
  FAILED,
  FLAGS,
  GENERATION,
  GRAIN,
  KERNEL,
  MAX_ARGS,
  MAX_UNITS,
  SPIN,
  STOP,
  UNITS,
  type ControlLayout,
  type ThreadInit,
} from "./threadProgram.js";

/** The kernels a team can run: those of assembly/ that take the range [begin, end) of their work units last. */
export const TEAM_KERNELS = [
  "forwardRange",
  "linearizedForwardRange",
  "backwardRange",
  "forward32Range",
  "backward32Range",
  "fillUniformRange",
  "fillGaussianRange",
  "fillSphereRange",
  "axpyRange",
  "narrowTransposedRange",
] as const;
/** The kernels a thread team can run in parallel. */
export type TeamKernel = (typeof TEAM_KERNELS)[number];

/** A started worker thread. */
export interface ThreadHandle {
  terminate(): Promise<unknown>;
}

/** Starts a worker running THREAD_PROGRAM on init; resolves once the worker is ready for calls. */
export type SpawnThread = (init: ThreadInit) => Promise<ThreadHandle>;

async function spawnInHost(init: ThreadInit): Promise<ThreadHandle> {
  if (globalThis.process?.versions?.node) {
    const { spawnNodeThread } = await import("./nodeThread.js");
    return spawnNodeThread(init);
  }
  return spawnWebThread(init);
}

/**
 * Worker threads sharing one Wasm memory, each claiming units of a kernel's work until none are left; results
 * are independent of the thread count and of which thread ran which unit.
 */
export class ThreadTeam {
  private readonly state: Int32Array;
  /** The f64 arguments as Int32 halves, written with Atomics so that the workers' seqlock reads are ordered. */
  private readonly args: Int32Array;
  private readonly message: Uint8Array;
  private readonly bits = new Float64Array(1);
  private readonly halves = new Int32Array(this.bits.buffer);
  /** The last call's number. */
  private call = 0;
  private closed = false;

  private constructor(
    private readonly runtime: WasmRuntime,
    control: SharedArrayBuffer,
    layout: ControlLayout,
    private readonly workers: ThreadHandle[],
  ) {
    this.state = new Int32Array(control);
    this.args = new Int32Array(control, layout.args, 2 * MAX_ARGS);
    this.message = new Uint8Array(control, layout.message, layout.messageBytes);
  }

  /**
   * Starts size - 1 workers over the runtime's memory, which must be shared
   * (loadRuntime({ build: "threads" })), and makes the team the runtime's until close().
   */
  static async start(runtime: WasmRuntime, size: number, spawn: SpawnThread = spawnInHost): Promise<ThreadTeam> {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`meanfield: a thread team needs a positive integer size, got ${size}`);
    if (runtime.team !== null) throw new Error("meanfield: this runtime already has an open thread team");
    if (!runtime.sharedMemory) {
      throw new Error(
        `meanfield: threads: ${size} needs a runtime over shared memory; load it with loadRuntime({ build: "threads" })`,
      );
    }
    const layout = controlLayout();
    const control = new SharedArrayBuffer(layout.bytes);
    const init = (index: number): ThreadInit => ({
      module: runtime.module,
      memory: runtime.exports.memory,
      control,
      layout,
      index,
      size,
      kernels: TEAM_KERNELS,
    });
    const started = await Promise.allSettled(Array.from({ length: size - 1 }, (_, t) => spawn(init(t + 1))));
    const workers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failure) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw failure.reason;
    }
    // Another start on this runtime may have finished while these workers were starting.
    if (runtime.team !== null) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw new Error("meanfield: this runtime already has an open thread team");
    }
    const team = new ThreadTeam(runtime, control, layout, workers);
    runtime.team = team;
    return team;
  }

  /** Threads in the team, this one included. */
  get size(): number {
    return this.workers.length + 1;
  }

  /**
   * Runs kernel(...args, begin, end) over ranges [begin, end) of `grain` items (more when [0, count) would make
   * over MAX_UNITS of them) that cover [0, count) once, on whichever threads claim them; returns when every range
   * is done. The kernel's result must not depend on how [0, count) is cut.
   */
  run(kernel: TeamKernel, args: readonly number[], count: number, grain = 1): void {
    if (this.closed) throw new Error("meanfield: run() on a closed thread team");
    if (args.length > MAX_ARGS) throw new RangeError(`meanfield: at most ${MAX_ARGS} kernel arguments, got ${args.length}`);
    if (!Number.isInteger(count) || count < 0 || count > 2 ** 31 - 1) throw new RangeError(`meanfield: a team call needs 0 to 2^31 - 1 items, got ${count}`);
    if (!Number.isInteger(grain) || grain < 1) throw new RangeError(`meanfield: items per unit must be a positive integer, got ${grain}`);
    if (count === 0) return;
    const step = Math.max(grain, Math.ceil(count / MAX_UNITS));
    const units = Math.ceil(count / step);
    const state = this.state;
    this.call = this.call >= 2 ** 30 ? 1 : this.call + 1;
    const id = this.call;
    // Odd while the call's slots are written: a worker reading them meanwhile discards what it read.
    Atomics.add(state, GENERATION, 1);
    Atomics.store(state, KERNEL, TEAM_KERNELS.indexOf(kernel));
    Atomics.store(state, ARGC, args.length);
    args.forEach((value, k) => {
      this.bits[0] = value;
      Atomics.store(this.args, 2 * k, this.halves[0]!);
      Atomics.store(this.args, 2 * k + 1, this.halves[1]!);
    });
    Atomics.store(state, CALL, id);
    Atomics.store(state, COUNT, count);
    Atomics.store(state, GRAIN, step);
    Atomics.store(state, UNITS, units);
    for (let u = 0; u < units; u++) Atomics.store(state, FLAGS + u, id);
    Atomics.store(state, DONE, 0);
    Atomics.add(state, GENERATION, 1);
    Atomics.notify(state, GENERATION);
    const fn = this.runtime.exports[kernel] as (...values: number[]) => void;
    let failure: { error: unknown } | null = null;
    // This thread's share first, then whatever the others have not claimed, from the last unit.
    const share = Math.floor(units / this.size);
    for (let k = 0; k < units + share; k++) {
      const u = k < share ? k : units - 1 - (k - share);
      if (Atomics.load(state, FLAGS + u) !== id || Atomics.compareExchange(state, FLAGS + u, id, -id) !== id) continue;
      try {
        fn(...args, u * step, Math.min((u + 1) * step, count));
      } catch (error) {
        if (failure === null && Atomics.compareExchange(state, FAILED, 0, 1) === 0) failure = { error };
      }
      Atomics.add(state, DONE, 1);
    }
    // Units other threads claimed may still be running; the caller may free the buffers they use.
    for (let spin = 0; spin < SPIN && Atomics.load(state, DONE) !== units; spin++);
    for (let done; (done = Atomics.load(state, DONE)) !== units; ) Atomics.wait(state, DONE, done);
    const failed = Atomics.exchange(state, FAILED, 0);
    if (failure !== null) throw failure.error;
    if (failed !== 0) {
      // TextDecoder refuses views of shared memory.
      const text = new TextDecoder().decode(this.message.slice()).replace(/\0+$/, "");
      throw new Error(`meanfield: worker thread ${failed - 1} failed in ${kernel}: ${text}`);
    }
  }

  /** Stops and terminates the workers; resolves once they have exited. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.runtime.team === this) this.runtime.team = null;
    Atomics.add(this.state, GENERATION, 1);
    Atomics.store(this.state, KERNEL, STOP);
    Atomics.add(this.state, GENERATION, 1);
    Atomics.notify(this.state, GENERATION);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
