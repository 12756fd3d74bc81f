// The second layer of the two-timescale limit (Takakura, Suzuki 2024): a = argmin_a L(a) + ridge/2 |a|^2 with
// L(a) = 1/2 scale^2 a^T G a - scale a^T c + const, i.e. (scale^2 G + ridge I) a = scale c,
// solved by the Wasm Cholesky of src/kernels/cholesky.ts (positive definite for ridge > 0).

import { choleskySolve } from "../kernels/cholesky.js";
import type { WasmRuntime } from "../wasm/runtime.js";

/**
 * The two-timescale second layer a = argmin 1/2 s² aᵀGa - s aᵀc + ridge/2 |a|², i.e.
 * (s² G + ridge I) a = s c with s the output scale (1/N or 1/sqrt N), by Cholesky (ridge > 0).
 */
export function solveRidge(runtime: WasmRuntime, gram: Float64Array, cross: Float64Array, scale: number, ridge: number): Float64Array {
  const s2 = scale * scale;
  return choleskySolve(runtime, gram.map((g) => s2 * g), cross.length, cross.map((c) => scale * c), 1, ridge);
}
