// The scalar metrics a sweep can aggregate (its `metrics` field), by the method that produces them:
// the final record of a network run (keys of src/metrics/recorder.ts, each logged only when its
// metric is in metrics.include) or the fields of a kernel fit (KernelBaselineResult).

import type { Config, MetricName } from "../config.js";
import type { SweepMethod } from "./spec.js";

/** Scalar record key -> the metrics.include entry that logs it (null: always there). */
const NETWORK_KEYS: Record<string, MetricName | null> = {
  step: null,
  time: null,
  populationLoss: "populationLoss",
  populationLossBound: "populationLoss",
  testLoss: "testLoss",
  testLossSE: "testLoss",
  trainLoss: "trainLoss",
  overlapMean: "overlaps",
  overlapVariance: "overlaps",
  phiCount: "phiSpread",
  phiStd: "phiSpread",
  phiIqr: "phiSpread",
  movementW: "movement",
  movementA: "movement",
  movement: "movement",
  orthogonalNorm: "projections",
  alignment: "alignment",
};

const KERNEL_KEYS = ["testLoss", "testLossSE", "n", "m", "ridge", "degree", "features", "truncationBound", "iterations", "relativeResidual", "preconditionerDegree", "bytes"];

/** Every name a sweep may aggregate. */
export const SWEEP_METRICS: readonly string[] = [...new Set([...Object.keys(NETWORK_KEYS), ...KERNEL_KEYS])];

/** Whether a run of this method and config reports the metric in its result. */
export function producesMetric(method: SweepMethod, config: Config, metric: string): boolean {
  if (method !== "network") return KERNEL_KEYS.includes(metric);
  const include = NETWORK_KEYS[metric];
  return include === null || (include !== undefined && config.metrics.include.includes(include));
}
