// Kernel ridge regression of a teacher-network task (Li, Ma, Zhang 2020: x ~ N(0, I_d),
// y = a*^T |W* x|) with the model's NNGP or NTK truncated at degree K, solved in its orthonormal
// Hermite features (kernelFeatures.ts) and scored by its exact population loss
//   1/2 E[(psi^T beta - y)^2] = 1/2 (|beta - c|^2 + E y^2 - |c|^2),  c_j = E[psi_j y],
// with no test sample. A degree-K kernel cannot fit the target's Hermite orders above K, so this
// loss is at least half their energy, whatever n.

import { parseConfig, ConfigError, type ConfigInput } from "../config.js";
import { GaussianActivation } from "../activation/gaussianMoments.js";
import { createTask } from "../tasks/createTask.js";
import { linkToActivation } from "../activation/link.js";
import type { TeacherNetworkTask } from "../tasks/teacherNetwork.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { fitFeatureRidgePath } from "./featureRidge.js";
import { KernelFeatures } from "./kernelFeatures.js";
import { modelKernel, type KernelKind } from "./modelKernel.js";

/**
 * A truncated-kernel fit of the teacher at one n: degree K, feature dimension p, and the exact loss
 * 1/2 E[(f - y)²], at least half the energy of the teacher's Hermite orders above K.
 */
export interface TeacherFeatureRidgeResult {
  n: number;
  kernel: KernelKind;
  degree: number;
  /** Feature dimension p. */
  features: number;
  /** Exact population loss 1/2 E[(f - y)^2] of the fitted predictor. */
  loss: number;
}

/**
 * Fits kernel ridge (K + lambda n I) alpha = y, lambda = 1e-6 E_x K(x, x) of each kernel, on the
 * first n samples of the task's "train" stream (the draws a network trained on the config sees)
 * for every n in `ns` (increasing) and every kernel in `kinds`, each truncated at `degree`; one
 * streaming pass (fitFeatureRidgePath). The kernels must carry the same degrees (the NNGP and NTK
 * of an even activation do) and the config's task must be teacherAbs.
 */
export function teacherFeatureRidge(
  runtime: WasmRuntime,
  input: ConfigInput,
  kinds: readonly KernelKind[],
  degree: number,
  ns: readonly number[],
): TeacherFeatureRidgeResult[] {
  const config = parseConfig(input);
  if (config.task.kind !== "teacherAbs") throw new ConfigError(`task.kind: exact feature-ridge losses need a teacherAbs task, got ${config.task.kind}`);
  const n = Math.max(...ns);
  const d = config.task.d;
  const kernels = kinds.map((kind) => modelKernel(config, kind));
  const task = createTask(runtime, config.task, config.seed, linkToActivation(config.model.activation, d)) as TeacherNetworkTask;
  const all = kernels.map((kernel) => new KernelFeatures(runtime, kernel, degree, config.seed));
  const x = runtime.arena.f64(n * d);
  const y = runtime.arena.f64(n);
  try {
    const features = all[0]!;
    const same = (f: KernelFeatures) => f.p === features.p && f.blocks.every((b, i) => b.degree === features.blocks[i]!.degree);
    if (!all.every(same)) throw new ConfigError(`kernel: ${kinds.join(" and ")} carry different degrees up to ${degree}; fit them separately`);
    task.sampleInto("train", 0, x, y);
    // Every kernel's lambda is 1e-6 of its own E_x K(x, x): scale each metric so one ridge serves all.
    const penalties = all.map((f, j) => f.penalty().map((v) => v * 1e-6 * kernels[j]!.diagonal));
    const betas = fitFeatureRidgePath(runtime, features, x, y, ns, penalties, 1);
    const abs = new GaussianActivation("abs");
    const c = features.neuronProjection(task.directions, task.outputs, (r) => abs.hermite(r, degree).values);
    let captured = 0;
    for (let j = 0; j < features.p; j++) captured += c[j]! ** 2;
    return ns.flatMap((m, i) =>
      kinds.map((kernel, j) => {
        const beta = betas[i]![j]!;
        let misfit = 0;
        for (let l = 0; l < features.p; l++) misfit += (beta[l]! - c[l]!) ** 2;
        return { n: m, kernel, degree, features: features.p, loss: 0.5 * (misfit + task.targetSquare - captured) };
      }),
    );
  } finally {
    x.free();
    y.free();
    for (const f of all) f.free();
    task.free();
  }
}
