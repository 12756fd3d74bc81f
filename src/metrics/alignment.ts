// Centered kernel-target alignment of the network's current feature kernel with the target
// (Takakura, Suzuki 2024, arXiv 2403.14917: it rises from O(1/sqrt d) at initialization to
// Omega(1) as features are learned). On the fixed alignment set (stream "alignment",
// config.metrics.alignmentSamples = m rows, drawn once), with features F_bi = sigma(<w_i, x_b>)
// (bias included), K = F F^T (m x m, unweighted by a) and the centering H = I - 1 1^T / m:
//   alignment  A(K, y) = (Hy)^T (HKH) (Hy) / (||HKH||_F ||Hy||^2), in [0, 1]; null if HKH or Hy is 0.
// Centering (Cortes, Mohri, Rostamizadeh 2012, arXiv 1203.0550) removes the constant part every
// kernel shares with E[y]^2 and the constant feature: the uncentered A of random ReLU features is
// dominated by that part and starts near 1/d rather than at the paper's 1/sqrt(d).
//
// HKH = (HF)(HF)^T, so centering is subtracting each neuron's mean over the set. y^T K y =
// |F^T y|^2 costs O(mN). ||K||_F = ||F F^T||_F = ||F^T F||_F, so the Gram matrix is
// formed over whichever of samples and neurons is fewer (R = min(m, N) rows of length
// max(m, N)), by the Wasm GEMM `preactivations`, in blocks of rows against the rows before them
// (the lower triangle, off-diagonal entries counted twice): R^2 max(m, N) / 2 multiply-adds and
// a bounded scratch block instead of an R x R matrix.

import type { WasmF64Array } from "../wasm/arena.js";
import type { Metric, MetricContext } from "./metric.js";
import { drawSampleSet } from "./samples.js";

/** Entries of the scratch block of Gram rows (8 MiB). */
const BLOCK_ENTRIES = 1 << 20;

/**
 * Centered kernel-target alignment A(K, y) = (Hy)ᵀ HKH (Hy) / (‖HKH‖_F ‖Hy‖²) in [0, 1] of the
 * feature kernel K = F Fᵀ (F_bi = σ(<w_i, x_b>), bias included, not weighted by a) on the fixed
 * "alignment" set; centered so it starts at O(1/sqrt d) as in Takakura, Suzuki 2024, not near 1/d.
 */
export function createAlignment(ctx: MetricContext): Metric {
  const { runtime, task, net, config } = ctx;
  const m = config.metrics.alignmentSamples;
  const { n, inputDim } = net;
  const byNeuron = n < m;
  const rows = Math.min(m, n);
  const length = Math.max(m, n);
  const blockRows = Math.max(1, Math.floor(BLOCK_ENTRIES / rows));
  const set = drawSampleSet(task, net, "alignment", m);
  let features: WasmF64Array;
  let block: WasmF64Array;
  try {
    features = runtime.arena.f64(m * n);
    try {
      block = runtime.arena.f64(Math.min(blockRows, rows) * rows);
    } catch (err) {
      features.free();
      throw err;
    }
  } catch (err) {
    set.free();
    throw err;
  }

  function alignment(): number | null {
    // Rows of `features` are neurons (N x m, F^T) when they are fewer, else samples (m x N).
    if (byNeuron) runtime.linalg.preactivations(net.w, set.x, m, inputDim, n, features);
    else runtime.linalg.preactivations(set.x, net.w, n, inputDim, m, features);
    const act = net.activation;
    runtime.features.activationValues(act, features, features, m * n);
    const f = features.view;
    const y = Float64Array.from(set.y.view);
    const yMean = y.reduce((s, v) => s + v, 0) / m;
    for (let b = 0; b < m; b++) y[b]! -= yMean;
    const mean = new Float64Array(n);
    if (byNeuron) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let b = 0; b < m; b++) s += f[i * m + b]!;
        s /= m;
        for (let b = 0; b < m; b++) f[i * m + b]! -= s;
      }
    } else {
      for (let b = 0; b < m; b++) for (let i = 0; i < n; i++) mean[i]! += f[b * n + i]! / m;
      for (let b = 0; b < m; b++) for (let i = 0; i < n; i++) f[b * n + i]! -= mean[i]!;
    }
    const v = new Float64Array(n);
    if (byNeuron) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let b = 0; b < m; b++) s += f[i * m + b]! * y[b]!;
        v[i] = s;
      }
    } else {
      for (let b = 0; b < m; b++) {
        const yb = y[b]!;
        for (let i = 0; i < n; i++) v[i]! += yb * f[b * n + i]!;
      }
    }
    let numerator = 0;
    for (const vi of v) numerator += vi * vi;
    let yy = 0;
    for (const yb of y) yy += yb * yb;
    let frobenius2 = 0;
    for (let r0 = 0; r0 < rows; r0 += blockRows) {
      const r1 = Math.min(rows, r0 + blockRows);
      runtime.linalg.preactivations(features.subarray(r0 * length), features, r1, length, r1 - r0, block);
      const g = block.view;
      for (let s = 0; s < r1 - r0; s++) {
        const row = r0 + s;
        let off = 0;
        for (let c = 0; c < row; c++) off += g[s * r1 + c]! ** 2;
        frobenius2 += 2 * off + g[s * r1 + row]! ** 2;
      }
    }
    const denominator = Math.sqrt(frobenius2) * yy;
    return denominator > 0 ? numerator / denominator : null;
  }

  return {
    record(out) {
      out.alignment = alignment();
    },
    free() {
      features.free();
      block.free();
      set.free();
    },
  };
}

/**
 * Kernel-target alignment of an explicit m x m kernel matrix (row-major, symmetric) with y:
 * centered (default) (Hy)^T HKH (Hy) / (||HKH||_F ||Hy||^2) as the metric above, or uncentered
 * y^T K y / (||K||_F ||y||^2); null if a norm is 0.
 */
export function kernelAlignment(gram: Float64Array, y: Float64Array, centered = true): number | null {
  const m = y.length;
  if (gram.length !== m * m) throw new RangeError(`meanfield: kernelAlignment: expected an ${m} x ${m} kernel for ${m} labels, got ${gram.length} entries`);
  const rowMean = new Float64Array(m);
  let grand = 0;
  let yMean = 0;
  if (centered) {
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let c = 0; c < m; c++) s += gram[b * m + c]!;
      rowMean[b] = s / m;
      grand += s / (m * m);
      yMean += y[b]! / m;
    }
  }
  let yKy = 0;
  let frobenius2 = 0;
  let yy = 0;
  for (let b = 0; b < m; b++) {
    const yb = y[b]! - yMean;
    yy += yb * yb;
    for (let c = 0; c < m; c++) {
      // The symmetric kernel's row means are its column means.
      const k = gram[b * m + c]! - rowMean[b]! - rowMean[c]! + grand;
      yKy += yb * k * (y[c]! - yMean);
      frobenius2 += k * k;
    }
  }
  const denominator = Math.sqrt(frobenius2) * yy;
  return denominator > 0 ? yKy / denominator : null;
}
