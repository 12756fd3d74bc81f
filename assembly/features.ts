// Explicit features of inner-product kernels and the streaming normal equations of a linear
// model on them (kernel ridge regression with the kernel truncated at degree K).
//
// Features are written feature-major (phiT[j * rows + s] for feature j of sample s), so that
// every inner product of the normal equations runs along contiguous memory.

import { dot } from "./gram";
import { madd64 } from "./multiplyAdd";

/**
 * phiT[j * rows + s] = P_{k_j, d}(<x_s, v_j>) for anchors v_j (count x d) with degrees k_j:
 * for each degree k, N(d, k) generic anchors span the degree-k spherical harmonics.
 */
export function sphereFeatures(x: usize, rows: i32, d: i32, anchors: usize, degrees: usize, count: i32, phiT: usize): void {
  const rowBytes = <usize>d << 3;
  const dd = <f64>d;
  for (let j = 0; j < count; j++) {
    const v = anchors + <usize>j * rowBytes;
    const k = <i32>load<f64>(degrees + (<usize>j << 3));
    const o = phiT + ((<usize>j * <usize>rows) << 3);
    for (let s = 0; s < rows; s++) {
      const t = dot(x + <usize>s * rowBytes, v, d);
      let p0: f64 = 1.0;
      let p1: f64 = t;
      if (k == 0) p1 = 1.0;
      for (let q = 1; q < k; q++) {
        const qq = <f64>q;
        const p2 = ((2.0 * qq + dd - 2.0) * t * p1 - qq * p0) / (qq + dd - 2.0);
        p0 = p1;
        p1 = p2;
      }
      store<f64>(o + (<usize>s << 3), p1);
    }
  }
}

/**
 * phiT[j * rows + s] = prod_p h_{k_p}(x_{s, i_p}) (normalized Hermite h_k = He_k / sqrt(k!)),
 * the orthonormal multivariate Hermite polynomial of feature j, whose `slots` codes are
 * i_p * (maxDegree + 1) + k_p, or -1 for an unused slot. scratch holds rows x d x (maxDegree + 1).
 */
export function hermiteFeatures(
  x: usize, rows: i32, d: i32, maxDegree: i32, codes: usize, slots: i32, count: i32, phiT: usize, scratch: usize,
): void {
  const width = maxDegree + 1;
  for (let s = 0; s < rows; s++) {
    for (let i = 0; i < d; i++) {
      const z = load<f64>(x + ((<usize>s * <usize>d + <usize>i) << 3));
      const h = scratch + ((<usize>(s * d + i) * <usize>width) << 3);
      store<f64>(h, 1.0);
      if (maxDegree >= 1) store<f64>(h + 8, z);
      for (let k = 1; k < maxDegree; k++) {
        const kk = <f64>k;
        const next = (z * load<f64>(h + (<usize>k << 3)) - Math.sqrt(kk) * load<f64>(h + (<usize>(k - 1) << 3))) / Math.sqrt(kk + 1.0);
        store<f64>(h + (<usize>(k + 1) << 3), next);
      }
    }
  }
  const sampleBytes = (<usize>d * <usize>width) << 3;
  for (let j = 0; j < count; j++) {
    const o = phiT + ((<usize>j * <usize>rows) << 3);
    const c = codes + ((<usize>j * <usize>slots) << 3);
    for (let s = 0; s < rows; s++) {
      const h = scratch + <usize>s * sampleBytes;
      let value: f64 = 1.0;
      for (let p = 0; p < slots; p++) {
        const code = <i32>load<f64>(c + (<usize>p << 3));
        if (code >= 0) value *= load<f64>(h + (<usize>code << 3));
      }
      store<f64>(o + (<usize>s << 3), value);
    }
  }
}

