// The state of a two-layer network f(x) = scale * sum_i a_i sigma(<w_i, x> + b_i) in Wasm memory.
// A bias is stored as an extra last column of w, with inputs given a constant last coordinate 1.

import { pow } from "../special/portableMath.js";
import type { Config } from "../config.js";
import type { ActivationSpec } from "../activation/spec.js";
import type { WasmF64Array } from "../wasm/arena.js";
import { WasmActivation } from "../wasm/networkKernels.js";
import { streamKey } from "../wasm/random.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { checkCount, checkFinite, checkFiniteNumber } from "../argumentChecks.js";

/** mean-field: scale 1/N; ntk: scale 1/sqrt(N); committee: scale 1 (Saad, Solla 1995); a number q: scale N^-q (q = 1 and 1/2 are the two named ones). */
export type Scaling = "meanfield" | "ntk" | "committee" | number;

/**
 * The output scale of f = scale sum_i a_i sigma(<w_i, x>): 1/N (mean field), 1/sqrt(N) (NTK), 1 (committee) or
 * N^-q; it fixes which limit a width sweep approaches.
 */
export function outputScale(scaling: Scaling, n: number): number {
  if (typeof scaling === "number") {
    if (!(scaling >= 0 && scaling <= 2)) throw new RangeError(`meanfield: a numeric scaling q (scale N^-q) must be in [0, 2], got ${scaling}`);
    return pow(n, -scaling);
  }
  switch (scaling) {
    case "meanfield":
      return 1 / n;
    case "ntk":
      return 1 / Math.sqrt(n);
    case "committee":
      return 1;
    default:
      throw new RangeError(`meanfield: scaling must be "meanfield", "ntk", "committee" or a number q in [0, 2], got ${String(scaling)}`);
  }
}

/** How w starts: uniform on the unit sphere, i.i.d. N(0, kappa^2/d), or given rows (N x inputDim). */
export type FirstLayerInit =
  | { kind: "sphere" }
  | { kind: "gaussian"; kappa: number }
  | { kind: "given"; weights: ArrayLike<number>[] | Float64Array };

/** How a starts: constant, i.i.d. N(0, std^2), random signs, or given. */
export type SecondLayerInit =
  | { kind: "constant"; value: number }
  | { kind: "gaussian"; std?: number }
  | { kind: "rademacher"; value?: number }
  | { kind: "given"; values: ArrayLike<number> };

/**
 * Everything that defines a network before training: width N, input dimension d, activation, scaling and the
 * initial laws.
 */
export interface NetworkOptions {
  n: number;
  d: number;
  activation: ActivationSpec;
  scaling: Scaling;
  seed: number;
  /** Default: uniform on the sphere. */
  firstLayer?: FirstLayerInit;
  /** Default: every a_i = 1. */
  secondLayer?: SecondLayerInit;
  /** Add a trainable bias b_i (initialized to 0 unless given). */
  bias?: boolean;
}

/** The network a run config describes (its model section, its seed), with the resolved activation. */
export function networkOptionsOf(config: Config, activation: ActivationSpec): NetworkOptions {
  const { model } = config;
  return {
    n: model.width,
    d: config.task.d,
    activation,
    scaling: model.scaling,
    seed: config.seed,
    firstLayer: model.init.firstLayer,
    secondLayer: model.init.secondLayer,
    bias: model.bias,
  };
}

/** Stream names of the initialization, so other draws never shift it. */
export const INIT_STREAMS = { w: "init.w", a: "init.a" } as const;

/**
 * A two-layer network whose weights live in Wasm memory, so training steps run in the kernels without copies;
 * the JS side owns the layout, initialization streams and readout.
 */
export class TwoLayerNetwork {
  readonly n: number;
  /** Data dimension d. */
  readonly d: number;
  /** Columns of w: d, or d + 1 with a bias. */
  readonly inputDim: number;
  readonly bias: boolean;
  readonly scale: number;
  readonly activation: WasmActivation;
  readonly activationSpec: ActivationSpec;
  /**
   * N x inputDim, row i is (w_i, b_i). Replace it through setWeights: an f32 Trainer keeps an f32
   * copy of w between steps and learns of outside changes from weightsRevision.
   */
  readonly w: WasmF64Array;
  readonly a: WasmF64Array;
  /** Incremented by every setWeights. */
  weightsRevision = 0;

