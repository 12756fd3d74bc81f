// The first layer's gradient sums of the backward pass, gradW_i += sum_s g_si x_s, over a block
// of samples, and the per-sample values g_si = scale r_s a_i sigma'(z_si) they read.
//
// g is kept packed by groups of 4 neurons: group q (neurons 4q .. 4q + 3) owns the B * width
// entries from g + 4q B (width = min(4, N - 4q), so the whole layout fills B x N exactly), sample
// s at offset s * width. A gradient tile then reads its 4 neurons' values for one sample from one
// 32-byte run, and consecutive samples from consecutive runs, where a B x N row-major g put every
// sample in another page N * 8 bytes away. The layout depends on N and B only, so threads
// writing the groups of their own neurons agree with one thread.
//
// Inside a block, the tiles hold a 4-neuron x 4-coordinate tile of gradients in registers; the d
// mod 4 coordinates past the last tile go through 8-neuron edge tiles with the lanes over
// neurons, which keep as many independent sums in flight. Each entry is summed over the samples
// in their order, continuing from the value gradW holds after the previous block, so any sample
// blocking gives the same bits.

import { activationDerivative, activationValue, derivativePair, valuePair, ABS, PIECEWISE, POLYNOMIAL, RELU } from "./activation";
import { madd64 } from "./multiplyAdd";

/** Bytes per sample of a full group of g: 4 neurons. */
const GROUP_STEP: usize = 32;

/** The start of neuron i's group of g (i a multiple of 4), for a batch of b samples. */
@inline export function groupOf(g: usize, b: i32, i: i32): usize {
  return g + <usize>i * (<usize>b << 3);
}

/**
 * One full group of 4 neurons from i over samples s0 <= s < s1, with coef_s = scale r_s:
 * gradA[i..i+3] += coef_s sigma(z_si) in sample order, its sums and a in registers, and g_si =
 * coef_s a_i sigma'(z_si) from gs on, the group's 4 values per sample side by side (32 bytes a sample).
 */
@inline function groupGradientRun(
  kind: i32, p: usize, np: i32, z: usize, a: usize, r: usize, scale: f64, nBytes: usize, i: i32,
  s0: i32, s1: i32, gradA: usize, gs: usize,
): void {
  const off = <usize>i << 3;
  let sum0 = v128.load(gradA + off), sum1 = v128.load(gradA + off, 16);
  const a0 = v128.load(a + off), a1 = v128.load(a + off, 16);
  let zs = z + <usize>s0 * nBytes + off;
  let rs = r + (<usize>s0 << 3);
  const end = gs + <usize>(s1 - s0) * GROUP_STEP;
  for (; gs < end; gs += GROUP_STEP) {
    const c = f64x2.splat(scale * load<f64>(rs));
    const z0 = v128.load(zs);
    const z1 = v128.load(zs, 16);
    sum0 = f64x2.add(sum0, f64x2.mul(c, valuePair(kind, p, np, z0)));
    sum1 = f64x2.add(sum1, f64x2.mul(c, valuePair(kind, p, np, z1)));
    const g0 = f64x2.mul(f64x2.mul(c, a0), derivativePair(kind, p, np, z0));
    const g1 = f64x2.mul(f64x2.mul(c, a1), derivativePair(kind, p, np, z1));
    v128.store(gs, g0);
    v128.store(gs, g1, 16);
    zs += nBytes;
    rs += 8;
  }
  v128.store(gradA + off, sum0);
  v128.store(gradA + off, sum1, 16);
}

/**
 * For samples s0 <= s < s1, neurons i0 <= i < i1 (i0 a multiple of 4, i1 one too or n), and
 * coef_s = scale r_s: gradA_i += coef_s sigma(z_si) sample by sample, and g_si = coef_s a_i
 * sigma'(z_si) into the packed layout. Full groups run group by group over the samples, their
 * gradA sums and a in registers; the last, narrower group goes sample by sample, pairs of
 * neurons through the vector activations as rowBackward() takes them, so the bits are
 * rowBackward's.
 */