// The normal equations as a cache-blocked SYRK. A 2 x 2 tile of dot products over whole rows of
// phiT streamed four rows (tens of KiB) per tile, so nothing stayed in L1 or L2 and the rows,
// a power-of-two stride apart, collided in the caches' sets. Instead the samples are taken in
// chunks of NORMAL_CHUNK, each chunk packed into panels of PANEL features, and each pair of
// panels makes register tiles of f64x2 accumulators, each panel walked by one pointer with
// constant offsets. The tiles are sized to the 15 vector registers V8 gives Wasm on x64 (it keeps
// xmm15 for itself), counting that its scheduler issues all the loads of a step before the
// products. Plain SIMD: panels of 4 and two 4 x 2 tiles per pair of panels (the row panel against
// each half of the column panel): 8 sums, 6 loads and the product's temporary. The 3 x 3 tiles it
// had needed 16, so one sum lived on the stack and its chain went through a store and a reload
// every step: 44-48% of the f64x2 ceiling on a Zen 5 (the 4 x 2 tiles: 89-101%), though 92-98% on an
// Intel Xeon. Relaxed SIMD: panels of 3 and 3 x 3 tiles, whose fused multiply-adds need no
// temporary (9 sums, 6 loads), and whose 9 independent chains cover the fused latency better
// than 8 (the 4 x 2 tiles fused ran 5% slower on the Zen 5).

/** Samples per packed chunk (even, so pairs of samples fill the f64x2 lanes). */
const NORMAL_CHUNK: i32 = 128;
/** Bytes of packed panels the tiles of one pass stream against: half of a 1 MiB L2, leaving room for the gram rows the tiles update (within noise of 1 MiB at p = 935 on a Zen 5). */
const L2_PANEL_BYTES: usize = 1 << 19;
/** Features per packed panel. */
const PANEL: i32 = ASC_FEATURE_RELAXED_SIMD ? 3 : 4;
/** Bytes of one pair of samples of one panel: PANEL features x 2 samples. */
const PAIR_BYTES: usize = <usize>PANEL << 4;

/** Doubles of the scratch accumulateNormal packs its panels into, for p features. */
export function accumulateNormalScratch(p: i32): i32 {
  return ((p + PANEL - 1) / PANEL) * PANEL * NORMAL_CHUNK;
}

// Samples [s0, s0 + width) of phiT into panels of PANEL features laid out [pair][feature][2 samples];
// an odd last sample and the features from p up to a multiple of PANEL are zeros, so the tiles need
// no edge cases (zero products add exact zeros, and entries past p are never stored).
function packPanels(phiT: usize, p: i32, rows: i32, s0: i32, width: i32, packed: usize): void {
  const pairBytes = <usize>((width + 1) >> 1) * PAIR_BYTES;
  const even = <usize>(width & ~1) << 3;
  const padded = ((p + PANEL - 1) / PANEL) * PANEL;
  for (let f = 0; f < padded; f++) {
    let out = packed + <usize>(f / PANEL) * pairBytes + (<usize>(f % PANEL) << 4);
    const src = phiT + ((<usize>f * <usize>rows + <usize>s0) << 3);
    if (f >= p) {
      for (let t: usize = 0; t < pairBytes; t += PAIR_BYTES) {
        store<f64>(out + t, 0.0);
        store<f64>(out + t + 8, 0.0);
      }
      continue;
    }
    for (let k: usize = 0; k < even; k += 16) {
      store<f64>(out, load<f64>(src + k));
      store<f64>(out + 8, load<f64>(src + k + 8));
      out += PAIR_BYTES;
    }
    if (width & 1) {
      store<f64>(out, load<f64>(src + even));
      store<f64>(out + 8, 0.0);
    }
  }
}

// gram[i, j] += value when (i, j) lies in the lower triangle of the p x p matrix.
@inline function addLower(gram: usize, p: i32, i: i32, j: i32, value: f64): void {
  if (i < p && j <= i) {
    const q = gram + ((<usize>i * <usize>p + <usize>j) << 3);
    store<f64>(q, load<f64>(q) + value);
  }
}

// q[0..2) += the lane sums of a and b, by one pair of shuffles and one f64x2 add: the same sums
// as laneSum's.
@inline function addRow2(q: usize, a: v128, b: v128): void {
  const ab = f64x2.add(v128.shuffle<f64>(a, b, 0, 2), v128.shuffle<f64>(a, b, 1, 3));
  v128.store(q, f64x2.add(v128.load(q), ab));
}

@inline function laneSum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

// q[0..3) += the lane sums of a, b, c: the first two by one pair of shuffles and one f64x2 add,
// the same sums as laneSum's.
@inline function addRow3(q: usize, a: v128, b: v128, c: v128): void {
  addRow2(q, a, b);
  store<f64>(q + 16, load<f64>(q + 16) + laneSum(c));
}

