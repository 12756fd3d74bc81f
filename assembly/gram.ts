// Dense Cholesky factorization and triangular solves for kernel ridge regression.
//
// Matrices are row-major f64. The factorization is right-looking over panels of PANEL
// columns, and every inner product runs along rows, which are contiguous in row-major
// storage: that keeps the trailing update (nearly all of the n^3 / 3 flops) in SIMD dot
// products over the panel's columns, reading only PANEL entries of each row per pass.

import { dot00, dot01, dot10, dot11, dotTile2x2 } from "./dotTile";
import { touchRows } from "./touchRows";

/** Columns per panel: wider panels halve the trailing update's lane sums and stores per flop (128: 8% faster than 64 at n = 4000). */
const PANEL: i32 = 128;
/** Rows of the trailing update sharing each read of a pair of rows j: 24 panel rows are 24 KiB of L1. */
const ROW_BLOCK: i32 = 24;

@inline function entry(a: usize, n: i32, i: i32, j: i32): usize {
  return a + ((<usize>i * <usize>n + <usize>j) << 3);
}

@inline export function dot(x: usize, y: usize, len: i32): f64 {
  let k: usize = 0;
  const end = <usize>len << 3;
  let s: f64 = 0.0;
  if (ASC_FEATURE_SIMD) {
    const even = <usize>(len & ~1) << 3;
    let acc = f64x2.splat(0.0);
    for (; k < even; k += 16) acc = f64x2.add(acc, f64x2.mul(v128.load(x + k), v128.load(y + k)));
    s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  for (; k < end; k += 8) s += load<f64>(x + k) * load<f64>(y + k);
  return s;
}

// Rows i, i + 1 against rows j, j + 1 over the panel: four dot products sharing their loads,
// which halves the memory traffic of the trailing update. With j == i the (i, i + 1) entry is
// above the diagonal and is left alone.
@inline function update2x2(a: usize, n: i32, k0: i32, kb: i32, i: i32, j: i32): void {
  const rowBytes = <usize>n << 3;
  const xi0 = entry(a, n, i, k0);
  const xi1 = xi0 + rowBytes;
  const xj0 = entry(a, n, j, k0);
  const xj1 = xj0 + rowBytes;
  dotTile2x2(xi0, xi1, xj0, xj1, kb);
  const p = entry(a, n, i, j);
  store<f64>(p, load<f64>(p) - dot00);
  if (j != i) store<f64>(p + 8, load<f64>(p + 8) - dot01);
  store<f64>(p + rowBytes, load<f64>(p + rowBytes) - dot10);
  store<f64>(p + rowBytes + 8, load<f64>(p + rowBytes + 8) - dot11);
}

// Rows i, i + 1 against rows j .. j + 3 (all at or below the diagonal: j + 3 <= i): eight dot
// products from six loads per step, summed in the same order as update2x2.
@inline function update2x4(a: usize, n: i32, k0: i32, kb: i32, i: i32, j: i32): void {
  const rowBytes = <usize>n << 3;
  const xi0 = entry(a, n, i, k0);
  const xi1 = xi0 + rowBytes;
  const xj0 = entry(a, n, j, k0);
  const xj1 = xj0 + rowBytes;
  const xj2 = xj1 + rowBytes;
  const xj3 = xj2 + rowBytes;
  let k: usize = 0;
  const end = <usize>kb << 3;
  let s00: f64 = 0.0, s01: f64 = 0.0, s02: f64 = 0.0, s03: f64 = 0.0;
  let s10: f64 = 0.0, s11: f64 = 0.0, s12: f64 = 0.0, s13: f64 = 0.0;
  if (ASC_FEATURE_SIMD) {
    const even = <usize>(kb & ~1) << 3;
    let a00 = f64x2.splat(0.0), a01 = f64x2.splat(0.0), a02 = f64x2.splat(0.0), a03 = f64x2.splat(0.0);
    let a10 = f64x2.splat(0.0), a11 = f64x2.splat(0.0), a12 = f64x2.splat(0.0), a13 = f64x2.splat(0.0);
    for (; k < even; k += 16) {
      const u0 = v128.load(xi0 + k);
      const u1 = v128.load(xi1 + k);
      const v0 = v128.load(xj0 + k);
      const v1 = v128.load(xj1 + k);
      const v2 = v128.load(xj2 + k);
      const v3 = v128.load(xj3 + k);
      a00 = f64x2.add(a00, f64x2.mul(u0, v0));
      a01 = f64x2.add(a01, f64x2.mul(u0, v1));
      a02 = f64x2.add(a02, f64x2.mul(u0, v2));
      a03 = f64x2.add(a03, f64x2.mul(u0, v3));
      a10 = f64x2.add(a10, f64x2.mul(u1, v0));
      a11 = f64x2.add(a11, f64x2.mul(u1, v1));
      a12 = f64x2.add(a12, f64x2.mul(u1, v2));
      a13 = f64x2.add(a13, f64x2.mul(u1, v3));
    }
    s00 = f64x2.extract_lane(a00, 0) + f64x2.extract_lane(a00, 1);
    s01 = f64x2.extract_lane(a01, 0) + f64x2.extract_lane(a01, 1);
    s02 = f64x2.extract_lane(a02, 0) + f64x2.extract_lane(a02, 1);
    s03 = f64x2.extract_lane(a03, 0) + f64x2.extract_lane(a03, 1);
    s10 = f64x2.extract_lane(a10, 0) + f64x2.extract_lane(a10, 1);
    s11 = f64x2.extract_lane(a11, 0) + f64x2.extract_lane(a11, 1);
    s12 = f64x2.extract_lane(a12, 0) + f64x2.extract_lane(a12, 1);
    s13 = f64x2.extract_lane(a13, 0) + f64x2.extract_lane(a13, 1);
  }
  for (; k < end; k += 8) {
    const u0 = load<f64>(xi0 + k);
    const u1 = load<f64>(xi1 + k);
    const v0 = load<f64>(xj0 + k);
    const v1 = load<f64>(xj1 + k);
    const v2 = load<f64>(xj2 + k);
    const v3 = load<f64>(xj3 + k);
    s00 += u0 * v0;
    s01 += u0 * v1;
    s02 += u0 * v2;
    s03 += u0 * v3;
    s10 += u1 * v0;
    s11 += u1 * v1;
    s12 += u1 * v2;
    s13 += u1 * v3;
  }
  const p = entry(a, n, i, j);
  store<f64>(p, load<f64>(p) - s00);
  store<f64>(p + 8, load<f64>(p + 8) - s01);
  store<f64>(p + 16, load<f64>(p + 16) - s02);
  store<f64>(p + 24, load<f64>(p + 24) - s03);
  const q = p + rowBytes;
  store<f64>(q, load<f64>(q) - s10);
  store<f64>(q + 8, load<f64>(q + 8) - s11);
  store<f64>(q + 16, load<f64>(q + 16) - s12);
  store<f64>(q + 24, load<f64>(q + 24) - s13);
}

// Row i's entries in the panel's columns k0 .. k1 - 1, from the factored diagonal block.
@inline function solveRow(a: usize, n: i32, k0: i32, k1: i32, i: i32): void {
  const ri = entry(a, n, i, k0);
  for (let j = k0; j < k1; j++) {
    const p = entry(a, n, i, j);
    store<f64>(p, (load<f64>(p) - dot(ri, entry(a, n, j, k0), j - k0)) / load<f64>(entry(a, n, j, j)));
  }
}

// Sum of the two lanes and the scalar tail, in dot's order.
@inline function laneSum(acc: v128, x: usize, y: usize, k: usize, end: usize): f64 {
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; k < end; k += 8) s += load<f64>(x + k) * load<f64>(y + k);
  return s;
}

