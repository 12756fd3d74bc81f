// Single-index regression on the sphere (Mahankali et al. 2023): x ~ Unif(S^{d-1}), y = h(<q*, x>) with q*
// uniform on the sphere.

import type { Activation, ActivationSpec } from "../activation/spec.js";
import { SphereSingleIndexPopulation } from "../population/sphereSingleIndex.js";
import { sphereCoefficients } from "../activation/coefficients.js";
import type { TaskConfig } from "../config.js";
import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { linkToActivation } from "../activation/link.js";
import { NetworkTargetSamples } from "./networkTargetSamples.js";
import type { BatchSource, PopulationEvaluator, Task } from "./task.js";

/** Config of x ~ Unif(S^{d-1}) (unit sphere, d >= 2), y = h(<q*, x>): the dimension and the link h. */
export type SphereSingleIndexConfig = Extract<TaskConfig, { kind: "sphereSingleIndex" }>;

/**
 * x ~ Unif(S^{d-1}) (the unit sphere), y = h(<q*, x>); link coefficients are in the Legendre basis
 * P_{k,d} (P_{k,d}(1) = 1, E[P_{k,d}²] = 1/N(d,k)) and the population loss is exact by Funk–Hecke.
 */
export class SphereSingleIndexTask implements Task {
  readonly kind = "sphereSingleIndex";
  readonly d: number;
  readonly link: ActivationSpec;
  /** q* (1 x d). */
  readonly directions: Float64Array;
  /** The Funk–Hecke expansion behind `population`, for metrics that need its coefficients. */
  readonly exact: SphereSingleIndexPopulation;
  /** Requires unit-norm student rows w_i (projected training keeps them there). */
  readonly population: PopulationEvaluator;
  readonly targetSquare: number;
  private readonly samples: NetworkTargetSamples;

  constructor(
    runtime: WasmRuntime,
    config: SphereSingleIndexConfig,
    seed: number,
    student: Activation,
  ) {
    const { d } = config;
    this.d = d;
    this.link = linkToActivation(config.link, d);
    const q = runtime.random.sphere(seed, "task.q", 1, d);
    this.directions = q;
    this.exact = new SphereSingleIndexPopulation({ d, activation: student, link: this.link }, runtime);
    this.population = { evaluate: (w, a, scale) => this.exact.evaluate(w, a, q, scale) };
    this.targetSquare = this.exact.linkSquare;
    this.samples = new NetworkTargetSamples(runtime, seed, d, "sphere", q, Float64Array.of(1), this.link, "task.link");
  }

  sampleInto(stream: string, start: number, x: WasmF64Array, y: WasmF64Array): void {
    this.samples.sampleInto(stream, start, x, y);
  }

  batchSource(stream: string): BatchSource {
    return this.samples.batchSource(stream);
  }

  /** c_0 .. c_kmax of h = sum_k c_k P_{k,d} in Legendre polynomials of dimension d. */
  linkCoefficients(kmax: number): Float64Array {
    return sphereCoefficients(this.link, this.d, kmax);
  }

  free(): void {
    this.samples.free();
  }
}
