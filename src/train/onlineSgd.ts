// Online SGD: every step draws a fresh batch, so the batch loss is an unbiased estimate of
// the population loss and no sample is seen twice.
//
// Mean-field time (DESIGN.md): each particle moves with velocity -N grad_{theta_i} L, so a
// step of size h advances time by h and t = O(1) whatever N is. Batch t is samples
// t*B .. t*B + B - 1 of the stream "train.batch", so a run can resume at any step.

import type { WasmF64Array } from "../wasm/arena.js";
import type { TwoLayerNetwork } from "../model/network.js";
import type { Task } from "../tasks/task.js";
import { checkCount, checkFiniteNumber } from "../wasm/validate.js";

export interface OnlineSgdOptions {
  /** Batch size B. */
  batch: number;
  /** Step size h in mean-field time units. */
  stepSize: number;
  /** Train the second layer a too (default true). */
  trainSecondLayer?: boolean;
}

export class OnlineSgd {
  /** Steps taken so far. */
  steps = 0;
  private readonly buffers: Record<"x" | "y" | "z" | "f" | "r" | "g" | "gradW" | "gradA", WasmF64Array>;

  constructor(
    readonly net: TwoLayerNetwork,
    readonly task: Task,
    readonly options: OnlineSgdOptions,
  ) {
    checkCount("batch", options.batch);
    checkFiniteNumber("stepSize", options.stepSize);
    if (options.stepSize <= 0) throw new RangeError(`meanfield: stepSize must be > 0, got ${options.stepSize}`);
    if (task.d !== net.d) throw new RangeError(`meanfield: task dimension ${task.d} != network dimension ${net.d}`);
    const { n, d } = net;
    const b = options.batch;
    const arena = net.runtime.arena;
    this.buffers = {
      x: arena.f64(b * d),
      y: arena.f64(b),
      z: arena.f64(b * n),
      f: arena.f64(b),
      r: arena.f64(b),
      g: arena.f64(b * n),
      gradW: arena.f64(n * d),
      gradA: arena.f64(n),
    };
  }

  /** Mean-field time elapsed. */
  get time(): number {
    return this.steps * this.options.stepSize;
  }

  /** One step; returns the batch loss 1/(2B) sum_b (f_b - y_b)^2 before the update. */
  step(): number {
    const { net, task, buffers: buf } = this;
    const { n, d } = net;
    const b = this.options.batch;
    const runtime = net.runtime;
    task.sampleInto("train.batch", this.steps * b, buf.x, buf.y);
    const shape = { n, d, b };
    const trusted = { checkFinite: false };
    runtime.network.forwardInto(shape, net.scale, net.activation, { x: buf.x, w: net.w, a: net.a, z: buf.z, f: buf.f }, trusted);
    const f = buf.f.view;
    const y = buf.y.view;
    const r = buf.r.view;
    let loss = 0;
    for (let k = 0; k < b; k++) {
      const e = f[k]! - y[k]!;
      r[k] = e / b;
      loss += e * e;
    }
    runtime.network.backwardInto(shape, net.scale, net.activation, { ...buf, a: net.a }, trusted);
    const rate = -this.options.stepSize * n;
    runtime.exports.axpy(rate, buf.gradW.ptr, net.w.ptr, n * d);
    if (this.options.trainSecondLayer !== false) runtime.exports.axpy(rate, buf.gradA.ptr, net.a.ptr, n);
    this.steps++;
    return loss / (2 * b);
  }

  free(): void {
    for (const buf of Object.values(this.buffers)) buf.free();
  }
}
