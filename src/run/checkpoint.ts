// Checkpoints with integrity (Node only). DIR/checkpoint-<step>.bin holds the arrays (f64, in the
// manifest's order); DIR/checkpoint.json is the manifest: the config hash, the step, the number of
// metrics.ndjson lines written by then with the SHA-256 of those lines, the array names and
// lengths, the SHA-256 of the .bin file, and the SHA-256 of the manifest itself. Loading checks
// all of it against config.json and metrics.ndjson before anything is touched; any mismatch is a
// CheckpointError naming the file.

import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { Config } from "../config.js";
import { RunFileError, canonicalJson, parseJsonText, sha256, writeAtomic } from "./runFiles.js";
import { metricSteps } from "../metricSchedule.js";
import type { RunState } from "./simulate.js";

export const CHECKPOINT_FILE = "checkpoint.json";

/** A checkpoint that does not match its run; the message names the file. Exit 2. */
export class CheckpointError extends RunFileError {
  override name = "CheckpointError";
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const manifestSchema = z
  .object({
    format: z.literal(1),
    configHash: hex64,
    step: z.number().int().min(0),
    records: z.number().int().min(0),
    metricsSha256: hex64,
    file: z.string().regex(/^checkpoint-\d+\.bin$/),
    sha256: hex64,
    arrays: z.array(z.object({ name: z.string(), length: z.number().int().min(0) }).strict()).min(2),
    manifestSha256: hex64,
  })
  .strict();
type Manifest = z.infer<typeof manifestSchema>;

/** The checkpoint's own checksum: SHA-256 of its canonical JSON without that field. */
function manifestChecksum(manifest: Omit<Manifest, "manifestSha256">): string {
  return sha256(canonicalJson(manifest));
}

/** What a run of this config checkpoints: (w, a) and the trainer's extra arrays, by name and length. */
function expectedArrays(config: Config): Map<string, number> {
  const n = config.model.width;
  const inputDim = config.task.d + (config.model.bias ? 1 : 0);
  const arrays = new Map([
    ["w", n * inputDim],
    ["a", n],
  ]);
  if (config.algorithm.kind === "layerwise") arrays.set("trajectorySum", n * inputDim);
  if (config.algorithm.linearize) {
    arrays.set("w0", n * inputDim);
    arrays.set("a0", n);
  }
  return arrays;
}

/**
 * Saves state: the arrays to a new file named by the step, then the manifest switched to it in one
 * rename, so a process killed at any moment leaves a manifest and arrays of the same step.
 * metricsSha256 is the SHA-256 of the `records` metrics lines written so far.
 */
export function saveCheckpoint(dir: string, state: RunState, records: number, metricsSha256: string, hash: string): void {
  const arrays: [string, Float64Array][] = [
    ["w", state.w],
    ["a", state.a],
    ...Object.entries(state.trainer.arrays).sort(([p], [q]) => p.localeCompare(q)),
  ];
  const total = arrays.reduce((s, [, v]) => s + v.length, 0);
  const values = new Float64Array(total);
  let offset = 0;
  for (const [, v] of arrays) {
    values.set(v, offset);
    offset += v.length;
  }
  const bytes = new Uint8Array(values.buffer);
  const file = `checkpoint-${state.trainer.step}.bin`;
  writeAtomic(join(dir, file), bytes);
  const body = {
    format: 1 as const,
    configHash: hash,
    step: state.trainer.step,
    records,
    metricsSha256,
    file,
    sha256: sha256(bytes),
    arrays: arrays.map(([name, v]) => ({ name, length: v.length })),
  };
  writeAtomic(join(dir, CHECKPOINT_FILE), `${JSON.stringify({ ...body, manifestSha256: manifestChecksum(body) })}\n`);
  for (const old of readdirSync(dir)) if (/^checkpoint(-\d+)?\.bin$/.test(old) && old !== file) rmSync(join(dir, old), { force: true });
}

/**
 * A verified checkpoint: the state to resume from and the metric lines logged up to it, so a
 * resumed run rewrites metrics.ndjson without the records logged after the checkpoint.
 */
export interface LoadedCheckpoint {
  state: RunState;
  /** metrics.ndjson lines that belong to the checkpoint (the rest were logged after it). */
  lines: string[];
}

/**
 * Loads and verifies the checkpoint of dir for config (whose hash is `hash`): manifest checksum,
 * config hash, step and record count against the schedule, array names and lengths, the .bin
 * file's size, SHA-256 and finiteness, and the metrics lines it covers. Nothing is modified.
 */
export function loadCheckpoint(dir: string, config: Config, hash: string, totalSteps: number): LoadedCheckpoint {
  const manifestPath = join(dir, CHECKPOINT_FILE);
  let raw: unknown;
  try {
    raw = parseJsonText(readFileSync(manifestPath, "utf8"), manifestPath);
  } catch (err) {
    throw new CheckpointError(err instanceof RunFileError ? err.message : `cannot read ${manifestPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CheckpointError(`${manifestPath}: ${issue.path.join(".") || "(manifest)"}: ${issue.message} (not a checkpoint manifest of this version; rerun without --resume)`);
  }
  const manifest = parsed.data;
  const { manifestSha256, ...body } = manifest;
  if (manifestChecksum(body) !== manifestSha256) throw new CheckpointError(`${manifestPath}: its checksum does not match its content (edited or corrupted)`);
  if (manifest.configHash !== hash) throw new CheckpointError(`${manifestPath}: written by a run of another config than ${join(dir, "config.json")}`);
  const every = config.checkpointEvery;
  if (manifest.step > totalSteps || every === 0 || manifest.step % every !== 0) {
    throw new CheckpointError(`${manifestPath}: step ${manifest.step} is not a checkpoint step of this run (every ${every} steps up to ${totalSteps})`);
  }
  const records = metricSteps(config.metrics.schedule, totalSteps).filter((s) => s <= manifest.step).length;
  if (manifest.records !== records) throw new CheckpointError(`${manifestPath}: ${manifest.records} records, but the schedule logs ${records} by step ${manifest.step}`);
  const expected = expectedArrays(config);
  const names = manifest.arrays.map((a) => a.name);
  if (names.length !== expected.size || new Set(names).size !== names.length || manifest.arrays.some((a) => expected.get(a.name) !== a.length)) {
    throw new CheckpointError(`${manifestPath}: arrays ${manifest.arrays.map((a) => `${a.name}[${a.length}]`).join(", ")} do not match the config (${[...expected].map(([k, v]) => `${k}[${v}]`).join(", ")})`);
  }
  const binPath = join(dir, manifest.file);
  if (!existsSync(binPath)) throw new CheckpointError(`${binPath}: missing (named by ${manifestPath})`);
  const bytes = readFileSync(binPath);
  const total = manifest.arrays.reduce((s, a) => s + a.length, 0);
  if (bytes.byteLength !== 8 * total) throw new CheckpointError(`${binPath}: ${bytes.byteLength} bytes, expected ${8 * total}`);
  if (sha256(bytes) !== manifest.sha256) throw new CheckpointError(`${binPath}: SHA-256 mismatch (the file is corrupted)`);
  const all = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const bad = all.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new CheckpointError(`${binPath}: value ${bad} is ${all[bad]}`);
  const metricsPath = join(dir, "metrics.ndjson");
  if (!existsSync(metricsPath)) throw new CheckpointError(`${metricsPath}: missing (the checkpoint covers ${records} lines of it)`);
  const lines = readFileSync(metricsPath, "utf8").split("\n").filter((l) => l.length > 0);
  if (lines.length < records) throw new CheckpointError(`${metricsPath}: ${lines.length} lines, but the checkpoint covers ${records}`);
  const kept = lines.slice(0, records);
  if (sha256(kept.map((l) => `${l}\n`).join("")) !== manifest.metricsSha256) throw new CheckpointError(`${metricsPath}: its first ${records} lines differ from those the checkpoint was taken with`);
  const arrays: Record<string, Float64Array> = {};
  let offset = 0;
  for (const { name, length } of manifest.arrays) {
    arrays[name] = all.slice(offset, offset + length);
    offset += length;
  }
  const { w, a, ...trainerArrays } = arrays;
  return { state: { w: w!, a: a!, trainer: { step: manifest.step, arrays: trainerArrays } }, lines: kept };
}
