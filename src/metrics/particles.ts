// The neurons as particles in data space, the view the structure metrics take: w_i restricted to
// the d data columns (a bias is a coordinate of the input (x, 1), not a direction in data space),
// its norm, and its overlap with a target direction.

import type { TwoLayerNetwork } from "../model/network.js";

/**
 * The neurons as points in data space: a bias is a coordinate of the input (x, 1), not a direction,
 * so it is split off here and norms and overlaps use the d data columns only.
 */
export interface Particles {
  n: number;
  d: number;
  /** N x d: the data columns of w. */
  w: Float64Array;
  /** |w_i| over the data columns. */
  norms: Float64Array;
  /** b_i (the last column of w), or null without a bias. */
  bias: Float64Array | null;
}

/** Copies the network's w into data columns and bias (row-major N x d), with the row norms |w_i|. */
export function particles(net: TwoLayerNetwork): Particles {
  const { n, d, inputDim } = net;
  const all = net.w.view;
  const w = new Float64Array(n * d);
  const norms = new Float64Array(n);
  const bias = net.bias ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) {
      const v = all[i * inputDim + k]!;
      w[i * d + k] = v;
      s += v * v;
    }
    norms[i] = Math.sqrt(s);
    if (bias) bias[i] = all[i * inputDim + d]!;
  }
  return { n, d, w, norms, bias };
}

/**
 * m_i = <q, w_i> / |w_i| for a unit q (the first `d` entries of `directions` from `row`). A zero
 * neuron has no direction; it counts as m_i = 0, uncorrelated with q, so statistics stay over
 * all N particles.
 */
export function overlapsWith(p: Particles, directions: Float64Array, row: number): Float64Array {
  const { n, d, w, norms } = p;
  const m = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (norms[i] === 0) continue;
    let s = 0;
    for (let k = 0; k < d; k++) s += directions[row * d + k]! * w[i * d + k]!;
    m[i] = Math.max(-1, Math.min(1, s / norms[i]!));
  }
  return m;
}

