// Gaussian-smoothed activations sigma_r(t) = E_g[sigma(t + r g)], g ~ N(0,1), with
// d sigma_r / dt = E_g[sigma'(t + r g)] and d sigma_r / dr = E_g[sigma'(t + r g) g]: the neuron of a
// reduced particle (a, w_S, r) seen from the relevant coordinates, the perpendicular part of its
// pre-activation being N(0, r^2) (src/pde/reducedParticles.ts).
//
// Closed forms where they exist, with u = t / r, Phi and phi the standard normal cdf and density:
//   relu   sigma_r = t Phi(u) + r phi(u),          d_t = Phi(u),          d_r = phi(u)
//   piecewise-linear K + s_0 t + sum_j delta_j (t - b_j)_+: the relu terms at t - b_j
//   abs    = 2 relu - identity
//   erf    sigma_r = erf(t / s), s = sqrt(1 + 2 r^2)
// polynomial, tanh and sigmoid: the Gauss-Hermite rule in g passed by the caller (exact for a
// polynomial of degree <= 2 * nodes - 1). At r = 0, sigma itself, sigma' (left derivative at a
// kink, as assembly/activation.ts) and d_r = 0: sigma_r is even in r, so its r-derivative
// vanishes there.
//
// The three values at a point go to v, dt and dr (byte addresses).

import { activationDerivative, activationValue, ABS, ERF, PIECEWISE, RELU } from "./activation";
import { erfcx, erfcxLargePair, erfcxMidPair, erfSmall, erfSmallPair, erfWith, ERFCX_ASYMPTOTIC, ERF_SMALL_LIMIT } from "./codyErf";
import { expNonPositive } from "./expNonPositive";

export const INV_SQRT_2PI: f64 = 0.3989422804014327;
const SQRT_HALF: f64 = 0.7071067811865476;
const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;

/** Phi(u), given e = exp(-u^2/2). */
@inline function normalCdf(u: f64, e: f64): f64 {
  const y = Math.abs(u) * SQRT_HALF;
  if (y < ERF_SMALL_LIMIT) return 0.5 + 0.5 * erfSmall(u * SQRT_HALF);
  const tail = 0.5 * e * erfcx(y);
  return u < 0 ? tail : 1.0 - tail;
}

/**
 * normalCdf on two lanes, lane by lane the same operations; an interval's rational is evaluated
 * only when some lane needs it, so lanes in the same interval (the common case) cost one.
 */
@inline export function normalCdfPair(u: v128, e: v128): v128 {
  const y = f64x2.mul(f64x2.abs(u), f64x2.splat(SQRT_HALF));
  const small = f64x2.lt(y, f64x2.splat(ERF_SMALL_LIMIT));
  const large = f64x2.gt(y, f64x2.splat(ERFCX_ASYMPTOTIC));
  let cdf = f64x2.splat(0.0);
  if (i64x2.bitmask(small) != 3) {
    let scaled = erfcxMidPair(y);
    if (v128.any_true(large)) scaled = v128.bitselect(erfcxLargePair(y), scaled, large);
    const tail = f64x2.mul(f64x2.mul(f64x2.splat(0.5), e), scaled);
    cdf = v128.bitselect(tail, f64x2.sub(f64x2.splat(1.0), tail), f64x2.lt(u, f64x2.splat(0.0)));
  }
  if (v128.any_true(small)) {
    const central = f64x2.add(f64x2.splat(0.5), f64x2.mul(f64x2.splat(0.5), erfSmallPair(f64x2.mul(u, f64x2.splat(SQRT_HALF)))));
    cdf = v128.bitselect(central, cdf, small);
  }
  return cdf;
}

// The relu term's three values: globals are how an inlined function returns three numbers
// without a round trip through memory.
export let reluValue: f64 = 0;
export let reluSlope: f64 = 0;
export let reluRadial: f64 = 0;

/** The smoothed relu at t for r > 0 (invR = 1/r), into reluValue, reluSlope, reluRadial. */
@inline export function smoothedRelu(t: f64, r: f64, invR: f64): void {
  const u = t * invR;
  const e = expNonPositive(-0.5 * u * u);
  const cdf = normalCdf(u, e);
  const pdf = INV_SQRT_2PI * e;
  reluValue = t * cdf + r * pdf;
  reluSlope = cdf;
  reluRadial = pdf;
}

/** sigma_r(t) and its two derivatives for r >= 0; gn, gw: Gauss-Hermite nodes and weights (ng of them). */
export function smoothedAt(
  kind: i32, p: usize, np: i32, gn: usize, gw: usize, ng: i32, t: f64, r: f64, v: usize, dt: usize, dr: usize,
): void {
  if (r == 0) {
    store<f64>(v, activationValue(kind, p, np, t));
    store<f64>(dt, activationDerivative(kind, p, np, t));
    store<f64>(dr, 0.0);
    return;
  }
  switch (kind) {
    case RELU: {
      smoothedRelu(t, r, 1.0 / r);
      store<f64>(v, reluValue);
      store<f64>(dt, reluSlope);
      store<f64>(dr, reluRadial);
      return;
    }
    case ABS: {
      smoothedRelu(t, r, 1.0 / r);
      store<f64>(v, 2.0 * reluValue - t);
      store<f64>(dt, 2.0 * reluSlope - 1.0);
      store<f64>(dr, 2.0 * reluRadial);
      return;
    }
    case PIECEWISE: {
      const invR = 1.0 / r;
      let sv = load<f64>(p) + load<f64>(p, 8) * t;
      let sd = load<f64>(p, 8);
      let sr: f64 = 0.0;
      for (let j = 2; j < np; j += 2) {
        const b = load<f64>(p + (<usize>j << 3));
        const delta = load<f64>(p + (<usize>(j + 1) << 3));
        smoothedRelu(t - b, r, invR);
        sv += delta * reluValue;
        sd += delta * reluSlope;
        sr += delta * reluRadial;
      }
      store<f64>(v, sv);
      store<f64>(dt, sd);
      store<f64>(dr, sr);
      return;
    }
    case ERF: {
      const s2 = 1.0 + 2.0 * r * r;
      const s = Math.sqrt(s2);
      const y = t / s;
      const e = Math.exp(-y * y);
      const slope = (TWO_OVER_SQRT_PI / s) * e;
      store<f64>(v, erfWith(y, e));
      store<f64>(dt, slope);
      store<f64>(dr, (-2.0 * r * t / s2) * slope);
      return;
    }
    default: {
      let sv: f64 = 0.0;
      let sd: f64 = 0.0;
      let sr: f64 = 0.0;
      for (let k = 0; k < ng; k++) {
        const off = <usize>k << 3;
        const g = load<f64>(gn + off);
        const w = load<f64>(gw + off);
        const z = t + r * g;
        const slope = activationDerivative(kind, p, np, z);
        sv += w * activationValue(kind, p, np, z);
        sd += w * slope;
        sr += w * slope * g;
      }
      store<f64>(v, sv);
      store<f64>(dt, sd);
      store<f64>(dr, sr);
    }
  }
}
