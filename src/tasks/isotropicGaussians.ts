// The isotropic-Gaussians classification task of Mei–Montanari–Nguyen (MMN18): y = +1 or -1 with
// probability 1/2, x = (1 + y Delta) g with g ~ N(0, I_d). The classes differ only in scale, so
// no direction carries the label.

import type { Activation } from "../activation/spec.js";
import { IsotropicGaussiansPopulation } from "../population/isotropicGaussians.js";
import type { TaskConfig } from "../config.js";
import type { WasmF64Array } from "../wasm/arena.js";
import { streamKey } from "../wasm/random.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { checkSampleArguments } from "../argumentChecks.js";
import type { BatchSource, Task } from "./task.js";

/**
 * Config of the classes x | y ~ N(0, (1 + y Δ)² I_d), y = ±1 (Mei, Montanari, Nguyen 2018): the
 * dimension and Δ in (0, 1).
 */
export type IsotropicGaussiansConfig = Extract<TaskConfig, { kind: "isotropicGaussians" }>;

/**
 * Mei, Montanari, Nguyen 2018's classification: y = ±1 with probability 1/2, x = (1 + y Δ) g with
 * g ~ N(0, I_d), fitted by the square loss 1/2 E[(f - y)²]; only the scale of x carries the label,
 * so there are no directions.
 */
export class IsotropicGaussiansTask implements Task {
  readonly kind = "isotropicGaussians";
  readonly d: number;
  readonly delta: number;
  readonly link = null;
  readonly directions = new Float64Array(0);
  readonly population: IsotropicGaussiansPopulation;
  readonly targetSquare = 1;

  constructor(
    private readonly runtime: WasmRuntime,
    config: IsotropicGaussiansConfig,
    private readonly seed: number,
    student: Activation,
  ) {
    this.d = config.d;
    this.delta = config.delta;
    this.population = new IsotropicGaussiansPopulation({ d: config.d, activation: student, delta: config.delta });
  }

  sampleInto(stream: string, start: number, x: WasmF64Array, y: WasmF64Array): void {
    const { d, delta, runtime } = this;
    const rows = checkSampleArguments(d, stream, start, x, y);
    runtime.random.uniformInto(streamKey(this.seed, `${stream}.y`), start, y);
    runtime.random.gaussianInto(streamKey(this.seed, `${stream}.x`), start * d, x);
    const xv = x.view;
    const yv = y.view;
    for (let r = 0; r < rows; r++) {
      const label = yv[r]! < 0.5 ? -1 : 1;
      yv[r] = label;
      const scale = 1 + label * delta;
      for (let k = r * d; k < (r + 1) * d; k++) xv[k]! *= scale;
    }
  }

  /** The draw of sampleInto, for the fused online-SGD step. */
  batchSource(stream: string): BatchSource {
    return { input: "isotropicGaussians", key: streamKey(this.seed, `${stream}.x`), labelKey: streamKey(this.seed, `${stream}.y`), delta: this.delta };
  }

  linkCoefficients(): null {
    return null;
  }

  free(): void {}
}
