// The sweep directory on disk:
//   DIR/sweep.spec.json         the parsed sweep file, the latest run there (aggregation re-expands it)
//   DIR/runs/<id>/              the run directory (config.json, metrics.ndjson, summary.json, checkpoints;
//                               kernel.json for kernel baselines)
//   DIR/runs/<id>/result.json   written last and atomically: a run is done exactly when it exists
//   DIR/sweep.csv, runs.csv, sweep.json, sweep.md, sweep.html   the aggregate (report.ts)
// Several shards or machines may share DIR: runs never share a directory and ids are content hashes.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../config.js";
import { canonicalJson } from "./runId.js";
import { parseRunResult, type RunResult } from "./runResult.js";
import { parseSweepSpec, type SweepSpec } from "./spec.js";

export const SPEC_FILE = "sweep.spec.json";

export function runDirectoryOf(out: string, id: string): string {
  return join(out, "runs", id);
}

export function writeAtomic(path: string, data: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function hasResult(out: string, id: string): boolean {
  return existsSync(join(runDirectoryOf(out, id), "result.json"));
}

export function writeResult(runDir: string, result: RunResult): void {
  mkdirSync(runDir, { recursive: true });
  writeAtomic(join(runDir, "result.json"), `${JSON.stringify(result, null, 2)}\n`);
}

/** Every result stored under out/runs, by id. */
export function readResults(out: string): Map<string, RunResult> {
  const results = new Map<string, RunResult>();
  const runs = join(out, "runs");
  if (!existsSync(runs)) return results;
  for (const id of readdirSync(runs)) {
    const path = join(runs, id, "result.json");
    if (existsSync(path)) results.set(id, parseRunResult(readFileSync(path, "utf8"), path));
  }
  return results;
}

/**
 * Records the sweep a directory holds. A changed sweep (more seeds, another axis value) replaces
 * the record: runs are stored by content id, so every run of the new grid that is already done
 * counts, and results outside the grid stay on disk unused. Returns whether the record changed.
 */
export function claimSweepDirectory(out: string, spec: SweepSpec): boolean {
  mkdirSync(join(out, "runs"), { recursive: true });
  const path = join(out, SPEC_FILE);
  const changed = existsSync(path) && canonicalJson(readSweepSpec(out)) !== canonicalJson(spec);
  if (changed || !existsSync(path)) writeAtomic(path, `${JSON.stringify(spec, null, 2)}\n`);
  return changed;
}

export function readSweepSpec(out: string): SweepSpec {
  const path = join(out, SPEC_FILE);
  if (!existsSync(path)) throw new ConfigError(`sweep --aggregate: ${out} has no ${SPEC_FILE}; is it a sweep directory?`);
  return parseSweepSpec(JSON.parse(readFileSync(path, "utf8")));
}
