// Batched forward and backward passes of f(x) = scale * sum_i a_i sigma(<w_i, x>).
//
// All arrays are row-major f64 in linear memory, addressed by byte pointers:
//   x: B x d samples, w: N x d first-layer weights, a: N second-layer weights,
//   z: B x N pre-activations <w_i, x_b>, f: B outputs, r: B residuals,
//   g: B x N scratch, gradW: N x d, gradA: N.
// backward computes the vector-Jacobian product of the outputs with r:
//   gradA_i = scale * sum_b r_b sigma(z_bi)
//   gradW_i = scale * a_i * sum_b r_b sigma'(z_bi) x_b
// so for L = 1/(2B) sum_b (f_b - y_b)^2 the caller passes r_b = (f_b - y_b) / B.
//
// Forward works on a block of samples (1 MiB of x) against panels of neurons (256 KiB of w):
// both stay in L2 while the block's samples pass over the panel two at a time, so w is read
// from memory once per sample block rather than once per pair of samples (the tiles' first pass
// over a panel, which reads it from memory, runs slower than the passes that find it in L2; a
// block of 1 MiB rather than 256 KiB spreads that pass over four times the samples); a 2-sample
// x 4-neuron tile of dot products is held in registers. Backward works on blocks of samples (x in
// L2), large enough that the gradient tiles run over many samples per load and store of gradW
// (the whole batch at the usual sizes), and within a sample block on blocks of NEURON_BLOCK
// neurons whose g is formed, packed by groups of 4 neurons, right before the gradient tiles
// (assembly/gradientTiles.ts) read it. Nothing here allocates.
//
// f_s sums over fixed blocks of NEURON_BLOCK neurons: each block's partial sum, then the
// partial sums in block order. The *Range kernels do the work of blocks [j0, j1) only, so
// threads sharing the memory can split the neurons and still reproduce forward/backward bit
// for bit: every per-neuron quantity (z, g, gradW_i, gradA_i) depends on no other neuron, and
// the one sum over neurons is reduced in the same order whatever the split.

import { rowDot, tangentDot } from "./activation";
import { accumulateBlock, groupGradients } from "./gradientTiles";
import { madd64 } from "./multiplyAdd";
import { touchRows } from "./touchRows";

/** Neurons per block of the reduction: a multiple of the 4-neuron tile, so tiles never straddle blocks. */
export const NEURON_BLOCK: i32 = 64;

/** Entries of x (512 KiB) per sample block of backward: the block stays in L2 while every neuron's tiles pass over it, and gradW is read and written once per block. */
const GRADIENT_BLOCK_ENTRIES: i32 = 65536;

/** Entries of w (256 KiB) per neuron panel of the forward passes: the panel stays in L2 while every sample of a block passes over it. */
const FORWARD_PANEL_ENTRIES: i32 = 32768;

/** Entries of x (1 MiB) per sample block of the forward passes: the block stays in L2 (2 MiB on this repository's Xeon) beside the panel. */
const FORWARD_BLOCK_ENTRIES: i32 = 131072;

/** Samples per block of the forward passes: FORWARD_BLOCK_ENTRIES / d, even, at least 2. */
function sampleBlock(d: i32): i32 {
  let bs = FORWARD_BLOCK_ENTRIES / d;
  if (bs < 2) bs = 2;
  return bs & ~1;
}

/** Neurons per panel of the forward passes: FORWARD_PANEL_ENTRIES / d, a multiple of 4, at least 4. */
function forwardPanel(d: i32): i32 {
  const panel = (FORWARD_PANEL_ENTRIES / d) & ~3;
  return panel < 4 ? 4 : panel;
}

/** Samples per block of backward: GRADIENT_BLOCK_ENTRIES / d, at least 2. */
export function gradientSampleBlock(d: i32): i32 {
  let bs = GRADIENT_BLOCK_ENTRIES / d;
  if (bs < 2) bs = 2;
  return bs;
}

/** [hsum(c), hsum(e)]. */
@inline function pairSum(c: v128, e: v128): v128 {
  return f64x2.add(i64x2.shuffle(c, e, 0, 2), i64x2.shuffle(c, e, 1, 3));
}

