// The entry point of a pool thread (piscina): one sweep run per call.

import { executeRun, type RunTask } from "./executeRun.js";
import type { RunResult } from "./runResult.js";

/** A pool thread's input: the run, and its run directory (null: keep only the result). */
export interface PoolTask {
  task: RunTask;
  runDir: string | null;
}

/** The pool thread's entry point (piscina calls the default export): one sweep run per call. */
export default function runPoolTask({ task, runDir }: PoolTask): Promise<RunResult> {
  return executeRun(task, runDir);
}
