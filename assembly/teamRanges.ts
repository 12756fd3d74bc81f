// Range entry points for a thread team (src/wasm/threadTeam.ts) over work that is elementwise or
// row-wise, so any cut of it gives the bits of the whole-array kernel: thin wrappers that turn a
// unit range into the pointers and counts of the kernels they call, with the range last.

import { axpy } from "./vector";
import { narrowTransposedToF32 } from "./network32";

/** axpy() on entries [k0, k1): y[k] += alpha x[k]. */
export function axpyRange(alpha: f64, x: usize, y: usize, k0: i32, k1: i32): void {
  const off = <usize>k0 << 3;
  axpy(alpha, x + off, y + off, k1 - k0);
}

/**
 * narrowTransposedToF32() on the 8-neuron panels [p0, p1) of dst: neurons 8 p0 .. 8 p1 - 1 of src
 * (n x d), zero past n. Each panel's entries lie at offsets from its own start, so the panels of a
 * range are the whole kernel's call on the range's rows.
 */
export function narrowTransposedRange(src: usize, dst: usize, n: i32, d: i32, nPad: i32, p0: i32, p1: i32): void {
  const i0 = p0 << 3;
  const rows = max(0, min(p1 << 3, n) - i0);
  narrowTransposedToF32(src + <usize>i0 * (<usize>d << 3), dst + <usize>p0 * (<usize>d << 5), rows, d, min(p1 << 3, nPad) - i0);
}
