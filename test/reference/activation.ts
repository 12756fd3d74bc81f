// Plain TypeScript activations, computed from the user-facing spec (not the Wasm encoding),
// for tests only.

import { parseActivation, type ActivationSpec } from "../../src/activation/spec.js";
import { referenceErf } from "./erf.js";

export interface ReferenceActivation {
  value(t: number): number;
  derivative(t: number): number;
  /** Points where the derivative jumps (finite-difference checks stay away from them). */
  kinks: number[];
}

export function referenceActivation(spec: ActivationSpec): ReferenceActivation {
  const act = parseActivation(spec);
  switch (act.kind) {
    case "polynomial": {
      const c = act.coefficients;
      return {
        value: (t) => c.reduce((s, ck, k) => s + ck * t ** k, 0),
        derivative: (t) => c.reduce((s, ck, k) => (k === 0 ? s : s + k * ck * t ** (k - 1)), 0),
        kinks: [],
      };
    }
    case "relu":
      return { value: (t) => Math.max(t, 0), derivative: (t) => (t > 0 ? 1 : 0), kinks: [0] };
    case "abs":
      return { value: Math.abs, derivative: (t) => Math.sign(t), kinks: [0] };
    case "tanh":
      return { value: Math.tanh, derivative: (t) => 1 / Math.cosh(t) ** 2, kinks: [] };
    case "erf":
      return { value: referenceErf, derivative: (t) => (2 / Math.sqrt(Math.PI)) * Math.exp(-t * t), kinks: [] };
    case "sigmoid":
      return {
        value: (t) => 1 / (1 + Math.exp(-t)),
        derivative: (t) => Math.exp(-t) / (1 + Math.exp(-t)) ** 2,
        kinks: [],
      };
    case "piecewiseLinear": {
      const { breakpoints: b, slopes: s, valueAtZero } = act;
      // Segment j covers (b_{j-1}, b_j] with slope s_j; integrate the slope from 0 to t.
      const slopeAt = (t: number) => {
        let j = 0;
        while (j < b.length && t > b[j]!) j++;
        return s[j]!;
      };
      const integral = (t: number) => {
        const points = [0, ...b.filter((x) => (t > 0 ? x > 0 && x < t : x < 0 && x > t)), t].sort((p, q) => p - q);
        let total = 0;
        for (let k = 0; k + 1 < points.length; k++) {
          const lo = points[k]!;
          const hi = points[k + 1]!;
          total += (hi - lo) * slopeAt((lo + hi) / 2);
        }
        return t >= 0 ? total : -total;
      };
      return { value: (t) => valueAtZero + integral(t), derivative: slopeAt, kinks: [...b] };
    }
  }
}
