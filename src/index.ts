// The public API of meanfield, the same in Node and in browsers.

export { loadRuntime, WasmRuntime } from "./wasm/runtime.js";
export { compileMeanfield, instantiateMeanfield, defaultWasmUrl, type WasmBuild, type WasmSource } from "./wasm/loader.js";
export { Arena, WasmF64Array, WasmMemoryError, MAX_WASM_BYTES } from "./wasm/arena.js";
export {
  NetworkKernels,
  WasmActivation,
  type NetworkShape,
  type ForwardBuffers,
  type BackwardBuffers,
  type ForwardInput,
  type BackwardInput,
  type KernelOptions,
} from "./wasm/networkKernels.js";
export { RandomStreams, streamKey, streamId, type StreamKey } from "./wasm/random.js";
export {
  activationSchema,
  parseActivation,
  encodeActivation,
  ACTIVATION_CODES,
  MAX_POLYNOMIAL_DEGREE,
  type Activation,
  type ActivationSpec,
  type EncodedActivation,
} from "./model/activation.js";
export { TwoLayerNetwork, outputScale, type Scaling, type NetworkOptions, type SecondLayerInit } from "./model/network.js";
export { testLoss, type LossEstimate } from "./model/testLoss.js";
export { GaussianSingleIndexTask, type GaussianSingleIndexOptions } from "./tasks/gaussianSingleIndex.js";
export { OnlineSgd, type OnlineSgdOptions } from "./train/onlineSgd.js";
