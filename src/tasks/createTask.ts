// The task a run config names, built from its `task` part.

import type { TaskConfig } from "../config.js";
import { parseActivation, type ActivationSpec } from "../activation/spec.js";
import { checkSeed } from "../argumentChecks.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { GaussianMultiIndexTask } from "./gaussianMultiIndex.js";
import { GaussianSingleIndexTask } from "./gaussianSingleIndex.js";
import { IsotropicGaussiansTask } from "./isotropicGaussians.js";
import { SphereSingleIndexTask } from "./sphereSingleIndex.js";
import { StaircaseTask } from "./staircase.js";
import { TeacherNetworkTask } from "./teacherNetwork.js";
import type { Task } from "./task.js";

/**
 * The task of a resolved config (parseConfig has checked it). Hidden directions come from the
 * streams "task.q", "task.u" and "task.teacher" of `seed`; the exact population loss is for
 * the student activation. Throws RangeError naming the field for what the schema cannot check
 * (the seed, the student activation) and for shapes parseConfig would have refused.
 */
export function createTask(runtime: WasmRuntime, config: TaskConfig, seed: number, studentActivation: ActivationSpec): Task {
  checkSeed(seed);
  const student = parseActivation(studentActivation, "model.activation");
  switch (config.kind) {
    case "sphereSingleIndex":
      return new SphereSingleIndexTask(runtime, config, seed, student);
    case "gaussianSingleIndex":
      return new GaussianSingleIndexTask(runtime, config, seed, student);
    case "gaussianMultiIndex":
      return new GaussianMultiIndexTask(runtime, config, seed, student);
    case "staircase":
      return new StaircaseTask(runtime, config, seed);
    case "teacherAbs":
    case "teacherNetwork":
      return new TeacherNetworkTask(runtime, config, seed, student);
    case "isotropicGaussians":
      return new IsotropicGaussiansTask(runtime, config, seed, student);
    default:
      throw new RangeError(`meanfield: task.kind: unknown task ${String((config as { kind: unknown }).kind)}`);
  }
}
