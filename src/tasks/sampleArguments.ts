// The argument checks every task's sampleInto makes before drawing.

import type { WasmF64Array } from "../wasm/arena.js";
import { checkCount, checkLength } from "../argumentChecks.js";

/** Checks a sampleInto call for input dimension d; returns the number of rows. */
export function checkSampleArguments(d: number, stream: string, start: number, x: WasmF64Array, y: WasmF64Array): number {
  if (typeof stream !== "string" || stream.length === 0) {
    throw new RangeError(`meanfield: stream must be a non-empty string, got ${String(stream)}`);
  }
  checkCount("start", start, 0);
  const rows = y.length;
  checkCount("y.length (rows)", rows);
  checkLength("x", x, rows * d, `rows x d = ${rows} x ${d}`);
  // Philox counters are read from f64 value indices, which are exact only up to 2^53.
  if ((start + rows) * d > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`meanfield: sample index (start + rows) * d = ${(start + rows) * d} exceeds 2^53`);
  }
  return rows;
}
