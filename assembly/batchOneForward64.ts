// The next step's forward pass of an f64 run at batch 1, fused into this step's update of w, as
// batchOneForward32.ts does for f32: the sample of step k + 1 is drawn before the update of step
// k (online SGD draws it independently of the weights), and each group's pre-activations
// <w_i, x_{k+1}> are summed from the new weights while they are in registers, so w is read once
// and written once per step instead of read twice and written once.
//
// Bits: at batch 1 backward()'s gradient entry is madd64(g_i, x_k, 0) (gradientTile4x4 and
// edgeTile over one sample, from zero), and the update is axpy's w + alpha gradW; each neuron's
// pre-activation is dot1x4's (network.ts): two f64 lanes over the even and odd coordinates in
// order, their sum, then the last coordinate of an odd d with a multiply and an add.

import { madd64 } from "./multiplyAdd";

// The neuron index t of the 4 at idx (i32), and its row of w.
@inline function neuronOf(idx: usize, t: i32): i32 {
  return load<i32>(idx + (<usize>t << 2));
}

// new w for coordinates k, k + 1 of the row at `row`: w + alpha madd64(g, x, 0), stored.
@inline function addPair(row: usize, g: v128, x: v128, al: v128, zero: v128): v128 {
  const v = f64x2.add(v128.load(row), f64x2.mul(al, madd64(g, x, zero)));
  v128.store(row, v);
  return v;
}

/**
 * For the 4 neurons whose indices are at idx (4 i32, all below N) and one sample: with `update`,
 * w_jk += alpha madd64(g_j, x_k, 0) for k < d (g_j at g + 8 j), as backward() and axpy() do;
 * then zNext[j] = <w_j, xNext> summed as forward() sums one sample. f64 rows of d entries.
 */
@inline function fourRows64(g: usize, idx: usize, x: usize, xNext: usize, d: i32, w: usize, alpha: f64, zNext: usize, update: bool): void {
  const zero = f64x2.splat(0.0);
  const al = f64x2.splat(alpha);
  const rowBytes = <usize>d << 3;
  const j0 = neuronOf(idx, 0), j1 = neuronOf(idx, 1), j2 = neuronOf(idx, 2), j3 = neuronOf(idx, 3);
  const r0 = w + <usize>j0 * rowBytes, r1 = w + <usize>j1 * rowBytes, r2 = w + <usize>j2 * rowBytes, r3 = w + <usize>j3 * rowBytes;
  const g0 = v128.load64_splat(g + (<usize>j0 << 3)), g1 = v128.load64_splat(g + (<usize>j1 << 3));
  const g2 = v128.load64_splat(g + (<usize>j2 << 3)), g3 = v128.load64_splat(g + (<usize>j3 << 3));
  let c0 = f64x2.splat(0.0), c1 = f64x2.splat(0.0), c2 = f64x2.splat(0.0), c3 = f64x2.splat(0.0);
  const even = <usize>(d & ~1) << 3;
  for (let k: usize = 0; k < even; k += 16) {
    const u = v128.load(xNext + k);
    if (update) {
      const xk = v128.load(x + k);
      c0 = madd64(u, addPair(r0 + k, g0, xk, al, zero), c0);
      c1 = madd64(u, addPair(r1 + k, g1, xk, al, zero), c1);
      c2 = madd64(u, addPair(r2 + k, g2, xk, al, zero), c2);
      c3 = madd64(u, addPair(r3 + k, g3, xk, al, zero), c3);
    } else {
      c0 = madd64(u, v128.load(r0 + k), c0);
      c1 = madd64(u, v128.load(r1 + k), c1);
      c2 = madd64(u, v128.load(r2 + k), c2);
      c3 = madd64(u, v128.load(r3 + k), c3);
    }
  }
  let s0 = f64x2.extract_lane(c0, 0) + f64x2.extract_lane(c0, 1);
  let s1 = f64x2.extract_lane(c1, 0) + f64x2.extract_lane(c1, 1);
  let s2 = f64x2.extract_lane(c2, 0) + f64x2.extract_lane(c2, 1);
  let s3 = f64x2.extract_lane(c3, 0) + f64x2.extract_lane(c3, 1);
  if (d & 1) {
    if (update) {
      // The products as the edge tiles form them: lanes over neurons, x splatted.
      const h = v128.load64_splat(x + even);
      const pa = madd64(f64x2.replace_lane(g0, 1, f64x2.extract_lane(g1, 0)), h, zero);
      const pb = madd64(f64x2.replace_lane(g2, 1, f64x2.extract_lane(g3, 0)), h, zero);
      store<f64>(r0 + even, load<f64>(r0 + even) + alpha * f64x2.extract_lane(pa, 0));
      store<f64>(r1 + even, load<f64>(r1 + even) + alpha * f64x2.extract_lane(pa, 1));
      store<f64>(r2 + even, load<f64>(r2 + even) + alpha * f64x2.extract_lane(pb, 0));
      store<f64>(r3 + even, load<f64>(r3 + even) + alpha * f64x2.extract_lane(pb, 1));
    }
    const u0 = load<f64>(xNext + even);
    s0 += u0 * load<f64>(r0 + even);
    s1 += u0 * load<f64>(r1 + even);
    s2 += u0 * load<f64>(r2 + even);
    s3 += u0 * load<f64>(r3 + even);
  }
  store<f64>(zNext + (<usize>j0 << 3), s0);
  store<f64>(zNext + (<usize>j1 << 3), s1);
  store<f64>(zNext + (<usize>j2 << 3), s2);
  store<f64>(zNext + (<usize>j3 << 3), s3);
}

/** fourRows64 with the update (SIMD builds; onlineStep.ts takes no head start without SIMD). */
export function updateFourForwardBatchOne64(g: usize, idx: usize, x: usize, xNext: usize, d: i32, w: usize, alpha: f64, zNext: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  fourRows64(g, idx, x, xNext, d, w, alpha, zNext, true);
}

/**
 * fourRows64 without the update: for neurons whose gradient factors are all zero (with alpha <= 0
 * their update adds alpha (+0) = -0, which leaves w's bits), or whose rows are already updated.
 */
export function forwardFourBatchOne64(idx: usize, xNext: usize, d: i32, w: usize, zNext: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  fourRows64(0, idx, 0, xNext, d, w, 0.0, zNext, false);
}
