// Single-index regression on Gaussian input: x ~ N(0, I_d), y = h(<q*, x>) with q* uniform on
// the sphere.

import type { Activation, ActivationSpec } from "../activation/spec.js";
import { GaussianNetworkPopulation } from "../population/gaussianNetwork.js";
import { hermiteCoefficients } from "../activation/coefficients.js";
import type { TaskConfig } from "../config.js";
import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { linkToActivation } from "../activation/link.js";
import { NetworkTargetSamples } from "./networkTargetSamples.js";
import type { BatchSource, Task } from "./task.js";

/** Config of x ~ N(0, I_d), y = h(<q*, x>): the dimension and the link h. */
export type GaussianSingleIndexConfig = Extract<TaskConfig, { kind: "gaussianSingleIndex" }>;

/**
 * x ~ N(0, I_d), y = h(<q*, x>) with q* uniform on the unit sphere; link coefficients are in the
 * normalized Hermite basis, h = Σ_k h_k h_k(z) with E[h_k(z)²] = 1, and the population loss is exact.
 */
export class GaussianSingleIndexTask implements Task {
  readonly kind = "gaussianSingleIndex";
  readonly d: number;
  readonly link: ActivationSpec;
  /** q* (1 x d). */
  readonly directions: Float64Array;
  /** The target as one teacher neuron h(<q*, x>); also gives the loss by Hermite order. */
  readonly population: GaussianNetworkPopulation;
  readonly targetSquare: number;
  private readonly samples: NetworkTargetSamples;

  constructor(
    runtime: WasmRuntime,
    config: GaussianSingleIndexConfig,
    seed: number,
    student: Activation,
  ) {
    const { d } = config;
    this.d = d;
    this.link = linkToActivation(config.link, d);
    const q = runtime.random.sphere(seed, "task.q", 1, d);
    this.directions = q;
    const outputs = Float64Array.of(1);
    this.population = new GaussianNetworkPopulation({
      d,
      activation: student,
      target: { kind: "neurons", activation: this.link, weights: q, outputs },
    });
    this.targetSquare = this.population.targetSquare;
    this.samples = new NetworkTargetSamples(runtime, seed, d, "gaussian", q, outputs, this.link, "task.link");
  }

  sampleInto(stream: string, start: number, x: WasmF64Array, y: WasmF64Array): void {
    this.samples.sampleInto(stream, start, x, y);
  }

  batchSource(stream: string): BatchSource {
    return this.samples.batchSource(stream);
  }

  /** c_0 .. c_kmax of h = sum_k c_k h_k in normalized Hermite polynomials h_k = He_k / sqrt(k!). */
  linkCoefficients(kmax: number): Float64Array {
    return hermiteCoefficients(this.link, kmax);
  }

  free(): void {
    this.samples.free();
  }
}
