// backward32 (assembly/network32.ts) with the first layer's update applied as the gradient is
// formed, and the f32 copy of w kept in step: as the last sample block completes a span of
// neurons' gradient rows (widened to f64 in the first rows of gradW, a scratch in cache), w
// -= drift gradW for those rows, and the updated rows are narrowed into wT32, the panel-layout f32
// copy forward32 reads. A run's f32 copy is then narrowed in full once (onlineStep.ts) instead of
// every step, and the N x d gradient never goes to memory.
//
// Given the next sample (xNext32 != 0, batch 1, SIMD builds), each full group of GR neurons skips
// the tiles and the scratch rows: batchOneForward32.ts forms, adds and narrows each product in one
// pass, with the same bits, forms the next sample's pre-activations from the new weights in that
// pass, into zNext, and leaves wT32 stale for those groups (the caller marks the copy stale).
//
// Bits: the gradient sums are backward32's (same tiles, same sample order, widened the same way),
// the update is axpy's elementwise w + (-drift) g, and narrowing a row is the same rounding
// whenever it happens, so w, wT32 and every later step match backward32 + axpy + a full narrowing.

import { panelGradients, panelWeightSums, backwardBlock, GR, PANEL, narrowTransposedRows } from "./network32";
import { axpy } from "./vector";
import { eightAheadBatchOne, forwardFourBatchOne, forwardPanelLanes, updateFourForwardBatchOne } from "./batchOneForward32";

/** A panel's full groups' neuron indices (i32), those with a non-zero gradient factor first: scratch of the head-start path. */
const ORDER: usize = memory.data(PANEL << 2);

/**
 * Bytes of the f64 gradient rows of a span (the first rows of gradW), so that they stay in L2
 * until the update reads them. Spans narrower than a panel cost panelWeightSums the reuse of each
 * strip of x across the panel's groups (16-neuron spans made this pass about 5% slower than
 * backward32 + axpy + a full narrowing at d = 50, N = 10000, B = 128), so spans take a whole
 * panel wherever its rows fit.
 */
const SPAN_BYTES: i32 = 128 << 10;

/** Neurons per span at row length d: as many as SPAN_BYTES holds, a multiple of GR from GR to a panel. */
@inline function spanOf(d: i32): i32 {
  return max(GR, min(PANEL, (SPAN_BYTES / (d << 3)) & ~(GR - 1)));
}

/**
 * The head-start path over a panel's full groups of GR neurons (i0 .. the returned end): the
 * neurons are regrouped, those with a non-zero f32 gradient factor first, so that groups whose
 * factors are all zero (inactive ReLU units, about half of them) only form their pre-activations.
 * Every neuron's arithmetic is lane-wise, whichever group it is in, so regrouping keeps the bits;
 * a zero factor's update leaves w's bits only with driftW >= 0 (batchOneForward32.ts), so
 * otherwise every group is updated. The groups go to the kernels two at a time.
 */
function aheadGroups(g: usize, i0: i32, i1: i32, x: usize, xNext32: usize, d: i32, w: usize, driftW: f64, zNext: usize): i32 {
  const count = (i1 - i0) & ~(GR - 1);
  const skip = driftW >= 0;
  // Moving neurons from the front, the others from the back, each index stored at both ends so
  // that no branch depends on the factors (a coin flip each for ReLU units).
  let m = 0;
  let e = count;
  for (let j = 0; j < count; j++) {
    const still: i32 = skip && load<f32>(g + (<usize>j << 2)) == 0 ? 1 : 0;
    store<i32>(ORDER + (<usize>m << 2), i0 + j);
    store<i32>(ORDER + (<usize>(e - 1) << 2), i0 + j);
    m += 1 - still;
    e -= still;
  }
  const groups = count / GR;
  const moving = (m + GR - 1) / GR;
  let t = 0;
  for (; t + 2 <= groups; t += 2) {
    eightAheadBatchOne(g, i0, ORDER + (<usize>t << 4), x, xNext32, d, w, -driftW, zNext, min(2, max(0, moving - t)));
  }
  if (t < groups) {
    const idx = ORDER + (<usize>t << 4);
    if (t < moving) updateFourForwardBatchOne(g, i0, idx, x, xNext32, d, w, -driftW, zNext);
    else forwardFourBatchOne(idx, xNext32, d, w, zNext);
  }
  return i0 + count;
}

/**
 * backward32() followed by w -= driftW gradW and wT32 = f32(w) on the updated rows (moveW != 0);
 * with moveW == 0 only gradA (and g32). gradA is written in full; gradW and gradW32 are scratch.
 * With xNext32 != 0 (b == 1, moveW != 0, SIMD builds only), zNext = forward32's pre-activations
 * of the sample xNext32 (one f32 row, zero past d) under the updated w, and wT32 is stale.
 */
export function backward32Update(
  x32: usize, a: usize, n: i32, d: i32, dp: i32, b: i32, scale: f64,
  kind: i32, p: usize, np: i32, z: usize, r: usize, g32: usize, gradW32: usize, gradW: usize, gradA: usize,
  w: usize, wT32: usize, moveW: i32, driftW: f64, xNext32: usize, zNext: usize,
): void {
  const bs = backwardBlock(dp);
  const xRow = <usize>dp << 2;
  const outRow = <usize>d << 3;
  const span = spanOf(d);
  memory.fill(gradA, 0, <usize>n << 3);
  for (let s0 = 0; s0 < b; s0 += bs) {
    const s1 = min(s0 + bs, b);
    const rows = s1 - s0;
    const first = s0 == 0;
    const last = s1 == b;
    const x = x32 + <usize>s0 * xRow;
    for (let i0 = 0; i0 < n; i0 += PANEL) {
      const i1 = min(i0 + PANEL, n);
      // Every panel reuses the start of g32, which stays in L1.
      const g = g32;
      panelGradients(kind, p, np, z, a, r, scale, n, i0, i1, s0, s1, gradA, g);
      if (moveW == 0) continue;
      if (!last) {
        panelWeightSums(g, i0, i1, x, xRow, d, rows, gradW32 + <usize>i0 * xRow, gradW, first, false);
        continue;
      }
      // At batch 1 with the next sample each full group of GR neurons is formed, applied and narrowed in one pass.
      const j0 = ASC_FEATURE_SIMD && b == 1 && xNext32 != 0 ? aheadGroups(g, i0, i1, x, xNext32, d, w, driftW, zNext) : i0;
      for (let j = j0; j < i1; j += span) {
        const j1 = min(j + span, i1);
        const gj = g + <usize>(j - i0) * (<usize>rows << 2);
        panelWeightSums(gj, j, j1, x, xRow, d, rows, gradW32 + <usize>j * xRow, gradW, first, true);
        axpy(-driftW, gradW, w + <usize>j * outRow, (j1 - j) * d);
        narrowTransposedRows(w, wT32, j, j1, d);
        if (xNext32 != 0) forwardPanelLanes(xNext32, wT32, j, j1, d, zNext);
      }
    }
  }
}
