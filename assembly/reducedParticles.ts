// Kernels of the reduced-coordinate particle solver (src/pde/reducedParticles.ts, where the
// equations are derived): the network function at the quadrature points of the relevant
// coordinates, f_j = (1/m) sum_i a_i sigma_{r_i}(<w_S,i, x_j>), and each particle's velocity from
// the weighted residuals e_j = omega_j (f_j - y_j):
//   v_a = -sum_j e_j sigma_r(t_j),  v_r = -a sign(r) sum_j e_j d_r sigma_r(t_j),
//   v_w = -a sum_j e_j sigma_r'(t_j) x_j.
//
// Layout (f64, byte addresses):
//   state     a (m) | r (m) | w_S (m x p, row per particle); velocities use the same layout
//   x         p x q, coordinate-major (x[k q + j] is coordinate k of point j), so that sums over
//             points run over contiguous memory; the rule is symmetric, ordered so that point
//             j + (q >> 1) is minus point j for j < q >> 1, and point q - 1 is the origin when q
//             is odd
//   cache     0, or m x 3q: each particle's sigma_r, d_t sigma_r and d_r sigma_r at every point,
//             written by reducedForward and read by reducedVelocities, which then skip the
//             transcendental functions
//   scratch   4q: the pre-activations t_j, then the three rows when there is no cache
// For activations with sigma(-z) = alpha + beta z + gamma sigma(z) (gamma != 0: relu, abs, erf,
// tanh, sigmoid) the values at -t follow from those at t (evaluateParticle), which halves the
// number of exp and rational evaluations. Nothing here allocates.

import { RELU } from "./activation";
import { expNonPositivePair } from "./expNonPositive";
import { INV_SQRT_2PI, normalCdfPair, reluRadial, reluSlope, reluValue, smoothedAt, smoothedRelu } from "./smoothedActivation";

/** sum_j u_j v_j over n entries. */
@inline function dot(u: usize, v: usize, n: i32): f64 {
  let j = 0;
  let s: f64 = 0.0;
  if (ASC_FEATURE_SIMD) {
    let acc = f64x2.splat(0.0);
    for (; j + 2 <= n; j += 2) {
      const off = <usize>j << 3;
      acc = f64x2.add(acc, f64x2.mul(v128.load(u + off), v128.load(v + off)));
    }
    s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  } else {
    let even: f64 = 0.0;
    let odd: f64 = 0.0;
    for (; j + 2 <= n; j += 2) {
      const off = <usize>j << 3;
      even += load<f64>(u + off) * load<f64>(v + off);
      odd += load<f64>(u + off, 8) * load<f64>(v + off, 8);
    }
    s = even + odd;
  }
  if (j < n) s += load<f64>(u + (<usize>j << 3)) * load<f64>(v + (<usize>j << 3));
  return s;
}

/** y_j += alpha x_j over n entries. */
@inline function addScaled(alpha: f64, x: usize, y: usize, n: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const al = f64x2.splat(alpha);
    for (; j + 2 <= n; j += 2) {
      const off = <usize>j << 3;
      v128.store(y + off, f64x2.add(v128.load(y + off), f64x2.mul(al, v128.load(x + off))));
    }
  }
  for (; j < n; j++) {
    const off = <usize>j << 3;
    store<f64>(y + off, load<f64>(y + off) + alpha * load<f64>(x + off));
  }
}

/** t_j = <w, x_j> for all q points (w: p entries). */
@inline function preactivations(p: i32, w: usize, q: i32, x: usize, t: usize): void {
  const qBytes = <usize>q << 3;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 2 <= q; j += 2) {
      const off = <usize>j << 3;
      let acc = f64x2.splat(0.0);
      for (let k = 0; k < p; k++) {
        acc = f64x2.add(acc, f64x2.mul(v128.load64_splat(w + (<usize>k << 3)), v128.load(x + <usize>k * qBytes + off)));
      }
      v128.store(t + off, acc);
    }
  }
  for (; j < q; j++) {
    const off = <usize>j << 3;
    let s: f64 = 0.0;
    for (let k = 0; k < p; k++) s += load<f64>(w + (<usize>k << 3)) * load<f64>(x + <usize>k * qBytes + off);
    store<f64>(t + off, s);
  }
}

