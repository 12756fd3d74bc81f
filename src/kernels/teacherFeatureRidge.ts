// Kernel ridge regression of a teacher-network task (Li, Ma, Zhang 2020: x ~ N(0, I_d),
// y = a*^T |W* x|) with the model's NNGP or NTK truncated at degree K, solved in its orthonormal
// Hermite features (kernelFeatures.ts) and scored by its exact population loss
//   1/2 E[(psi^T beta - y)^2] = 1/2 (|beta - c|^2 + E y^2 - |c|^2),  c_j = E[psi_j y],
// with no test sample. A degree-K kernel cannot fit the target's Hermite orders above K, so this
// loss is at least half their energy, whatever n.

import { parseConfig, ConfigError, type ConfigInput } from "../config.js";
import { GaussianActivation } from "../population/gaussianActivation.js";
import { createTask } from "../tasks/createTask.js";
import { linkToActivation } from "../tasks/link.js";
import type { TeacherAbsTask } from "../tasks/teacherAbs.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { fitFeatureRidge } from "./featureRidge.js";
import { KernelFeatures } from "./kernelFeatures.js";
import { modelKernel, type KernelKind } from "./modelKernel.js";

export interface TeacherFeatureRidgeResult {
  n: number;
  degree: number;
  /** Feature dimension p. */
  features: number;
  /** Exact population loss 1/2 E[(f - y)^2] of the fitted predictor. */
  loss: number;
  seconds: number;
}

/**
 * Fits kernel ridge (K + lambda n I) alpha = y, lambda = ridge (default 1e-6 E_x K(x, x)), on the
 * first n samples of the task's "train" stream (the draws a network trained on the config sees),
 * with the config's `kind` kernel truncated at `degree`; the config's task must be teacherAbs.
 */
export function teacherFeatureRidge(
  runtime: WasmRuntime,
  input: ConfigInput,
  kind: KernelKind,
  degree: number,
  n: number,
  ridge?: number,
): TeacherFeatureRidgeResult {
  const started = performance.now();
  const config = parseConfig(input);
  if (config.task.kind !== "teacherAbs") throw new ConfigError(`task.kind: exact feature-ridge losses need a teacherAbs task, got ${config.task.kind}`);
  if (!(Number.isInteger(n) && n >= 1)) throw new ConfigError(`n: expected a positive integer, got ${n}`);
  const d = config.task.d;
  const kernel = modelKernel(config, kind);
  const task = createTask(runtime, config.task, config.seed, linkToActivation(config.model.activation, d)) as TeacherAbsTask;
  const features = new KernelFeatures(runtime, kernel, degree, config.seed);
  const x = runtime.arena.f64(n * d);
  const y = runtime.arena.f64(n);
  try {
    task.sampleInto("train", 0, x, y);
    const lambda = (ridge ?? 1e-6 * kernel.diagonal) * n;
    const beta = fitFeatureRidge(runtime, features, x, y, n, lambda);
    const abs = new GaussianActivation("abs");
    const c = features.neuronProjection(task.directions, task.outputs, (r) => abs.hermite(r, degree).values);
    let misfit = 0;
    let captured = 0;
    for (let j = 0; j < features.p; j++) {
      misfit += (beta[j]! - c[j]!) ** 2;
      captured += c[j]! ** 2;
    }
    const loss = 0.5 * (misfit + task.targetSquare - captured);
    return { n, degree, features: features.p, loss, seconds: (performance.now() - started) / 1000 };
  } finally {
    x.free();
    y.free();
    features.free();
    task.free();
  }
}
