// The flop count the benches credit to one Gram product (K + ridge I) v (assembly/gramProduct.ts),
// shared by `npm run bench` (kernels.bench.ts) and `npm run bench:gram` (gramProductRate.ts).

import { UNIFORM_MIN_D } from "../src/kernels/modelKernel.js";

/**
 * Flops of tableKernelSymvPacked for n points in d dimensions: each of the n (n - 1) / 2 entries
 * below the diagonal is formed once and used twice: its d-long dot product of the prescaled points,
 * 9 for g by the uniform table (u = 8192 t + 7168, a multiply-add: 2; the fraction 1; Horner's cubic 6) and
 * two multiply-adds (r_i and r_j). Entries with |t| >= 7/8 take the square-root table instead
 * (1 - |t|, the square root and its scale for the multiply-add: one flop more), and tiles holding
 * one form both; they are counted at the uniform table's 9 too, which understates the work a little
 * (at d = 10 about 4 entries in 10^4 have |t| >= 7/8 for random unit points). Builds before the uniform
 * table did 10 for every entry: the same time counted 2d + 14 gave 34/33 of these shares at d = 10.
 * Below d = UNIFORM_MIN_D the kernels use the square-root table alone: 10 for every entry.
 * Not counted, as in the kernel bench's rule: the interval index (a floor and the adds that place
 * it and read it as an integer: bookkeeping done on the float pipes), the tile's test of |t| against
 * 7/8 and the per-lane picks, the clamp of |t|, and the O(n) scaling at the end.
 */
export function gramProductFlops(n: number, d: number): number {
  return ((n * (n - 1)) / 2) * (2 * d + (d >= UNIFORM_MIN_D ? 13 : 14));
}