/** The three rows (sigma_r, d_t, d_r) of one particle at every point, written at dest. */
function evaluateParticle(
  p: i32, w: usize, r: f64, q: i32, x: usize,
  kind: i32, params: usize, np: i32, gn: usize, gw: usize, ng: i32,
  alpha: f64, beta: f64, gamma: f64, t: usize, dest: usize,
): void {
  preactivations(p, w, q, x, t);
  const qBytes = <usize>q << 3;
  const v = dest;
  const dt = dest + qBytes;
  const dr = dt + qBytes;
  if (gamma == 0) {
    for (let j = 0; j < q; j++) {
      const off = <usize>j << 3;
      smoothedAt(kind, params, np, gn, gw, ng, load<f64>(t + off), r, v + off, dt + off, dr + off);
    }
    return;
  }
  const h = q >> 1;
  const hBytes = <usize>h << 3;
  if (kind == RELU && r > 0) {
    // The benchmark's case, with the relu reflection written out: sigma_r(-t) = sigma_r(t) - t,
    // d_t 1 - d_t, d_r unchanged.
    const invR = 1.0 / r;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      // smoothedRelu on two points, lane by lane the same operations.
      for (; j + 2 <= h; j += 2) {
        const off = <usize>j << 3;
        const tj = v128.load(t + off);
        const u = f64x2.mul(tj, f64x2.splat(invR));
        const e = expNonPositivePair(f64x2.mul(f64x2.mul(f64x2.splat(-0.5), u), u));
        const cdf = normalCdfPair(u, e);
        const pdf = f64x2.mul(f64x2.splat(INV_SQRT_2PI), e);
        const value = f64x2.add(f64x2.mul(tj, cdf), f64x2.mul(f64x2.splat(r), pdf));
        v128.store(v + off, value);
        v128.store(dt + off, cdf);
        v128.store(dr + off, pdf);
        v128.store(v + hBytes + off, f64x2.sub(value, tj));
        v128.store(dt + hBytes + off, f64x2.sub(f64x2.splat(1.0), cdf));
        v128.store(dr + hBytes + off, pdf);
      }
    }
    for (; j < h; j++) {
      const off = <usize>j << 3;
      const tj = load<f64>(t + off);
      smoothedRelu(tj, r, invR);
      store<f64>(v + off, reluValue);
      store<f64>(dt + off, reluSlope);
      store<f64>(dr + off, reluRadial);
      store<f64>(v + hBytes + off, reluValue - tj);
      store<f64>(dt + hBytes + off, 1.0 - reluSlope);
      store<f64>(dr + hBytes + off, reluRadial);
    }
  } else for (let j = 0; j < h; j++) {
    const off = <usize>j << 3;
    const tj = load<f64>(t + off);
    smoothedAt(kind, params, np, gn, gw, ng, tj, r, v + off, dt + off, dr + off);
    store<f64>(v + hBytes + off, alpha + beta * tj + gamma * load<f64>(v + off));
    store<f64>(dt + hBytes + off, -beta - gamma * load<f64>(dt + off));
    store<f64>(dr + hBytes + off, gamma * load<f64>(dr + off));
  }
  if (q & 1) {
    const off = <usize>(q - 1) << 3;
    smoothedAt(kind, params, np, gn, gw, ng, 0.0, r, v + off, dt + off, dr + off);
  }
}

/** f_j = (1/m) sum_i a_i sigma_{r_i}(<w_S,i, x_j>) for the q points; fills the cache when cache != 0. */
export function reducedForward(
  m: i32, p: i32, state: usize, q: i32, x: usize,
  kind: i32, params: usize, np: i32, gn: usize, gw: usize, ng: i32,
  alpha: f64, beta: f64, gamma: f64, cache: usize, scratch: usize, f: usize,
): void {
  const qBytes = <usize>q << 3;
  const rows = qBytes * 3;
  const a = state;
  const r = state + (<usize>m << 3);
  const w = state + (<usize>(2 * m) << 3);
  const pBytes = <usize>p << 3;
  memory.fill(f, 0, qBytes);
  for (let i = 0; i < m; i++) {
    const dest = cache != 0 ? cache + <usize>i * rows : scratch + qBytes;
    const ri = Math.abs(load<f64>(r + (<usize>i << 3)));
    evaluateParticle(p, w + <usize>i * pBytes, ri, q, x, kind, params, np, gn, gw, ng, alpha, beta, gamma, scratch, dest);
    addScaled(load<f64>(a + (<usize>i << 3)), dest, f, q);
  }
  const inv = 1.0 / <f64>m;
  for (let j = 0; j < q; j++) store<f64>(f + (<usize>j << 3), load<f64>(f + (<usize>j << 3)) * inv);
}

/** Every particle's velocity from the weighted residuals e (q entries), written to velocity. */
export function reducedVelocities(
  m: i32, p: i32, state: usize, q: i32, x: usize,
  kind: i32, params: usize, np: i32, gn: usize, gw: usize, ng: i32,
  alpha: f64, beta: f64, gamma: f64, cache: usize, scratch: usize, e: usize, velocity: usize,
): void {
  const qBytes = <usize>q << 3;
  const rows = qBytes * 3;
  const a = state;
  const r = state + (<usize>m << 3);
  const w = state + (<usize>(2 * m) << 3);
  const va = velocity;
  const vr = velocity + (<usize>m << 3);
  const vw = velocity + (<usize>(2 * m) << 3);
  const pBytes = <usize>p << 3;
  const slopes = scratch;
  for (let i = 0; i < m; i++) {
    const iOff = <usize>i << 3;
    const ri = load<f64>(r + iOff);
    let src = scratch + qBytes;
    if (cache != 0) src = cache + <usize>i * rows;
    else evaluateParticle(p, w + <usize>i * pBytes, Math.abs(ri), q, x, kind, params, np, gn, gw, ng, alpha, beta, gamma, scratch, src);
    const ai = load<f64>(a + iOff);
    store<f64>(va + iOff, -dot(e, src, q));
    store<f64>(vr + iOff, -ai * (ri > 0 ? 1.0 : ri < 0 ? -1.0 : 0.0) * dot(e, src + 2 * qBytes, q));
    // e_j d_t sigma_r(t_j), then its moments against each coordinate.
    const dt = src + qBytes;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 2 <= q; j += 2) {
        const off = <usize>j << 3;
        v128.store(slopes + off, f64x2.mul(v128.load(e + off), v128.load(dt + off)));
      }
    }
    for (; j < q; j++) {
      const off = <usize>j << 3;
      store<f64>(slopes + off, load<f64>(e + off) * load<f64>(dt + off));
    }
    const vRow = vw + <usize>i * pBytes;
    for (let k = 0; k < p; k++) store<f64>(vRow + (<usize>k << 3), -ai * dot(slopes, x + <usize>k * qBytes, q));
  }
}
