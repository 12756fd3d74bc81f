// The state of a two-layer network f(x) = scale * sum_i a_i sigma(<w_i, x>) in Wasm memory.

import type { ActivationSpec } from "./activation.js";
import type { WasmF64Array } from "../wasm/arena.js";
import { WasmActivation } from "../wasm/networkKernels.js";
import { streamKey } from "../wasm/random.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { checkCount, checkFinite, checkFiniteNumber } from "../wasm/validate.js";

/** mean-field: scale 1/N; ntk: scale 1/sqrt(N). */
export type Scaling = "meanfield" | "ntk";

export function outputScale(scaling: Scaling, n: number): number {
  switch (scaling) {
    case "meanfield":
      return 1 / n;
    case "ntk":
      return 1 / Math.sqrt(n);
    default:
      throw new RangeError(`meanfield: scaling must be "meanfield" or "ntk", got ${String(scaling)}`);
  }
}

/** How the second layer starts: every a_i equal to a value, or i.i.d. standard normal. */
export type SecondLayerInit = { kind: "constant"; value: number } | { kind: "gaussian" };

export interface NetworkOptions {
  n: number;
  d: number;
  activation: ActivationSpec;
  scaling: Scaling;
  seed: number;
  /** Default: every a_i = 1. */
  secondLayer?: SecondLayerInit;
}

/** Stream names of the initialization, so other draws never shift it. */
export const INIT_STREAMS = { w: "init.w", a: "init.a" } as const;

export class TwoLayerNetwork {
  readonly n: number;
  readonly d: number;
  readonly scale: number;
  readonly activation: WasmActivation;
  /** N x d, row i is w_i; starts uniform on the unit sphere S^{d-1}. */
  readonly w: WasmF64Array;
  readonly a: WasmF64Array;

  constructor(
    readonly runtime: WasmRuntime,
    options: NetworkOptions,
  ) {
    checkCount("n (width)", options.n);
    checkCount("d (input dimension)", options.d);
    this.n = options.n;
    this.d = options.d;
    this.scale = outputScale(options.scaling, options.n);
    this.activation = new WasmActivation(runtime, options.activation);
    const arena = runtime.arena;
    this.w = arena.f64(this.n * this.d);
    this.a = arena.f64(this.n);
    runtime.random.sphereInto(streamKey(options.seed, INIT_STREAMS.w), 0, this.n, this.d, this.w);
    const second = options.secondLayer ?? { kind: "constant", value: 1 };
    if (second.kind === "constant") {
      checkFiniteNumber("secondLayer.value", second.value);
      this.a.view.fill(second.value);
    } else {
      runtime.random.gaussianInto(streamKey(options.seed, INIT_STREAMS.a), 0, this.a);
    }
  }

  /** Replaces the weights (copies); w is N x d row-major. */
  setWeights(w: ArrayLike<number>, a: ArrayLike<number>): void {
    if (w.length !== this.n * this.d) {
      throw new RangeError(`meanfield: w has length ${w.length}, expected ${this.n * this.d} (N x d)`);
    }
    if (a.length !== this.n) throw new RangeError(`meanfield: a has length ${a.length}, expected ${this.n} (N)`);
    checkFinite("w", w);
    checkFinite("a", a);
    this.w.set(w);
    this.a.set(a);
  }

  free(): void {
    this.w.free();
    this.a.free();
    this.activation.free();
  }
}