// gram[i + r, j + c] += sum over the chunk of panel a's feature r times panel b's feature c,
// for the entries of the 3 x 3 block in the lower triangle (the relaxed-SIMD build's tile).
function tile3x3(a: usize, b: usize, pairs: i32, gram: usize, p: i32, i: i32, j: i32, whole: bool): void {
  const end = a + <usize>pairs * PAIR_BYTES;
  let c00 = f64x2.splat(0.0), c01 = f64x2.splat(0.0), c02 = f64x2.splat(0.0);
  let c10 = f64x2.splat(0.0), c11 = f64x2.splat(0.0), c12 = f64x2.splat(0.0);
  let c20 = f64x2.splat(0.0), c21 = f64x2.splat(0.0), c22 = f64x2.splat(0.0);
  for (; a < end; a += PAIR_BYTES, b += PAIR_BYTES) {
    const u0 = v128.load(a);
    const u1 = v128.load(a, 16);
    const u2 = v128.load(a, 32);
    let v = v128.load(b);
    c00 = madd64(u0, v, c00);
    c10 = madd64(u1, v, c10);
    c20 = madd64(u2, v, c20);
    v = v128.load(b, 16);
    c01 = madd64(u0, v, c01);
    c11 = madd64(u1, v, c11);
    c21 = madd64(u2, v, c21);
    v = v128.load(b, 32);
    c02 = madd64(u0, v, c02);
    c12 = madd64(u1, v, c12);
    c22 = madd64(u2, v, c22);
  }
  if (whole) {
    const q = gram + ((<usize>i * <usize>p + <usize>j) << 3);
    const rowBytes = <usize>p << 3;
    addRow3(q, c00, c01, c02);
    addRow3(q + rowBytes, c10, c11, c12);
    addRow3(q + 2 * rowBytes, c20, c21, c22);
    return;
  }
  addLower(gram, p, i, j, laneSum(c00));
  addLower(gram, p, i, j + 1, laneSum(c01));
  addLower(gram, p, i, j + 2, laneSum(c02));
  addLower(gram, p, i + 1, j, laneSum(c10));
  addLower(gram, p, i + 1, j + 1, laneSum(c11));
  addLower(gram, p, i + 1, j + 2, laneSum(c12));
  addLower(gram, p, i + 2, j, laneSum(c20));
  addLower(gram, p, i + 2, j + 1, laneSum(c21));
  addLower(gram, p, i + 2, j + 2, laneSum(c22));
}

// gram[i + r, j + c] += sum over the chunk of panel a's feature r (r < 4) times feature c (c < 2)
// of the half panel at b, for the entries of the 4 x 2 block in the lower triangle.
function tile4x2(a: usize, b: usize, pairs: i32, gram: usize, p: i32, i: i32, j: i32, whole: bool): void {
  const end = a + <usize>pairs * PAIR_BYTES;
  if (ASC_FEATURE_SIMD) {
    let c00 = f64x2.splat(0.0), c01 = f64x2.splat(0.0);
    let c10 = f64x2.splat(0.0), c11 = f64x2.splat(0.0);
    let c20 = f64x2.splat(0.0), c21 = f64x2.splat(0.0);
    let c30 = f64x2.splat(0.0), c31 = f64x2.splat(0.0);
    for (; a < end; a += PAIR_BYTES, b += PAIR_BYTES) {
      const u0 = v128.load(a);
      const u1 = v128.load(a, 16);
      const u2 = v128.load(a, 32);
      const u3 = v128.load(a, 48);
      let v = v128.load(b);
      c00 = madd64(u0, v, c00);
      c10 = madd64(u1, v, c10);
      c20 = madd64(u2, v, c20);
      c30 = madd64(u3, v, c30);
      v = v128.load(b, 16);
      c01 = madd64(u0, v, c01);
      c11 = madd64(u1, v, c11);
      c21 = madd64(u2, v, c21);
      c31 = madd64(u3, v, c31);
    }
    if (whole) {
      const q = gram + ((<usize>i * <usize>p + <usize>j) << 3);
      const rowBytes = <usize>p << 3;
      addRow2(q, c00, c01);
      addRow2(q + rowBytes, c10, c11);
      addRow2(q + 2 * rowBytes, c20, c21);
      addRow2(q + 3 * rowBytes, c30, c31);
      return;
    }
    addLower(gram, p, i, j, laneSum(c00));
    addLower(gram, p, i, j + 1, laneSum(c01));
    addLower(gram, p, i + 1, j, laneSum(c10));
    addLower(gram, p, i + 1, j + 1, laneSum(c11));
    addLower(gram, p, i + 2, j, laneSum(c20));
    addLower(gram, p, i + 2, j + 1, laneSum(c21));
    addLower(gram, p, i + 3, j, laneSum(c30));
    addLower(gram, p, i + 3, j + 1, laneSum(c31));
  } else {
    let c00: f64 = 0.0, c01: f64 = 0.0;
    let c10: f64 = 0.0, c11: f64 = 0.0;
    let c20: f64 = 0.0, c21: f64 = 0.0;
    let c30: f64 = 0.0, c31: f64 = 0.0;
    for (; a < end; a += PAIR_BYTES, b += PAIR_BYTES) {
      for (let lane: usize = 0; lane < 16; lane += 8) {
        const u0 = load<f64>(a + lane);
        const u1 = load<f64>(a + lane, 16);
        const u2 = load<f64>(a + lane, 32);
        const u3 = load<f64>(a + lane, 48);
        const v0 = load<f64>(b + lane);
        const v1 = load<f64>(b + lane, 16);
        c00 += u0 * v0;
        c01 += u0 * v1;
        c10 += u1 * v0;
        c11 += u1 * v1;
        c20 += u2 * v0;
        c21 += u2 * v1;
        c30 += u3 * v0;
        c31 += u3 * v1;
      }
    }
    addLower(gram, p, i, j, c00);
    addLower(gram, p, i, j + 1, c01);
    addLower(gram, p, i + 1, j, c10);
    addLower(gram, p, i + 1, j + 1, c11);
    addLower(gram, p, i + 2, j, c20);
    addLower(gram, p, i + 2, j + 1, c21);
    addLower(gram, p, i + 3, j, c30);
    addLower(gram, p, i + 3, j + 1, c31);
  }
}

