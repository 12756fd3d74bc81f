// Losses L = 1/2 E[(f(x) - y)^2] three ways. Record keys:
//   populationLoss       the exact expectation (task.population), data columns of w only
//   populationLossBound  |populationLoss - exact| <= this, from truncated series (0 when closed form)
//   testLoss             Monte-Carlo mean of (f - y)^2 / 2 on the fixed test set (stream "test",
//                        config.metrics.testSamples rows, drawn once)
//                        (of the linearized model in a linearized run)
//   testLossSE           its standard error
//   trainLoss            the loss on the algorithm's fixed training set (ctx.trainLoss)

import { ConfigError } from "../config.js";
import { testLoss } from "../model/testLoss.js";
import { particles } from "./particles.js";
import type { Metric, MetricContext } from "./metric.js";
import { drawSampleSet } from "./samples.js";

/** The sphere population loss (Funk–Hecke) is defined for unit-norm w_i; this is its tolerance. */
const UNIT_TOLERANCE = 1e-9;

/**
 * The exact L = 1/2 E[(f - y)^2] from task.population and a bound on its truncation error; no bias,
 * and on the sphere (Funk–Hecke, unit w_i) a run that keeps |w_i| = 1 to 1e-9, checked before step 0.
 */
export function createPopulationLoss(ctx: MetricContext): Metric {
  const { task, net, config } = ctx;
  const population = task.population;
  if (!population) {
    throw new ConfigError(`metrics.include: populationLoss: the ${config.task.kind} task has no exact population loss; use testLoss`);
  }
  if (net.bias) throw new ConfigError(`model.bias: populationLoss is not available with a bias; use testLoss`);
  if (config.task.kind === "sphereSingleIndex") {
    // The weights must stay on the sphere for the whole run, or the first record after they
    // leave it fails mid-run; check now what keeps them there.
    const keeps = config.algorithm.projected || config.model.train === "second";
    const off = particles(net).norms.findIndex((r) => Math.abs(r - 1) > UNIT_TOLERANCE);
    if (!keeps || off >= 0) {
      throw new ConfigError(
        `metrics.include: populationLoss on the sphere needs unit-norm weights throughout ` +
          (off >= 0 ? `(w_${off} starts off the sphere; use init sphere)` : `(set algorithm.projected or model.train "second")`),
      );
    }
  }
  return {
    record(out) {
      const result = population.evaluate(particles(net).w, net.a.toArray(), net.scale);
      out.populationLoss = result.loss;
      out.populationLossBound = result.truncationBound;
    },
    free() {},
  };
}

/**
 * Monte-Carlo L = mean_b (f - y)² / 2 with its standard error, on the fixed "test" set drawn once, so
 * successive records differ only by training, not by resampling.
 */
export function createTestLoss(ctx: MetricContext): Metric {
  const { task, net, config } = ctx;
  const set = drawSampleSet(task, net, "test", config.metrics.testSamples);
  return {
    record(out) {
      const estimate = ctx.modelLoss ? ctx.modelLoss(set.x, set.y) : testLoss(net, set.x, set.y);
      out.testLoss = estimate.loss;
      out.testLossSE = estimate.standardError;
    },
    free() {
      set.free();
    },
  };
}

/**
 * L = 1/2 mean (f - y)² over the algorithm's fixed training set, as the trainer computes it; a
 * ConfigError when the algorithm has no fixed set (online SGD, population GD).
 */
export function createTrainLoss(ctx: MetricContext): Metric {
  const train = ctx.trainLoss;
  if (!train) {
    throw new ConfigError(`metrics.include: trainLoss needs a fixed training set (algorithm data of kind samples, or empiricalGd)`);
  }
  return {
    record(out) {
      out.trainLoss = train();
    },
    free() {},
  };
}
