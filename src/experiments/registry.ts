// Every paper experiment `meanfield reproduce <id>` can run, in the order.

import { abam22Staircase } from "./abam22-staircase.js";
import type { Experiment } from "./experiment.js";
import { kernelSeparation } from "./kernel-separation.js";
import { lmz20Tensors } from "./lmz20-tensors.js";
import { reflectiveTrap } from "./reflective-trap.js";
import { ts24Alignment } from "./ts24-alignment.js";

export const experiments: Experiment[] = [abam22Staircase, lmz20Tensors, reflectiveTrap, ts24Alignment, kernelSeparation];
