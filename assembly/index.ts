// The one Wasm module of meanfield. Kernels work on raw pointers into linear memory; the
// TypeScript side (src/wasm/arena.ts) owns every byte above heapBase().

export { forward, backward, preactivations } from "./network";
export { activationValues, activationDerivatives } from "./activation";
export { erf } from "./erf";

/** First free byte of linear memory: the arena starts here. */
export function heapBase(): usize {
  return __heap_base;
}

/** 1 when this build uses v128 instructions, 0 for the scalar build. */
export function simdEnabled(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}
export { philoxBlock, fillUniform, fillGaussian, fillSphere } from "./rng";
export { axpy, sumSquares } from "./vector";
export { gegenbauerTable, gegenbauerDerivativeTable, hermiteTable, hermiteDerivativeTable } from "./special";
