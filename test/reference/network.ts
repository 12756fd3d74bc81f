// Plain TypeScript forward and backward passes of f(x) = scale * sum_i a_i sigma(<w_i, x>),
// for tests (and the benchmark's plain-TypeScript baseline). Straight loops, no blocking.

import type { ReferenceActivation } from "./activation.js";

export interface ReferenceShape {
  n: number;
  d: number;
  b: number;
}

export function referenceForward(
  x: Float64Array, w: Float64Array, a: Float64Array, shape: ReferenceShape, scale: number, act: ReferenceActivation,
): { z: Float64Array; f: Float64Array } {
  const { n, d, b } = shape;
  const z = new Float64Array(b * n);
  const f = new Float64Array(b);
  for (let s = 0; s < b; s++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += x[s * d + k]! * w[i * d + k]!;
      z[s * n + i] = dot;
      total += a[i]! * act.value(dot);
    }
    f[s] = scale * total;
  }
  return { z, f };
}

/** Gradients of sum_b r_b f(x_b) with respect to w (N x d) and a (N). */
export function referenceBackward(
  x: Float64Array, w: Float64Array, a: Float64Array, r: Float64Array, shape: ReferenceShape, scale: number,
  act: ReferenceActivation,
): { gradW: Float64Array; gradA: Float64Array } {
  const { z } = referenceForward(x, w, a, shape, scale, act);
  return referenceBackwardFromPreactivations(x, a, z, r, shape, scale, act);
}

/** The same gradients from the pre-activations z (B x N) of referenceForward. */
export function referenceBackwardFromPreactivations(
  x: Float64Array, a: Float64Array, z: Float64Array, r: Float64Array, shape: ReferenceShape, scale: number,
  act: ReferenceActivation,
): { gradW: Float64Array; gradA: Float64Array } {
  const { n, d, b } = shape;
  const gradW = new Float64Array(n * d);
  const gradA = new Float64Array(n);
  for (let s = 0; s < b; s++) {
    for (let i = 0; i < n; i++) {
      const zi = z[s * n + i]!;
      gradA[i]! += scale * r[s]! * act.value(zi);
      const g = scale * r[s]! * a[i]! * act.derivative(zi);
      for (let k = 0; k < d; k++) gradW[i * d + k]! += g * x[s * d + k]!;
    }
  }
  return { gradW, gradA };
}