/**
 * Lower triangle of the p x p row-major gram += phiT phiT^T (phiT is p x rows), summed over chunks
 * of NORMAL_CHUNK samples; scratch holds accumulateNormalScratch(p) doubles.
 */
export function accumulateNormal(phiT: usize, p: i32, rows: i32, gram: usize, scratch: usize): void {
  const panels = (p + PANEL - 1) / PANEL;
  for (let s0 = 0; s0 < rows; s0 += NORMAL_CHUNK) {
    const width = min(NORMAL_CHUNK, rows - s0);
    packPanels(phiT, p, rows, s0, width, scratch);
    const pairs = (width + 1) >> 1;
    const panelBytes = <usize>pairs * PAIR_BYTES;
    // Column panels in groups of at most L2_PANEL_BYTES, so that past p of about 500 the group
    // the rows below it stream against stays in L2 (each tile's sum is its own: same bits).
    const group = max(1, <i32>(L2_PANEL_BYTES / panelBytes));
    for (let j0 = 0; j0 < panels; j0 += group) {
      for (let ib = j0; ib < panels; ib++) {
        const a = scratch + <usize>ib * panelBytes;
        const rowsInside = PANEL * ib + PANEL - 1 < p;
        const jEnd = min(j0 + group - 1, ib);
        for (let jb = j0; jb <= jEnd; jb++) {
          const b = scratch + <usize>jb * panelBytes;
          const whole = rowsInside && jb < ib;
          if (PANEL == 3) {
            tile3x3(a, b, pairs, gram, p, PANEL * ib, PANEL * jb, whole);
          } else {
            tile4x2(a, b, pairs, gram, p, PANEL * ib, PANEL * jb, whole);
            // The right half of the last column panel may hold only padding.
            if (PANEL * jb + 2 < p) tile4x2(a, b + 32, pairs, gram, p, PANEL * ib, PANEL * jb + 2, whole);
          }
        }
      }
    }
  }
}

/**
 * out_j += <phiT_j, v> for the p features (phiT is p x rows): the right-hand side Phi^T v. Four
 * features share each load of v, on four independent sums (one dot product at a time waits on its
 * single chain of adds); each feature's sum runs in the order of `dot`, so the bits are its bits.
 */
