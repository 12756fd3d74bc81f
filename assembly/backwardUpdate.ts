// The backward pass of an online-SGD step with the first layer's update applied as the gradient
// is formed: w -= drift gradW, group of neurons by group of neurons, while the group's gradient
// rows are still in L1. At small batches a step is memory bound, and writing the whole N x d
// gradient to memory and reading it back for a separate update was most of its traffic.
//
// Bits: each gradient entry comes from the same tiles, summing in the same sample order, as in
// backward() (assembly/network.ts), and the update is axpy's elementwise w + (-drift) g, so w ends
// exactly where backward() followed by axpy() puts it. When the batch fits one sample block the
// group's rows are formed in the first rows of gradW, used as an L1-sized scratch (gradW then
// holds no gradient afterwards); with several blocks gradW accumulates over the earlier blocks in
// place and each group is applied as the last block completes it. The second layer's gradient
// needs a unchanged until every sample has been through groupGradients, so a's update stays after.

import { accumulateBlock, groupGradients } from "./gradientTiles";
import { gradientSampleBlock, NEURON_BLOCK } from "./network";
import { axpy } from "./vector";

/** Neurons per group: the SIMD gradient tiles' 8-neuron rows. */
const GROUP: i32 = 8;

/** Zeroes the rows [from, to) of the group at `rows` that the SIMD tiles do not overwrite on their first block (all of them without SIMD). */
@inline function zeroUncovered(rows: usize, count: i32, dBytes: usize): void {
  const from = ASC_FEATURE_SIMD ? count & ~3 : 0;
  if (from < count) memory.fill(rows + <usize>from * dBytes, 0, <usize>(count - from) * dBytes);
}

/**
 * backward() (gradA_i = scale sum_b r_b sigma(z_bi), gradW_i = scale a_i sum_b r_b sigma'(z_bi) x_b,
 * g = scale r_b a_i sigma'(z_bi)) followed by w -= driftW gradW, in one pass; with moveW == 0
 * only gradA (and g). gradA is written in full; gradW is scratch (see above).
 */
export function backwardUpdate(
  x: usize, a: usize, n: i32, d: i32, b: i32, scale: f64,
  kind: i32, p: usize, np: i32, z: usize, r: usize, g: usize, gradW: usize, gradA: usize,
  w: usize, moveW: i32, driftW: f64,
): void {
  const dBytes = <usize>d << 3;
  memory.fill(gradA, 0, <usize>n << 3);
  const bs = gradientSampleBlock(d);
  const single = b <= bs;
  for (let s0 = 0; s0 < b; s0 += bs) {
    const s1 = min(s0 + bs, b);
    const first = s0 == 0;
    for (let j0 = 0; j0 < n; j0 += NEURON_BLOCK) {
      const j1 = min(j0 + NEURON_BLOCK, n);
      groupGradients(kind, p, np, z, a, r, scale, n, b, j0, j1, s0, s1, gradA, g);
      // A step that leaves w alone needs no first-layer gradient.
      if (moveW == 0) continue;
      if (s1 < b) {
        if (first) for (let i = j0; i < j1; i += GROUP) zeroUncovered(gradW + <usize>i * dBytes, min(GROUP, j1 - i), dBytes);
        accumulateBlock(g, x, n, d, b, s0, s1, j0, j1, gradW, first);
        continue;
      }
      for (let i = j0; i < j1; i += GROUP) {
        const count = min(GROUP, j1 - i);
        const rows = single ? gradW : gradW + <usize>i * dBytes;
        if (first) zeroUncovered(rows, count, dBytes);
        // accumulateBlock addresses neuron i's row at base + i dBytes: make that `rows`.
        accumulateBlock(g, x, n, d, b, s0, s1, i, i + count, rows - <usize>i * dBytes, first);
        axpy(-driftW, rows, w + <usize>i * dBytes, count * d);
      }
    }
  }
}
