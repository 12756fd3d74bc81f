// Expansion of a sweep into runs: every point of the product of the axes (first axis outermost),
// times every method, times every seed (innermost). Each run carries its resolved config and its
// id; a config the run schema rejects fails here, naming the point, before anything runs.

import { ConfigError, dataOf, parseConfig, type Config } from "../config.js";
import { DEFAULT_KERNEL_SAMPLES, planSolver } from "../kernels/kernelRidge.js";
import { modelKernel } from "../kernels/modelKernel.js";
import { runId } from "./runId.js";
import { producesMetric } from "./sweepMetrics.js";
import { axisValues, type SweepMethod, type SweepSpec } from "./spec.js";

/** An axis value at a grid point: whatever JSON the sweep file gives for that config field. */
export type PointValue = unknown;

/**
 * One run of a sweep: its content id (src/sweep/runId.ts), expansion index (shards slice by it),
 * method, grid point, seed and resolved config.
 */
export interface SweepRun {
  id: string;
  /** Position in the expansion order (shards slice by it). */
  index: number;
  method: SweepMethod;
  /** Axis path -> value at this run's grid point. */
  point: Record<string, PointValue>;
  seed: number;
  config: Config;
}

/** A deep copy of base with the field at the dotted path set (intermediate objects created). */
export function setPath(base: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  const keys = path.split(".");
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === undefined) node[key] = {};
    else if (next === null || typeof next !== "object") throw new ConfigError(`sweep axis ${path}: ${key} is not an object in the base config`);
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = structuredClone(value);
  return copy;
}

/** The seeds every grid point runs with: the listed ones, or count consecutive from start. */
export function seedsOf(spec: SweepSpec): number[] {
  const s = spec.seeds;
  return Array.isArray(s) ? s : Array.from({ length: s.count }, (_, k) => s.start + k);
}

function describePoint(point: Record<string, PointValue>, seed: number): string {
  return [...Object.entries(point).map(([k, v]) => `${k}=${JSON.stringify(v)}`), `seed=${seed}`].join(", ");
}

/** Runs a sweep may hold: each is a directory, a result and a row of the report. */
export const MAX_SWEEP_RUNS = 10_000;

/** Every run of the sweep, in expansion order. */
export function expandSweep(spec: SweepSpec): SweepRun[] {
  const axes = spec.axes.map(axisValues);
  const count = axes.reduce((n, values) => n * values.length, 1) * spec.methods.length * seedsOf(spec).length;
  if (count > MAX_SWEEP_RUNS) {
    const factors = [...axes.map((v, i) => `${v.length} (${spec.axes[i]!.path})`), `${spec.methods.length} method(s)`, `${seedsOf(spec).length} seed(s)`];
    throw new ConfigError(`sweep: ${factors.join(" x ")} = ${count} runs; at most ${MAX_SWEEP_RUNS}`);
  }
  let points: Record<string, PointValue>[] = [{}];
  for (const [a, axis] of spec.axes.entries()) {
    const values = axes[a]!;
    points = points.flatMap((p) => values.map((v) => ({ ...p, [axis.path]: v })));
  }
  const seeds = seedsOf(spec);
  const runs: SweepRun[] = [];
  const ids = new Map<string, string>();
  for (const point of points) {
    let input: Record<string, unknown> = spec.base;
    for (const [p, v] of Object.entries(point)) input = setPath(input, p, v);
    for (const method of spec.methods) {
      for (const seed of seeds) {
        let config: Config;
        try {
          config = parseConfig({ ...input, seed });
        } catch (err) {
          if (err instanceof ConfigError) throw new ConfigError(`sweep point ${describePoint(point, seed)}: ${err.message}`);
          throw err;
        }
        if (method !== "network") {
          // The kernel and the solver plan are what kernelBaseline will use; building them here turns
          // an unsupported kernel or an n beyond the memory budget into an error before anything runs.
          try {
            const data = dataOf(config.algorithm);
            planSolver(modelKernel(config, method), data.kind === "samples" ? data.n : DEFAULT_KERNEL_SAMPLES, {}, config.model.width);
          } catch (err) {
            if (err instanceof ConfigError) throw new ConfigError(`sweep point ${describePoint(point, seed)}: method ${method}: ${err.message}`);
            throw err;
          }
        }
        const missing = spec.metrics.find((m) => !spec.methods.some((other) => producesMetric(other, config, m)));
        if (missing !== undefined) {
          throw new ConfigError(`sweep metrics: no run at ${describePoint(point, seed)} reports ${missing} (a network run logs it only when its metric is in base.metrics.include)`);
        }
        const id = runId(method, config);
        const twin = ids.get(id);
        if (twin !== undefined) {
          throw new ConfigError(`sweep point ${describePoint(point, seed)} (${method}) resolves to the same run as ${twin}; an axis changes nothing`);
        }
        ids.set(id, describePoint(point, seed));
        runs.push({ id, index: runs.length, method, point, seed, config });
      }
    }
  }
  return runs;
}
