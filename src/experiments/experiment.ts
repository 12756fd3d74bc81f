// The contract between a paper experiment (`src/experiments/<id>.ts`) and the runner that writes
// its run directory and report: an experiment computes; the runner owns every file it writes.
//
// Every experiment has the same shape: sizes per scale, the resolved configs it runs (saved so
// each part can be rerun), its measurements (tables), checks with ranges a wrong run would leave,
// fitted exponents with 95% intervals where the paper's claim is a scaling law, plots, and
// deliberately broken variants, each naming the checks it must fail (the test suite runs them).

import type { WasmRuntime } from "../wasm/runtime.js";

/** "test" is the test suite's scale: the same claims at sizes that run in seconds. */
export type ExperimentScale = "test" | "quick" | "paper";

/**
 * What the runner gives an experiment: scale, base seed (every run's seed derives from it), the
 * broken variant to run, the Wasm runtime, and the hooks that save configs and tables into the run directory.
 */
export interface ExperimentContext {
  scale: ExperimentScale;
  /** Base seed; an experiment derives every run's seed from it so the whole experiment is reproducible. */
  seed: number;
  /**
   * Name of one of the experiment's `brokenVariants`, or null for the experiment itself. A broken
   * variant changes one thing (a wrong target, a frozen layer, ...) so that the checks it names fail.
   */
  variant: string | null;
  runtime: WasmRuntime;
  /** One line of progress for the terminal (the runner decides where it goes). */
  log(message: string): void;
  /**
   * Saves a resolved run config under configs/<name>.json so that part of the experiment can be
   * repeated on its own; `commands` says which commands rerun it (default ["run"], the network; "pde"
   * the mean-field limit, "ode" the order-parameter ODEs, "kernel" the kernel baselines, "escape"
   * the overlap chain's escape runs), each with
   * the options that make it compute what the experiment computed. The report lists each config
   * with its commands, and test/reruns.test.ts runs one of each kind from a report.
   */
  saveConfig(name: string, config: unknown, commands?: readonly RerunPart[]): void;
  /** Saves a table of metrics as metrics/<name>.csv (and .ndjson); rows are flat records. */
  saveTable(name: string, rows: Record<string, number | string | null>[]): void;
}

/** The `meanfield` commands that take a config: the network, its mean-field limit, its ODEs, its kernel baselines, the single-index overlap chain's escape runs. */
export type RerunCommand = "run" | "pde" | "ode" | "kernel" | "escape";

/** A command that reruns a part from its config, with the options it needs after the config's path (e.g. ["--sweep-n", "100:1000:4"]). */
export type RerunPart = RerunCommand | { command: RerunCommand; options: readonly string[] };

/** "meanfield kernel configs/x.json --no-network": the shell line of a part (options quoted where the shell would split them). */
export function rerunLine(part: RerunPart, configPath: string): string {
  const { command, options } = typeof part === "string" ? { command: part, options: [] } : part;
  const quote = (s: string) => (/^[A-Za-z0-9._\/:,=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return ["meanfield", command, quote(configPath), ...options.map(quote)].join(" ");
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

/** A fitted scaling exponent (slope of log y against log x) with its two-sided 95% interval. */
export interface FittedExponent {
  value: number;
  ci95: [number, number];
  /** Number of (x, y) points in the fit. */
  points: number;
}

/**
 * An experiment's outcome: checks with expected ranges, plots, headline figures, and fitted
 * exponents with 95% intervals under keys containing "exponent".
 */
export interface ExperimentResult {
  checks: ExperimentCheck[];
  plots: ExperimentPlot[];
  /** Headline numbers worth printing in the report beside the checks. */
  figures?: Record<string, number | string>;
  /** Fitted scaling exponents; every key contains "exponent" (e.g. "networkExponent"). */
  exponents?: Record<string, FittedExponent>;
}

/** A published source of an experiment, cited by authors, year and arXiv id (or DOI). */
export interface PaperCitation {
  /** "Mei, Montanari, Nguyen" */
  authors: string;
  year: number;
  title: string;
  /** "1804.06561" */
  arxiv?: string;
  doi?: string;
  /** "PNAS" */
  venue?: string;
  /** The figure or result the experiment corresponds to, e.g. "Figure 4" (every experiment's citations give one: test/citations.test.ts). */
  figure?: string;
  /** The short key the package's texts use for the paper, e.g. "MMN18"; reports spell it out where it first occurs. */
  abbreviation?: string;
}

/** A deliberately broken version of an experiment and the checks that must then fail. */
export interface BrokenVariant {
  name: string;
  /** What is broken and why the named checks must notice. */
  description: string;
  /** Names of checks of the experiment that fail under this variant. */
  fails: string[];
}

/**
 * A paper experiment: id, papers cited by authors, year and arXiv id, and run(ctx); each broken
 * variant names the checks it must fail, which test/brokenVariants.test.ts asserts.
 */
export interface Experiment {
  id: string;
  /** The papers the experiment reproduces. */
  papers: PaperCitation[];
  title: string;
  /** One sentence for `meanfield list` and the README. */
  description: string;
  brokenVariants: BrokenVariant[];
  run(context: ExperimentContext): Promise<ExperimentResult>;
}

/**
 * A check passes when the measured value is finite and inside [expected[0], expected[1]] (an
 * infinite end makes it one-sided); NaN always fails.
 */
export function check(name: string, description: string, measured: number, expected: [number, number]): ExperimentCheck {
  const pass = Number.isFinite(measured) && measured >= expected[0] && measured <= expected[1];
  return { name, description, measured, expected, pass };
}

/** "Mei, Montanari, Nguyen (2018), arXiv 1804.06561, Figure 4" */
export function citationText(p: PaperCitation): string {
  const id = p.arxiv ? `arXiv ${p.arxiv}` : p.doi ? `doi ${p.doi}` : "";
  return [`${p.authors} (${p.year})`, p.venue, id, p.figure].filter(Boolean).join(", ");
}
