// One writer per run directory: DIR/.lock, created exclusively, holds the owner's pid, host and
// start time. It is written whole to a file of its own and hard-linked into place (link fails if
// .lock exists), so another process never reads a lock half written (an exclusive create and a
// write leave a moment in which .lock is empty, and a refused run could not name its owner). A lock whose owner is gone is stale and taken over: on this host when the pid no
// longer exists, from another host (a shared --out) when its heartbeat (the file's mtime, touched
// while the run goes) is older than STALE_AFTER_MS. Threads of one process (a sweep pool) share a
// pid, which is fine: they never share a directory.

import { randomUUID } from "node:crypto";
import { linkSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { RunFileError } from "./runFiles.js";

export const LOCK_FILE = ".lock";

/** Whether a file of a run directory belongs to its lock: .lock, or another process's draft of it (.lock.UUID) about to be linked or removed. */
export function isLockFile(name: string): boolean {
  return name === LOCK_FILE || name.startsWith(`${LOCK_FILE}.`);
}
/** A lock from another host not touched for this long is stale (the heartbeat runs every HEARTBEAT_MS). */
export const STALE_AFTER_MS = 10 * 60_000;
const HEARTBEAT_MS = 30_000;

interface LockOwner {
  pid: number;
  host: string;
  since: string;
  token: string;
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, "utf8")) as Partial<LockOwner>;
    return typeof owner.pid === "number" && typeof owner.host === "string" && typeof owner.token === "string" ? (owner as LockOwner) : null;
  } catch {
    return null;
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}

function isStale(owner: LockOwner | null, path: string): boolean {
  // An unreadable lock is one being written right now, or the remains of a crash while writing it.
  if (!owner) return ageMs(path) > 5_000;
  if (owner.host === hostname()) return !processExists(owner.pid);
  return ageMs(path) > STALE_AFTER_MS;
}

/**
 * Removes dir's lock if this process holds it: for a run whose thread was terminated (a sweep run
 * past its timeout), which never reached its release().
 */
export function clearAbandonedLock(dir: string): void {
  const path = join(dir, LOCK_FILE);
  if (readOwner(path)?.pid === process.pid) rmSync(path, { force: true });
}

/**
 * The one-writer lock of a run directory (DIR/.lock with pid, host and start time), taken over when
 * its owner is gone: a dead pid on this host, or a heartbeat older than STALE_AFTER_MS from another.
 */
export class DirectoryLock {
  private lastBeat = Date.now();

  private constructor(
    readonly path: string,
    private readonly token: string,
  ) {}

  /** Takes the lock of dir (which must exist), taking over a stale one; throws RunFileError naming the owner otherwise. */
  static acquire(dir: string): DirectoryLock {
    const path = join(dir, LOCK_FILE);
    const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), token: randomUUID() };
    const draft = `${path}.${owner.token}`;
    try {
      writeFileSync(draft, `${JSON.stringify(owner)}\n`, { flag: "wx" });
    } catch (err) {
      throw new RunFileError(`cannot lock ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    try {
      return DirectoryLock.linkInto(dir, draft, path, owner.token);
    } finally {
      rmSync(draft, { force: true });
    }
  }

  private static linkInto(dir: string, draft: string, path: string, token: string): DirectoryLock {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(draft, path);
        return new DirectoryLock(path, token);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== "EEXIST") throw new RunFileError(`cannot lock ${dir}: ${code ?? (err as Error).message}`);
      }
      const held = readOwner(path);
      if (!isStale(held, path)) {
        const who = held ? `process ${held.pid} on ${held.host} since ${held.since}` : "another process";
        throw new RunFileError(`${dir} is in use by ${who}; wait for it to finish, or delete ${path} if that process is gone`);
      }
      rmSync(path, { force: true });
    }
    throw new RunFileError(`cannot lock ${dir}: other processes keep taking ${path}`);
  }

  /** Marks the lock alive for other hosts; cheap to call often (touches the file at most every 30 s). */
  heartbeat(): void {
    const now = Date.now();
    if (now - this.lastBeat < HEARTBEAT_MS) return;
    this.lastBeat = now;
    try {
      utimesSync(this.path, now / 1000, now / 1000);
    } catch {
      // The lock was removed by hand; the run goes on and release() finds nothing to remove.
    }
  }

  /** Removes the lock if it is still this holder's. */
  release(): void {
    if (readOwner(this.path)?.token === this.token) rmSync(this.path, { force: true });
  }
}
