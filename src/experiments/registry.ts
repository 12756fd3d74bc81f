// Every paper experiment `meanfield reproduce <id>` can run, in the order `meanfield list` shows.

import { abam22Staircase } from "./abam22-staircase.js";
import { bmz23Timescales } from "./bmz23-timescales.js";
import { chaos } from "./chaos.js";
import type { Experiment } from "./experiment.js";
import { informationExponent } from "./information-exponent.js";
import { kernelSeparation } from "./kernel-separation.js";
import { lazyVsMeanfield } from "./lazy-vs-meanfield.js";
import { lmz20Tensors } from "./lmz20-tensors.js";
import { mahankaliPhases } from "./mahankali-phases.js";
import { mahankaliSampleComplexity } from "./mahankali-sample-complexity.js";
import { mmn18Isotropic } from "./mmn18-isotropic.js";
import { mmn18Langevin } from "./mmn18-langevin.js";
import { reflectiveTrap } from "./reflective-trap.js";
import { saadSollaPlateau } from "./saad-solla-plateau.js";
import { ts24Alignment } from "./ts24-alignment.js";
import { twoLimits } from "./two-limits.js";

export const experiments: Experiment[] = [
  mahankaliPhases,
  mahankaliSampleComplexity,
  lazyVsMeanfield,
  chaos,
  mmn18Isotropic,
  mmn18Langevin,
  bmz23Timescales,
  abam22Staircase,
  lmz20Tensors,
  reflectiveTrap,
  ts24Alignment,
  kernelSeparation,
  saadSollaPlateau,
  twoLimits,
  informationExponent,
];

/** The registered experiment with this id, or undefined. */
export function findExperiment(id: string): Experiment | undefined {
  return experiments.find((e) => e.id === id);
}
