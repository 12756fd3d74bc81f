// Typed access to the overlap-chain escape kernel of the module (assembly/overlapChain.ts); the
// plan's layout is written by src/experiments/overlapChain.ts.

import type { WasmF64Array } from "./arena.js";
import type { WasmRuntime } from "./runtime.js";

/** Typed wrapper of the overlap-chain escape kernel, the only route from TS to it. */
export class OverlapChainKernel {
  constructor(private readonly runtime: WasmRuntime) {}

  /** The number of f64 slots of a plan in this build, for the plan's writer to check its layout against. */
  planSlots(): number {
    return this.runtime.exports.overlapChainPlanSlots();
  }

  /**
   * Runs the single-index overlap chain of the plan until |m| holds above the plan's threshold;
   * returns the escape step, or a negative number when the run hit its cap or jumped too far.
   */
  escape(plan: WasmF64Array): number {
    return this.runtime.exports.overlapChainEscape(plan.ptr);
  }
}
