// What one sweep run leaves behind for aggregation: its identity, status and final metrics.
// Stored as runs/<id>/result.json (written last, atomically, so its presence means the run is
// done) and, with the queue backend, as the run's field in the results hash in Redis.

import type { SweepMethod } from "./spec.js";

/**
 * What a finished sweep run leaves for aggregation: id, method, point, seed, status (diverged runs
 * are counted but not averaged) and the scalars of its final record or kernel fit.
 */
export interface RunResult {
  id: string;
  method: SweepMethod;
  point: Record<string, unknown>;
  seed: number;
  /** Diverged runs are counted per point but left out of means and intervals. */
  status: "completed" | "diverged";
  /** Every scalar of the final metric record (network) or of the kernel fit: testLoss, testLossSE, ... */
  metrics: Record<string, number | null>;
  wallSeconds: number;
  message?: string;
}

const STATUSES = new Set(["completed", "diverged"]);

/**
 * Whether a result can count its run as done: diverged (with its message), or completed with at
 * least one finite final metric. Anything else (an attempt killed between its last checkpoint and
 * its result, say) is run again.
 */
export function isCompleteResult(r: RunResult): boolean {
  if (r.status === "diverged") return true;
  return Object.values(r.metrics).some((v) => typeof v === "number" && Number.isFinite(v));
}

/** Checks the shape of a stored result, naming where it came from when it is not one. */
export function parseRunResult(json: string, source: string): RunResult {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new Error(`meanfield sweep: ${source} is not JSON: ${(err as Error).message}`);
  }
  const r = value as Partial<RunResult> | null;
  if (!r || typeof r.id !== "string" || typeof r.method !== "string" || !STATUSES.has(r.status as string) || typeof r.metrics !== "object" || typeof r.seed !== "number") {
    throw new Error(`meanfield sweep: ${source} is not a run result (id, method, status, seed, metrics)`);
  }
  return r as RunResult;
}
