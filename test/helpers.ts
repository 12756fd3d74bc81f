// Shared test utilities: both Wasm builds, seeded random inputs, error measures.

import type { ActivationSpec } from "../src/activation/spec.js";
import { loadRuntime, type WasmRuntime } from "../src/wasm/runtime.js";

export const BUILDS = ["simd", "scalar"] as const;

const runtimes = new Map<string, Promise<WasmRuntime>>();

/** One runtime per build, shared by a test file. */
export function runtimeFor(build: (typeof BUILDS)[number]): Promise<WasmRuntime> {
  let rt = runtimes.get(build);
  if (!rt) {
    rt = loadRuntime({ build });
    runtimes.set(build, rt);
  }
  return rt;
}

/** mulberry32: a tiny seeded generator for test inputs, independent of the Philox kernels. */
export function testRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normals from a uniform source (Box-Muller). */
export function normals(rand: () => number, count: number, scale = 1): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = scale * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  }
  return out;
}

/** Normwise relative error max|actual - expected| / max|expected| (0 when both vanish). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let diff = 0;
  let size = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    size = Math.max(size, Math.abs(expected[i]!));
  }
  if (Number.isNaN(diff)) return Number.NaN;
  return size === 0 ? diff : diff / size;
}

/** Every activation kind, with polynomials of several degrees and piecewise-linear shapes. */
export const ACTIVATIONS: [string, ActivationSpec][] = [
  ["relu", "relu"],
  ["abs", "abs"],
  ["tanh", "tanh"],
  ["erf", "erf"],
  ["sigmoid", "sigmoid"],
  ["quartic", { kind: "polynomial", coefficients: [0.3, -1, 0.5, 0.25, 1] }],
  ["degree 12", { kind: "polynomial", coefficients: [1, -0.5, 0.3, 0.1, -0.2, 0.05, 0.01, -0.02, 0.004, 0.001, -0.0005, 0.0001, 0.00002] }],
  ["constant", { kind: "polynomial", coefficients: [2.5] }],
  ["piecewise (MMN18-like)", { kind: "piecewiseLinear", breakpoints: [-1, 1.5], slopes: [0, 0.8, 0], valueAtZero: -0.4 }],
  ["piecewise, 4 kinks", { kind: "piecewiseLinear", breakpoints: [-2, -0.5, 0.25, 3], slopes: [1, -1, 2, 0.5, -0.3], valueAtZero: 1 }],
];

/** Each row of an n x d matrix scaled to unit norm (a copy). */
export function unitRows(values: Float64Array, d: number): Float64Array {
  const out = values.slice();
  for (let i = 0; i < out.length / d; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += out[i * d + k]! ** 2;
    for (let k = 0; k < d; k++) out[i * d + k]! /= Math.sqrt(s);
  }
  return out;
}
