// Label noise of a fixed training set (Takakura, Suzuki 2024, arXiv 2403.14917, Section 6: the
// training labels are y_b = f*(x_b) + eps_b with eps_b ~ Unif[-sigma, sigma], independent of x;
// test losses stay against the clean target). One draw per training index from its own stream,
// so every model trained on "the n samples of seed s" (network, random features, kernels) sees
// the same noisy labels.

import type { WasmRuntime } from "../wasm/runtime.js";

/** Stream of the label noise, apart from the streams of x and y. */
export const LABEL_NOISE_STREAM = "train.labelNoise";

/** eps_0 .. eps_{n-1} ~ Unif[-halfWidth, halfWidth] for the training set of `seed`. */
export function labelNoise(runtime: WasmRuntime, seed: number, n: number, halfWidth: number): Float64Array {
  if (!(Number.isFinite(halfWidth) && halfWidth >= 0)) throw new RangeError(`meanfield: labelNoise: expected a finite half-width >= 0, got ${halfWidth}`);
  return runtime.random.uniform(seed, LABEL_NOISE_STREAM, n).map((u) => halfWidth * (2 * u - 1));
}
