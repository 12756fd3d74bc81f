// Activations sigma and their derivatives, applied elementwise to pre-activations.
//
// An activation is (kind, params, nparams) with params a pointer to f64 values in linear
// memory, in the canonical layout written by src/model/activation.ts:
//   POLYNOMIAL  c_0 .. c_{np-1}:         sigma(z) = sum_k c_k z^k   (np <= 13, degree <= 12)
//   PIECEWISE   K, s_0, (b_j, delta_j)*: sigma(z) = K + s_0 z + sum_j delta_j max(z - b_j, 0)
//   RELU, ABS, TANH, ERF, SIGMOID take no parameters.
// At a kink the derivative is the left derivative (relu'(0) = 0, abs'(0) = 0), which is what
// a subgradient method needs to be deterministic, and matches the TypeScript reference.

import { erf, erfDerivative } from "./erf";

export const POLYNOMIAL: i32 = 0;
export const RELU: i32 = 1;
export const ABS: i32 = 2;
export const TANH: i32 = 3;
export const ERF: i32 = 4;
export const SIGMOID: i32 = 5;
export const PIECEWISE: i32 = 6;

@inline function param(p: usize, k: i32): f64 {
  return load<f64>(p + (<usize>k << 3));
}

function sigmoid(z: f64): f64 {
  return 1.0 / (1.0 + Math.exp(-z));
}

export function activationValue(kind: i32, p: usize, np: i32, z: f64): f64 {
  switch (kind) {
    case POLYNOMIAL: {
      let s = param(p, np - 1);
      for (let k = np - 2; k >= 0; k--) s = s * z + param(p, k);
      return s;
    }
    case RELU: return z > 0 ? z : 0.0;
    case ABS: return Math.abs(z);
    case TANH: return Math.tanh(z);
    case ERF: return erf(z);
    case SIGMOID: return sigmoid(z);
    default: {
      let s = param(p, 0) + param(p, 1) * z;
      for (let j = 2; j < np; j += 2) {
        const u = z - param(p, j);
        if (u > 0) s += param(p, j + 1) * u;
      }
      return s;
    }
  }
}

export function activationDerivative(kind: i32, p: usize, np: i32, z: f64): f64 {
  switch (kind) {
    case POLYNOMIAL: {
      if (np < 2) return 0.0;
      let s = <f64>(np - 1) * param(p, np - 1);
      for (let k = np - 2; k >= 1; k--) s = s * z + <f64>k * param(p, k);
      return s;
    }
    case RELU: return z > 0 ? 1.0 : 0.0;
    case ABS: return z > 0 ? 1.0 : z < 0 ? -1.0 : 0.0;
    case TANH: {
      const t = Math.tanh(z);
      return 1.0 - t * t;
    }
    case ERF: return erfDerivative(z);
    case SIGMOID: {
      const s = sigmoid(z);
      return s * (1.0 - s);
    }
    default: {
      let s = param(p, 1);
      for (let j = 2; j < np; j += 2) {
        if (z > param(p, j)) s += param(p, j + 1);
      }
      return s;
    }
  }
}

// Two lanes at once. Transcendental kinds go lane by lane through the scalar code so both
// builds (SIMD and scalar) produce the same bits.
@inline export function valuePair(kind: i32, p: usize, np: i32, z: v128): v128 {
  switch (kind) {
    case POLYNOMIAL: {
      let s = v128.load64_splat(p + (<usize>(np - 1) << 3));
      for (let k = np - 2; k >= 0; k--) {
        s = f64x2.add(f64x2.mul(s, z), v128.load64_splat(p + (<usize>k << 3)));
      }
      return s;
    }
    case RELU: return f64x2.pmax(z, f64x2.splat(0.0));
    case ABS: return f64x2.abs(z);
    case PIECEWISE: {
      let s = f64x2.add(v128.load64_splat(p), f64x2.mul(v128.load64_splat(p + 8), z));
      const zero = f64x2.splat(0.0);
      for (let j = 2; j < np; j += 2) {
        const u = f64x2.pmax(f64x2.sub(z, v128.load64_splat(p + (<usize>j << 3))), zero);
        s = f64x2.add(s, f64x2.mul(v128.load64_splat(p + (<usize>(j + 1) << 3)), u));
      }
      return s;
    }
    default: {
      const lo = activationValue(kind, p, np, f64x2.extract_lane(z, 0));
      const hi = activationValue(kind, p, np, f64x2.extract_lane(z, 1));
      return f64x2.replace_lane(f64x2.splat(lo), 1, hi);
    }
  }
}

