// Random features: the first layer of the config's network frozen at its initialization (width
// M), ridge regression on the second. psi_i(x) = sigma(<w_i, x>) / sqrt(M), so that psi^T psi is
// the Monte-Carlo estimate of the NNGP with M neurons and the ridge lambda means what it means
// for the kernel methods: (Psi^T Psi + lambda I) beta = Psi^T y.

import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import type { TwoLayerNetwork } from "../model/network.js";
import type { FeatureMap } from "./featureRidge.js";

/**
 * The config's first layer frozen at initialization as M features ψ_i(x) = σ(<w_i, x>) / sqrt(M), so
 * ψᵀψ is the Monte-Carlo NNGP of M neurons and λ means what it means for the kernel methods.
 */
export class RandomFeatures implements FeatureMap {
  readonly p: number;
  readonly d: number;

  /** net stays owned by the caller; its w are the frozen features. */
  constructor(
    private readonly runtime: WasmRuntime,
    readonly net: TwoLayerNetwork,
  ) {
    if (net.bias) throw new RangeError("meanfield: random features take a network without bias");
    this.p = net.n;
    this.d = net.d;
  }

  fill(x: WasmF64Array, rows: number, phiT: WasmF64Array): void {
    const { net, p } = this;
    this.runtime.linalg.preactivations(net.w, x, rows, this.d, p, phiT);
    this.runtime.features.activationValues(net.activation, phiT, phiT, p * rows);
    const v = phiT.view;
    const s = 1 / Math.sqrt(p);
    for (let i = 0; i < p * rows; i++) v[i] = v[i]! * s;
  }

  scratchLength(): number {
    return 0;
  }

  penalty(): Float64Array {
    const out = new Float64Array(this.p * this.p);
    for (let i = 0; i < this.p; i++) out[i * (this.p + 1)] = 1;
    return out;
  }
}
