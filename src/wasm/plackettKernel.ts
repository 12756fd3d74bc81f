// Typed access to the 4-variate orthant kernel of the module (assembly/plackettOrthant.ts), the
// hot leaf of the relu committee ODE; plackettOrthant4 of src/ode/gaussianOrthant.ts is its
// TypeScript reference (test/plackettKernel.test.ts).

import type { WasmRuntime } from "./runtime.js";
import { gaussLegendre } from "../special/quadrature.js";

/**
 * P(x > 0) for a 4 x 4 Gaussian covariance by Plackett's integral in Wasm. The kernel's input
 * lives in the module's static memory (no arena allocation, nothing to free); the constructor
 * writes the Gauss–Legendre rules there.
 */
export class PlackettKernel {
  private readonly base: number;
  private cached: Float64Array | null = null;

  constructor(private readonly runtime: WasmRuntime) {
    this.base = runtime.exports.plackettBuffer();
    const rules = this.view().subarray(32);
    const twelve = gaussLegendre(12);
    const sixteen = gaussLegendre(16);
    rules.set(twelve.nodes, 0);
    rules.set(twelve.weights, 12);
    rules.set(sixteen.nodes, 24);
    rules.set(sixteen.weights, 40);
  }

  private view(): Float64Array {
    const buffer = this.runtime.arena.memory.buffer;
    if (this.cached === null || this.cached.buffer !== buffer) this.cached = new Float64Array(buffer, this.base, 96);
    return this.cached;
  }

  /** P4 of the covariance hi + lo (4 x 4 row-major each; lo the low parts of a double-double matrix, or zeros). */
  orthant4(hi: Float64Array, lo: Float64Array): number {
    const view = this.view();
    view.set(hi, 0);
    view.set(lo, 16);
    return this.runtime.exports.plackettOrthant4();
  }
}