@inline function groupGradientsOf(
  kind: i32, p: usize, np: i32, z: usize, a: usize, r: usize, scale: f64, n: i32, b: i32,
  i0: i32, i1: i32, s0: i32, s1: i32, gradA: usize, g: usize,
): void {
  const nBytes = <usize>n << 3;
  let i = i0;
  if (ASC_FEATURE_SIMD) {
    const full = i0 + ((i1 - i0) & ~3);
    for (; i < full; i += 4) {
      const group = groupOf(g, b, i);
      groupGradientRun(kind, p, np, z, a, r, scale, nBytes, i, s0, s1, gradA, group + <usize>s0 * GROUP_STEP);
    }
  }
  for (; i < i1; i += 4) {
    const width = min(4, n - i);
    const count = min(4, i1 - i);
    for (let s = s0; s < s1; s++) {
      const coef = scale * load<f64>(r + (<usize>s << 3));
      const zs = z + <usize>s * nBytes;
      const gs = groupOf(g, b, i) + <usize>(s * width) * 8;
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        const c = f64x2.splat(coef);
        for (; j + 2 <= count; j += 2) {
          const off = <usize>(i + j) << 3;
          const zz = v128.load(zs + off);
          v128.store(gradA + off, f64x2.add(v128.load(gradA + off), f64x2.mul(c, valuePair(kind, p, np, zz))));
          v128.store(gs + (<usize>j << 3), f64x2.mul(f64x2.mul(c, v128.load(a + off)), derivativePair(kind, p, np, zz)));
        }
      }
      for (; j < count; j++) {
        const off = <usize>(i + j) << 3;
        const zz = load<f64>(zs + off);
        store<f64>(gradA + off, load<f64>(gradA + off) + coef * activationValue(kind, p, np, zz));
        store<f64>(gs + (<usize>j << 3), coef * load<f64>(a + off) * activationDerivative(kind, p, np, zz));
      }
    }
  }
}

// One function per vector kind, so that each copy's activation is a constant and its loop carries no dispatch.
function groupGradientsRelu(p: usize, np: i32, z: usize, a: usize, r: usize, scale: f64, n: i32, b: i32, i0: i32, i1: i32, s0: i32, s1: i32, gradA: usize, g: usize): void {
  groupGradientsOf(RELU, p, np, z, a, r, scale, n, b, i0, i1, s0, s1, gradA, g);
}
function groupGradientsAbs(p: usize, np: i32, z: usize, a: usize, r: usize, scale: f64, n: i32, b: i32, i0: i32, i1: i32, s0: i32, s1: i32, gradA: usize, g: usize): void {
  groupGradientsOf(ABS, p, np, z, a, r, scale, n, b, i0, i1, s0, s1, gradA, g);
}
function groupGradientsPolynomial(p: usize, np: i32, z: usize, a: usize, r: usize, scale: f64, n: i32, b: i32, i0: i32, i1: i32, s0: i32, s1: i32, gradA: usize, g: usize): void {
  groupGradientsOf(POLYNOMIAL, p, np, z, a, r, scale, n, b, i0, i1, s0, s1, gradA, g);
}
function groupGradientsPiecewise(p: usize, np: i32, z: usize, a: usize, r: usize, scale: f64, n: i32, b: i32, i0: i32, i1: i32, s0: i32, s1: i32, gradA: usize, g: usize): void {
  groupGradientsOf(PIECEWISE, p, np, z, a, r, scale, n, b, i0, i1, s0, s1, gradA, g);
}

/** groupGradientsOf through a copy per vector kind. */
export function groupGradients(
  kind: i32, p: usize, np: i32, z: usize, a: usize, r: usize, scale: f64, n: i32, b: i32,
  i0: i32, i1: i32, s0: i32, s1: i32, gradA: usize, g: usize,
): void {
  switch (kind) {
    case RELU: groupGradientsRelu(p, np, z, a, r, scale, n, b, i0, i1, s0, s1, gradA, g); break;
    case ABS: groupGradientsAbs(p, np, z, a, r, scale, n, b, i0, i1, s0, s1, gradA, g); break;
    case POLYNOMIAL: groupGradientsPolynomial(p, np, z, a, r, scale, n, b, i0, i1, s0, s1, gradA, g); break;
    case PIECEWISE: groupGradientsPiecewise(p, np, z, a, r, scale, n, b, i0, i1, s0, s1, gradA, g); break;
    default: groupGradientsOf(kind, p, np, z, a, r, scale, n, b, i0, i1, s0, s1, gradA, g);
  }
}

/**
 * gradW[i..i+3, k..k+3] = (first ? 0 : gradW[i..i+3, k..k+3]) + sum_{s0 <= s < s1} g[s, i..i+3] x[s, k..k+3]
 * (SIMD, g a full group): 8 sums in registers, each sample two loads of x and four splats of g.
 */
