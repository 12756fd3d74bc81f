// Per-point statistics over seeds: for every (method, grid point) and every aggregated metric, the
// mean of the completed runs, their sample standard deviation and the 95% Student-t interval
// mean +- t_{0.975, k-1} sd / sqrt(k). Diverged runs are counted but left out of the statistics.

import { studentTTwoSidedQuantile } from "../special/studentT.js";
import type { SweepRun } from "./expand.js";
import type { RunResult } from "./runResult.js";
import type { SweepMethod, SweepSpec } from "./spec.js";

/**
 * Statistics over seeds of one metric at one point: mean, sample sd (1/(k-1)) and the 95% Student-t
 * interval mean ± t_{0.975, k-1} sd / sqrt(k); sd and interval null for a single run.
 */
export interface MetricStats {
  /** Runs with a finite value of the metric. */
  count: number;
  mean: number;
  /** Sample standard deviation (null with one run). */
  sd: number | null;
  /** 95% interval for the mean (null with one run). */
  ciLow: number | null;
  ciHigh: number | null;
}

/**
 * One (method, grid point) of a sweep: its runs planned, done and diverged, and per metric the
 * statistics of the completed runs (diverged ones are counted but left out).
 */
export interface SweepPoint {
  method: SweepMethod;
  point: Record<string, unknown>;
  /** Runs planned at this point (one per seed). */
  runs: number;
  done: number;
  diverged: number;
  metrics: Record<string, MetricStats | null>;
}

/**
 * A sweep's per-point statistics, with the axes, methods and metrics in file order: what sweep.csv,
 * sweep.json, sweep.md and sweep.html hold.
 */
export interface SweepAggregate {
  name: string;
  description?: string;
  axes: string[];
  methods: SweepMethod[];
  metrics: string[];
  seeds: number;
  totalRuns: number;
  doneRuns: number;
  points: SweepPoint[];
}

/**
 * Mean, sample sd and the 95% Student-t interval over k seeds' values (null when k = 0; sd and
 * interval null when k = 1, where no spread is measured).
 */
export function metricStats(values: readonly number[]): MetricStats | null {
  const k = values.length;
  if (k === 0) return null;
  const mean = values.reduce((s, v) => s + v, 0) / k;
  if (k === 1) return { count: 1, mean, sd: null, ciLow: null, ciHigh: null };
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (k - 1));
  const half = (studentTTwoSidedQuantile(0.95, k - 1) * sd) / Math.sqrt(k);
  return { count: k, mean, sd, ciLow: mean - half, ciHigh: mean + half };
}

/** Groups the planned runs by (method, point) in expansion order and summarizes their results. */
export function aggregateSweep(spec: SweepSpec, runs: readonly SweepRun[], results: ReadonlyMap<string, RunResult>): SweepAggregate {
  const groups = new Map<string, SweepRun[]>();
  for (const run of runs) {
    const key = JSON.stringify([run.method, run.point]);
    const group = groups.get(key);
    if (group) group.push(run);
    else groups.set(key, [run]);
  }
  const points: SweepPoint[] = [];
  for (const group of groups.values()) {
    const done = group.map((r) => results.get(r.id)).filter((r): r is RunResult => r !== undefined);
    const completed = done.filter((r) => r.status === "completed");
    const metrics: Record<string, MetricStats | null> = {};
    for (const m of spec.metrics) {
      metrics[m] = metricStats(completed.map((r) => r.metrics[m]).filter((v): v is number => typeof v === "number" && Number.isFinite(v)));
    }
    points.push({ method: group[0]!.method, point: group[0]!.point, runs: group.length, done: done.length, diverged: done.length - completed.length, metrics });
  }
  return {
    name: spec.name,
    ...(spec.description ? { description: spec.description } : {}),
    axes: spec.axes.map((a) => a.path),
    methods: spec.methods,
    metrics: spec.metrics,
    seeds: runs.length / Math.max(1, groups.size),
    totalRuns: runs.length,
    doneRuns: runs.filter((r) => results.has(r.id)).length,
    points,
  };
}