@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** z[s, i] = <x_s, w_i> for 2 samples and 4 neurons (SIMD). */
@inline function dot2x4(x0: usize, x1: usize, w0: usize, d: i32, z0: usize, z1: usize, dBytes: usize): void {
  const w1 = w0 + dBytes;
  const w2 = w1 + dBytes;
  const w3 = w2 + dBytes;
  let c00 = f64x2.splat(0.0), c01 = f64x2.splat(0.0), c02 = f64x2.splat(0.0), c03 = f64x2.splat(0.0);
  let c10 = f64x2.splat(0.0), c11 = f64x2.splat(0.0), c12 = f64x2.splat(0.0), c13 = f64x2.splat(0.0);
  const even = <usize>(d & ~1) << 3;
  for (let k: usize = 0; k < even; k += 16) {
    const a0 = v128.load(x0 + k);
    const a1 = v128.load(x1 + k);
    const b0 = v128.load(w0 + k);
    const b1 = v128.load(w1 + k);
    const b2 = v128.load(w2 + k);
    const b3 = v128.load(w3 + k);
    c00 = madd64(a0, b0, c00);
    c01 = madd64(a0, b1, c01);
    c02 = madd64(a0, b2, c02);
    c03 = madd64(a0, b3, c03);
    c10 = madd64(a1, b0, c10);
    c11 = madd64(a1, b1, c11);
    c12 = madd64(a1, b2, c12);
    c13 = madd64(a1, b3, c13);
  }
  // Horizontal sums two at a time: lane j of pairSum(c, e) is hsum of the j-th argument.
  let s0a = pairSum(c00, c01), s0b = pairSum(c02, c03);
  let s1a = pairSum(c10, c11), s1b = pairSum(c12, c13);
  if (d & 1) {
    const u0 = v128.load64_splat(x0 + even);
    const u1 = v128.load64_splat(x1 + even);
    const va = v128.load64_lane(w1 + even, v128.load64_zero(w0 + even), 1);
    const vb = v128.load64_lane(w3 + even, v128.load64_zero(w2 + even), 1);
    s0a = f64x2.add(s0a, f64x2.mul(u0, va)); s0b = f64x2.add(s0b, f64x2.mul(u0, vb));
    s1a = f64x2.add(s1a, f64x2.mul(u1, va)); s1b = f64x2.add(s1b, f64x2.mul(u1, vb));
  }
  v128.store(z0, s0a); v128.store(z0, s0b, 16);
  v128.store(z1, s1a); v128.store(z1, s1b, 16);
}

/**
 * z[i..i+3] = <x0, w_i> for one sample and 4 neurons (SIMD): the last sample of an odd block, and
 * every sample at batch 1, where one dot() per neuron would be a single dependent chain of
 * multiply-adds. Each neuron's sum runs in dot()'s order, so the bits are dot()'s.
 */
@inline function dot1x4(x0: usize, w0: usize, d: i32, z0: usize, dBytes: usize): void {
  const w1 = w0 + dBytes;
  const w2 = w1 + dBytes;
  const w3 = w2 + dBytes;
  let c0 = f64x2.splat(0.0), c1 = f64x2.splat(0.0), c2 = f64x2.splat(0.0), c3 = f64x2.splat(0.0);
  const even = <usize>(d & ~1) << 3;
  for (let k: usize = 0; k < even; k += 16) {
    const u = v128.load(x0 + k);
    c0 = madd64(u, v128.load(w0 + k), c0);
    c1 = madd64(u, v128.load(w1 + k), c1);
    c2 = madd64(u, v128.load(w2 + k), c2);
    c3 = madd64(u, v128.load(w3 + k), c3);
  }
  let sa = pairSum(c0, c1), sb = pairSum(c2, c3);
  if (d & 1) {
    const u0 = v128.load64_splat(x0 + even);
    sa = f64x2.add(sa, f64x2.mul(u0, v128.load64_lane(w1 + even, v128.load64_zero(w0 + even), 1)));
    sb = f64x2.add(sb, f64x2.mul(u0, v128.load64_lane(w3 + even, v128.load64_zero(w2 + even), 1)));
  }
  v128.store(z0, sa); v128.store(z0, sb, 16);
}

