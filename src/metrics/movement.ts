// How far the parameters have moved from initialization, relative to their initial size
// (small in the lazy/NTK regime, order one when features are learned). theta includes the bias
// column of w. Record keys:
//   movementW  ||w_t - w_0|| / ||w_0||
//   movementA  ||a_t - a_0|| / ||a_0||
//   movement   ||(w_t, a_t) - (w_0, a_0)|| / ||(w_0, a_0)||
// each null when the initial norm is 0 (e.g. a_0 = 0), where no relative size exists.

import type { Metric, MetricContext } from "./metric.js";

function squaredDistanceAndNorm(current: Float64Array, initial: Float64Array): { distance: number; norm: number } {
  let distance = 0;
  let norm = 0;
  for (let k = 0; k < initial.length; k++) {
    distance += (current[k]! - initial[k]!) ** 2;
    norm += initial[k]! ** 2;
  }
  return { distance, norm };
}

function ratio(distance: number, norm: number): number | null {
  return norm > 0 ? Math.sqrt(distance / norm) : null;
}

/**
 * Relative distance from initialization, ‖θ_t - θ_0‖ / ‖θ_0‖ for w (bias column included), a and
 * both: small in the lazy/NTK regime, order one when features are learned; null when ‖θ_0‖ = 0.
 */
export function createMovement(ctx: MetricContext): Metric {
  const { net } = ctx;
  // Copies, so a caller reusing its arrays cannot move the reference point.
  const w0 = ctx.initialW.slice();
  const a0 = ctx.initialA.slice();
  if (w0.length !== net.w.length || a0.length !== net.a.length) {
    throw new RangeError(
      `meanfield: movement: initialW/initialA have ${w0.length}/${a0.length} entries, the network ${net.w.length}/${net.a.length}`,
    );
  }
  return {
    record(out) {
      const w = squaredDistanceAndNorm(net.w.view, w0);
      const a = squaredDistanceAndNorm(net.a.view, a0);
      out.movementW = ratio(w.distance, w.norm);
      out.movementA = ratio(a.distance, a.norm);
      out.movement = ratio(w.distance + a.distance, w.norm + a.norm);
    },
    free() {},
  };
}
