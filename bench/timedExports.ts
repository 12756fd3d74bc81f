// CPU time and modelled flops of chosen Wasm kernels, summed over every call a solver makes: the
// runtime's exports are swapped for a copy whose chosen functions are wrapped to time each call
// and count its flops from its arguments. The solvers read runtime.exports at each call, so they
// go through the wrappers without knowing; each wrapper adds two clock reads to a call. The
// clock is the process's CPU time (cpuMs, as the ceiling is timed): on a shared machine, wall
// time would count the time the kernel waited for a core.

import type { WasmRuntime } from "../src/wasm/runtime.js";
import { cpuMs } from "./ceiling.js";

/** Flops of one call from its arguments (the export's own, in order); null: time only. */
export type FlopModel = ((...args: number[]) => number) | null;

export interface KernelTally {
  kernel: string;
  calls: number;
  seconds: number;
  /** Summed over the calls; null for kernels timed without a flop model. */
  flops: number | null;
}

export class TimedExports {
  private tallies = new Map<string, KernelTally>();

  constructor(runtime: WasmRuntime, models: Record<string, FlopModel>) {
    const original = runtime.exports as unknown as Record<string, unknown>;
    const wrapped: Record<string, unknown> = { ...original };
    for (const [name, model] of Object.entries(models)) {
      const fn = original[name];
      if (typeof fn !== "function") throw new Error(`the Wasm module exports no function ${name}`);
      wrapped[name] = (...args: number[]) => {
        const t0 = cpuMs();
        const result = (fn as (...a: number[]) => unknown)(...args);
        const seconds = (cpuMs() - t0) / 1e3;
        const tally = this.tallies.get(name) ?? { kernel: name, calls: 0, seconds: 0, flops: model === null ? null : 0 };
        tally.calls++;
        tally.seconds += seconds;
        if (model !== null) tally.flops! += model(...args);
        this.tallies.set(name, tally);
        return result;
      };
    }
    // A runtime's exports are read-only to its users, not to the bench.
    Object.defineProperty(runtime, "exports", { value: wrapped });
  }

  /** The tallies since the last call, in order of first use. */
  take(): KernelTally[] {
    const out = [...this.tallies.values()];
    this.tallies = new Map();
    return out;
  }
}