// entry -= sum, then / ljj.
@inline function solveEntry(p: usize, sum: f64, ljj: f64): void {
  store<f64>(p, (load<f64>(p) - sum) / ljj);
}

// solveRow for rows i .. i + 3 at once: the four dots share each load of row j and sum in dot's
// order, so every entry gets the bits solveRow gives it.
function solveRowQuad(a: usize, n: i32, k0: i32, k1: i32, i: i32): void {
  const rowBytes = <usize>n << 3;
  const r0 = entry(a, n, i, k0);
  const r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
  for (let j = k0; j < k1; j++) {
    const rj = entry(a, n, j, k0);
    const len = j - k0;
    const end = <usize>len << 3;
    let k: usize = 0;
    let s0: f64 = 0.0, s1: f64 = 0.0, s2: f64 = 0.0, s3: f64 = 0.0;
    if (ASC_FEATURE_SIMD) {
      const even = <usize>(len & ~1) << 3;
      let a0 = f64x2.splat(0.0), a1 = f64x2.splat(0.0), a2 = f64x2.splat(0.0), a3 = f64x2.splat(0.0);
      for (; k < even; k += 16) {
        const y = v128.load(rj + k);
        a0 = f64x2.add(a0, f64x2.mul(v128.load(r0 + k), y));
        a1 = f64x2.add(a1, f64x2.mul(v128.load(r1 + k), y));
        a2 = f64x2.add(a2, f64x2.mul(v128.load(r2 + k), y));
        a3 = f64x2.add(a3, f64x2.mul(v128.load(r3 + k), y));
      }
      s0 = laneSum(a0, r0, rj, k, end);
      s1 = laneSum(a1, r1, rj, k, end);
      s2 = laneSum(a2, r2, rj, k, end);
      s3 = laneSum(a3, r3, rj, k, end);
    } else {
      for (; k < end; k += 8) {
        const y = load<f64>(rj + k);
        s0 += load<f64>(r0 + k) * y;
        s1 += load<f64>(r1 + k) * y;
        s2 += load<f64>(r2 + k) * y;
        s3 += load<f64>(r3 + k) * y;
      }
    }
    const ljj = load<f64>(entry(a, n, j, j));
    const col = <usize>(j - k0) << 3;
    solveEntry(r0 + col, s0, ljj);
    solveEntry(r1 + col, s1, ljj);
    solveEntry(r2 + col, s2, ljj);
    solveEntry(r3 + col, s3, ljj);
  }
}

