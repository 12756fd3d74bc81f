// The samples of every task whose target is a network (single-index links are one neuron):
// inputs from the stream `<stream>.x`, Gaussian or uniform on the sphere, labelled by the target
// in Wasm. Tasks hold one and hand it their sampleInto, batchSource and free.

import type { ActivationSpec } from "../activation/spec.js";
import { checkSampleArguments } from "../argumentChecks.js";
import type { WasmF64Array } from "../wasm/arena.js";
import { streamKey } from "../wasm/random.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { TargetNetwork } from "./targetNetwork.js";
import type { BatchSource } from "./task.js";

/**
 * Samples (x, y) of a task whose target is a network (a single-index link or a teacher of M
 * neurons): x drawn by the task's law from its own random stream, y = target(x) computed in
 * chunks; the one sampleInto/batchSource/free those tasks share.
 */
export class NetworkTargetSamples {
  readonly target: TargetNetwork;

  constructor(
    private readonly runtime: WasmRuntime,
    private readonly seed: number,
    private readonly d: number,
    private readonly input: "gaussian" | "sphere",
    /** The target y = sum_j b_j tau(<v_j, x>): v_j (M x d), b_j, tau and the config field naming it. */
    weights: Float64Array,
    outputs: Float64Array,
    activation: ActivationSpec,
    field: string,
  ) {
    this.target = new TargetNetwork(runtime, d, weights, outputs, activation, field);
  }

  /** Task.sampleInto: rows start .. of the stream's inputs, labelled y = target(x). */
  sampleInto(stream: string, start: number, x: WasmF64Array, y: WasmF64Array): void {
    const rows = checkSampleArguments(this.d, stream, start, x, y);
    const key = streamKey(this.seed, `${stream}.x`);
    if (this.input === "gaussian") this.runtime.random.gaussianInto(key, start * this.d, x);
    else this.runtime.random.sphereInto(key, start, rows, this.d, x);
    this.target.evaluateInto(x, y);
  }

  /** Task.batchSource: the same draw, for the fused online step to redo in Wasm. */
  batchSource(stream: string): BatchSource {
    return { input: this.input, key: streamKey(this.seed, `${stream}.x`), target: this.target };
  }

  free(): void {
    this.target.free();
  }
}
