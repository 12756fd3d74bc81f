// The metrics of a run: one recorder per run, built once from the resolved config, read between
// steps. Every metric draws what it needs (fixed sample sets, Wasm buffers, coefficient tables)
// when the recorder is created, so a metric the task or model cannot support fails before step 0
// with a ConfigError naming the field (exit code 2, like any bad config), and record() only reads
// the network's current parameters.
//
// Record keys, by metric (config.metrics.include), stable across versions:
//   populationLoss  populationLoss, populationLossBound                                (losses.ts)
//   testLoss        testLoss, testLossSE                                               (losses.ts)
//   trainLoss       trainLoss                                                          (losses.ts)
//   components      components, residuals                                              (components.ts)
//   overlaps        overlapMean, overlapVariance, overlapQuantiles, overlapHistogram   (overlaps.ts)
//   phiSpread       phiCount, phiStd, phiIqr                                           (overlaps.ts)
//   movement        movementW, movementA, movement                                     (movement.ts)
//   hermiteOrders   hermiteOrders                                                      (hermiteOrders.ts)
//   projections     projections, orthogonalNorm                                        (projections.ts)
//   alignment       alignment                                                          (alignment.ts)
//   coefficients    coefficients, coefficientsSE                                       (coefficients.ts)
// The file of each metric defines its keys precisely.

import { ConfigError, METRIC_REQUIREMENTS, type Config, type MetricName } from "../config.js";
import type { Metric, MetricContext, MetricRecorder, MetricValues } from "./metric.js";
import { createAlignment } from "./alignment.js";
import { createCoefficients } from "./coefficients.js";
import { createComponents } from "./components.js";
import { createHermiteOrders } from "./hermiteOrders.js";
import { createPopulationLoss, createTestLoss, createTrainLoss } from "./losses.js";
import { createMovement } from "./movement.js";
import { createOverlaps, createPhiSpread } from "./overlaps.js";
import { createProjections } from "./projections.js";

/**
 * A metric family: why a config cannot log it (one line naming the field, or null; the rule is
 * stated once, in config.ts's METRIC_REQUIREMENTS, which parseConfig checks too) and how to build it.
 */
export interface MetricDescriptor {
  requirement(config: Config): string | null;
  create(ctx: MetricContext): Metric;
}

function descriptor(name: MetricName, create: (ctx: MetricContext) => Metric): MetricDescriptor {
  return { requirement: METRIC_REQUIREMENTS[name] ?? (() => null), create };
}

/** Every metric, by the name config.metrics.include uses. */
export const METRIC_REGISTRY: Record<MetricName, MetricDescriptor> = {
  populationLoss: descriptor("populationLoss", createPopulationLoss),
  testLoss: descriptor("testLoss", createTestLoss),
  trainLoss: descriptor("trainLoss", createTrainLoss),
  components: descriptor("components", createComponents),
  overlaps: descriptor("overlaps", createOverlaps),
  phiSpread: descriptor("phiSpread", createPhiSpread),
  movement: descriptor("movement", createMovement),
  hermiteOrders: descriptor("hermiteOrders", createHermiteOrders),
  projections: descriptor("projections", createProjections),
  alignment: descriptor("alignment", createAlignment),
  coefficients: descriptor("coefficients", createCoefficients),
};

/**
 * Builds every metric in config.metrics.include up front, so a metric the task or model cannot
 * support fails before step 0 with a ConfigError naming the field (exit code 2).
 */
export function createMetricRecorder(ctx: MetricContext): MetricRecorder {
  const { net, task, config } = ctx;
  if (task.d !== net.d || config.task.d !== net.d) {
    throw new ConfigError(`task.d: the task has d = ${task.d} (config ${config.task.d}) but the network has d = ${net.d}`);
  }
  const metrics: Metric[] = [];
  try {
    for (const name of new Set(config.metrics.include)) {
      const { requirement, create } = METRIC_REGISTRY[name];
      const problem = requirement(config);
      if (problem) throw new ConfigError(problem);
      metrics.push(create(ctx));
    }
  } catch (err) {
    for (const m of metrics) m.free();
    throw err;
  }
  let freed = false;
  return {
    record() {
      if (freed) throw new Error("meanfield: record() after free() of the metric recorder");
      const out: MetricValues = {};
      for (const m of metrics) m.record(out);
      return out;
    },
    free() {
      if (freed) return;
      freed = true;
      for (const m of metrics) m.free();
    },
  };
}
