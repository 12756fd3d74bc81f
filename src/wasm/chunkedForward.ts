// The forward pass of a fixed network over many rows, in chunks, so that the rows x N
// pre-activation scratch stays bounded whatever the number of rows: what test losses, metrics
// and target networks evaluate.

import type { WasmF64Array } from "./arena.js";
import type { WasmActivation } from "./networkKernels.js";
import type { WasmRuntime } from "./runtime.js";

/** A network f(x) = scale sum_i a_i sigma(<w_i, x>) resident in Wasm memory: w (N x d), a (N). */
export interface ResidentNetwork {
  readonly w: WasmF64Array;
  readonly a: WasmF64Array;
  readonly activation: WasmActivation;
}

/**
 * f_r = scale sum_i a_i sigma(<w_i, x_r>) for every row of x (rows = f.length, x rows x d), in
 * chunks of z.length / n rows through the scratch z; each chunk is one forwardInto call, so the
 * values are those of one call over the chunk. Inputs are trusted (no finiteness check).
 */
export function forwardInChunks(
  runtime: WasmRuntime, net: ResidentNetwork, n: number, d: number, scale: number, x: WasmF64Array, f: WasmF64Array, z: WasmF64Array,
): void {
  const rows = f.length;
  const chunk = Math.floor(z.length / n);
  for (let s0 = 0; s0 < rows; s0 += chunk) {
    const b = Math.min(chunk, rows - s0);
    const buffers = {
      x: x.subarray(s0 * d, (s0 + b) * d),
      w: net.w,
      a: net.a,
      z: z.subarray(0, b * n),
      f: f.subarray(s0, s0 + b),
    };
    runtime.network.forwardInto({ n, d, b }, scale, net.activation, buffers, { checkFinite: false });
  }
}
