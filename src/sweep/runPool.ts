// A pool of worker threads (piscina) running sweep runs, one run per thread at a time. Runs are
// independent and single-threaded, so K threads keep K cores busy; each thread instantiates its
// own Wasm module, and a run computes the same bytes in a thread as in the main thread.

import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { clearAbandonedLock } from "../run/directoryLock.js";
import type { RunTask } from "./executeRun.js";
import type { RunResult } from "./runResult.js";
import type { PoolTask } from "./runTask.js";

// Threads load compiled JavaScript. Under vitest this module is the TypeScript source, so the
// thread entry is taken from dist/ (built by npm run build) instead.
function threadEntry(): string {
  const beside = fileURLToPath(new URL("./runTask.js", import.meta.url));
  if (existsSync(beside)) return beside;
  const built = fileURLToPath(new URL("../../dist/sweep/runTask.js", import.meta.url));
  if (existsSync(built)) return built;
  throw new Error("meanfield sweep: dist/sweep/runTask.js is missing; run npm run build");
}

/** One pool thread per available core: runs are single-threaded and independent. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * Worker threads (piscina) running sweep runs, one per thread at a time; each thread instantiates
 * its own Wasm module, and a run computes the same bytes there as in the main thread.
 */
export class RunPool {
  private readonly pool: Piscina<PoolTask, RunResult>;

  constructor(readonly workers: number = defaultWorkers()) {
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers: expected an integer >= 1, got ${workers}`);
    this.pool = new Piscina<PoolTask, RunResult>({ filename: threadEntry(), minThreads: workers, maxThreads: workers, idleTimeout: Infinity });
  }

  /** Runs one task in a thread; aborting (e.g. on a timeout) terminates that thread. */
  async run(task: RunTask, runDir: string | null, signal?: AbortSignal): Promise<RunResult> {
    try {
      return await this.pool.run({ task, runDir }, signal ? { signal } : {});
    } catch (err) {
      // The terminated thread held the run directory's lock; the next attempt needs it.
      if (signal?.aborted && runDir) clearAbandonedLock(runDir);
      throw err;
    }
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
