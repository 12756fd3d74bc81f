// One instance of the Wasm module with the arena that owns its memory.

import { Arena } from "./arena.js";
import type { MeanfieldExports } from "./exports.js";
import { instantiateMeanfield, type WasmBuild, type WasmSource } from "./loader.js";
import { NetworkKernels } from "./networkKernels.js";
import { RandomStreams } from "./random.js";
import { SpecialKernels } from "./specialKernels.js";

export class WasmRuntime {
  readonly arena: Arena;
  /** Batched forward/backward passes of two-layer networks. */
  readonly network: NetworkKernels;
  /** Named, seeded Philox streams. */
  readonly random: RandomStreams;
  /** Tables of Legendre (sphere) and Hermite polynomials at many points. */
  readonly special: SpecialKernels;

  constructor(
    readonly exports: MeanfieldExports,
    /** "simd" or "scalar", read from the module itself. */
    readonly build: Exclude<WasmBuild, "debug">,
  ) {
    this.arena = new Arena(exports.memory, exports.heapBase());
    this.network = new NetworkKernels(this);
    this.random = new RandomStreams(this);
    this.special = new SpecialKernels(this);
  }
}

/**
 * Loads a fresh runtime. In Node the module is read from the package's build/ directory;
 * in a browser it is fetched from next to the bundle, or given as `url`, `bytes` or `module`.
 */
export async function loadRuntime(source: WasmSource = {}): Promise<WasmRuntime> {
  const instance = await instantiateMeanfield(source);
  const exports = instance.exports as unknown as MeanfieldExports;
  return new WasmRuntime(exports, exports.simdEnabled() ? "simd" : "scalar");
}
