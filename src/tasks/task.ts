// What every task gives the training loop and the metrics: samples drawn from named streams,
// the exact population loss when it exists, and the target's hidden structure.

import type { ActivationSpec } from "../activation/spec.js";
import type { PopulationResult } from "../population/gaussianNetwork.js";
import type { WasmF64Array } from "../wasm/arena.js";
import type { StreamKey } from "../wasm/random.js";
import type { TargetNetwork } from "./targetNetwork.js";

/** The exact population loss L = 1/2 E[(f - y)²] of a task and its gradients, for population GD and metrics. */
export interface PopulationEvaluator {
  /** Loss 1/2 E[(f - y)^2] and gradients at w (N x d), a (N), output scale. */
  evaluate(w: Float64Array, a: Float64Array, scale: number): PopulationResult;
}

/**
 * How a task's sampleInto draws, so that the fused online-SGD step (assembly/onlineStep.ts) can
 * redo exactly that draw inside Wasm: inputs Gaussian (fillGaussian over values start * d ..) or
 * on the sphere (fillSphere over rows start ..) from one stream, labelled by a target network; or
 * MMN18's isotropic Gaussians, labels y = -1 or +1 as the label stream's uniform value start + b
 * is below 1/2 or not, inputs (1 + y delta) times Gaussian values start * d .. of the input stream.
 */
export type BatchSource =
  | { input: "gaussian" | "sphere"; key: StreamKey; target: TargetNetwork }
  | { input: "isotropicGaussians"; key: StreamKey; labelKey: StreamKey; delta: number };

/**
 * What a training loop and the metrics need of a target: samples from named streams (pure in
 * seed, stream and index), the exact population loss when one exists, and the hidden structure.
 */
export interface Task {
  readonly kind: string;
  /** Input dimension d. */
  readonly d: number;
  /**
   * Samples start .. start + rows - 1 of the named stream (rows = y.length): x (rows x d,
   * row-major) and y (rows). Pure in (seed, stream, index): resumable and order-independent.
   */
  sampleInto(stream: string, start: number, x: WasmF64Array, y: WasmF64Array): void;
  /** Exact population loss for the student activation, or null (e.g. the hypercube staircase). */
  readonly population: PopulationEvaluator | null;
  /**
   * The target's relevant directions as rows (k x d): q* for single-index tasks, u_1..u_P for
   * multi-index, w*_1..w*_M for the teacher, e_1..e_K for the staircase, none (0 x d) for MMN18.
   */
  readonly directions: Float64Array;
  /**
   * For single-index tasks, the link's coefficients h_0..h_kmax in the basis metrics report
   * components in (Legendre P_{k,d} on the sphere, normalized Hermite h_k on Gaussian input);
   * null for other tasks.
   */
  linkCoefficients(kmax: number): Float64Array | null;
  /** The link as an activation spec (single-index tasks), for evaluating targets in Wasm. */
  readonly link: ActivationSpec | null;
  /** The draw behind sampleInto(stream, ...) when Wasm can redo it alone; absent or null otherwise. */
  batchSource?(stream: string): BatchSource | null;
  /** E[y^2]. */
  readonly targetSquare: number;
  free(): void;
}
