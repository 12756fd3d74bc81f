// Typed access to the fused online-SGD step of the module (assembly/onlineStep.ts); the plan's
// layout is written by src/train/onlineStepPlan.ts.

import type { WasmF64Array } from "./arena.js";
import type { WasmRuntime } from "./runtime.js";

/** Typed wrapper of the fused online SGD step, the only route from TS to it. */
export class OnlineStepKernel {
  constructor(private readonly runtime: WasmRuntime) {}

  /** The number of f64 slots of a plan in this build, for the plan's writer to check its layout against. */
  planSlots(): number {
    return this.runtime.exports.onlineStepPlanSlots();
  }

  /**
   * Step `step` of the plan: draws batch rows step B .. step B + B - 1, returns the loss
   * 1/(2B) sum (f - y)^2 and, when it is finite and within the plan's limit, moves w by
   * -driftW gradW and a by -driftA gradA (a null drift leaves that layer alone).
   */
  step(plan: WasmF64Array, step: number, driftW: number | null, driftA: number | null): number {
    return this.runtime.exports.onlineStep(plan.ptr, step, driftW === null ? 0 : 1, driftW ?? 0, driftA === null ? 0 : 1, driftA ?? 0);
  }
}
