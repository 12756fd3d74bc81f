// Every paper experiment `meanfield reproduce <id>` can run, in the order `meanfield list` shows.

import { bmz23Timescales } from "./bmz23-timescales.js";
import type { Experiment } from "./experiment.js";
import { chaos } from "./chaos.js";
import { lazyVsMeanfield } from "./lazy-vs-meanfield.js";
import { mahankaliPhases } from "./mahankali-phases.js";
import { mmn18Isotropic } from "./mmn18-isotropic.js";

export const experiments: Experiment[] = [mahankaliPhases, lazyVsMeanfield, chaos, mmn18Isotropic, bmz23Timescales];

export function findExperiment(id: string): Experiment | undefined {
  return experiments.find((e) => e.id === id);
}
