// Explicit features of inner-product kernels and the streaming normal equations of a linear
// model on them (kernel ridge regression with the kernel truncated at degree K).
//
// Features are written feature-major (phiT[j * rows + s] for feature j of sample s), so that
// every inner product of the normal equations runs along contiguous memory.

import { dot } from "./gram";
import { dot00, dot01, dot10, dot11, dotTile2x2 } from "./dotTile";

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

// gram[i, j..j+1] and gram[i+1, j..j+1] += the four inner products of rows i, i + 1 and j, j + 1
// of phiT, sharing their loads; with j == i the (i, i + 1) entry is above the diagonal and skipped.
@inline function accumulate2x2(phiT: usize, rows: i32, gram: usize, p: i32, i: i32, j: i32): void {
  const rowBytes = <usize>rows << 3;
  const xi0 = phiT + <usize>i * rowBytes;
  const xi1 = xi0 + rowBytes;
  const xj0 = phiT + <usize>j * rowBytes;
  const xj1 = xj0 + rowBytes;
  dotTile2x2(xi0, xi1, xj0, xj1, rows);
  const gBytes = <usize>p << 3;
  const q = gram + ((<usize>i * <usize>p + <usize>j) << 3);
  store<f64>(q, load<f64>(q) + dot00);
  if (j != i) store<f64>(q + 8, load<f64>(q + 8) + dot01);
  store<f64>(q + gBytes, load<f64>(q + gBytes) + dot10);
  store<f64>(q + gBytes + 8, load<f64>(q + gBytes + 8) + dot11);
}

/** Lower triangle of the p x p row-major gram += phiT phiT^T (phiT is p x rows). */
export function accumulateNormal(phiT: usize, p: i32, rows: i32, gram: usize): void {
  const rowBytes = <usize>rows << 3;
  let i = 0;
  for (; i + 1 < p; i += 2) {
    for (let j = 0; j <= i; j += 2) accumulate2x2(phiT, rows, gram, p, i, j);
  }
  if (i < p) {
    const xi = phiT + <usize>i * rowBytes;
    for (let j = 0; j <= i; j++) {
      const q = gram + ((<usize>i * <usize>p + <usize>j) << 3);
      store<f64>(q, load<f64>(q) + dot(xi, phiT + <usize>j * rowBytes, rows));
    }
  }
}

/** out_j += <phiT_j, v> for the p features (phiT is p x rows): the right-hand side Phi^T v. */
export function featuresTransposedTimes(phiT: usize, p: i32, rows: i32, v: usize, out: usize): void {
  const rowBytes = <usize>rows << 3;
  for (let j = 0; j < p; j++) {
    const o = out + (<usize>j << 3);
    store<f64>(o, load<f64>(o) + dot(phiT + <usize>j * rowBytes, v, rows));
  }
}

/** out_s = sum_j phiT[j, s] u_j: predictions Phi u of the rows samples. */
export function featuresTimes(phiT: usize, p: i32, rows: i32, u: usize, out: usize): void {
  const rowBytes = <usize>rows << 3;
  memory.fill(out, 0, rowBytes);
  for (let j = 0; j < p; j++) {
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
