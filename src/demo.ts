// `meanfield demo`: a run config (by default the demo example) through simulate(), printing the
// test loss and the mean overlap with the hidden direction as the run goes. Nothing is written.
// This file holds the config loading and the table format.

import { readFileSync } from "node:fs";
import { parseConfig, type Config } from "./config.js";
import type { MetricRecord } from "./run/simulate.js";

export const DEMO_CONFIG = new URL("../examples/demo-relu-single-index.json", import.meta.url);

export interface DemoOverrides {
  steps?: number;
  seed?: number;
}

/** The demo config (or the given file) with overrides applied, validated. */
export function demoConfig(path: string | URL = DEMO_CONFIG, overrides: DemoOverrides = {}): Config {
  const raw = JSON.parse(readFileSync(path, "utf8")) as { algorithm?: Record<string, unknown>; seed?: number };
  if (overrides.steps !== undefined) raw.algorithm = { ...raw.algorithm, steps: overrides.steps };
  if (overrides.seed !== undefined) raw.seed = overrides.seed;
  return parseConfig(raw);
}

export function demoHeader(config: Config): string {
  const { model, task, algorithm } = config;
  return (
    `${config.name}: ${algorithm.kind}, ${model.scaling} network of width ${model.width} on ${task.kind} (d=${task.d}), seed ${config.seed}\n` +
    `${"step".padStart(7)} ${"time".padStart(9)} ${"test loss".padStart(12)} ${"± s.e.".padStart(10)} ${"mean overlap".padStart(13)}`
  );
}

export function demoLine(r: MetricRecord): string {
  const num = (key: string) => (typeof r[key] === "number" ? (r[key] as number) : Number.NaN);
  return (
    `${String(r.step).padStart(7)} ${r.time.toFixed(2).padStart(9)} ${num("testLoss").toExponential(4).padStart(12)} ` +
    `${num("testLossSE").toExponential(1).padStart(10)} ${num("overlapMean").toFixed(4).padStart(13)}`
  );
}