@inline function gradientTile4x4(
  g: usize, x: usize, gw: usize, s0: i32, s1: i32, dBytes: usize, first: bool, w: usize, step: v128, apply: bool,
): void {
  const r1 = gw + dBytes;
  const r2 = r1 + dBytes;
  const r3 = r2 + dBytes;
  let c00 = f64x2.splat(0.0), c01 = f64x2.splat(0.0), c10 = f64x2.splat(0.0), c11 = f64x2.splat(0.0);
  let c20 = f64x2.splat(0.0), c21 = f64x2.splat(0.0), c30 = f64x2.splat(0.0), c31 = f64x2.splat(0.0);
  if (!first) {
    c00 = v128.load(gw); c01 = v128.load(gw, 16);
    c10 = v128.load(r1); c11 = v128.load(r1, 16);
    c20 = v128.load(r2); c21 = v128.load(r2, 16);
    c30 = v128.load(r3); c31 = v128.load(r3, 16);
  }
  let gs = g + <usize>s0 * GROUP_STEP;
  const end = g + <usize>s1 * GROUP_STEP;
  let xs = x + <usize>s0 * dBytes;
  for (; gs < end; gs += GROUP_STEP) {
    const u0 = v128.load(xs);
    const u1 = v128.load(xs, 16);
    const h0 = v128.load64_splat(gs);
    const h1 = v128.load64_splat(gs, 8);
    const h2 = v128.load64_splat(gs, 16);
    const h3 = v128.load64_splat(gs, 24);
    c00 = madd64(h0, u0, c00); c01 = madd64(h0, u1, c01);
    c10 = madd64(h1, u0, c10); c11 = madd64(h1, u1, c11);
    c20 = madd64(h2, u0, c20); c21 = madd64(h2, u1, c21);
    c30 = madd64(h3, u0, c30); c31 = madd64(h3, u1, c31);
    xs += dBytes;
  }
  if (apply) {
    const w1 = w + dBytes;
    const w2 = w1 + dBytes;
    const w3 = w2 + dBytes;
    moveBy(w, 0, step, c00); moveBy(w, 16, step, c01);
    moveBy(w1, 0, step, c10); moveBy(w1, 16, step, c11);
    moveBy(w2, 0, step, c20); moveBy(w2, 16, step, c21);
    moveBy(w3, 0, step, c30); moveBy(w3, 16, step, c31);
    return;
  }
  v128.store(gw, c00); v128.store(gw, c01, 16);
  v128.store(r1, c10); v128.store(r1, c11, 16);
  v128.store(r2, c20); v128.store(r2, c21, 16);
  v128.store(r3, c30); v128.store(r3, c31, 16);
}

/** w[at..at+1] += step * c, as axpy() adds (a product, then a sum). */
@inline function moveBy(w: usize, at: usize, step: v128, c: v128): void {
  v128.store(w + at, f64x2.add(v128.load(w + at), f64x2.mul(step, c)));
}

/** Two lanes of one gradW column (rows gw and gw + dBytes) as one vector. */
@inline function loadColumnPair(gw: usize, dBytes: usize): v128 {
  return v128.load64_lane(gw + dBytes, v128.load64_zero(gw), 1);
}

@inline function storeColumnPair(gw: usize, dBytes: usize, v: v128): void {
  v128.store64_lane(gw, v, 0);
  v128.store64_lane(gw + dBytes, v, 1);
}

/** storeColumnPair(gw, ...) of the sums v, or with apply the column pair of w moved by step * v instead. */
@inline function finishColumnPair(gw: usize, w: usize, dBytes: usize, v: v128, step: v128, apply: bool): void {
  if (apply) storeColumnPair(w, dBytes, f64x2.add(loadColumnPair(w, dBytes), f64x2.mul(step, v)));
  else storeColumnPair(gw, dBytes, v);
}

/**
 * The coordinates k, k + 1 (width 2) or k alone (width 1) past the 4-wide tiles, for 4 neurons
 * (the full group g) or 8 (g and the next group g2) (SIMD). A 4x4 tile's layout would leave 2 or
 * 4 independent sums here, a chain of dependent adds; instead the lanes run over neurons and x
 * is splatted, so 8 neurons x 2 coordinates keep 8 sums in flight like the full tiles. The sums
 * are transposed (one register holds one coordinate of two neurons) and stored lane by lane.
 */
