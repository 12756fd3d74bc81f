// Messages between the page and its workers. A worker runs either the network (simulate) or its
// mean-field limit; records cross by structured clone, so every number arrives bit for bit.

import type { ConfigInput, MetricRecord, RunSummary } from "meanfield";

export type ToWorker =
  | { type: "simulate"; config: ConfigInput }
  | { type: "limit"; config: ConfigInput }
  | { type: "pause" }
  | { type: "resume" };

/** One record of the mean-field limit, at a step of the run's metric schedule. */
export interface LimitRecord {
  step: number;
  loss: number;
  /** The density of w = <q*, u> on a grid of [-1, 1] (sphere PDE). */
  density?: { faces: number[]; values: number[] };
  /** D_k of the sphere PDE. */
  residuals?: number[];
  /** E[f h_k] along q* (Gaussian single index) of the reduced particles. */
  coefficients?: number[];
  /** sqrt(mean w_{S,p}^2) per relevant coordinate of the reduced particles. */
  projections?: number[];
}

export type FromWorker =
  | { type: "record"; record: MetricRecord }
  | { type: "progress"; step: number; total: number; stepsPerSecond: number }
  | { type: "done"; summary: RunSummary }
  | { type: "error"; message: string; configError: boolean }
  | { type: "limit"; kind: string; records: LimitRecord[]; seconds: number }
  | { type: "limitUnavailable"; message: string };
