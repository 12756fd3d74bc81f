// Activations evaluated in plain JavaScript, with the conventions of the Wasm kernels
// (assembly/activation.ts): the same formulas in the same order, and at a kink the left
// derivative (relu'(0) = 0, abs'(0) = 0). Used where a scalar sigma is needed outside Wasm,
// e.g. for expansion coefficients by quadrature.

import { erf, erfDerivative } from "../special/erf.js";
import { encodeActivation, parseActivation, type ActivationSpec } from "./spec.js";
import { exp, tanh } from "../special/portableMath.js";

/**
 * The JS evaluation of an activation, for tests, quadratures and the Gaussian closed forms; the Wasm kernels
 * evaluate the same encoded form, so both must agree to rounding.
 */
export interface ActivationFunction {
  value(t: number): number;
  /** sigma'(t); the left derivative at a kink. */
  derivative(t: number): number;
  /** Where sigma' jumps, ascending (relu, abs: [0]; piecewiseLinear: its breakpoints). */
  kinks: number[];
}

function sigmoid(t: number): number {
  return 1.0 / (1.0 + exp(-t));
}

/**
 * sigma and sigma' of an activation spec (validated like everywhere else; throws a RangeError
 * naming `field`). Polynomial, relu, abs and piecewiseLinear agree with the Wasm kernels bit
 * for bit; tanh, erf and sigmoid to an ulp or so (their exp and tanh are portableMath's, the same in
 * every engine, the kernels' are AssemblyScript's libm).
 */
export function activationFunction(spec: ActivationSpec, field = "activation"): ActivationFunction {
  const act = parseActivation(spec, field);
  switch (act.kind) {
    case "polynomial": {
      const c = Float64Array.from(act.coefficients);
      const np = c.length;
      return {
        value: (t) => {
          let s = c[np - 1]!;
          for (let k = np - 2; k >= 0; k--) s = s * t + c[k]!;
          return s;
        },
        derivative: (t) => {
          if (np < 2) return 0;
          let s = (np - 1) * c[np - 1]!;
          for (let k = np - 2; k >= 1; k--) s = s * t + k * c[k]!;
          return s;
        },
        kinks: [],
      };
    }
    case "relu":
      return { value: (t) => (t > 0 ? t : 0), derivative: (t) => (t > 0 ? 1 : 0), kinks: [0] };
    case "abs":
      return { value: Math.abs, derivative: (t) => (t > 0 ? 1 : t < 0 ? -1 : 0), kinks: [0] };
    case "tanh":
      return {
        value: tanh,
        derivative: (t) => {
          const th = tanh(t);
          return 1 - th * th;
        },
        kinks: [],
      };
    case "erf":
      return { value: erf, derivative: erfDerivative, kinks: [] };
    case "sigmoid":
      return {
        value: sigmoid,
        derivative: (t) => {
          const s = sigmoid(t);
          return s * (1 - s);
        },
        kinks: [],
      };
    case "piecewiseLinear": {
      // The Wasm form K + s_0 t + sum_j delta_j max(t - b_j, 0), evaluated in the kernel's order.
      const p = encodeActivation(act, field).params;
      const np = p.length;
      const kinks: number[] = [];
      for (let j = 2; j < np; j += 2) if (p[j + 1] !== 0) kinks.push(p[j]!);
      return {
        value: (t) => {
          let s = p[0]! + p[1]! * t;
          for (let j = 2; j < np; j += 2) {
            const u = t - p[j]!;
            if (u > 0) s += p[j + 1]! * u;
          }
          return s;
        },
        derivative: (t) => {
          let s = p[1]!;
          for (let j = 2; j < np; j += 2) if (t > p[j]!) s += p[j + 1]!;
          return s;
        },
        kinks,
      };
    }
  }
}
