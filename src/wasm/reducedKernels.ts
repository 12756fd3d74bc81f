// Typed access to the reduced-particle dynamics of the module (assembly/reducedParticles.ts):
// m particles with p columns of state each, evaluated at q quadrature points of the task's
// rule. `law` holds the Gaussian law of the directions orthogonal to the support (alpha,
// beta, gamma; src/pde/reduced/reducedParticles.ts). Arguments are arrays already in Wasm memory.

import type { WasmF64Array } from "./arena.js";
import type { EncodedWasmActivation } from "./featureKernels.js";
import type { WasmRuntime } from "./runtime.js";

/** The state and rule a reduced-particle evaluation reads. */
export interface ReducedProblem {
  m: number;
  p: number;
  state: WasmF64Array;
  q: number;
  x: WasmF64Array;
  activation: EncodedWasmActivation;
  gaussNodes: WasmF64Array;
  gaussWeights: WasmF64Array;
  ng: number;
  law: { alpha: number; beta: number; gamma: number };
  /** Per-point activation values kept between forward and velocities, or null to recompute. */
  cache: WasmF64Array | null;
  scratch: WasmF64Array;
}

/** Typed wrappers of the reduced-particle kernels, the only route from TS to them. */
export class ReducedKernels {
  constructor(private readonly runtime: WasmRuntime) {}

  /** f_j = (1/m) sum_i a_i sigma_{r_i}(<w_S,i, x_j>) at the q points; fills the cache when there is one. */
  forward(problem: ReducedProblem, f: WasmF64Array): void {
    const { m, p, state, q, x, activation: act, gaussNodes, gaussWeights, ng, law, cache, scratch } = problem;
    this.runtime.exports.reducedForward(
      m, p, state.ptr, q, x.ptr, act.code, act.params.ptr, act.params.length, gaussNodes.ptr, gaussWeights.ptr, ng,
      law.alpha, law.beta, law.gamma, cache?.ptr ?? 0, scratch.ptr, f.ptr,
    );
  }

  /** Every particle's velocity from the weighted residuals e (q entries), written to velocity. */
  velocities(problem: ReducedProblem, e: WasmF64Array, velocity: WasmF64Array): void {
    const { m, p, state, q, x, activation: act, gaussNodes, gaussWeights, ng, law, cache, scratch } = problem;
    this.runtime.exports.reducedVelocities(
      m, p, state.ptr, q, x.ptr, act.code, act.params.ptr, act.params.length, gaussNodes.ptr, gaussWeights.ptr, ng,
      law.alpha, law.beta, law.gamma, cache?.ptr ?? 0, scratch.ptr, e.ptr, velocity.ptr,
    );
  }
}
