// The backward pass of an online-SGD step with the first layer's update applied as the gradient
// is formed: w -= drift gradW, group of neurons by group of neurons, while the group's gradient
// rows are still in L1. At small batches a step is memory bound, and writing the whole N x d
// gradient to memory and reading it back for a separate update was most of its traffic.
//
// Bits: each gradient entry comes from the same tiles, summing in the same sample order, as in
// backward() (assembly/network.ts), and the update is axpy's elementwise w + (-drift) g, so w ends
// exactly where backward() followed by axpy() puts it. In the batch's last sample block the SIMD
// tiles move w by their sums straight from registers (accumulateApply, gradientTiles.ts), where
// storing the sums and an axpy over them read and wrote the group's rows once more; only the rows
// of a last group narrower than 4 neurons (all rows without SIMD) are formed and then applied. When
// the batch fits one sample block those rows are formed in the first rows of gradW, used as an
// L1-sized scratch (gradW then holds no gradient afterwards); with several blocks gradW accumulates
// over the earlier blocks in place and each group is applied as the last block completes it. The
// second layer's gradient needs a unchanged until every sample has been through groupGradients, so
// a's update stays after.

import { accumulateApply, accumulateBlock, groupGradients } from "./gradientTiles";
import { touchRows } from "./touchRows";
import { gradientSampleBlock, NEURON_BLOCK } from "./network";
import { axpy } from "./vector";
import { forwardFourBatchOne64, updateFourForwardBatchOne64 } from "./batchOneForward64";

/** A block's full groups' neuron indices (i32), those with a non-zero gradient factor first: scratch of the head-start path. */
const ORDER: usize = memory.data(NEURON_BLOCK << 2);

/** Neurons per group: the SIMD gradient tiles' 8-neuron rows. */
const GROUP: i32 = 8;

/** Zeroes the rows [from, to) of the group at `rows` that the SIMD tiles do not overwrite on their first block (all of them without SIMD). */
@inline function zeroUncovered(rows: usize, count: i32, dBytes: usize): void {
  const from = ASC_FEATURE_SIMD ? count & ~3 : 0;
  if (from < count) memory.fill(rows + <usize>from * dBytes, 0, <usize>(count - from) * dBytes);
}

/**
 * The head-start path (batch 1, SIMD) over a block's full groups of 4 neurons (j0 .. the returned
 * end): w moves and zNext takes the next sample's pre-activations in one pass
 * (batchOneForward64.ts). The neurons are regrouped, those with a non-zero gradient factor first,
 * so that groups whose factors are all zero (inactive ReLU units) only form their pre-activations;
 * each neuron's arithmetic is lane-wise whichever group it is in, so regrouping keeps the bits, and
 * a zero factor's update leaves w's bits only with driftW >= 0, so otherwise every group moves.
 */
function aheadGroups(g: usize, j0: i32, j1: i32, x: usize, xNext: usize, d: i32, w: usize, driftW: f64, zNext: usize): i32 {
  const end = j0 + ((j1 - j0) & ~3);
  const skip = driftW >= 0;
  let m = 0;
  for (let j = j0; j < end; j++) {
    if (!skip || load<f64>(g + (<usize>j << 3)) != 0) store<i32>(ORDER + (<usize>(m++) << 2), j);
  }
  const moving = m;
  for (let j = j0; j < end && m < end - j0; j++) {
    if (load<f64>(g + (<usize>j << 3)) == 0) store<i32>(ORDER + (<usize>(m++) << 2), j);
  }
  for (let t = 0; t < m; t += 4) {
    const idx = ORDER + (<usize>t << 2);
    if (t < moving) updateFourForwardBatchOne64(g, idx, x, xNext, d, w, -driftW, zNext);
    else forwardFourBatchOne64(idx, xNext, d, w, zNext);
  }
  return end;
}

/** zNext for the 1 to 3 neurons from i (rows already updated), through the 4-neuron kernel with the first repeated. */
function forwardRest(i: i32, count: i32, xNext: usize, d: i32, w: usize, zNext: usize): void {
  for (let t = 0; t < 4; t++) store<i32>(ORDER + (<usize>t << 2), t < count ? i + t : i);
  forwardFourBatchOne64(ORDER, xNext, d, w, zNext);
}

/**
 * backward() (gradA_i = scale sum_b r_b sigma(z_bi), gradW_i = scale a_i sum_b r_b sigma'(z_bi) x_b)
 * followed by w -= driftW gradW, in one pass; with moveW == 0 only gradA. gradA is written in
 * full; gradW is scratch (see above), and so is gFirst (B x N; as in backward(), every neuron
 * block's g, scale r_b a_i sigma'(z_bi), goes to the first block's region). With xNext != 0
 * (b == 1, moveW != 0, SIMD builds only), zNext = forward()'s pre-activations of the sample xNext
 * (one f64 row) under the updated w.
 */
export function backwardUpdate(
  x: usize, a: usize, n: i32, d: i32, b: i32, scale: f64,
  kind: i32, p: usize, np: i32, z: usize, r: usize, gFirst: usize, gradW: usize, gradA: usize,
  w: usize, moveW: i32, driftW: f64, xNext: usize, zNext: usize,
): void {
  const dBytes = <usize>d << 3;
  const nBytes = <usize>n << 3;
  const bBytes = <usize>b << 3;
  memory.fill(gradA, 0, <usize>n << 3);
  const bs = gradientSampleBlock(d);
  const single = b <= bs;
  for (let s0 = 0; s0 < b; s0 += bs) {
    const s1 = min(s0 + bs, b);
    const first = s0 == 0;
    for (let j0 = 0; j0 < n; j0 += NEURON_BLOCK) {
      const j1 = min(j0 + NEURON_BLOCK, n);
      // As in backward(): the block's z rows read in one pass, its g in the first block's region.
      touchRows(z + <usize>s0 * nBytes + (<usize>j0 << 3), nBytes, s1 - s0, (j1 - j0) << 3);
      const g = gFirst - <usize>j0 * bBytes;
      groupGradients(kind, p, np, z, a, r, scale, n, b, j0, j1, s0, s1, gradA, g);
      // A step that leaves w alone needs no first-layer gradient.
      if (moveW == 0) continue;
      if (s1 < b) {
        if (first) for (let i = j0; i < j1; i += GROUP) zeroUncovered(gradW + <usize>i * dBytes, min(GROUP, j1 - i), dBytes);
        accumulateBlock(g, x, n, d, b, s0, s1, j0, j1, gradW, first);
        continue;
      }
      const ahead = ASC_FEATURE_SIMD && xNext != 0;
      const from = ahead ? aheadGroups(g, j0, j1, x, xNext, d, w, driftW, zNext) : j0;
      for (let i = from; i < j1; i += GROUP) {
        const count = min(GROUP, j1 - i);
        const rows = single ? gradW : gradW + <usize>i * dBytes;
        if (first) zeroUncovered(rows, count, dBytes);
        // accumulateBlock addresses neuron i's row at base + i dBytes: make that `rows`.
        const base = rows - <usize>i * dBytes;
        const rest = accumulateApply(g, x, d, b, s0, s1, i, i + count, base, first, w, -driftW);
        if (rest < i + count) {
          accumulateBlock(g, x, n, d, b, s0, s1, rest, i + count, base, first);
          axpy(-driftW, base + <usize>rest * dBytes, w + <usize>rest * dBytes, (i + count - rest) * d);
        }
        if (ahead) forwardRest(i, count, xNext, d, w, zNext);
      }
    }
  }
}
