// The argument checks every population loss makes of a network (w, a, scale).

import { checkCount, checkFinite, checkFiniteNumber } from "../argumentChecks.js";

/** Checks w is N x d with N = a.length, every entry finite, scale finite; returns N. */
export function checkNetworkArguments(w: Float64Array, a: Float64Array, scale: number, d: number): number {
  const n = a.length;
  checkCount("a.length (number of neurons)", n);
  if (w.length !== n * d) throw new RangeError(`meanfield: w has length ${w.length}, expected ${n * d} (N x d)`);
  checkFinite("w", w);
  checkFinite("a", a);
  checkFiniteNumber("scale", scale);
  return n;
}
