// The escape run of the overlap chain (src/experiments/overlapChain.ts has the derivation): the
// overlap m = <w, q*> of one neuron under projected online SGD on a single-index target, one
// O(1) step per sample from (z*, xi2, R), R ~ chi^2_{d-2} by Marsaglia and Tsang's rejection.
// The information exponent's s = 4 runs take 10^7-10^8 steps each, where the JavaScript loop
// (three stream readers, Horner, the rejection) cost about 100 ns a step; here the whole run is
// one call. The values are those of the TypeScript reference in test/overlapChainReference.ts,
// drawn in blocks of BLOCK values from the same three Philox streams (fillGaussian, fillUniform)
// into buffers the plan names, with the same arithmetic.
//
// Everything a run fixes is written by src/experiments/overlapChain.ts into a plan of f64 slots
// at the indices below.

import { fillGaussian, fillUniform } from "./rng";
import { pointer, slot } from "./planSlots";

/** Stream keys (k0, k1, s0, s1) of z* and xi2, of the chi-square's normals, of its uniforms. */
const XI: i32 = 0;
const NORMAL: i32 = 4;
const UNIFORM: i32 = 8;
const D: i32 = 12;
const M0: i32 = 13;
const ETA: i32 = 14;
const THRESHOLD: i32 = 15;
const HOLD: i32 = 16;
const MAX_JUMP: i32 = 17;
const CAP: i32 = 18;
/** Monomial coefficients of h, sigma, sigma' (pointers) and their counts. */
const H: i32 = 19;
const NH: i32 = 20;
const SIGMA: i32 = 21;
const NS: i32 = 22;
const DSIGMA: i32 = 23;
const NDS: i32 = 24;
/** Three buffers of BLOCK f64 each: (z*, xi2) pairs, normals, uniforms. */
const BUF_XI: i32 = 25;
const BUF_NORMAL: i32 = 26;
const BUF_UNIFORM: i32 = 27;
const BLOCK: i32 = 28;
const PLAN_SLOTS: i32 = 29;


/** Plan slots, for the TypeScript side to check its layout against. */
export function overlapChainPlanSlots(): i32 {
  return PLAN_SLOTS;
}

@inline function horner(c: usize, n: i32, t: f64): f64 {
  let s = 0.0;
  for (let k = n - 1; k >= 0; k--) s = s * t + load<f64>(c + (<usize>k << 3));
  return s;
}

/** Fills buf with values start .. start + block - 1 of the stream whose key sits at plan slots key .. key + 3. */
@inline function refill(plan: usize, key: i32, gaussian: bool, start: f64, buf: usize, block: i32): void {
  const k0 = <u32>slot(plan, key);
  const k1 = <u32>slot(plan, key + 1);
  const s0 = <u32>slot(plan, key + 2);
  const s1 = <u32>slot(plan, key + 3);
  if (gaussian) fillGaussian(k0, k1, s0, s1, start, buf, block);
  else fillUniform(k0, k1, s0, s1, start, buf, block);
}

/**
 * Steps of projected online SGD from m0 until |m| >= threshold, the first step of a stretch of
 * hold steps above it; -1 if no such stretch starts within cap steps or one step moves m by more
 * than maxJump (OverlapChainProblem in src/experiments/overlapChain.ts).
 */
export function overlapChainEscape(plan: usize): f64 {
  const d = slot(plan, D);
  const eta = slot(plan, ETA);
  const threshold = slot(plan, THRESHOLD);
  const hold = <i64>slot(plan, HOLD);
  const maxJump = slot(plan, MAX_JUMP);
  const cap = <i64>slot(plan, CAP);
  const h = pointer(plan, H);
  const nh = <i32>slot(plan, NH);
  const sigma = pointer(plan, SIGMA);
  const ns = <i32>slot(plan, NS);
  const dSigma = pointer(plan, DSIGMA);
  const nds = <i32>slot(plan, NDS);
  const bufXi = pointer(plan, BUF_XI);
  const bufNormal = pointer(plan, BUF_NORMAL);
  const bufUniform = pointer(plan, BUF_UNIFORM);
  const block = <i32>slot(plan, BLOCK);
  // Marsaglia and Tsang for Gamma((d - 2) / 2); R = 2 Gamma.
  const dd = (d - 2.0) / 2.0 - 1.0 / 3.0;
  const cc = 1.0 / Math.sqrt(9.0 * dd);
  let pXi = block;
  let pNormal = block;
  let pUniform = block;
  let sXi = 0.0;
  let sNormal = 0.0;
  let sUniform = 0.0;
  let m = slot(plan, M0);
  let since: i64 = 0;
  for (let step: i64 = 1; step <= cap + hold; step++) {
    if (pXi == block) {
      refill(plan, XI, true, sXi, bufXi, block);
      sXi += <f64>block;
      pXi = 0;
    }
    const zStar = load<f64>(bufXi + (<usize>pXi << 3));
    const xi2 = load<f64>(bufXi + (<usize>(pXi + 1) << 3));
    pXi += 2;
    let rest = 0.0;
    for (;;) {
      if (pNormal == block) {
        refill(plan, NORMAL, true, sNormal, bufNormal, block);
        sNormal += <f64>block;
        pNormal = 0;
      }
      const x = load<f64>(bufNormal + (<usize>pNormal << 3));
      pNormal++;
      const t = 1.0 + cc * x;
      if (t <= 0.0) continue;
      const v = t * t * t;
      if (pUniform == block) {
        refill(plan, UNIFORM, false, sUniform, bufUniform, block);
        sUniform += <f64>block;
        pUniform = 0;
      }
      const u = load<f64>(bufUniform + (<usize>pUniform << 3));
      pUniform++;
      const x2 = x * x;
      if (u < 1.0 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + dd * (1.0 - v + Math.log(v))) {
        rest = 2.0 * dd * v;
        break;
      }
    }
    const z = m * zStar + Math.sqrt(1.0 - m * m) * xi2;
    const k = eta * (horner(sigma, ns, z) - horner(h, nh, zStar)) * horner(dSigma, nds, z);
    const next = (m - k * (zStar - z * m)) / Math.sqrt(1.0 + k * k * (zStar * zStar + xi2 * xi2 + rest - z * z));
    if (Math.abs(next - m) > maxJump) return -1.0;
    m = next;
    if (Math.abs(m) < threshold) {
      since = 0;
      if (step >= cap) break;
      continue;
    }
    if (since == 0) since = step;
    if (step - since + 1 >= hold) return <f64>since;
  }
  return -1.0;
}
