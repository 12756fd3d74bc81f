// The plan of assembly/onlineStep.ts: everything an online-SGD run fixes (stream key, teacher,
// student, buffers) written once into f64 slots in Wasm memory, so that each step is one call
// with the step index and the two layers' drifts. The slot indices mirror the constants at the
// top of assembly/onlineStep.ts.

import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmActivation } from "../wasm/networkKernels.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import type { BatchSource } from "../tasks/task.js";

/** The plan's slot names in slot order (benchmarks read the step's buffers from them). */
export const PLAN_SLOTS = [
  "key0", "key1", "stream0", "stream1", "input", "d", "rows", "x", "y",
  "teacherM", "teacherW", "teacherB", "teacherKind", "teacherParams", "teacherNparams", "teacherZ", "teacherRows",
  "n", "w", "a", "scale", "kind", "params", "nparams", "z", "f", "r", "g", "gradW", "gradA",
  "single", "x32", "wT32", "g32", "gradW32", "dp", "nPad", "limit",
  "w32Fresh", "labelKey0", "labelKey1", "labelStream0", "labelStream1", "delta",
  "xNext", "yNext", "x32Next", "zNext", "nextStep",
] as const;
type Slot = (typeof PLAN_SLOTS)[number];

/** What the student side of a step reads and writes; the f32 copies only with precision f32. */
export interface StudentBuffers {
  n: number;
  d: number;
  rows: number;
  w: WasmF64Array;
  a: WasmF64Array;
  scale: number;
  activation: WasmActivation;
  x: WasmF64Array;
  y: WasmF64Array;
  z: WasmF64Array;
  f: WasmF64Array;
  r: WasmF64Array;
  g: WasmF64Array;
  gradW: WasmF64Array;
  gradA: WasmF64Array;
  single: { dp: number; nPad: number; x32: WasmF64Array; wT32: WasmF64Array; g32: WasmF64Array; gradW32: WasmF64Array } | null;
  /** Losses above this, or not finite, leave the weights unmoved. */
  limit: number;
}

/**
 * Everything an online-SGD run fixes, written once into Wasm memory, so each step is a single Wasm
 * call drawing the same batch as task.sampleInto and giving the same bits as the unfused step.
 */
export class OnlineStepPlan {
  private readonly plan: WasmF64Array;
  /** The next step's sample (x, y, its f32 row in f32 runs) and pre-activations, which a step at batch 1 forms ahead; null otherwise. */
  private readonly next: { x: WasmF64Array; y: WasmF64Array; x32: WasmF64Array; z: WasmF64Array } | null;

  constructor(
    private readonly runtime: WasmRuntime,
    source: BatchSource,
    student: StudentBuffers,
  ) {
    if (runtime.onlineStep.planSlots() !== PLAN_SLOTS.length) {
      throw new Error(`meanfield: the Wasm build's online-step plan has ${runtime.onlineStep.planSlots()} slots, this code writes ${PLAN_SLOTS.length}`);
    }
    const { key } = source;
    const target = source.input === "isotropicGaussians" ? null : source.target;
    const labels = source.input === "isotropicGaussians" ? source : null;
    const single = student.single;
    const arena = runtime.arena;
    this.next = student.rows === 1
      ? { x: arena.f64(student.d), y: arena.f64(1), x32: arena.f64(single?.dp ?? 0), z: arena.f64(student.n) }
      : null;
    const values: Record<Slot, number> = {
      key0: key.k0,
      key1: key.k1,
      stream0: key.s0,
      stream1: key.s1,
      input: { gaussian: 0, sphere: 1, isotropicGaussians: 2 }[source.input],
      d: student.d,
      rows: student.rows,
      x: student.x.ptr,
      y: student.y.ptr,
      teacherM: target?.outputs.length ?? 0,
      teacherW: target?.w.ptr ?? 0,
      teacherB: target?.outputs.ptr ?? 0,
      teacherKind: target?.activation.code ?? 0,
      teacherParams: target?.activation.params.ptr ?? 0,
      teacherNparams: target?.activation.params.length ?? 0,
      teacherZ: target?.z.ptr ?? 0,
      teacherRows: target?.chunkRows ?? 1,
      n: student.n,
      w: student.w.ptr,
      a: student.a.ptr,
      scale: student.scale,
      kind: student.activation.code,
      params: student.activation.params.ptr,
      nparams: student.activation.params.length,
      z: student.z.ptr,
      f: student.f.ptr,
      r: student.r.ptr,
      g: student.g.ptr,
      gradW: student.gradW.ptr,
      gradA: student.gradA.ptr,
      single: single ? 1 : 0,
      x32: single?.x32.ptr ?? 0,
      wT32: single?.wT32.ptr ?? 0,
      g32: single?.g32.ptr ?? 0,
      gradW32: single?.gradW32.ptr ?? 0,
      dp: single?.dp ?? 0,
      nPad: single?.nPad ?? 0,
      limit: student.limit,
      w32Fresh: 0,
      labelKey0: labels?.labelKey.k0 ?? 0,
      labelKey1: labels?.labelKey.k1 ?? 0,
      labelStream0: labels?.labelKey.s0 ?? 0,
      labelStream1: labels?.labelKey.s1 ?? 0,
      delta: labels?.delta ?? 0,
      xNext: this.next?.x.ptr ?? 0,
      yNext: this.next?.y.ptr ?? 0,
      x32Next: single ? this.next?.x32.ptr ?? 0 : 0,
      zNext: this.next?.z.ptr ?? 0,
      nextStep: -1,
    };
    this.plan = runtime.arena.f64From(Float64Array.from(PLAN_SLOTS, (name) => values[name]));
  }

  /**
   * Step `step`: draws its batch, returns the loss before the update and, when the loss is
   * finite and within the limit, moves w by -driftW gradW and a by -driftA gradA (a null drift
   * leaves that layer alone). The gradient buffers hold scratch afterwards, not the gradient.
   */
  run(step: number, driftW: number | null, driftA: number | null): number {
    return this.runtime.onlineStep.step(this.plan, step, driftW, driftA);
  }

  /**
   * Marks the f32 copy of w stale after w changed outside the steps (new weights, a layer-wise
   * restart): the next f32 step narrows w in full, and forms its pre-activations afresh rather
   * than take those its predecessor formed ahead. The steps themselves keep both in step.
   */
  weightsChanged(): void {
    this.plan.view[PLAN_SLOTS.indexOf("w32Fresh")] = 0;
    this.plan.view[PLAN_SLOTS.indexOf("nextStep")] = -1;
  }

  free(): void {
    this.plan.free();
    if (this.next) for (const b of Object.values(this.next)) b.free();
  }
}
