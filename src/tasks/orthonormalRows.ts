// Random orthonormal directions (teacher neurons, multi-index subspaces): Gram–Schmidt of
// Gaussian rows, which gives the rows of a Haar-distributed orthogonal matrix.

import type { WasmRuntime } from "../wasm/runtime.js";

/**
 * rows x d orthonormal rows from Gaussian values 0 .. rows * d - 1 of stream `name` (rows <= d).
 * Each row is orthogonalized twice: one classical pass loses orthogonality in proportion to the
 * conditioning, and the exact population losses demand orthonormality to 1e-9.
 */
export function randomOrthonormalRows(runtime: WasmRuntime, seed: number, name: string, rows: number, d: number): Float64Array {
  const u = runtime.random.gaussian(seed, name, rows * d);
  for (let i = 0; i < rows; i++) {
    const ui = i * d;
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < i; j++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += u[ui + k]! * u[j * d + k]!;
        for (let k = 0; k < d; k++) u[ui + k]! -= dot * u[j * d + k]!;
      }
    }
    let s = 0;
    for (let k = 0; k < d; k++) s += u[ui + k]! ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let k = 0; k < d; k++) u[ui + k]! *= inv;
  }
  return u;
}
