// The contract between a paper experiment (`src/experiments/<id>.ts`) and the runner that writes
// its run directory and report: an experiment computes; the runner owns every file it writes.

import type { WasmRuntime } from "../wasm/runtime.js";

/** "test" is the test suite's scale: the same claims at sizes that run in seconds. */
export type ExperimentScale = "test" | "quick" | "paper";

export interface ExperimentContext {
  scale: ExperimentScale;
  /** Base seed; an experiment derives every run's seed from it so the whole experiment is reproducible. */
  seed: number;
  runtime: WasmRuntime;
  /** One line of progress for the terminal (the runner decides where it goes). */
  log(message: string): void;
  /** Saves a resolved run config under configs/<name>.json so the run can be repeated with `meanfield run`. */
  saveConfig(name: string, config: unknown): void;
  /** Saves a table of metrics as metrics/<name>.csv (and .ndjson); rows are flat records. */
  saveTable(name: string, rows: Record<string, number | string | null>[]): void;
}

/** One quantitative claim of the paper, as measured by this run. */
export interface ExperimentCheck {
  name: string;
  description: string;
  measured: number;
  /** Inclusive range the claim allows; use -Infinity / Infinity for one-sided claims. */
  expected: [number, number];
  pass: boolean;
}

/** A plot as a Vega-Lite specification with its data inlined (data.values), rendered to SVG by the report layer. */
export interface ExperimentPlot {
  name: string;
  title: string;
  caption: string;
  spec: Record<string, unknown>;
}

export interface ExperimentResult {
  checks: ExperimentCheck[];
  plots: ExperimentPlot[];
  /** Headline numbers worth printing in the report beside the checks. */
  figures?: Record<string, number | string>;
}

export interface Experiment {
  id: string;
  /** Seed paper(s) the experiment reproduces, e.g. "000" or "000, 002, 004". */
  seeds: string;
  title: string;
  /** One sentence for `meanfield list` and the README. */
  description: string;
  run(context: ExperimentContext): Promise<ExperimentResult>;
}

export function check(name: string, description: string, measured: number, expected: [number, number]): ExperimentCheck {
  const pass = Number.isFinite(measured) && measured >= expected[0] && measured <= expected[1];
  return { name, description, measured, expected, pass };
}
