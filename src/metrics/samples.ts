// The fixed sample sets metrics evaluate on, drawn once per recorder from a named task stream
// (rows 0 .. rows-1), in the network's input layout: with a bias the input is (x, 1), so every
// row gets a constant last coordinate and the network's kernels read x as rows x (d + 1).

import type { TwoLayerNetwork } from "../model/network.js";
import type { Task } from "../tasks/task.js";
import type { WasmF64Array } from "../wasm/arena.js";

/** A fixed evaluation set in Wasm memory, rows x inputDim (with a bias, a last column of ones). */
export interface SampleSet {
  /** rows x net.inputDim. */
  x: WasmF64Array;
  y: WasmF64Array;
  rows: number;
  free(): void;
}

/**
 * Draws rows 0 .. rows-1 of the named task stream once, so every record evaluates the same samples
 * and a metric's set does not depend on what else the run draws.
 */
export function drawSampleSet(task: Task, net: TwoLayerNetwork, stream: string, rows: number): SampleSet {
  const arena = net.runtime.arena;
  const { d, inputDim } = net;
  const x = arena.f64(rows * inputDim);
  let y: WasmF64Array | null = null;
  try {
    y = arena.f64(rows);
    task.sampleInto(stream, 0, x.subarray(0, rows * d), y);
    if (inputDim > d) {
      // Spread the rows in place from the last one down: row b moves from b*d to b*(d+1) >= b*d,
      // so no row is overwritten before it has moved, and no second rows x d buffer is needed.
      const v = x.view;
      for (let b = rows - 1; b >= 0; b--) {
        v.copyWithin(b * inputDim, b * d, (b + 1) * d);
        v[b * inputDim + d] = 1;
      }
    }
  } catch (err) {
    x.free();
    y?.free();
    throw err;
  }
  const yy = y;
  return {
    x,
    y: yy,
    rows,
    free() {
      x.free();
      yy.free();
    },
  };
}
