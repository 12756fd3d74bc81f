// Teacher networks on Gaussian input: x ~ N(0, I_d), y = sum_j a*_j g*(<w*_j, x>) with orthonormal
// w*_1..w*_M. `teacherAbs` is g* = |.| (the teacher of Li, Ma, Zhang 2020); `teacherNetwork` takes
// any activation (e.g. erf, the soft committee machines of Saad, Solla 1995).

import type { Activation, ActivationSpec } from "../activation/spec.js";
import { GaussianNetworkPopulation } from "../population/gaussianNetwork.js";
import type { TaskConfig } from "../config.js";
import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { randomOrthonormalRows } from "./orthonormalRows.js";
import { NetworkTargetSamples } from "./networkTargetSamples.js";
import type { BatchSource, Task } from "./task.js";

/** Config of a teacher y = Σ_j a*_j g*(<w*_j, x>), M <= d orthonormal w*_j, a*_j = 1 unless given. */
export type TeacherNetworkConfig = Extract<TaskConfig, { kind: "teacherAbs" | "teacherNetwork" }>;
/** The teacherAbs branch of the task config (g* = |.|, Li, Ma, Zhang 2020). */
export type TeacherAbsConfig = Extract<TaskConfig, { kind: "teacherAbs" }>;

/** g* of a teacher config: |.| for teacherAbs. */
export function teacherActivationOf(config: TeacherNetworkConfig): ActivationSpec {
  return config.kind === "teacherAbs" ? "abs" : config.activation;
}

/**
 * x ~ N(0, I_d), y = Σ_j a*_j g*(<w*_j, x>) with orthonormal w*_j (unit norm, so <w*_j, x> ~ N(0, 1));
 * the population loss is exact (Gaussian pair integrals).
 */
export class TeacherNetworkTask implements Task {
  readonly kind: TeacherNetworkConfig["kind"];
  readonly d: number;
  readonly link = null;
  /** w*_1..w*_M (M x d). */
  readonly directions: Float64Array;
  /** a*_1..a*_M. */
  readonly outputs: Float64Array;
  /** g*. */
  readonly teacherActivation: ActivationSpec;
  /** Teacher-neuron target; also gives the loss by Hermite order (Li, Ma, Zhang's tensor terms). */
  readonly population: GaussianNetworkPopulation;
  readonly targetSquare: number;
  private readonly samples: NetworkTargetSamples;

  constructor(
    runtime: WasmRuntime,
    config: TeacherNetworkConfig,
    seed: number,
    student: Activation,
  ) {
    const { d, width } = config;
    // parseConfig enforces these; createTask is public, and Gram–Schmidt past d rows divides by zero.
    if (width > d) throw new RangeError(`meanfield: task.width: at most d = ${d} orthonormal teacher neurons, got ${width}`);
    if (Array.isArray(config.outputs) && config.outputs.length !== width) {
      throw new RangeError(`meanfield: task.outputs: expected ${width} numbers (task.width), got ${config.outputs.length}`);
    }
    this.kind = config.kind;
    this.d = d;
    this.teacherActivation = teacherActivationOf(config);
    this.directions = randomOrthonormalRows(runtime, seed, "task.teacher", width, d);
    this.outputs = config.outputs === "ones" ? new Float64Array(width).fill(1) : Float64Array.from(config.outputs);
    this.population = new GaussianNetworkPopulation({
      d,
      activation: student,
      target: { kind: "neurons", activation: this.teacherActivation, weights: this.directions, outputs: this.outputs },
    });
    this.targetSquare = this.population.targetSquare;
    this.samples = new NetworkTargetSamples(runtime, seed, d, "gaussian", this.directions, this.outputs, this.teacherActivation, "task.activation");
  }

  sampleInto(stream: string, start: number, x: WasmF64Array, y: WasmF64Array): void {
    this.samples.sampleInto(stream, start, x, y);
  }

  batchSource(stream: string): BatchSource {
    return this.samples.batchSource(stream);
  }

  linkCoefficients(): null {
    return null;
  }

  free(): void {
    this.samples.free();
  }
}
