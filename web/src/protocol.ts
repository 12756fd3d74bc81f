// Messages between the page and its workers. A worker runs either the network (simulate) or its
// mean-field limit; records cross by structured clone, so every number arrives bit for bit.

import type { ConfigInput, MetricRecord, RunSummary } from "meanfield";

/** Page to worker: run the network (simulate) or its mean-field limit for a config, or pause and resume. */
export type ToWorker =
  | { type: "simulate"; config: ConfigInput }
  | { type: "limit"; config: ConfigInput }
  | { type: "pause" }
  | { type: "resume" };

/** One record of the mean-field limit, at a step of the run's metric schedule. */
export interface LimitRecord {
  step: number;
  loss: number;
  /**
   * The law of the overlap <q*, w>/|w| on a grid of [-1, 1]: the sphere PDE's density, or a
   * histogram of the reduced particles.
   */
  density?: { faces: number[]; values: number[] };
  /** D_k of the sphere PDE. */
  residuals?: number[];
  /** E[f h_k] along q* (Gaussian single index) of the reduced particles. */
  coefficients?: number[];
  /** sqrt(mean w_{S,p}^2) per relevant coordinate of the reduced particles. */
  projections?: number[];
}

/**
 * Worker to page: the Wasm build loaded, records and progress (by structured clone, so numbers arrive
 * bit for bit), the end, errors (configError: the message names a field), and the limit's records.
 */
export type FromWorker =
  | { type: "runtime"; build: string }
  | { type: "record"; record: MetricRecord }
  | { type: "progress"; step: number; total: number; stepsPerSecond: number }
  | { type: "done"; summary: RunSummary; stepsPerSecond: number }
  | { type: "error"; message: string; configError: boolean }
  | { type: "limitRecords"; kind: string; records: LimitRecord[] }
  | { type: "limitDone"; seconds: number }
  | { type: "limitUnavailable"; message: string };