@inline export function derivativePair(kind: i32, p: usize, np: i32, z: v128): v128 {
  switch (kind) {
    case POLYNOMIAL: {
      if (np < 2) return f64x2.splat(0.0);
      let s = f64x2.splat(<f64>(np - 1) * param(p, np - 1));
      for (let k = np - 2; k >= 1; k--) {
        s = f64x2.add(f64x2.mul(s, z), f64x2.splat(<f64>k * param(p, k)));
      }
      return s;
    }
    case RELU: return v128.and(f64x2.gt(z, f64x2.splat(0.0)), f64x2.splat(1.0));
    case ABS: {
      const zero = f64x2.splat(0.0);
      const pos = v128.and(f64x2.gt(z, zero), f64x2.splat(1.0));
      const neg = v128.and(f64x2.lt(z, zero), f64x2.splat(1.0));
      return f64x2.sub(pos, neg);
    }
    case PIECEWISE: {
      let s = v128.load64_splat(p + 8);
      for (let j = 2; j < np; j += 2) {
        const on = f64x2.gt(z, v128.load64_splat(p + (<usize>j << 3)));
        s = f64x2.add(s, v128.and(on, v128.load64_splat(p + (<usize>(j + 1) << 3))));
      }
      return s;
    }
    default: {
      const lo = activationDerivative(kind, p, np, f64x2.extract_lane(z, 0));
      const hi = activationDerivative(kind, p, np, f64x2.extract_lane(z, 1));
      return f64x2.replace_lane(f64x2.splat(lo), 1, hi);
    }
  }
}

/** rowDot's vector loop for one kind: after inlining with a constant kind the switch in valuePair folds away. */
@inline function rowDotPairs(kind: i32, p: usize, np: i32, z: usize, a: usize, n: i32): v128 {
  let acc = f64x2.splat(0.0);
  for (let i = 0; i + 2 <= n; i += 2) {
    const off = <usize>i << 3;
    acc = f64x2.add(acc, f64x2.mul(v128.load(a + off), valuePair(kind, p, np, v128.load(z + off))));
  }
  return acc;
}

/** sum_i a[i] * sigma(z[i]) over n entries. */
export function rowDot(kind: i32, p: usize, np: i32, z: usize, a: usize, n: i32): f64 {
  let i = 0;
  let total: f64 = 0.0;
  if (ASC_FEATURE_SIMD) {
    let acc: v128;
    switch (kind) {
      case RELU: acc = rowDotPairs(RELU, p, np, z, a, n); break;
      case ABS: acc = rowDotPairs(ABS, p, np, z, a, n); break;
      case POLYNOMIAL: acc = rowDotPairs(POLYNOMIAL, p, np, z, a, n); break;
      case PIECEWISE: acc = rowDotPairs(PIECEWISE, p, np, z, a, n); break;
      default: acc = rowDotPairs(kind, p, np, z, a, n);
    }
    i = n & ~1;
    total = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  } else {
    let even: f64 = 0.0;
    let odd: f64 = 0.0;
    for (; i + 2 <= n; i += 2) {
      const off = <usize>i << 3;
      even += load<f64>(a + off) * activationValue(kind, p, np, load<f64>(z + off));
      odd += load<f64>(a + off, 8) * activationValue(kind, p, np, load<f64>(z + off, 8));
    }
    total = even + odd;
  }
  if (i < n) {
    const off = <usize>i << 3;
    total += load<f64>(a + off) * activationValue(kind, p, np, load<f64>(z + off));
  }
  return total;
}

