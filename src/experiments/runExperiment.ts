// The experiment runner: builds the ExperimentContext, runs one experiment and owns every file of
// its run directory:
//   configs/<name>.json     resolved run configs (each repeatable with `meanfield run`, or pde / ode / kernel for those parts)
//   metrics/<name>.csv      every metric table, also as metrics/<name>.ndjson
//   plots/<name>.vl.json    Vega-Lite specs with their data; plots/<name>.svg rendered from them
//   summary.json            checks {name, description, measured, expected, pass}, figures, files
//   report.html             the self-contained report (src/report/)
// An experiment that throws still leaves summary.json (status "failed", the error) and a report.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultRunDirectory } from "../run/runDirectory.js";
import { tableColumns, toCsv, toNdjson, type TableRow } from "../report/csv.js";
import { summaryCheck, summaryExponents, summaryFigures, type ExperimentSummary, type SummaryRerun } from "../report/summary.js";
import { styleFigure } from "../report/figureStyle.js";
import { writeReport, type FigureFormat } from "../report/writeReport.js";
import { loadRuntime, type WasmRuntime } from "../wasm/runtime.js";
import { experiments, findExperiment } from "./registry.js";
import { rerunLine, type Experiment, type ExperimentContext, type ExperimentResult, type ExperimentScale } from "./experiment.js";
import { checkSeed } from "../argumentChecks.js";

export const SCALES: readonly ExperimentScale[] = ["test", "quick", "paper"];
export const DEFAULT_SEED = 1;

/**
 * How to run an experiment: scale (default quick), base seed (default 1), run directory, broken
 * variant, and figure formats and resolution.
 */
export interface RunExperimentOptions {
  scale?: ExperimentScale;
  seed?: number;
  /** Run directory (default runs/<id>-<scale>-<timestamp>). */
  out?: string;
  runtime?: WasmRuntime;
  log?: (message: string) => void;
  /** One of the experiment's broken variants (for tests of its checks); null or absent for the experiment itself. */
  variant?: string | null;
  /** Figure formats beside each spec (default svg; "png" adds print-resolution PNGs). */
  formats?: readonly FigureFormat[];
  /** Pixels per inch of PNG figures (default 300). */
  dpi?: number;
}

/**
 * A finished experiment run: its directory, summary.json's content, and the result (null when the
 * experiment threw; the summary then has status "failed").
 */
export interface ExperimentRun {
  dir: string;
  summary: ExperimentSummary;
  result: ExperimentResult | null;
}

const FILE_NAME = /^[A-Za-z0-9._-]+$/;

