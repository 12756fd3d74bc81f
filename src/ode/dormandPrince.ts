// The Dormand–Prince 5(4) pair with step-size control (Hairer, Nørsett, Wanner, "Solving ODEs I",
// II.5): the fifth-order solution is kept, the embedded fourth-order one estimates the error.

import { pow } from "../special/portableMath.js";

/** dy/dt = f(y) (autonomous), written into dy. */
export type Derivative = (y: Float64Array, dy: Float64Array) => void;

/** Per-component local error bound of a step, |e_i| <= atol + rtol max(|y_i|, |y_new_i|). */
export interface Tolerance {
  /** Relative and absolute error per component and step: |e_i| <= atol + rtol max(|y_i|, |y_new_i|). */
  rtol: number;
  atol: number;
}

const A = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
/** Fifth-order weights minus the embedded fourth-order ones. */
const E = [35 / 384 - 5179 / 57600, 0, 500 / 1113 - 7571 / 16695, 125 / 192 - 393 / 640, -2187 / 6784 + 92097 / 339200, 11 / 84 - 187 / 2100, -1 / 40];

/**
 * Integrates y from t0 to t1 in place with adaptive steps (the first-same-as-last stage reused);
 * `state.h` carries the step size between calls so consecutive intervals continue smoothly, and
 * `state.rejected` (when present) counts the rejected steps: a right-hand side that is not smooth
 * to the tolerance shows as rejections. Returns the number of derivative evaluations. Throws
 * when the step size underflows.
 */
export function integrate(f: Derivative, y: Float64Array, t0: number, t1: number, tol: Tolerance, state: { h: number; rejected?: number }): number {
  const n = y.length;
  const k = Array.from({ length: 7 }, () => new Float64Array(n));
  const stage = new Float64Array(n);
  const next = new Float64Array(n);
  let evaluations = 0;
  let t = t0;
  f(y, k[0]!);
  evaluations++;
  while (t < t1) {
    let h = Math.min(state.h, t1 - t);
    const last = h >= t1 - t;
    for (let s = 1; s < 7; s++) {
      const row = A[s]!;
      for (let i = 0; i < n; i++) {
        let acc = y[i]!;
        for (let j = 0; j < s; j++) acc += h * row[j]! * k[j]![i]!;
        stage[i] = acc;
      }
      if (s === 6) next.set(stage);
      f(stage, k[s]!);
      evaluations++;
    }
    let err = 0;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let j = 0; j < 7; j++) e += E[j]! * k[j]![i]!;
      const scale = tol.atol + tol.rtol * Math.max(Math.abs(y[i]!), Math.abs(next[i]!));
      err = Math.max(err, Math.abs(h * e) / scale);
    }
    if (!Number.isFinite(err)) err = Infinity;
    if (err <= 1) {
      t = last ? t1 : t + h;
      y.set(next);
      k[0]!.set(k[6]!);
    } else if (state.rejected !== undefined) state.rejected++;
    // The standard controller: safety 0.9, growth within [1/5, 5].
    const factor = err === 0 ? 5 : Math.min(5, Math.max(0.2, 0.9 * pow(err, -0.2)));
    h *= factor;
    if (err <= 1 && last) {
      state.h = Math.max(h, state.h);
      break;
    }
    state.h = h;
    if (!(h > 1e-14 * Math.max(1, Math.abs(t)))) throw new RangeError(`meanfield ode: the step size underflowed at t = ${t}: the ODE is too stiff or diverges`);
  }
  return evaluations;
}
