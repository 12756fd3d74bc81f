// One instance of the Wasm module with the arena that owns its memory.

import { Arena } from "./arena.js";
import type { MeanfieldExports } from "./exports.js";
import { compileMeanfield, meanfieldImports, type WasmBuild, type WasmSource } from "./loader.js";
import { FeatureKernels } from "./featureKernels.js";
import { GramKernels } from "./gramKernels.js";
import { LinearAlgebraKernels } from "./linearAlgebraKernels.js";
import { NetworkKernels } from "./networkKernels.js";
import { OnlineStepKernel } from "./onlineStepKernel.js";
import { OverlapChainKernel } from "./overlapChainKernel.js";
import { PdeKernels } from "./pdeKernels.js";
import { RandomStreams } from "./random.js";
import { ReducedKernels } from "./reducedKernels.js";
import { SpecialKernels } from "./specialKernels.js";
import type { ThreadTeam } from "./threadTeam.js";

/**
 * One loaded Wasm instance with its arena and typed kernel wrappers: everything that touches Wasm goes through
 * it.
 */
export class WasmRuntime {
  readonly arena: Arena;
  /** Batched forward/backward passes of two-layer networks. */
  readonly network: NetworkKernels;
  /** Named, seeded Philox streams. */
  readonly random: RandomStreams;
  /** Tables of Legendre (sphere) and Hermite polynomials at many points. */
  readonly special: SpecialKernels;
  /** Row products, axpy, Cholesky and triangular solves, f32 copies. */
  readonly linalg: LinearAlgebraKernels;
  /** Activation tables and the explicit features of truncated kernels. */
  readonly features: FeatureKernels;
  /** Tabulated Gram kernels and sphere series rows. */
  readonly gram: GramKernels;
  /** The finite-volume sphere PDE. */
  readonly pde: PdeKernels;
  /** Reduced-particle dynamics. */
  readonly reduced: ReducedKernels;
  /** The fused online-SGD step. */
  readonly onlineStep: OnlineStepKernel;
  /** The single-index overlap chain of projected online SGD. */
  readonly overlapChain: OverlapChainKernel;
  /**
   * The thread team open on this runtime (ThreadTeam.start until close), on which the work that
   * splits (BlockedPasses, large random fills) runs; null runs everything on this thread.
   */
  team: ThreadTeam | null = null;

  constructor(
    readonly exports: MeanfieldExports,
    /** "simd", "relaxed" (SIMD with fused multiply-adds) or "scalar", read from the module itself. */
    readonly build: Exclude<WasmBuild, "debug" | "threads" | "threadsRelaxed">,
    /** The compiled module, which worker threads instantiate over this runtime's memory. */
    readonly module: WebAssembly.Module,
  ) {
    this.arena = new Arena(exports.memory, exports.heapBase());
    this.network = new NetworkKernels(this);
    this.random = new RandomStreams(this);
    this.special = new SpecialKernels(this);
    this.linalg = new LinearAlgebraKernels(this);
    this.features = new FeatureKernels(this);
    this.gram = new GramKernels(this);
    this.pde = new PdeKernels(this);
    this.reduced = new ReducedKernels(this);
    this.onlineStep = new OnlineStepKernel(this);
    this.overlapChain = new OverlapChainKernel(this);
  }

  /** Whether the memory is shared, so threads can work on it (the threads build). */
  get sharedMemory(): boolean {
    return typeof SharedArrayBuffer !== "undefined" && this.exports.memory.buffer instanceof SharedArrayBuffer;
  }
}

/**
 * Loads a fresh runtime. In Node the module is read from the package's build/ directory;
 * in a browser it is fetched from next to the bundle, or given as `url`, `bytes` or `module`.
 * `{ build: "threads" }` gives a runtime over shared memory, which `threads > 1` needs.
 */
export async function loadRuntime(source: WasmSource = {}): Promise<WasmRuntime> {
  const module = await compileMeanfield(source);
  const instance = await WebAssembly.instantiate(module, meanfieldImports(module));
  const exports = instance.exports as unknown as MeanfieldExports;
  const build = exports.simdEnabled() ? (exports.relaxedSimdEnabled() ? "relaxed" : "simd") : "scalar";
  return new WasmRuntime(exports, build, module);
}