/** The same tile with scalar arithmetic, for the build without SIMD. */
@inline function dot2x4Scalar(x0: usize, x1: usize, w0: usize, d: i32, z0: usize, z1: usize, dBytes: usize): void {
  const w1 = w0 + dBytes;
  const w2 = w1 + dBytes;
  const w3 = w2 + dBytes;
  let s00: f64 = 0, s01: f64 = 0, s02: f64 = 0, s03: f64 = 0;
  let s10: f64 = 0, s11: f64 = 0, s12: f64 = 0, s13: f64 = 0;
  const end = <usize>d << 3;
  for (let k: usize = 0; k < end; k += 8) {
    const u0 = load<f64>(x0 + k);
    const u1 = load<f64>(x1 + k);
    const v0 = load<f64>(w0 + k);
    const v1 = load<f64>(w1 + k);
    const v2 = load<f64>(w2 + k);
    const v3 = load<f64>(w3 + k);
    s00 += u0 * v0; s01 += u0 * v1; s02 += u0 * v2; s03 += u0 * v3;
    s10 += u1 * v0; s11 += u1 * v1; s12 += u1 * v2; s13 += u1 * v3;
  }
  store<f64>(z0, s00); store<f64>(z0, s01, 8); store<f64>(z0, s02, 16); store<f64>(z0, s03, 24);
  store<f64>(z1, s10); store<f64>(z1, s11, 8); store<f64>(z1, s12, 16); store<f64>(z1, s13, 24);
}

/** <u, v> over d entries. */
function dot(u: usize, v: usize, d: i32): f64 {
  let k: usize = 0;
  const end = <usize>d << 3;
  let s: f64 = 0.0;
  if (ASC_FEATURE_SIMD) {
    const even = <usize>(d & ~1) << 3;
    let acc = f64x2.splat(0.0);
    for (; k < even; k += 16) acc = madd64(v128.load(u + k), v128.load(v + k), acc);
    s = hsum(acc);
  }
  for (; k < end; k += 8) s += load<f64>(u + k) * load<f64>(v + k);
  return s;
}

/**
 * Pre-activations z[s, i] = <x_s, w_i> for samples s0 <= s < s1 and neurons i0 <= i < i1, panel
 * by panel of neurons: each panel's rows of w stay in L2 while the block's samples pass over
 * them two at a time (two rows of x in L1). Panels start at multiples of 4 from i0, so every
 * neuron goes through the same tile, and gets the same bits, as without panels.
 */
function preactivationBlock(x: usize, w: usize, n: i32, d: i32, s0: i32, s1: i32, i0: i32, i1: i32, z: usize): void {
  const panel = forwardPanel(d);
  for (let p0 = i0; p0 < i1; p0 += panel) preactivationPanel(x, w, n, d, s0, s1, p0, min(p0 + panel, i1), z);
}

/** Pre-activations z[s, i] = <x_s, w_i> for samples s0 <= s < s1 and neurons i0 <= i < i1 (i0 a multiple of 4). */
function preactivationPanel(x: usize, w: usize, n: i32, d: i32, s0: i32, s1: i32, i0: i32, i1: i32, z: usize): void {
  const dBytes = <usize>d << 3;
  const nBytes = <usize>n << 3;
  const i4 = i0 + ((i1 - i0) & ~3);
  let s = s0;
  for (; s + 2 <= s1; s += 2) {
    const x0 = x + <usize>s * dBytes;
    const x1 = x0 + dBytes;
    const z0 = z + <usize>s * nBytes;
    const z1 = z0 + nBytes;
    let i = i0;
    for (; i < i4; i += 4) {
      const wi = w + <usize>i * dBytes;
      const off = <usize>i << 3;
      if (ASC_FEATURE_SIMD) dot2x4(x0, x1, wi, d, z0 + off, z1 + off, dBytes);
      else dot2x4Scalar(x0, x1, wi, d, z0 + off, z1 + off, dBytes);
    }
    for (; i < i1; i++) {
      const wi = w + <usize>i * dBytes;
      const off = <usize>i << 3;
      store<f64>(z0 + off, dot(x0, wi, d));
      store<f64>(z1 + off, dot(x1, wi, d));
    }
  }
  if (s < s1) {
    const x0 = x + <usize>s * dBytes;
    const z0 = z + <usize>s * nBytes;
    let i = i0;
    if (ASC_FEATURE_SIMD) for (; i < i4; i += 4) dot1x4(x0, w + <usize>i * dBytes, d, z0 + (<usize>i << 3), dBytes);
    for (; i < i1; i++) {
      store<f64>(z0 + (<usize>i << 3), dot(x0, w + <usize>i * dBytes, d));
    }
  }
}

/** z = x w^T (B x N), the pre-activations alone. */
export function preactivations(x: usize, w: usize, n: i32, d: i32, b: i32, z: usize): void {
  const bs = sampleBlock(d);
  for (let s0 = 0; s0 < b; s0 += bs) {
    preactivationBlock(x, w, n, d, s0, min(s0 + bs, b), 0, n, z);
  }
}

