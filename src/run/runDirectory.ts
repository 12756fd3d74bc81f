// A run on disk (Node only), a small transactional store:
//   DIR/config.json     the resolved config (its hash identifies the run)
//   DIR/metrics.ndjson  one line per record, appended as they are produced
//   DIR/checkpoint.json + DIR/checkpoint-<step>.bin   every checkpointEvery steps (checkpoint.ts)
//   DIR/summary.json    written only when the run has finished (completed or diverged)
//   DIR/.lock           held while a process writes here (directoryLock.ts)
// A directory holding another run (another config hash) or other files is refused unless forced.
// `resumeRun(DIR)` verifies everything before it touches a file, then continues from the last
// checkpoint, dropping records logged after it, to the same bytes an uninterrupted run writes; on
// a finished run it changes nothing.

import { createHash, type Hash } from "node:crypto";
import { appendFileSync, existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, parseConfig, totalStepsOf, type Config } from "../config.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { CHECKPOINT_FILE, loadCheckpoint, saveCheckpoint, type LoadedCheckpoint } from "./checkpoint.js";
import { DirectoryLock, isLockFile } from "./directoryLock.js";
import { RunFileError, configHash, ensureDirectory, readJsonFile, writeAtomic } from "./runFiles.js";
import { simulate, type MetricRecord, type RunSummary, type SimulationResult } from "./simulate.js";

/**
 * Where runToDirectory writes a run (default runs/<name>-<timestamp>), whether it may replace
 * another run there, and the callbacks that stream its records and progress.
 */
export interface RunFileOptions {
  /** Output directory; default runs/<name>-<timestamp>. */
  out?: string;
  /** Replace whatever run the output directory holds (default: refuse a directory holding another run). */
  force?: boolean;
  runtime?: WasmRuntime;
  onRecord?: (record: MetricRecord) => void;
  onProgress?: (step: number, total: number) => void;
}

/** A run written to disk: the simulation result and its directory. */
export interface DirectoryResult extends SimulationResult {
  dir: string;
  /** True when resumeRun found the run already finished and changed nothing. */
  alreadyFinished?: boolean;
}

/** The files a run writes; --force removes these (and nothing else) before a new run. */
const RUN_FILES = /^(config\.json|metrics\.ndjson|summary\.json|result\.json|kernel\.json|checkpoint\.json|checkpoint(-\d+)?\.bin|.*\.tmp)$/;

/** runs/<label>-<timestamp>: the default output directory of every command that writes one. */
export function defaultRunDirectory(label: string): string {
  return join("runs", `${label}-${new Date().toISOString().replace(/:/g, "-").replace(/\..*$/, "")}`);
}

function readRunConfig(dir: string): Config {
  const path = join(dir, "config.json");
  const input = readJsonFile(path);
  try {
    return parseConfig(input);
  } catch (err) {
    if (err instanceof ConfigError) throw new RunFileError(`${path}: ${err.message}`);
    throw err;
  }
}

async function runIn(dir: string, config: Config, hash: string, lock: DirectoryLock, options: RunFileOptions, resume: LoadedCheckpoint | null): Promise<DirectoryResult> {
  const metricsPath = join(dir, "metrics.ndjson");
  const kept = resume?.lines ?? [];
  // The kept lines replace the file in one rename: a resume that fails later still leaves them.
  writeAtomic(metricsPath, kept.map((l) => `${l}\n`).join(""));
  const metricsHash: Hash = createHash("sha256");
  for (const l of kept) metricsHash.update(`${l}\n`);
  let written = kept.length;
  let last: MetricRecord | null = kept.length > 0 ? (JSON.parse(kept[kept.length - 1]!) as MetricRecord) : null;
  const result = await simulate(config, {
    ...(options.runtime ? { runtime: options.runtime } : {}),
    ...(resume ? { resume: resume.state } : {}),
    onProgress: (step, total) => {
      lock.heartbeat();
      options.onProgress?.(step, total);
    },
    onRecord: (record) => {
      const line = `${JSON.stringify(record)}\n`;
      appendFileSync(metricsPath, line);
      metricsHash.update(line);
      written++;
      last = record;
      options.onRecord?.(record);
    },
    onCheckpoint: (state) => saveCheckpoint(dir, state, written, metricsHash.copy().digest("hex"), hash),
  });
  const summary: RunSummary = { ...result.summary, final: last };
  writeAtomic(join(dir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  return { ...result, summary, dir };
}

/** Runs a config, writing everything under the output directory (refusing one that holds another run unless options.force). */
export async function runToDirectory(input: unknown, options: RunFileOptions = {}): Promise<DirectoryResult> {
  const config = parseConfig(input);
  const dir = options.out ?? defaultRunDirectory(config.name);
  ensureDirectory(dir);
  const lock = DirectoryLock.acquire(dir);
  try {
    const hash = configHash(config);
    const present = readdirSync(dir).filter((f) => !isLockFile(f));
    if (present.length > 0) {
      let same = false;
      try {
        same = existsSync(join(dir, "config.json")) && configHash(readRunConfig(dir)) === hash;
      } catch {
        same = false;
      }
      const foreign = present.filter((f) => !RUN_FILES.test(f));
      if (!options.force && (!same || foreign.length > 0)) {
        const what = foreign.length > 0 ? `files that are not a run's (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", ..." : ""})` : existsSync(join(dir, "config.json")) ? "another run (a different config.json)" : "an incomplete run without config.json";
        throw new RunFileError(`--out ${dir}: the directory holds ${what}; choose an empty directory, continue it with --resume, or pass --force to replace it`);
      }
      // The same run (or --force): start over, removing only what a run writes.
      for (const f of present) if (RUN_FILES.test(f)) rmSync(join(dir, f), { force: true });
    }
    writeAtomic(join(dir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
    return await runIn(dir, config, hash, lock, options, null);
  } finally {
    lock.release();
  }
}

function finishedSummary(dir: string): RunSummary | null {
  const path = join(dir, "summary.json");
  if (!existsSync(path)) return null;
  const summary = readJsonFile(path) as Partial<RunSummary> | null;
  const finished = summary && (summary.status === "completed" || summary.status === "diverged") && summary.final && typeof summary.final === "object";
  return finished ? (summary as RunSummary) : null;
}

/**
 * Continues the run in dir from its last checkpoint (from the start if it has none). The config,
 * the checkpoint and the metrics it covers are verified first (CheckpointError naming the file);
 * a run that has already finished is left as it is.
 */
export async function resumeRun(dir: string, options: Omit<RunFileOptions, "out" | "force"> = {}): Promise<DirectoryResult> {
  if (!existsSync(join(dir, "config.json"))) throw new RunFileError(`--resume ${dir}: no config.json there; is it a run directory?`);
  const lock = DirectoryLock.acquire(dir);
  try {
    const config = readRunConfig(dir);
    const hash = configHash(config);
    const finished = finishedSummary(dir);
    if (finished) return { config, records: [], summary: finished, dir, alreadyFinished: true };
    const resume = existsSync(join(dir, CHECKPOINT_FILE)) ? loadCheckpoint(dir, config, hash, totalStepsOf(config.algorithm)) : null;
    return await runIn(dir, config, hash, lock, options, resume);
  } finally {
    lock.release();
  }
}
