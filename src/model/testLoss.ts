// Monte-Carlo test loss 1/2 E[(f(x) - y)^2] on a fixed sample, with its standard error.

import type { WasmF64Array } from "../wasm/arena.js";
import { forwardInChunks } from "../wasm/chunkedForward.js";
import type { TwoLayerNetwork } from "./network.js";

/**
 * A Monte Carlo estimate of 1/2 E[(f - y)^2] with its standard error, so comparisons with closed forms can state
 * their tolerance in standard errors.
 */
export interface LossEstimate {
  loss: number;
  /** Standard error of the mean of (f - y)^2 / 2 over the sample. */
  standardError: number;
}

/** Samples per forward call, bounding the B x N pre-activation buffer. */
const CHUNK = 1024;

/** x is M x net.inputDim (with a bias, rows end in a constant 1), y is M; both stay owned by the caller. */
export function testLoss(net: TwoLayerNetwork, x: WasmF64Array, y: WasmF64Array): LossEstimate {
  const m = y.length;
  const { runtime, n, inputDim: d } = net;
  const z = runtime.arena.f64(Math.min(CHUNK, m) * n);
  let f: WasmF64Array | null = null;
  let sum = 0;
  let sumSq = 0;
  try {
    f = runtime.arena.f64(m);
    forwardInChunks(runtime, net, n, d, net.scale, x, f, z);
    const fv = f.view;
    const yv = y.view;
    for (let k = 0; k < m; k++) {
      const e = fv[k]! - yv[k]!;
      const l = 0.5 * e * e;
      sum += l;
      sumSq += l * l;
    }
  } finally {
    z.free();
    f?.free();
  }
  const loss = sum / m;
  const variance = m > 1 ? Math.max(0, (sumSq - m * loss * loss) / (m - 1)) : 0;
  return { loss, standardError: Math.sqrt(variance / m) };
}
