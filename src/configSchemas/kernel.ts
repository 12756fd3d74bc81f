// The kernel block of a run's configuration (`kernel` in config.json): what `meanfield kernel`
// needs beyond the model to build the baselines an experiment compares with, the bias of the
// kernels and how the ridge is chosen. `meanfield run` ignores it. Kept apart from src/config.ts,
// which re-exports it, as the task block is.

import { z } from "zod";

/**
 * The kernel baselines' bias and ridge grid. Bias (docs/conventions.md, "Kernel baselines"): the
 * kernels are those of a ReLU network with biases b ~ N(0, β²) beside w ~ N(0, I/d), i.e. of the
 * augmented inputs x~ = (x/√d, β); β = 0 is no bias. Ridge: each λ of the grid is fitted on the
 * training samples but a held-out fraction, the one with the least validation loss (noisy labels,
 * as the training set's) is refitted on all n.
 */
export const kernelSchema = z
  .object({
    bias: z
      .number()
      .min(0)
      .max(100)
      .default(0)
      .describe("beta: the kernels of a ReLU network with biases b ~ N(0, beta^2) (inputs (x / sqrt d, beta)); 0 for none"),
    ridges: z
      .array(z.number().positive().max(1e6))
      .min(1)
      .max(20)
      .optional()
      .describe("grid of lambda in (K + lambda n I) alpha = y; the one with the least validation loss is kept (default: one ridge, 1e-6 E K(x, x))"),
    validation: z
      .number()
      .min(0.05)
      .max(0.5)
      .default(0.2)
      .describe("fraction of the n training samples (the last ones) held out to choose among ridges; the chosen ridge is refitted on all n"),
  })
  .strict();