/** Forward pass: z = x w^T and f_s = scale * sum over neuron blocks, in order, of sum_i a_i sigma(z_si). */
export function forward(
  x: usize, w: usize, a: usize, n: i32, d: i32, b: i32, scale: f64,
  kind: i32, p: usize, np: i32, z: usize, f: usize,
): void {
  forwardBlocks(x, w, a, n, d, b, scale, kind, p, np, z, f, 0, 0, (n + NEURON_BLOCK - 1) / NEURON_BLOCK);
}

/**
 * Forward work of neuron blocks [j0, j1): their columns of z and their partial sums
 * partial[j, s] = sum_{i in block j} a_i sigma(z_si) (partial is numBlocks x B).
 */
export function forwardRange(
  x: usize, w: usize, a: usize, n: i32, d: i32, b: i32,
  kind: i32, p: usize, np: i32, z: usize, partial: usize, j0: i32, j1: i32,
): void {
  forwardBlocks(x, w, a, n, d, b, 1.0, kind, p, np, z, 0, partial, j0, j1);
}

/**
 * The forward work of neuron blocks [j0, j1), block by block within each sample block: a
 * block's z (B_block x NEURON_BLOCK) is summed into the outputs right after its tiles wrote it,
 * while it is in cache, where summing once all N neurons' z were written read z back from memory
 * (10 MB at N = 10000, B = 128). With partial non-zero, partial[j, s] = the block's sum; with
 * partial zero, f_s holds the running total over blocks, added in block order as before, then
 * scale * total. Panels start at multiples of 4 from each block's start, so every z has the bits
 * of the unblocked tiles.
 */
function forwardBlocks(
  x: usize, w: usize, a: usize, n: i32, d: i32, b: i32, scale: f64,
  kind: i32, p: usize, np: i32, z: usize, f: usize, partial: usize, j0: i32, j1: i32,
): void {
  const n0 = j0 * NEURON_BLOCK;
  const n1 = min(j1 * NEURON_BLOCK, n);
  if (n0 >= n1) return;
  const bs = sampleBlock(d);
  const nBytes = <usize>n << 3;
  const partialRow = <usize>b << 3;
  for (let s0 = 0; s0 < b; s0 += bs) {
    const s1 = min(s0 + bs, b);
    if (partial == 0) memory.fill(f + (<usize>s0 << 3), 0, <usize>(s1 - s0) << 3);
    for (let i = n0; i < n1; i += NEURON_BLOCK) {
      const i1 = min(i + NEURON_BLOCK, n1);
      preactivationBlock(x, w, n, d, s0, s1, i, i1, z);
      const off = <usize>i << 3;
      const out = partial + <usize>(i / NEURON_BLOCK) * partialRow;
      for (let s = s0; s < s1; s++) {
        const sum = rowDot(kind, p, np, z + <usize>s * nBytes + off, a + off, i1 - i);
        const at = (<usize>s << 3);
        if (partial != 0) store<f64>(out + at, sum);
        else store<f64>(f + at, load<f64>(f + at) + sum);
      }
    }
    if (partial == 0) for (let s = s0; s < s1; s++) store<f64>(f + (<usize>s << 3), scale * load<f64>(f + (<usize>s << 3)));
  }
}

/**
 * Forward work of neuron blocks [j0, j1) for the linearized model around (w0, a0), with
 * dw = w - w0: z = x w0^T and zd = x dw^T in their columns, and the partial sums
 * partial[j, s] = sum_{i in block j} a_i sigma(z_si) + a0_i sigma'(z_si) zd_si.
 */
export function linearizedForwardRange(
  x: usize, w0: usize, dw: usize, a: usize, a0: usize, n: i32, d: i32, b: i32,
  kind: i32, p: usize, np: i32, z: usize, zd: usize, partial: usize, j0: i32, j1: i32,
): void {
  const i0 = j0 * NEURON_BLOCK;
  const i1 = min(j1 * NEURON_BLOCK, n);
  if (i0 >= i1) return;
  const bs = sampleBlock(d);
  const nBytes = <usize>n << 3;
  const partialRow = <usize>b << 3;
  for (let s0 = 0; s0 < b; s0 += bs) {
    const s1 = min(s0 + bs, b);
    preactivationBlock(x, w0, n, d, s0, s1, i0, i1, z);
    preactivationBlock(x, dw, n, d, s0, s1, i0, i1, zd);
    for (let s = s0; s < s1; s++) {
      const row = <usize>s * nBytes;
      let out = partial + <usize>j0 * partialRow + (<usize>s << 3);
      for (let i = i0; i < i1; i += NEURON_BLOCK) {
        const off = row + (<usize>i << 3);
        const len = min(NEURON_BLOCK, i1 - i);
        const aOff = <usize>i << 3;
        store<f64>(out, rowDot(kind, p, np, z + off, a + aOff, len) + tangentDot(kind, p, np, z + off, a0 + aOff, zd + off, len));
        out += partialRow;
      }
    }
  }
}