  constructor(
    readonly runtime: WasmRuntime,
    options: NetworkOptions,
  ) {
    checkCount("n (width)", options.n);
    checkCount("d (input dimension)", options.d);
    this.n = options.n;
    this.d = options.d;
    this.bias = options.bias ?? false;
    this.inputDim = this.d + (this.bias ? 1 : 0);
    this.scale = outputScale(options.scaling, options.n);
    this.activationSpec = options.activation;
    this.activation = new WasmActivation(runtime, options.activation);
    const arena = runtime.arena;
    this.w = arena.f64(this.n * this.inputDim);
    this.a = arena.f64(this.n);
    try {
      this.initFirstLayer(options.firstLayer ?? { kind: "sphere" }, options.seed);
      this.initSecondLayer(options.secondLayer ?? { kind: "constant", value: 1 }, options.seed);
    } catch (err) {
      this.free();
      throw err;
    }
  }

  private initFirstLayer(init: FirstLayerInit, seed: number): void {
    const { n, d, inputDim } = this;
    const w = this.w.view;
    if (init.kind === "given") {
      const rows = init.weights;
      const flat = rows instanceof Float64Array ? rows : Float64Array.from(Array.from(rows as ArrayLike<number>[]).flatMap((r) => Array.from(r)));
      if (flat.length !== n * inputDim) {
        throw new RangeError(`meanfield: given first-layer weights have ${flat.length} numbers, expected N x ${inputDim} = ${n * inputDim}`);
      }
      checkFinite("firstLayer.weights", flat);
      w.set(flat);
      return;
    }
    const key = streamKey(seed, INIT_STREAMS.w);
    const scratch = this.runtime.arena.f64(n * d);
    try {
      if (init.kind === "sphere") this.runtime.random.sphereInto(key, 0, n, d, scratch);
      else {
        checkFiniteNumber("firstLayer.kappa", init.kappa);
        this.runtime.random.gaussianInto(key, 0, scratch);
        const s = init.kappa / Math.sqrt(d);
        const v = scratch.view;
        for (let k = 0; k < v.length; k++) v[k] = s * v[k]!;
      }
      const src = scratch.view;
      const dst = this.w.view;
      for (let i = 0; i < n; i++) {
        dst.set(src.subarray(i * d, (i + 1) * d), i * inputDim);
        if (this.bias) dst[i * inputDim + d] = 0;
      }
    } finally {
      scratch.free();
    }
  }

  private initSecondLayer(init: SecondLayerInit, seed: number): void {
    const a = this.a.view;
    switch (init.kind) {
      case "constant":
        checkFiniteNumber("secondLayer.value", init.value);
        a.fill(init.value);
        return;
      case "given": {
        if (init.values.length !== this.n) {
          throw new RangeError(`meanfield: given second-layer values have ${init.values.length} numbers, expected N = ${this.n}`);
        }
        checkFinite("secondLayer.values", init.values);
        a.set(Array.from(init.values));
        return;
      }
      case "gaussian": {
        this.runtime.random.gaussianInto(streamKey(seed, INIT_STREAMS.a), 0, this.a);
        const std = init.std ?? 1;
        for (let i = 0; i < a.length; i++) a[i] = std * a[i]!;
        return;
      }
      case "rademacher": {
        this.runtime.random.uniformInto(streamKey(seed, INIT_STREAMS.a), 0, this.a);
        const value = init.value ?? 1;
        for (let i = 0; i < a.length; i++) a[i] = a[i]! < 0.5 ? -value : value;
        return;
      }
    }
  }

  /** Replaces the weights (copies); w is N x inputDim row-major. */
  setWeights(w: ArrayLike<number>, a: ArrayLike<number>): void {
    if (w.length !== this.n * this.inputDim) {
      throw new RangeError(`meanfield: w has length ${w.length}, expected ${this.n * this.inputDim} (N x ${this.inputDim})`);
    }
    if (a.length !== this.n) throw new RangeError(`meanfield: a has length ${a.length}, expected ${this.n} (N)`);
    checkFinite("w", w);
    checkFinite("a", a);
    this.w.set(w);
    this.a.set(a);
    this.weightsRevision++;
  }

  free(): void {
    if (!this.w.freed) this.w.free();
    if (!this.a.freed) this.a.free();
    this.activation.free();
  }
}
