// The one Wasm module of meanfield. Kernels work on raw pointers into linear memory; the
// TypeScript side (src/wasm/arena.ts) owns every byte above heapBase().

import { NEURON_BLOCK } from "./network";

export { forward, backward, preactivations, forwardRange, linearizedForwardRange, backwardRange, reduceBlocks } from "./network";
export { activationValues, activationDerivatives } from "./activation";
export { erf } from "./erf";

/** First free byte of linear memory: the arena starts here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Neurons per block of the forward pass's reduction (the unit the *Range kernels work on). */
export function neuronBlock(): i32 {
  return NEURON_BLOCK;
}

/** 1 when this build uses v128 instructions, 0 for the scalar build. */
export function simdEnabled(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}
export { philoxBlock, fillUniform, fillGaussian, fillGaussian32, gaussianFromWords, fillSphere, fillUniformRange, fillGaussianRange, fillSphereRange } from "./rng";
export { axpy, sumSquares } from "./vector";
export { axpyRange, narrowTransposedRange } from "./teamRanges";
export { gegenbauerTable, gegenbauerDerivativeTable, hermiteTable, hermiteDerivativeTable } from "./special";
export { reducedForward, reducedVelocities } from "./reducedParticles";
export { pdeMoments, pdeStage } from "./pde";
export { sphereSeriesRows } from "./sphereSeries";
export { choleskyInPlace, solveLower, solveLowerTransposed } from "./gram";
export { blockGemv } from "./gram";
export { tableKernelRows, tableKernelRowsWork } from "./gramBlock";
export { packScaledQuads, tableCubics, tableKernelSymvPacked, tableKernelSymvWork, tableUniformMinD, tableUniformNodes } from "./gramProduct";
export { sphereFeatures, hermiteFeatures, accumulateNormal, accumulateNormalScratch, featuresTransposedTimes, featuresTimes } from "./features";
export { onlineStep, onlineStepPlanSlots } from "./onlineStep";
export { updateFourForwardBatchOne, forwardFourBatchOne, eightAheadBatchOne } from "./batchOneForward32";
export { updateFourForwardBatchOne64, forwardFourBatchOne64 } from "./batchOneForward64";
export { overlapChainEscape, overlapChainPlanSlots } from "./overlapChain";
export { plackettOrthant4, plackettBuffer } from "./plackettOrthant";
export { forward32, backward32, forward32Range, backward32Range, narrowRowsToF32, narrowTransposedToF32, paddedDim } from "./network32";

/** 1 when this build fuses multiply-adds through relaxed SIMD (relaxed_madd), 0 otherwise. */
export function relaxedSimdEnabled(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
export { collinearOrthant4, collinearBuffer } from "./collinearOrthant";
export { reluCommitteeTerms, reluTermsBytes } from "./reluCommitteeTerms";