@inline function edgeTile(
  g: usize, g2: usize, x: usize, gw: usize, s0: i32, s1: i32, dBytes: usize, neurons: i32, width: i32, first: bool,
  w: usize, step: v128, apply: bool,
): void {
  const pair = dBytes << 1;
  let a0 = f64x2.splat(0.0), b0 = f64x2.splat(0.0), c0 = f64x2.splat(0.0), d0 = f64x2.splat(0.0);
  let a1 = f64x2.splat(0.0), b1 = f64x2.splat(0.0), c1 = f64x2.splat(0.0), d1 = f64x2.splat(0.0);
  if (!first) {
    a0 = loadColumnPair(gw, dBytes);
    b0 = loadColumnPair(gw + pair, dBytes);
    if (neurons == 8) {
      c0 = loadColumnPair(gw + 2 * pair, dBytes);
      d0 = loadColumnPair(gw + 3 * pair, dBytes);
    }
    if (width == 2) {
      a1 = loadColumnPair(gw + 8, dBytes);
      b1 = loadColumnPair(gw + pair + 8, dBytes);
      if (neurons == 8) {
        c1 = loadColumnPair(gw + 2 * pair + 8, dBytes);
        d1 = loadColumnPair(gw + 3 * pair + 8, dBytes);
      }
    }
  }
  let gs = g + <usize>s0 * GROUP_STEP;
  let gs2 = g2 + <usize>s0 * GROUP_STEP;
  let xs = x + <usize>s0 * dBytes;
  for (let s = s0; s < s1; s++) {
    const ga = v128.load(gs);
    const gb = v128.load(gs, 16);
    const h0 = v128.load64_splat(xs);
    a0 = madd64(ga, h0, a0); b0 = madd64(gb, h0, b0);
    if (neurons == 8) {
      const gc = v128.load(gs2);
      const gd = v128.load(gs2, 16);
      c0 = madd64(gc, h0, c0); d0 = madd64(gd, h0, d0);
      if (width == 2) {
        const h1 = v128.load64_splat(xs, 8);
        a1 = madd64(ga, h1, a1); b1 = madd64(gb, h1, b1);
        c1 = madd64(gc, h1, c1); d1 = madd64(gd, h1, d1);
      }
    } else if (width == 2) {
      const h1 = v128.load64_splat(xs, 8);
      a1 = madd64(ga, h1, a1); b1 = madd64(gb, h1, b1);
    }
    gs += GROUP_STEP;
    gs2 += GROUP_STEP;
    xs += dBytes;
  }
  finishColumnPair(gw, w, dBytes, a0, step, apply);
  finishColumnPair(gw + pair, w + pair, dBytes, b0, step, apply);
  if (neurons == 8) {
    finishColumnPair(gw + 2 * pair, w + 2 * pair, dBytes, c0, step, apply);
    finishColumnPair(gw + 3 * pair, w + 3 * pair, dBytes, d0, step, apply);
  }
  if (width == 2) {
    finishColumnPair(gw + 8, w + 8, dBytes, a1, step, apply);
    finishColumnPair(gw + pair + 8, w + pair + 8, dBytes, b1, step, apply);
    if (neurons == 8) {
      finishColumnPair(gw + 2 * pair + 8, w + 2 * pair + 8, dBytes, c1, step, apply);
      finishColumnPair(gw + 3 * pair + 8, w + 3 * pair + 8, dBytes, d1, step, apply);
    }
  }
}

/** edgeTile over the d mod 4 coordinates from k = d & ~3 (SIMD). */
@inline function gradientEdge(
  g: usize, g2: usize, x: usize, gw: usize, d: i32, s0: i32, s1: i32, dBytes: usize, neurons: i32, first: bool,
  w: usize, step: v128, apply: bool,
): void {
  const rest = d & 3;
  if (rest == 0) return;
  const off = <usize>(d & ~3) << 3;
  if (rest >= 2) {
    if (first) edgeTile(g, g2, x + off, gw + off, s0, s1, dBytes, neurons, 2, true, w + off, step, apply);
    else edgeTile(g, g2, x + off, gw + off, s0, s1, dBytes, neurons, 2, false, w + off, step, apply);
  }
  if (rest != 2) {
    const one = off + (rest == 3 ? 16 : 0);
    if (first) edgeTile(g, g2, x + one, gw + one, s0, s1, dBytes, neurons, 1, true, w + one, step, apply);
    else edgeTile(g, g2, x + one, gw + one, s0, s1, dBytes, neurons, 1, false, w + one, step, apply);
  }
}