/** f_s = scale * sum_j partial[j, s], the blocks added in order as forward() adds them. */
export function reduceBlocks(partial: usize, blocks: i32, b: i32, scale: f64, f: usize): void {
  const stride = <usize>b << 3;
  for (let s = 0; s < b; s++) {
    let at = partial + (<usize>s << 3);
    let total: f64 = 0.0;
    for (let j = 0; j < blocks; j++) {
      total += load<f64>(at);
      at += stride;
    }
    store<f64>(f + (<usize>s << 3), scale * total);
  }
}

/** The backward pass restricted to neurons i0 <= i < i1 (i0 a multiple of 4). */
function backwardNeurons(
  x: usize, a: usize, n: i32, d: i32, b: i32, scale: f64,
  kind: i32, p: usize, np: i32, z: usize, r: usize, g: usize, gradW: usize, gradA: usize, i0: i32, i1: i32,
): void {
  if (i0 >= i1) return;
  const dBytes = <usize>d << 3;
  const nBytes = <usize>n << 3;
  const bBytes = <usize>b << 3;
  const first = <usize>i0 << 3;
  const count = i1 - i0;
  // The SIMD tiles overwrite gradW in the first sample block; only the rows summed one by one need zeros.
  const zeroFrom = ASC_FEATURE_SIMD ? i0 + (count & ~3) : i0;
  memory.fill(gradW + <usize>zeroFrom * dBytes, 0, <usize>(i1 - zeroFrom) * dBytes);
  memory.fill(gradA + first, 0, <usize>count << 3);
  const bs = gradientSampleBlock(d);
  for (let s0 = 0; s0 < b; s0 += bs) {
    const s1 = min(s0 + bs, b);
    // Each neuron block's g is formed right before its tiles read it, while it is still in cache,
    // and every block reuses the region of the range's first block (gb puts block j0's groups
    // there): a region per block wrote all B x N of g to memory (10 MB at N = 10000, B = 128).
    for (let j0 = i0; j0 < i1; j0 += NEURON_BLOCK) {
      const j1 = min(j0 + NEURON_BLOCK, i1);
      touchRows(z + <usize>s0 * nBytes + (<usize>j0 << 3), nBytes, s1 - s0, (j1 - j0) << 3);
      const gb = g + <usize>i0 * bBytes - <usize>j0 * bBytes;
      groupGradients(kind, p, np, z, a, r, scale, n, b, j0, j1, s0, s1, gradA, gb);
      accumulateBlock(gb, x, n, d, b, s0, s1, j0, j1, gradW, s0 == 0);
    }
  }
}

/**
 * Backward pass from the pre-activations z of forward() and residuals r:
 * gradA_i = scale sum_b r_b sigma(z_bi), gradW_i = scale a_i sum_b r_b sigma'(z_bi) x_b.
 * gradW and gradA are overwritten; g (B x N) is scratch: each 64-neuron block's scale r_b a_i
 * sigma'(z_bi), packed by groups of 4 neurons (assembly/gradientTiles.ts), goes to the region of
 * the first block of the call's neurons.
 */
export function backward(
  x: usize, a: usize, n: i32, d: i32, b: i32, scale: f64,
  kind: i32, p: usize, np: i32, z: usize, r: usize, g: usize, gradW: usize, gradA: usize,
): void {
  backwardNeurons(x, a, n, d, b, scale, kind, p, np, z, r, g, gradW, gradA, 0, n);
}

/** backward() for the neurons of blocks [j0, j1) only: their rows of gradW, entries of gradA and columns of g. */
export function backwardRange(
  x: usize, a: usize, n: i32, d: i32, b: i32, scale: f64,
  kind: i32, p: usize, np: i32, z: usize, r: usize, g: usize, gradW: usize, gradA: usize, j0: i32, j1: i32,
): void {
  backwardNeurons(x, a, n, d, b, scale, kind, p, np, z, r, g, gradW, gradA, j0 * NEURON_BLOCK, min(j1 * NEURON_BLOCK, n));
}