/** sum_i a[i] * sigma'(z[i]) * t[i] over n entries, summed like rowDot. */
export function tangentDot(kind: i32, p: usize, np: i32, z: usize, a: usize, t: usize, n: i32): f64 {
  let i = 0;
  let total: f64 = 0.0;
  if (ASC_FEATURE_SIMD) {
    let acc = f64x2.splat(0.0);
    for (; i + 2 <= n; i += 2) {
      const off = <usize>i << 3;
      const slope = f64x2.mul(v128.load(a + off), derivativePair(kind, p, np, v128.load(z + off)));
      acc = f64x2.add(acc, f64x2.mul(slope, v128.load(t + off)));
    }
    total = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  } else {
    let even: f64 = 0.0;
    let odd: f64 = 0.0;
    for (; i + 2 <= n; i += 2) {
      const off = <usize>i << 3;
      even += load<f64>(a + off) * activationDerivative(kind, p, np, load<f64>(z + off)) * load<f64>(t + off);
      odd += load<f64>(a + off, 8) * activationDerivative(kind, p, np, load<f64>(z + off, 8)) * load<f64>(t + off, 8);
    }
    total = even + odd;
  }
  if (i < n) {
    const off = <usize>i << 3;
    total += load<f64>(a + off) * activationDerivative(kind, p, np, load<f64>(z + off)) * load<f64>(t + off);
  }
  return total;
}

/** rowBackward's vector loop for one kind (the switches fold away once kind is a constant); returns the entries done. */
@inline function rowBackwardPairs(kind: i32, p: usize, np: i32, z: usize, a: usize, n: i32, coef: f64, gradA: usize, g: usize): i32 {
  const c = f64x2.splat(coef);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const off = <usize>i << 3;
    const zz = v128.load(z + off);
    v128.store(gradA + off, f64x2.add(v128.load(gradA + off), f64x2.mul(c, valuePair(kind, p, np, zz))));
    v128.store(g + off, f64x2.mul(f64x2.mul(c, v128.load(a + off)), derivativePair(kind, p, np, zz)));
  }
  return i;
}

/**
 * One sample's share of the backward pass, for coef = scale * r_b:
 * gradA[i] += coef * sigma(z[i]);  g[i] = coef * a[i] * sigma'(z[i]).
 */
export function rowBackward(
  kind: i32, p: usize, np: i32, z: usize, a: usize, n: i32, coef: f64, gradA: usize, g: usize,
): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    switch (kind) {
      case RELU: i = rowBackwardPairs(RELU, p, np, z, a, n, coef, gradA, g); break;
      case ABS: i = rowBackwardPairs(ABS, p, np, z, a, n, coef, gradA, g); break;
      case POLYNOMIAL: i = rowBackwardPairs(POLYNOMIAL, p, np, z, a, n, coef, gradA, g); break;
      case PIECEWISE: i = rowBackwardPairs(PIECEWISE, p, np, z, a, n, coef, gradA, g); break;
      default: i = rowBackwardPairs(kind, p, np, z, a, n, coef, gradA, g);
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 3;
    const zz = load<f64>(z + off);
    store<f64>(gradA + off, load<f64>(gradA + off) + coef * activationValue(kind, p, np, zz));
    store<f64>(g + off, coef * load<f64>(a + off) * activationDerivative(kind, p, np, zz));
  }
}

/** out[i] = sigma(z[i]); out may equal z. */
export function activationValues(kind: i32, p: usize, np: i32, z: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= n; i += 2) {
      const off = <usize>i << 3;
      v128.store(out + off, valuePair(kind, p, np, v128.load(z + off)));
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(out + off, activationValue(kind, p, np, load<f64>(z + off)));
  }
}

/** out[i] = sigma'(z[i]); out may equal z. */
export function activationDerivatives(kind: i32, p: usize, np: i32, z: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= n; i += 2) {
      const off = <usize>i << 3;
      v128.store(out + off, derivativePair(kind, p, np, v128.load(z + off)));
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(out + off, activationDerivative(kind, p, np, load<f64>(z + off)));
  }
}
