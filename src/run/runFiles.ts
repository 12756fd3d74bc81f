// Files of a run directory (Node only): atomic writes, JSON input read the same way by every
// command (a UTF-8 byte-order mark is accepted; a bad file is a one-line error naming it), and the
// hash that says whether two resolved configs are the same run.

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ConfigError } from "../configError.js";

/** A run directory or one of its files cannot be used as it is; one line naming the path. Exit 2. */
export class RunFileError extends ConfigError {
  override name = "RunFileError";
}

/** Replaces path by data in one rename, so a reader (or a process killed mid-write) never sees half a file. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new RunFileError(`cannot write ${path}: ${oneLine(err)}`);
  }
}

/** The message of an error on one line. */
export function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, " ");
}

/** Parses JSON text, accepting a leading byte-order mark; `source` names it in the error. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new RunFileError(`${source}: not valid JSON (${oneLine(err)})`);
  }
}

/** Reads a JSON file; a missing, unreadable or malformed file is a RunFileError naming it. */
export function readJsonFile(path: string | URL): unknown {
  const source = typeof path === "string" ? path : path.pathname;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RunFileError(`cannot read ${source}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory, not a file" : oneLine(err)}`);
  }
  return parseJsonText(text, source);
}

/** SHA-256 (hex) of bytes or text. */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** SHA-256 of the canonical JSON of a resolved config: equal exactly when the two runs compute the same thing. */
export function configHash(config: unknown): string {
  return sha256(canonicalJson(config));
}

/**
 * Creates dir and its missing parents, one level at a time: mkdir's recursive mode loops forever
 * where a parent exists but refuses children (/proc/x). A path that cannot be a directory is a
 * RunFileError naming it.
 */
export function ensureDirectory(dir: string): void {
  const target = resolve(dir);
  const missing: string[] = [];
  for (let p = target; ; p = dirname(p)) {
    let isDirectory: boolean | null = null;
    try {
      isDirectory = statSync(p).isDirectory();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw new RunFileError(`cannot use ${dir} as a directory: ${(err as NodeJS.ErrnoException).code ?? oneLine(err)} on ${p}`);
    }
    if (isDirectory === false) throw new RunFileError(`cannot use ${dir} as a directory: ${p} is a file`);
    if (isDirectory || dirname(p) === p) break;
    missing.push(p);
  }
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") throw new RunFileError(`cannot create ${dir}: ${code === "ENOENT" ? `${dirname(p)} does not accept new directories` : (code ?? oneLine(err))}`);
    }
  }
}

/** JSON with object keys sorted, so equal values always serialize to equal strings. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
