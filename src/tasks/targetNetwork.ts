// A fixed network y = sum_j b_j tau(<v_j, x>) evaluated in Wasm: the link of a single-index
// target (one neuron) or a teacher network. The d-dimensional dot products dominate the cost of
// a target, so they run in the same SIMD kernel as the student's forward pass.

import type { ActivationSpec } from "../activation/spec.js";
import type { WasmF64Array } from "../wasm/arena.js";
import { forwardInChunks } from "../wasm/chunkedForward.js";
import { WasmActivation } from "../wasm/networkKernels.js";
import type { WasmRuntime } from "../wasm/runtime.js";

/** Entries of the rows x M pre-activation scratch: batches of any size reuse one buffer. */
const SCRATCH_ENTRIES = 8192;

/**
 * A fixed network y = Σ_j b_j τ(<v_j, x>) (no output scale) evaluated in the same Wasm SIMD
 * kernel as the student: a single-index link is one neuron, a teacher is M.
 */
export class TargetNetwork {
  readonly activation: WasmActivation;
  /** v_j as rows, M x d. */
  readonly w: WasmF64Array;
  /** b_j. */
  readonly outputs: WasmF64Array;
  /** Pre-activation scratch, chunkRows x M. */
  readonly z: WasmF64Array;
  /** Rows labelled per kernel call. */
  readonly chunkRows: number;

  constructor(
    private readonly runtime: WasmRuntime,
    private readonly d: number,
    /** M x d. */
    weights: Float64Array,
    /** b_j, M of them. */
    outputs: Float64Array,
    activation: ActivationSpec,
    field: string,
  ) {
    const m = outputs.length;
    this.chunkRows = Math.max(1, Math.floor(SCRATCH_ENTRIES / m));
    this.activation = new WasmActivation(runtime, activation, field);
    const owned: WasmF64Array[] = [this.activation.params];
    try {
      this.w = runtime.arena.f64From(weights);
      owned.push(this.w);
      this.outputs = runtime.arena.f64From(outputs);
      owned.push(this.outputs);
      this.z = runtime.arena.f64(this.chunkRows * m);
    } catch (err) {
      for (const buf of owned) buf.free();
      throw err;
    }
  }

  /** y_r = sum_j b_j tau(<v_j, x_r>) for every row of x (rows = y.length). */
  evaluateInto(x: WasmF64Array, y: WasmF64Array): void {
    const network = { w: this.w, a: this.outputs, activation: this.activation };
    forwardInChunks(this.runtime, network, this.outputs.length, this.d, 1, x, y, this.z);
  }

  free(): void {
    this.activation.free();
    this.w.free();
    this.outputs.free();
    this.z.free();
  }
}