/** gradientTile4x4 over the first d & ~3 coordinates of one full group (SIMD). */
function gradientRow4(g: usize, x: usize, gw: usize, d: i32, s0: i32, s1: i32, dBytes: usize, first: bool): void {
  const d4 = d & ~3;
  const none = f64x2.splat(0.0);
  for (let k = 0; k < d4; k += 4) {
    const off = <usize>k << 3;
    if (first) gradientTile4x4(g, x + off, gw + off, s0, s1, dBytes, true, 0, none, false);
    else gradientTile4x4(g, x + off, gw + off, s0, s1, dBytes, false, 0, none, false);
  }
}

/** gradientRow4 whose sums, complete after this block, move w's rows by step * sum instead of going to gradW. */
function gradientRow4Apply(g: usize, x: usize, gw: usize, d: i32, s0: i32, s1: i32, dBytes: usize, first: bool, w: usize, step: v128): void {
  const d4 = d & ~3;
  for (let k = 0; k < d4; k += 4) {
    const off = <usize>k << 3;
    if (first) gradientTile4x4(g, x + off, gw + off, s0, s1, dBytes, true, w + off, step, true);
    else gradientTile4x4(g, x + off, gw + off, s0, s1, dBytes, false, w + off, step, true);
  }
}

/** gradientEdge for the 8 neurons of groups g and g2. */
function gradientEdge8(g: usize, g2: usize, x: usize, gw: usize, d: i32, s0: i32, s1: i32, dBytes: usize, first: bool): void {
  const none = f64x2.splat(0.0);
  if (first) gradientEdge(g, g2, x, gw, d, s0, s1, dBytes, 8, true, 0, none, false);
  else gradientEdge(g, g2, x, gw, d, s0, s1, dBytes, 8, false, 0, none, false);
}

/** gradientEdge for the 4 neurons of group g. */
function gradientEdge4(g: usize, x: usize, gw: usize, d: i32, s0: i32, s1: i32, dBytes: usize, first: bool): void {
  const none = f64x2.splat(0.0);
  if (first) gradientEdge(g, g, x, gw, d, s0, s1, dBytes, 4, true, 0, none, false);
  else gradientEdge(g, g, x, gw, d, s0, s1, dBytes, 4, false, 0, none, false);
}

/** gradientEdge that moves w (rows from w) by step * sum, for 8 or 4 neurons. */
function gradientEdgeApply(g: usize, g2: usize, x: usize, gw: usize, d: i32, s0: i32, s1: i32, dBytes: usize, first: bool, w: usize, step: v128, neurons: i32): void {
  if (neurons == 8) {
    if (first) gradientEdge(g, g2, x, gw, d, s0, s1, dBytes, 8, true, w, step, true);
    else gradientEdge(g, g2, x, gw, d, s0, s1, dBytes, 8, false, w, step, true);
  } else {
    if (first) gradientEdge(g, g, x, gw, d, s0, s1, dBytes, 4, true, w, step, true);
    else gradientEdge(g, g, x, gw, d, s0, s1, dBytes, 4, false, w, step, true);
  }
}

/**
 * accumulateBlock over the full groups of neurons i0 <= i < i0 + (i1 - i0) & ~3 (SIMD) for the
 * batch's last sample block, each sum moving w (rows from w, neuron i at w + i d) by step * sum, as
 * axpy(step, gradW, w) would after accumulateBlock, where the sums are complete and still in
 * registers; gradW is untouched. Returns the first neuron left to accumulateBlock and axpy.
 */
export function accumulateApply(g: usize, x: usize, d: i32, b: i32, s0: i32, s1: i32, i0: i32, i1: i32, gradW: usize, first: bool, w: usize, step: f64): i32 {
  if (!ASC_FEATURE_SIMD) return i0;
  const dBytes = <usize>d << 3;
  const groupBytes = <usize>b << 5;
  const st = f64x2.splat(step);
  const i4 = i0 + ((i1 - i0) & ~3);
  let i = i0;
  for (; i < i4; i += 8) {
    const gi = groupOf(g, b, i);
    const gw = gradW + <usize>i * dBytes;
    const wi = w + <usize>i * dBytes;
    const both = i + 8 <= i4;
    gradientRow4Apply(gi, x, gw, d, s0, s1, dBytes, first, wi, st);
    if (both) gradientRow4Apply(gi + groupBytes, x, gw + 4 * dBytes, d, s0, s1, dBytes, first, wi + 4 * dBytes, st);
    gradientEdgeApply(gi, gi + groupBytes, x, gw, d, s0, s1, dBytes, first, wi, st, both ? 8 : 4);
    if (!both) return i + 4;
  }
  return i;
}