function version(): string {
  return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

function checkName(kind: string, name: string, used: Set<string>): void {
  if (!FILE_NAME.test(name)) throw new RangeError(`meanfield: ${kind} name "${name}" must use letters, digits, '.', '_' and '-' only`);
  if (used.has(name)) throw new RangeError(`meanfield: ${kind} "${name}" saved twice`);
  used.add(name);
}

/** The one-line error for a variant the experiment does not declare, or null (null: the experiment itself). */
export function variantError(experiment: Experiment, variant: string | null): string | null {
  if (variant === null || experiment.brokenVariants.some((v) => v.name === variant)) return null;
  const names = experiment.brokenVariants.map((v) => v.name);
  return `--variant: ${experiment.id} has ${names.length ? `the broken variants ${names.join(", ")}` : "no broken variants"}, got "${variant}"`;
}

/** The shell command that repeats a run. */
export function rerunCommand(id: string, scale: ExperimentScale, seed: number, dir: string, variant: string | null = null): string {
  const quote = (s: string) => (/^[A-Za-z0-9._\/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return `meanfield reproduce ${id} --scale ${scale} --seed ${seed}${variant ? ` --variant ${variant}` : ""} --out ${quote(dir)}`;
}

/** `meanfield reproduce <id>` from code: the registered experiment `id` into a run directory. */
export async function reproduce(id: string, options: RunExperimentOptions = {}): Promise<ExperimentRun> {
  const experiment = findExperiment(id);
  if (!experiment) throw new RangeError(`meanfield: unknown experiment "${id}"; one of ${experiments.map((e) => e.id).join(", ")}`);
  return runExperiment(experiment, options);
}

/**
 * Runs an experiment and owns every file of its run directory (configs, metric tables, plot
 * specs and SVGs, summary.json, report.html); one that throws still leaves a failed summary and a report.
 */
export async function runExperiment(experiment: Experiment, options: RunExperimentOptions = {}): Promise<ExperimentRun> {
  const scale = options.scale ?? "quick";
  if (!SCALES.includes(scale)) throw new RangeError(`--scale: must be one of ${SCALES.join(", ")}, got ${String(scale)}`);
  const seed = options.seed ?? DEFAULT_SEED;
  checkSeed(seed, "--seed");
  const variant = options.variant ?? null;
  const wrongVariant = variantError(experiment, variant);
  if (wrongVariant) throw new RangeError(wrongVariant);
  const dir = options.out ?? defaultRunDirectory(`${experiment.id}-${scale}`);
  for (const sub of ["configs", "metrics", "plots"]) mkdirSync(join(dir, sub), { recursive: true });
  const runtime = options.runtime ?? (await loadRuntime());
  const configs: string[] = [];
  const reruns: SummaryRerun[] = [];
  const tables: ExperimentSummary["tables"] = [];
  const configNames = new Set<string>();
  const tableNames = new Set<string>();
  const context: ExperimentContext = {
    scale,
    seed,
    variant,
    runtime,
    log: options.log ?? (() => {}),
    saveConfig(name, config, commands = ["run"]) {
      checkName("config", name, configNames);
      const path = `configs/${name}.json`;
      writeFileSync(join(dir, path), `${JSON.stringify(config, null, 2)}\n`);
      configs.push(path);
      reruns.push({ config: path, commands: commands.map((c) => rerunLine(c, path)) });
    },
    saveTable(name, rows: TableRow[]) {
      checkName("table", name, tableNames);
      const csv = `metrics/${name}.csv`;
      const ndjson = `metrics/${name}.ndjson`;
      writeFileSync(join(dir, csv), toCsv(rows));
      writeFileSync(join(dir, ndjson), toNdjson(rows));
      tables.push({ name, rows: rows.length, columns: tableColumns(rows), csv, ndjson });
    },
  };
  const startedAt = new Date().toISOString();
  const started = performance.now();
  let result: ExperimentResult | null = null;
  let error: string | null = null;
  try {
    result = await experiment.run(context);
  } catch (err) {
    error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const plotNames = new Set<string>();
  const plots = (result?.plots ?? []).map((p, i) => {
    checkName("plot", p.name, plotNames);
    const spec = `plots/${p.name}.vl.json`;
    writeFileSync(join(dir, spec), `${JSON.stringify(styleFigure(p.spec, i))}\n`);
    return { name: p.name, title: p.title, caption: p.caption, spec, svg: `plots/${p.name}.svg` };
  });
  const checks = (result?.checks ?? []).map(summaryCheck);
  const summary: ExperimentSummary = {
    id: experiment.id,
    title: experiment.title,
    papers: experiment.papers,
    description: experiment.description,
    scale,
    seed,
    variant,
    pass: error === null && checks.length > 0 && checks.every((c) => c.pass),
    status: error === null ? "completed" : "failed",
    error,
    checks,
    figures: summaryFigures(result?.figures ?? {}),
    exponents: summaryExponents(result?.exponents ?? {}),
    plots,
    configs,
    tables,
    command: rerunCommand(experiment.id, scale, seed, dir, variant),
    reruns,
    startedAt,
    wallSeconds,
    version: version(),
  };
  writeFileSync(join(dir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  await writeReport(dir, { ...(options.formats ? { formats: options.formats } : {}), ...(options.dpi !== undefined ? { dpi: options.dpi } : {}) });
  return { dir, summary, result };
}
