// Single-index regression on Gaussian input: x ~ N(0, I_d), y = h(<q*, x>), |q*| = 1.

import type { ActivationSpec } from "../model/activation.js";
import type { WasmF64Array } from "../wasm/arena.js";
import { WasmActivation } from "../wasm/networkKernels.js";
import { streamKey, type StreamKey } from "../wasm/random.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { checkCount } from "../wasm/validate.js";

export interface GaussianSingleIndexOptions {
  d: number;
  /** The link h, any activation form (named, polynomial, piecewise-linear). */
  link: ActivationSpec;
  seed: number;
}

export class GaussianSingleIndexTask {
  readonly d: number;
  /** The hidden direction q*, uniform on S^{d-1} from stream "task.q". */
  readonly q: WasmF64Array;
  private readonly link: WasmActivation;
  private readonly one: WasmF64Array;

  constructor(
    private readonly runtime: WasmRuntime,
    options: GaussianSingleIndexOptions,
  ) {
    checkCount("d (input dimension)", options.d);
    this.d = options.d;
    this.link = new WasmActivation(runtime, options.link, "link");
    this.q = runtime.arena.f64(this.d);
    runtime.random.sphereInto(streamKey(options.seed, "task.q"), 0, 1, this.d, this.q);
    this.one = runtime.arena.f64From([1]);
  }

  /**
   * Samples start .. start + B - 1 of a stream into x (B x d) and y (B); z is B scratch.
   * The target is evaluated as a width-1 network with weight q* and scale 1.
   */
  sampleInto(key: StreamKey, start: number, x: WasmF64Array, y: WasmF64Array, z: WasmF64Array): void {
    const b = y.length;
    this.runtime.random.gaussianInto(key, start * this.d, x);
    this.runtime.network.forwardInto({ n: 1, d: this.d, b }, 1, this.link, { x, w: this.q, a: this.one, z, f: y }, {
      checkFinite: false,
    });
  }

  free(): void {
    this.q.free();
    this.one.free();
    this.link.free();
  }
}
