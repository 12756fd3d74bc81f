// Plain TypeScript model of the single-precision passes (assembly/network32.ts), for tests:
// x and w rounded to f32, each dot product and each gradient sum accumulated in f32 one term
// at a time (Math.fround after every operation), everything summed over neurons in f64.

import type { ReferenceActivation } from "./activation.js";
import type { ReferenceShape } from "./network.js";

export function referenceForward32(
  x: Float64Array, w: Float64Array, a: Float64Array, shape: ReferenceShape, scale: number, act: ReferenceActivation,
): { z: Float64Array; f: Float64Array } {
  const { n, d, b } = shape;
  const z = new Float64Array(b * n);
  const f = new Float64Array(b);
  for (let s = 0; s < b; s++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot = Math.fround(dot + Math.fround(Math.fround(x[s * d + k]!) * Math.fround(w[i * d + k]!)));
      z[s * n + i] = dot;
      total += a[i]! * act.value(dot);
    }
    f[s] = scale * total;
  }
  return { z, f };
}

/** Gradients of sum_b r_b f(x_b): gradA in f64, gradW_i = sum_b f32(g_bi) f32(x_b) summed in f32. */
export function referenceBackward32(
  x: Float64Array, w: Float64Array, a: Float64Array, r: Float64Array, shape: ReferenceShape, scale: number,
  act: ReferenceActivation,
): { gradW: Float64Array; gradA: Float64Array } {
  const { n, d, b } = shape;
  const { z } = referenceForward32(x, w, a, shape, scale, act);
  const gradW = new Float32Array(n * d);
  const gradA = new Float64Array(n);
  for (let s = 0; s < b; s++) {
    for (let i = 0; i < n; i++) {
      const zi = z[s * n + i]!;
      gradA[i]! += scale * r[s]! * act.value(zi);
      const g = Math.fround(scale * r[s]! * a[i]! * act.derivative(zi));
      for (let k = 0; k < d; k++) gradW[i * d + k] = Math.fround(gradW[i * d + k]! + Math.fround(g * Math.fround(x[s * d + k]!)));
    }
  }
  return { gradW: Float64Array.from(gradW), gradA };
}
