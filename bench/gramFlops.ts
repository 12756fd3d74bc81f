// The flop count the benches credit to one Gram product (K + ridge I) v (assembly/gramProduct.ts),
// shared by `npm run bench` (kernels.bench.ts) and `npm run bench:gram` (gramProductRate.ts).

/**
 * Flops of tableKernelSymvPacked for n points in d dimensions: each of the n (n - 1) / 2 entries
 * below the diagonal is formed once and used twice: its d-long dot product of the prescaled points,
 * 10 for g (s = sqrt(1 - |t|) scaled 3, the fraction 1, the cubic by Horner 6) and two multiply-adds
 * (r_i and r_j). Not counted, as in the kernel bench's rule: the interval index (a floor and the
 * adds that place it and read it as an integer: bookkeeping done on the float pipes), the clamp of
 * |t|, and the O(n) scaling at the end.
 */
export function gramProductFlops(n: number, d: number): number {
  return ((n * (n - 1)) / 2) * (2 * d + 14);
}