/** gradW[i..i+3, k..k+3] += sum_{s0 <= s < s1} g[s, i..i+3] x[s, k..k+3] in scalar arithmetic (a full group), for the build without SIMD. */
@inline function accumulate4x4Scalar(g: usize, x: usize, gw: usize, s0: i32, s1: i32, dBytes: usize): void {
  for (let j: usize = 0; j < 4; j++) {
    const row = gw + j * dBytes;
    let c0 = load<f64>(row), c1 = load<f64>(row, 8), c2 = load<f64>(row, 16), c3 = load<f64>(row, 24);
    let gs = g + <usize>s0 * GROUP_STEP + (j << 3);
    let xs = x + <usize>s0 * dBytes;
    for (let s = s0; s < s1; s++) {
      const h = load<f64>(gs);
      c0 += h * load<f64>(xs); c1 += h * load<f64>(xs, 8);
      c2 += h * load<f64>(xs, 16); c3 += h * load<f64>(xs, 24);
      gs += GROUP_STEP;
      xs += dBytes;
    }
    store<f64>(row, c0); store<f64>(row, c1, 8); store<f64>(row, c2, 16); store<f64>(row, c3, 24);
  }
}

/** gradW[i, k] += sum_{s0 <= s < s1} g[s, i] x[s, k] for one neuron (its entries gStep bytes apart) and one coordinate. */
@inline function accumulate1x1(g: usize, gStep: usize, x: usize, gw: usize, s0: i32, s1: i32, dBytes: usize): void {
  let c = load<f64>(gw);
  let gs = g + <usize>s0 * gStep;
  let xs = x + <usize>s0 * dBytes;
  for (let s = s0; s < s1; s++) {
    c += load<f64>(gs) * load<f64>(xs);
    gs += gStep;
    xs += dBytes;
  }
  store<f64>(gw, c);
}

/**
 * gradW += g[s0:s1]^T x[s0:s1] over neurons i0 <= i < i1 (i0 a multiple of 4; g packed for a
 * batch of b) and every coordinate; in the SIMD build the 4-neuron tiles write
 * gradW = g[s0:s1]^T x[s0:s1] when first is set (the rows past the last full group need zeros).
 */
export function accumulateBlock(g: usize, x: usize, n: i32, d: i32, b: i32, s0: i32, s1: i32, i0: i32, i1: i32, gradW: usize, first: bool): void {
  const dBytes = <usize>d << 3;
  const groupBytes = <usize>b << 5;
  const i4 = i0 + ((i1 - i0) & ~3);
  const d4 = d & ~3;
  let i = i0;
  if (ASC_FEATURE_SIMD) {
    const i8 = i0 + ((i1 - i0) & ~7);
    for (; i < i8; i += 8) {
      const gi = groupOf(g, b, i);
      const gw = gradW + <usize>i * dBytes;
      gradientRow4(gi, x, gw, d, s0, s1, dBytes, first);
      gradientRow4(gi + groupBytes, x, gw + 4 * dBytes, d, s0, s1, dBytes, first);
      gradientEdge8(gi, gi + groupBytes, x, gw, d, s0, s1, dBytes, first);
    }
    if (i < i4) {
      const gi = groupOf(g, b, i);
      const gw = gradW + <usize>i * dBytes;
      gradientRow4(gi, x, gw, d, s0, s1, dBytes, first);
      gradientEdge4(gi, x, gw, d, s0, s1, dBytes, first);
      i += 4;
    }
  }
  for (; i < i4; i += 4) {
    const gi = groupOf(g, b, i);
    const gw = gradW + <usize>i * dBytes;
    for (let k = 0; k < d4; k += 4) {
      const off = <usize>k << 3;
      accumulate4x4Scalar(gi, x + off, gw + off, s0, s1, dBytes);
    }
    for (let j = 0; j < 4; j++) {
      for (let k = d4; k < d; k++) {
        const off = <usize>k << 3;
        accumulate1x1(gi + (<usize>j << 3), GROUP_STEP, x + off, gw + <usize>j * dBytes + off, s0, s1, dBytes);
      }
    }
  }
  if (i >= i1) return;
  // The last group, narrower than 4 neurons: its entries are width apart.
  const gi = groupOf(g, b, i);
  const gStep = <usize>min(4, n - i) << 3;
  for (let j = 0; i + j < i1; j++) {
    const gw = gradW + <usize>(i + j) * dBytes;
    for (let k = 0; k < d; k++) {
      const off = <usize>k << 3;
      accumulate1x1(gi + (<usize>j << 3), gStep, x + off, gw + off, s0, s1, dBytes);
    }
  }
}
