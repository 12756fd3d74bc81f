// A team of threads that call the same Wasm kernel at once, each on its own range of the work
// (neuron blocks, rows, values), over one shared memory: this thread (index 0) and size - 1
// workers, each with its own instance of the module. Every call is synchronous: its arguments
// and ranges go into a small control block, one Atomics generation counter wakes the workers,
// this thread does its own range, then waits until the workers have counted themselves out.
// While a team is open it is its runtime's `team`, which the splittable work (network passes
// of sample objectives, random fills) runs on.
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
  controlLayout,
  FAILED,
  GENERATION,
  KERNEL,
  MAX_ARGS,
  PENDING,
  RANGES,
  SPIN,
  STOP,
  type ControlLayout,
  type ThreadInit,
} from "./threadProgram.js";

/** The kernels a team can run: those of assembly/ that take the range [begin, end) of their work last. */
export const TEAM_KERNELS = [
  "forwardRange",
  "linearizedForwardRange",
  "backwardRange",
  "forward32Range",
  "backward32Range",
  "fillUniformRange",
  "fillGaussianRange",
  "fillSphereRange",
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
 * Worker threads sharing one Wasm memory, splitting a kernel's work by ranges; results are independent of the
 * thread count.
 */
export class ThreadTeam {
  private readonly state: Int32Array;
  private readonly args: Float64Array;
  private readonly message: Uint8Array;
  private closed = false;

  private constructor(
    private readonly runtime: WasmRuntime,
    control: SharedArrayBuffer,
    layout: ControlLayout,
    private readonly workers: ThreadHandle[],
  ) {
    this.state = new Int32Array(control);
    this.args = new Float64Array(control, layout.args, MAX_ARGS);
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
    const layout = controlLayout(size);
    const control = new SharedArrayBuffer(layout.bytes);
    const init = (index: number): ThreadInit => ({
      module: runtime.module,
      memory: runtime.exports.memory,
      control,
      layout,
      index,
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

  /** [0, count) cut into size contiguous ranges as even as whole units allow, thread 0's first. */
  split(count: number): [number, number][] {
    const k = this.size;
    return Array.from({ length: k }, (_, t) => [Math.floor((t * count) / k), Math.floor(((t + 1) * count) / k)]);
  }

  /** Thread t calls kernel(...args, ranges[t][0], ranges[t][1]); returns when every thread is done. */
  run(kernel: TeamKernel, args: readonly number[], ranges: readonly (readonly [number, number])[]): void {
    if (this.closed) throw new Error("meanfield: run() on a closed thread team");
    if (args.length > MAX_ARGS) throw new RangeError(`meanfield: at most ${MAX_ARGS} kernel arguments, got ${args.length}`);
    if (ranges.length !== this.size) throw new RangeError(`meanfield: expected ${this.size} ranges (one per thread), got ${ranges.length}`);
    const state = this.state;
    state[KERNEL] = TEAM_KERNELS.indexOf(kernel);
    state[ARGC] = args.length;
    this.args.set(args);
    for (let t = 1; t < ranges.length; t++) {
      state[RANGES + 2 * t] = ranges[t]![0];
      state[RANGES + 2 * t + 1] = ranges[t]![1];
    }
    Atomics.store(state, PENDING, this.workers.length);
    Atomics.add(state, GENERATION, 1);
    Atomics.notify(state, GENERATION);
    let failure: { error: unknown } | null = null;
    try {
      (this.runtime.exports[kernel] as (...values: number[]) => void)(...args, ranges[0]![0], ranges[0]![1]);
    } catch (error) {
      failure = { error };
    }
    // Even when this thread's share threw: the caller may free buffers the workers still use.
    for (let spin = 0; spin < SPIN && Atomics.load(state, PENDING) !== 0; spin++);
    for (let pending; (pending = Atomics.load(state, PENDING)) !== 0; ) Atomics.wait(state, PENDING, pending);
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
    Atomics.store(this.state, KERNEL, STOP);
    Atomics.add(this.state, GENERATION, 1);
    Atomics.notify(this.state, GENERATION);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