/**
 * The trailing update of rows i0 <= i < i1 (pairs below the panel k0..k1) by the panel's columns.
 * Its own function, not inlined, because V8 moves a running call to optimized code only when it
 * is called again: inlined into choleskyInPlace, a whole factorization ran in the baseline
 * compiler's code when it was the first call (at n = 4000 on the Zen 5, 4.6 against 21 GFLOP/s).
 */
function updateRowBlock(a: usize, n: i32, k0: i32, k1: i32, i0: i32, i1: i32): void {
  const kb = k1 - k0;
  // Pairs of columns j, j + 2 together where the block's rows lie wholly below them. Rows j
  // are n * 8 bytes apart, a page or more at large n, which the hardware prefetchers do not
  // follow: the panel rows of the quad after next are read beforehand so that their misses
  // overlap the tiles (at n = 8000 on a Zen 5, 68% of the f64x2 ceiling against 64%).
  let j = k1;
  for (; j + 3 < i1; j += 4) {
    touchRows(entry(a, n, j + 8, k0), <usize>n << 3, min(4, i1 - j - 8), kb << 3);
    for (let i = max(i0, j + 4); i < i1; i += 2) update2x4(a, n, k0, kb, i, j);
    if (j >= i0) update2x2(a, n, k0, kb, j, j);
    if (j + 2 >= i0) {
      update2x2(a, n, k0, kb, j + 2, j);
      update2x2(a, n, k0, kb, j + 2, j + 2);
    }
  }
  for (; j < i1; j += 2) {
    for (let i = max(i0, j); i < i1; i += 2) update2x2(a, n, k0, kb, i, j);
  }
}

/**
 * Overwrites the lower triangle of the n x n SPD matrix at a with its Cholesky factor L
 * (A = L L^T) and zeroes the strict upper triangle; only the lower triangle of A is read.
 * Returns 0, or 1 + the index of the first pivot that is not positive (A is then left
 * partly factored).
 */
