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

import { ConfigError, type Config, type MetricName } from "../config.js";
import type { TwoLayerNetwork } from "../model/network.js";
import type { Task } from "../tasks/task.js";
import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { createAlignment } from "./alignment.js";
import { createCoefficients } from "./coefficients.js";
import { createComponents } from "./components.js";
import { createHermiteOrders } from "./hermiteOrders.js";
import { createPopulationLoss, createTestLoss, createTrainLoss } from "./losses.js";
import { createMovement } from "./movement.js";
import { createOverlaps, createPhiSpread } from "./overlaps.js";
import { createProjections } from "./projections.js";

/**
 * What a metric may read: the resolved config, the task, the live network and its step-0
 * parameters (for relative movement), and the training-set loss when the algorithm has one.
 */
export interface MetricContext {
  runtime: WasmRuntime;
  /** Resolved config (src/config.ts). */
  config: Config;
  task: Task;
  /** Current parameters, read at record time. */
  net: TwoLayerNetwork;
  /** Parameters at step 0, for relative movement. */
  initialW: Float64Array;
  initialA: Float64Array;
  /** Loss on the fixed training set, when the algorithm has one (else undefined). */
  trainLoss?: () => number;
  /**
   * The loss of the model being trained on a sample set, when that model is not the network
   * itself (a linearized run); testLoss uses it.
   */
  modelLoss?: (x: WasmF64Array, y: WasmF64Array) => { loss: number; standardError: number };
}

/** One record entry: a scalar, a vector (per degree, per direction, per bin), or null where undefined. */
export type MetricValue = number | number[] | null;
/** One record: metric key (stable across versions, listed in this file's header) to value. */
export type MetricValues = Record<string, MetricValue>;

/** The metrics of one run, read between steps; record() only reads the current parameters. */
export interface MetricRecorder {
  /** The requested metrics at this moment as a flat-ish JSON-serializable object. */
  record(): MetricValues;
  free(): void;
}

/** One metric family: writes its keys into a record; owns whatever it allocated. */
export interface Metric {
  record(out: MetricValues): void;
  free(): void;
}

const FACTORIES: Record<MetricName, (ctx: MetricContext) => Metric> = {
  populationLoss: createPopulationLoss,
  testLoss: createTestLoss,
  trainLoss: createTrainLoss,
  components: createComponents,
  overlaps: createOverlaps,
  phiSpread: createPhiSpread,
  movement: createMovement,
  hermiteOrders: createHermiteOrders,
  projections: createProjections,
  alignment: createAlignment,
  coefficients: createCoefficients,
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
    for (const name of new Set(config.metrics.include)) metrics.push(FACTORIES[name](ctx));
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
