// The sweep directory on disk:
//   DIR/sweep.spec.json         the parsed sweep file, the latest run there (aggregation re-expands it)
//   DIR/runs/<id>/              the run directory (config.json, metrics.ndjson, summary.json, checkpoints;
//                               kernel.json for kernel baselines)
//   DIR/runs/<id>/result.json   written last and atomically: a run is done exactly when it exists
//   DIR/sweep.csv, runs.csv, sweep.json, sweep.md, sweep.html   the aggregate (report.ts)
// Several shards or machines may share DIR: runs never share a directory and ids are content hashes.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../config.js";
import { ensureDirectory, readJsonFile, writeAtomic } from "../run/runFiles.js";
import { canonicalJson } from "../run/runFiles.js";
import { isCompleteResult, parseRunResult, type RunResult } from "./runResult.js";
import { parseSweepSpec, type SweepSpec } from "./spec.js";

export const SPEC_FILE = "sweep.spec.json";

/** The directory of run id inside sweep directory out, DIR/runs/<id>. */
export function runDirectoryOf(out: string, id: string): string {
  return join(out, "runs", id);
}

/** The complete result stored for a run, or null (none, unreadable, or incomplete: the run is to be done again). */
function storedResult(path: string): RunResult | null {
  if (!existsSync(path)) return null;
  try {
    const result = parseRunResult(readFileSync(path, "utf8"), path);
    return isCompleteResult(result) ? result : null;
  } catch {
    return null;
  }
}

/** Whether the run is done: its result.json exists and is complete (isCompleteResult). */
export function hasResult(out: string, id: string): boolean {
  return storedResult(join(runDirectoryOf(out, id), "result.json")) !== null;
}

/** Writes result.json atomically and last, so a run is done exactly when the file exists. */
export function writeResult(runDir: string, result: RunResult): void {
  ensureDirectory(runDir);
  writeAtomic(join(runDir, "result.json"), `${JSON.stringify(result, null, 2)}\n`);
}

/** Every complete result stored under out/runs, by id. */
export function readResults(out: string): Map<string, RunResult> {
  const results = new Map<string, RunResult>();
  const runs = join(out, "runs");
  if (!existsSync(runs)) return results;
  for (const id of readdirSync(runs)) {
    const result = storedResult(join(runs, id, "result.json"));
    if (result) results.set(id, result);
  }
  return results;
}

/**
 * Records the sweep a directory holds. A changed sweep (more seeds, another axis value) replaces
 * the record: runs are stored by content id, so every run of the new grid that is already done
 * counts, and results outside the grid stay on disk unused. Returns whether the record changed.
 */
export function claimSweepDirectory(out: string, spec: SweepSpec): boolean {
  ensureDirectory(join(out, "runs"));
  const path = join(out, SPEC_FILE);
  const changed = existsSync(path) && canonicalJson(readSweepSpec(out)) !== canonicalJson(spec);
  if (changed || !existsSync(path)) writeAtomic(path, `${JSON.stringify(spec, null, 2)}\n`);
  return changed;
}

/** The sweep file a sweep directory was run from (DIR/sweep.spec.json), for --aggregate to re-expand. */
export function readSweepSpec(out: string): SweepSpec {
  const path = join(out, SPEC_FILE);
  if (!existsSync(path)) throw new ConfigError(`sweep --aggregate: ${out} has no ${SPEC_FILE}; is it a sweep directory?`);
  return parseSweepSpec(readJsonFile(path));
}