export function choleskyInPlace(a: usize, n: i32): i32 {
  for (let k0 = 0; k0 < n; k0 += PANEL) {
    const k1 = min(k0 + PANEL, n);
    const kb = k1 - k0;
    // Earlier panels have already been subtracted, so each column needs only this panel's part.
    for (let j = k0; j < k1; j++) {
      const rj = entry(a, n, j, k0);
      const pjj = entry(a, n, j, j);
      const d = load<f64>(pjj) - dot(rj, rj, j - k0);
      if (!(d > 0.0)) return j + 1;
      const ljj = Math.sqrt(d);
      store<f64>(pjj, ljj);
      for (let i = j + 1; i < k1; i++) {
        const p = entry(a, n, i, j);
        store<f64>(p, (load<f64>(p) - dot(entry(a, n, i, k0), rj, j - k0)) / ljj);
      }
    }
    // Four rows at a time below the diagonal block (their panel segments stay in L1 for the
    // solve): each row's solve is a chain of dots and divisions, and four chains run side by side.
    let i = k1;
    for (; i + 3 < n; i += 4) solveRowQuad(a, n, k0, k1, i);
    for (; i < n; i++) solveRow(a, n, k0, k1, i);
    // Rows in pairs, ROW_BLOCK rows at a time: each pair of rows j is read once per block and
    // stays in L1 while it updates every pair of the block (each entry still gets exactly one
    // update per panel, so the order does not change the result).
    const pairsEnd = k1 + ((n - k1) & ~1);
    for (let i0 = k1; i0 < pairsEnd; i0 += ROW_BLOCK) updateRowBlock(a, n, k0, k1, i0, min(i0 + ROW_BLOCK, pairsEnd));
    if (pairsEnd < n) {
      const ri = entry(a, n, pairsEnd, k0);
      for (let j = k1; j <= pairsEnd; j++) {
        const p = entry(a, n, pairsEnd, j);
        store<f64>(p, load<f64>(p) - dot(ri, entry(a, n, j, k0), kb));
      }
    }
  }
  for (let i = 0; i < n - 1; i++) memory.fill(entry(a, n, i, i + 1), 0, <usize>(n - 1 - i) << 3);
  return 0;
}

// y -= alpha * x over the m right-hand sides of one row.
@inline function subtractScaled(alpha: f64, x: usize, y: usize, m: i32): void {
  let k: usize = 0;
  const end = <usize>m << 3;
  if (ASC_FEATURE_SIMD) {
    const even = <usize>(m & ~1) << 3;
    const al = f64x2.splat(alpha);
    for (; k < even; k += 16) v128.store(y + k, f64x2.sub(v128.load(y + k), f64x2.mul(al, v128.load(x + k))));
  }
  for (; k < end; k += 8) store<f64>(y + k, load<f64>(y + k) - alpha * load<f64>(x + k));
}

@inline function divideRow(y: usize, d: f64, m: i32): void {
  let k: usize = 0;
  const end = <usize>m << 3;
  if (ASC_FEATURE_SIMD) {
    const even = <usize>(m & ~1) << 3;
    const dv = f64x2.splat(d);
    for (; k < even; k += 16) v128.store(y + k, f64x2.div(v128.load(y + k), dv));
  }
  for (; k < end; k += 8) store<f64>(y + k, load<f64>(y + k) / d);
}

/** Overwrites the n x m right-hand sides at b with L^{-1} b (L lower triangular, n x n). */
export function solveLower(l: usize, n: i32, b: usize, m: i32): void {
  const rowBytes = <usize>m << 3;
  for (let i = 0; i < n; i++) {
    const bi = b + <usize>i * rowBytes;
    for (let p = 0; p < i; p++) subtractScaled(load<f64>(entry(l, n, i, p)), b + <usize>p * rowBytes, bi, m);
    divideRow(bi, load<f64>(entry(l, n, i, i)), m);
  }
}

/**
 * Overwrites the n x m right-hand sides at b with L^{-T} b. Solved row i pushes its
 * contribution into the rows above it through row i of L, so L is read along its rows.
 */
export function solveLowerTransposed(l: usize, n: i32, b: usize, m: i32): void {
  const rowBytes = <usize>m << 3;
  for (let i = n - 1; i >= 0; i--) {
    const bi = b + <usize>i * rowBytes;
    divideRow(bi, load<f64>(entry(l, n, i, i)), m);
    for (let p = 0; p < i; p++) subtractScaled(load<f64>(entry(l, n, i, p)), bi, b + <usize>p * rowBytes, m);
  }
}

/** out_r = <block_r, v> for the rows x cols row-major block. */
export function blockGemv(block: usize, rows: i32, cols: i32, v: usize, out: usize): void {
  const rowBytes = <usize>cols << 3;
  for (let r = 0; r < rows; r++) store<f64>(out + (<usize>r << 3), dot(block + <usize>r * rowBytes, v, cols));
}
