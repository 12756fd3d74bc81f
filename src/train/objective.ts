// Where a training step's gradient comes from: the exact population loss, a fixed sample of n
// points, or a fresh batch each step. Every objective writes the gradient of its loss with
// respect to (w, a) into the given buffers and returns the loss.

import type { WasmF64Array } from "../wasm/arena.js";

/**
 * Where a step's gradient comes from (population, fixed samples, fresh batches): the gradient of
 * L = 1/2 E[(f - y)²] in the objective's expectation, with respect to w and a.
 */
export interface Objective {
  /** Loss at the current parameters; gradW (N x inputDim) and gradA (N) are overwritten. */
  evaluate(step: number, gradW: WasmF64Array, gradA: WasmF64Array): number;
  /**
   * The normal equations of the second layer on this objective's data at step `step`:
   * gram = E[phi phi^T] (N x N) and cross = E[phi y] (N) for phi_i = sigma(<w_i, x>), so that
   * L(a) = 1/2 scale^2 a^T gram a - scale a^T cross + 1/2 E[y^2].
   */
  secondLayerSystem(step: number): { gram: Float64Array; cross: Float64Array };
  free(): void;
}
