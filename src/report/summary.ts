// summary.json of an experiment run: what ran, every check with its verdict, the headline figures
// and the files the run wrote. JSON has no Infinity, so an unbounded side of an expected range is
// null, and a measured value that is not a finite number is null (and that check fails).

import type { ExperimentCheck, ExperimentScale, FittedExponent, PaperCitation } from "../experiments/experiment.js";

/**
 * A check in summary.json: measured value, expected range (null for an unbounded side, JSON has no
 * Infinity) and verdict; a non-finite measurement is null and fails.
 */
export interface SummaryCheck {
  name: string;
  description: string;
  measured: number | null;
  /** [low, high], inclusive; null where the range is unbounded. */
  expected: [number | null, number | null];
  pass: boolean;
}

/** A fitted exponent in summary.json: value, 95% interval (null where not finite) and the number of points fitted. */
export interface SummaryExponent {
  value: number | null;
  ci95: [number | null, number | null];
  points: number;
}

/** A plot in summary.json: its caption and the paths of its Vega-Lite spec and SVG, relative to the run directory. */
export interface SummaryPlot {
  name: string;
  title: string;
  caption: string;
  /** Paths relative to the run directory. */
  spec: string;
  svg: string;
}

/** A saved config with the commands that rerun that part of the experiment on its own. */
export interface SummaryRerun {
  /** Config path relative to the run directory. */
  config: string;
  /** Full command lines, e.g. "meanfield pde configs/limit.json". */
  commands: string[];
}

/** A metric table the run wrote, as CSV and NDJSON, with its columns and row count. */
export interface SummaryTable {
  name: string;
  rows: number;
  columns: string[];
  csv: string;
  ndjson: string;
}

/**
 * summary.json of an experiment run: what ran (papers, scale, seed, variant), every check with its
 * verdict, headline figures and exponents, and the files written.
 */
export interface ExperimentSummary {
  id: string;
  title: string;
  papers: PaperCitation[];
  description: string;
  scale: ExperimentScale;
  seed: number;
  /** The broken variant that ran, or null for the experiment itself. */
  variant: string | null;
  /** True when every check passes. */
  pass: boolean;
  status: "completed" | "failed";
  /** The error that stopped the experiment, when status is "failed". */
  error: string | null;
  checks: SummaryCheck[];
  /** Headline numbers; null where the experiment measured no finite value. */
  figures: Record<string, number | string | null>;
  /** Fitted scaling exponents (value, 95% interval; null where not finite), keyed by names containing "exponent". */
  exponents: Record<string, SummaryExponent>;
  plots: SummaryPlot[];
  configs: string[];
  tables: SummaryTable[];
  /** The command that repeats this run. */
  command: string;
  /** Each saved config with the commands that rerun that part of the experiment on its own (absent in summaries of older runs). */
  reruns?: SummaryRerun[];
  startedAt: string;
  wallSeconds: number;
  version: string;
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

/** Headline figures for JSON: a non-finite number becomes null. */
export function summaryFigures(figures: Record<string, number | string>): Record<string, number | string | null> {
  return Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, typeof v === "number" ? finiteOrNull(v) : v]));
}

/** A check for JSON: non-finite measured value and unbounded sides of the expected range become null. */
export function summaryCheck(c: ExperimentCheck): SummaryCheck {
  return { name: c.name, description: c.description, measured: finiteOrNull(c.measured), expected: [finiteOrNull(c.expected[0]), finiteOrNull(c.expected[1])], pass: c.pass };
}

/**
 * Fitted exponents for JSON (non-finite parts null); a key without "exponent" is a RangeError, so
 * every exponent is findable by name.
 */
export function summaryExponents(exponents: Record<string, FittedExponent>): Record<string, SummaryExponent> {
  return Object.fromEntries(
    Object.entries(exponents).map(([k, e]) => {
      if (!k.toLowerCase().includes("exponent")) throw new RangeError(`meanfield: exponent key "${k}" must contain "exponent"`);
      return [k, { value: finiteOrNull(e.value), ci95: [finiteOrNull(e.ci95[0]), finiteOrNull(e.ci95[1])], points: e.points }];
    }),
  );
}
