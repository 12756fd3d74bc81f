// A run on disk (Node only): DIR/config.json (resolved), DIR/metrics.ndjson (one line per record,
// written as it is produced), DIR/checkpoint.json with DIR/checkpoint-<step>.bin (every
// checkpointEvery steps), DIR/summary.json at the end. `resumeRun(DIR)` continues from the last checkpoint,
// dropping records logged after it, to the same bytes an uninterrupted run writes.

import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig, type Config } from "../config.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { simulate, type MetricRecord, type RunState, type SimulationResult } from "./simulate.js";

export interface RunFileOptions {
  /** Output directory; default runs/<name>-<timestamp>. */
  out?: string;
  runtime?: WasmRuntime;
  onRecord?: (record: MetricRecord) => void;
  onProgress?: (step: number, total: number) => void;
}

export interface DirectoryResult extends SimulationResult {
  dir: string;
}

interface CheckpointIndex {
  step: number;
  /** metrics.ndjson lines written when the checkpoint was taken. */
  records: number;
  /** The weights file; absent in checkpoints written before it was named by step (checkpoint.bin). */
  file?: string;
  arrays: { name: string; length: number }[];
}

/** runs/<label>-<timestamp>: the default output directory of every command that writes one. */
export function defaultRunDirectory(label: string): string {
  return join("runs", `${label}-${new Date().toISOString().replace(/:/g, "-").replace(/\..*$/, "")}`);
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

function saveCheckpoint(dir: string, state: RunState, records: number): void {
  const arrays: [string, Float64Array][] = [
    ["w", state.w],
    ["a", state.a],
    ...Object.entries(state.trainer.arrays).sort(([p], [q]) => p.localeCompare(q)),
  ];
  const total = arrays.reduce((s, [, v]) => s + v.length, 0);
  const bytes = new Float64Array(total);
  let offset = 0;
  for (const [, v] of arrays) {
    bytes.set(v, offset);
    offset += v.length;
  }
  // The weights go to a new file named by the step and the index is switched to it atomically, so a
  // process killed at any moment leaves an index and weights of the same step.
  const file = `checkpoint-${state.trainer.step}.bin`;
  writeAtomic(join(dir, file), new Uint8Array(bytes.buffer));
  const index: CheckpointIndex = { step: state.trainer.step, records, file, arrays: arrays.map(([name, v]) => ({ name, length: v.length })) };
  writeAtomic(join(dir, "checkpoint.json"), `${JSON.stringify(index)}\n`);
  for (const old of readdirSync(dir)) if (/^checkpoint(-\d+)?\.bin$/.test(old) && old !== file) rmSync(join(dir, old), { force: true });
}

function loadCheckpoint(dir: string): { state: RunState; records: number } {
  const index = JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8")) as CheckpointIndex;
  const raw = readFileSync(join(dir, index.file ?? "checkpoint.bin"));
  const all = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const arrays: Record<string, Float64Array> = {};
  let offset = 0;
  for (const { name, length } of index.arrays) {
    arrays[name] = all.slice(offset, offset + length);
    offset += length;
  }
  const { w, a, ...trainerArrays } = arrays;
  if (!w || !a) throw new Error(`meanfield: ${dir}/checkpoint.json lists no weights`);
  return { state: { w, a, trainer: { step: index.step, arrays: trainerArrays } }, records: index.records };
}

async function runIn(dir: string, config: Config, options: RunFileOptions, resume: { state: RunState; records: number } | null): Promise<DirectoryResult> {
  const metricsPath = join(dir, "metrics.ndjson");
  let written = resume ? resume.records : 0;
  if (resume) {
    const kept = readFileSync(metricsPath, "utf8").split("\n").filter((l) => l.length > 0).slice(0, resume.records);
    writeFileSync(metricsPath, kept.map((l) => `${l}\n`).join(""));
  } else writeFileSync(metricsPath, "");
  const result = await simulate(config, {
    ...(options.runtime ? { runtime: options.runtime } : {}),
    ...(resume ? { resume: resume.state } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    onRecord: (record) => {
      appendFileSync(metricsPath, `${JSON.stringify(record)}\n`);
      written++;
      options.onRecord?.(record);
    },
    onCheckpoint: (state) => saveCheckpoint(dir, state, written),
  });
  writeFileSync(join(dir, "summary.json"), `${JSON.stringify(result.summary, null, 2)}\n`);
  return { ...result, dir };
}

/** Runs a config, writing everything under the output directory. */
export async function runToDirectory(input: unknown, options: RunFileOptions = {}): Promise<DirectoryResult> {
  const config = parseConfig(input);
  const dir = options.out ?? defaultRunDirectory(config.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
  return runIn(dir, config, options, null);
}

/** Continues the run in dir from its last checkpoint (from the start if it has none). */
export async function resumeRun(dir: string, options: Omit<RunFileOptions, "out"> = {}): Promise<DirectoryResult> {
  const configPath = join(dir, "config.json");
  if (!existsSync(configPath)) throw new Error(`meanfield: ${dir} has no config.json; is it a run directory?`);
  const config = parseConfig(JSON.parse(readFileSync(configPath, "utf8")));
  const resume = existsSync(join(dir, "checkpoint.json")) ? loadCheckpoint(dir) : null;
  return runIn(dir, config, options, resume);
}
