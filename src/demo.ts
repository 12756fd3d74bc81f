// `meanfield demo`: a run config (by default the demo example) through simulate(), printing a
// loss and, when the config logs overlaps, the mean overlap with the hidden direction as the run
// goes. Nothing is written. This file holds the config loading and the table format.

import { parseConfig, type Config } from "./config.js";
import { RunFileError, readJsonFile } from "./run/runFiles.js";
import type { MetricRecord } from "./run/simulate.js";

export const DEMO_CONFIG = new URL("../examples/demo-relu-single-index.json", import.meta.url);

/** Command-line overrides of the demo config, validated as the config's own fields would be. */
export interface DemoOverrides {
  steps?: number;
  seed?: number;
}

/** The demo config (or the given file) with overrides applied, validated. */
export function demoConfig(path: string | URL = DEMO_CONFIG, overrides: DemoOverrides = {}): Config {
  const raw = readJsonFile(path) as { algorithm?: Record<string, unknown>; seed?: number; base?: unknown; task?: unknown } | null;
  const source = typeof path === "string" ? path : path.pathname;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new RunFileError(`${source}: expected a run config (a JSON object)`);
  if (raw.base !== undefined && raw.task === undefined) throw new RunFileError(`${source} is a sweep file; run it with meanfield sweep ${source}`);
  if (overrides.steps !== undefined) raw.algorithm = { ...raw.algorithm, steps: overrides.steps };
  if (overrides.seed !== undefined) raw.seed = overrides.seed;
  return parseConfig(raw);
}

/** The loss the table shows: the test loss when the config logs it, else the population or training loss. */
function lossKey(config: Config): "testLoss" | "populationLoss" | "trainLoss" {
  const include = config.metrics.include;
  return include.includes("testLoss") ? "testLoss" : include.includes("populationLoss") ? "populationLoss" : include.includes("trainLoss") ? "trainLoss" : "testLoss";
}

/**
 * The table header: the run's algorithm, scaling, width, task and seed, then one column per value
 * demoLine prints (loss L = 1/2 E[(f - y)^2] in whichever form the config logs).
 */
export function demoHeader(config: Config): string {
  const { model, task, algorithm } = config;
  const loss = lossKey(config);
  const label = loss === "testLoss" ? "test loss" : loss === "populationLoss" ? "pop. loss" : "train loss";
  return (
    `${config.name}: ${algorithm.kind}, ${model.scaling} network of width ${model.width} on ${task.kind} (d=${task.d}), seed ${config.seed}\n` +
    `${"step".padStart(7)} ${"time".padStart(9)} ${label.padStart(12)} ${"± s.e.".padStart(10)} ${"mean overlap".padStart(13)}`
  );
}

/** One table line; a column the config does not log shows "-". */
export function demoLine(r: MetricRecord, config: Config): string {
  const cell = (key: string, width: number, format: (v: number) => string) => (typeof r[key] === "number" ? format(r[key] as number) : "-").padStart(width);
  return (
    `${String(r.step).padStart(7)} ${r.time.toFixed(2).padStart(9)} ${cell(lossKey(config), 12, (v) => v.toExponential(4))} ` +
    `${cell("testLossSE", 10, (v) => v.toExponential(1))} ${cell("overlapMean", 13, (v) => v.toFixed(4))}`
  );
}
