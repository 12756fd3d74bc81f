// Typed access to the feature maps of the module (assembly/features.ts and the activation tables
// of assembly/activation.ts): sigma(z) and sigma'(z) over tables of pre-activations, the explicit
// features of truncated kernels, and the products the feature ridge and CG need. Features are
// stored transposed, phiT (p x rows), so one sample's features are a column. Arguments are arrays
// already in Wasm memory; offsets into an array are its subarray.

import type { WasmF64Array } from "./arena.js";
import type { WasmRuntime } from "./runtime.js";

/** An activation encoded in Wasm memory (WasmActivation). */
export interface EncodedWasmActivation {
  readonly code: number;
  readonly params: WasmF64Array;
}

/** Typed wrappers of the random-feature kernels, the only route from TS to them. */
export class FeatureKernels {
  constructor(private readonly runtime: WasmRuntime) {}

  /** out[0..count) = sigma(z[0..count)); out may be z. */
  activationValues(act: EncodedWasmActivation, z: WasmF64Array, out: WasmF64Array, count: number): void {
    this.runtime.exports.activationValues(act.code, act.params.ptr, act.params.length, z.ptr, out.ptr, count);
  }

  /** out[0..count) = sigma'(z[0..count)) (the left derivative at a kink); out may be z. */
  activationDerivatives(act: EncodedWasmActivation, z: WasmF64Array, out: WasmF64Array, count: number): void {
    this.runtime.exports.activationDerivatives(act.code, act.params.ptr, act.params.length, z.ptr, out.ptr, count);
  }

  /** phiT (count x rows) = P_{k,d}(<x_s, v_j>) for the anchors v_j, with each feature's degree code. */
  sphereFeatures(x: WasmF64Array, rows: number, d: number, anchors: WasmF64Array, degrees: WasmF64Array, count: number, phiT: WasmF64Array): void {
    this.runtime.exports.sphereFeatures(x.ptr, rows, d, anchors.ptr, degrees.ptr, count, phiT.ptr);
  }

  /** phiT (count x rows) = the orthonormal Hermite products H_alpha(x_s) named by codes (slots per code). */
  hermiteFeatures(
    x: WasmF64Array, rows: number, d: number, maxDegree: number, codes: WasmF64Array, slots: number, count: number,
    phiT: WasmF64Array, scratch: WasmF64Array,
  ): void {
    this.runtime.exports.hermiteFeatures(x.ptr, rows, d, maxDegree, codes.ptr, slots, count, phiT.ptr, scratch.ptr);
  }

  /** The lower triangle of gram (p x p, row-major) += phiT phiT^T over the block's rows. */
  accumulateNormal(phiT: WasmF64Array, p: number, rows: number, gram: WasmF64Array): void {
    const ex = this.runtime.exports;
    // The kernel packs its chunks of samples into panels (assembly/features.ts) in this scratch.
    const scratch = this.runtime.arena.f64(ex.accumulateNormalScratch(p));
    try {
      ex.accumulateNormal(phiT.ptr, p, rows, gram.ptr, scratch.ptr);
    } finally {
      scratch.free();
    }
  }

  /** out (p) += phiT v for v over the block's rows. */
  featuresTransposedTimes(phiT: WasmF64Array, p: number, rows: number, v: WasmF64Array, out: WasmF64Array): void {
    this.runtime.exports.featuresTransposedTimes(phiT.ptr, p, rows, v.ptr, out.ptr);
  }

  /** out (rows) = phiT^T u, the block's predictions of feature coefficients u (p). */
  featuresTimes(phiT: WasmF64Array, p: number, rows: number, u: WasmF64Array, out: WasmF64Array): void {
    this.runtime.exports.featuresTimes(phiT.ptr, p, rows, u.ptr, out.ptr);
  }
}
