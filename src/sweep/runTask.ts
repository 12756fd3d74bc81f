// The entry point of a pool thread (piscina): one sweep run per call.

import { executeRun, type RunTask } from "./executeRun.js";
import type { RunResult } from "./runResult.js";

export interface PoolTask {
  task: RunTask;
  runDir: string | null;
}

export default function runPoolTask({ task, runDir }: PoolTask): Promise<RunResult> {
  return executeRun(task, runDir);
}