export function featuresTransposedTimes(phiT: usize, p: i32, rows: i32, v: usize, out: usize): void {
  const rowBytes = <usize>rows << 3;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const even = <usize>(rows & ~1) << 3;
    for (; j + 3 < p; j += 4) {
      const x0 = phiT + <usize>j * rowBytes;
      const x1 = x0 + rowBytes;
      const x2 = x1 + rowBytes;
      const x3 = x2 + rowBytes;
      let a0 = f64x2.splat(0.0), a1 = f64x2.splat(0.0), a2 = f64x2.splat(0.0), a3 = f64x2.splat(0.0);
      for (let k: usize = 0; k < even; k += 16) {
        const w = v128.load(v + k);
        a0 = f64x2.add(a0, f64x2.mul(v128.load(x0 + k), w));
        a1 = f64x2.add(a1, f64x2.mul(v128.load(x1 + k), w));
        a2 = f64x2.add(a2, f64x2.mul(v128.load(x2 + k), w));
        a3 = f64x2.add(a3, f64x2.mul(v128.load(x3 + k), w));
      }
      addDot(out + (<usize>j << 3), laneSum(a0), x0, v, even, rowBytes);
      addDot(out + (<usize>(j + 1) << 3), laneSum(a1), x1, v, even, rowBytes);
      addDot(out + (<usize>(j + 2) << 3), laneSum(a2), x2, v, even, rowBytes);
      addDot(out + (<usize>(j + 3) << 3), laneSum(a3), x3, v, even, rowBytes);
    }
  }
  for (; j < p; j++) {
    const o = out + (<usize>j << 3);
    store<f64>(o, load<f64>(o) + dot(phiT + <usize>j * rowBytes, v, rows));
  }
}

// *o += s plus the scalar tail of x . v from byte `from` to `end`, as `dot` finishes its sum.
@inline function addDot(o: usize, s: f64, x: usize, v: usize, from: usize, end: usize): void {
  for (let k = from; k < end; k += 8) s += load<f64>(x + k) * load<f64>(v + k);
  store<f64>(o, load<f64>(o) + s);
}

/**
 * out_s = sum_j phiT[j, s] u_j: predictions Phi u of the rows samples. Four features per pass over
 * out, each entry kept in a register across them: the same additions in the same order as one
 * feature per pass, with a quarter of the loads and stores of out.
 */
export function featuresTimes(phiT: usize, p: i32, rows: i32, u: usize, out: usize): void {
  const rowBytes = <usize>rows << 3;
  memory.fill(out, 0, rowBytes);
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const even = <usize>(rows & ~1) << 3;
    for (; j + 3 < p; j += 4) {
      const x0 = phiT + <usize>j * rowBytes;
      const x1 = x0 + rowBytes;
      const x2 = x1 + rowBytes;
      const x3 = x2 + rowBytes;
      const u0 = load<f64>(u + (<usize>j << 3));
      const u1 = load<f64>(u + (<usize>(j + 1) << 3));
      const u2 = load<f64>(u + (<usize>(j + 2) << 3));
      const u3 = load<f64>(u + (<usize>(j + 3) << 3));
      const b0 = f64x2.splat(u0), b1 = f64x2.splat(u1), b2 = f64x2.splat(u2), b3 = f64x2.splat(u3);
      let k: usize = 0;
      for (; k < even; k += 16) {
        let o = f64x2.add(v128.load(out + k), f64x2.mul(b0, v128.load(x0 + k)));
        o = f64x2.add(o, f64x2.mul(b1, v128.load(x1 + k)));
        o = f64x2.add(o, f64x2.mul(b2, v128.load(x2 + k)));
        v128.store(out + k, f64x2.add(o, f64x2.mul(b3, v128.load(x3 + k))));
      }
      for (; k < rowBytes; k += 8) {
        store<f64>(out + k, load<f64>(out + k) + u0 * load<f64>(x0 + k) + u1 * load<f64>(x1 + k) + u2 * load<f64>(x2 + k) + u3 * load<f64>(x3 + k));
      }
    }
  }
  for (; j < p; j++) {
    const uj = load<f64>(u + (<usize>j << 3));
    const xj = phiT + <usize>j * rowBytes;
    let k: usize = 0;
    if (ASC_FEATURE_SIMD) {
      const even = <usize>(rows & ~1) << 3;
      const a = f64x2.splat(uj);
      for (; k < even; k += 16) v128.store(out + k, f64x2.add(v128.load(out + k), f64x2.mul(a, v128.load(xj + k))));
    }
    for (; k < rowBytes; k += 8) store<f64>(out + k, load<f64>(out + k) + uj * load<f64>(xj + k));
  }
}
