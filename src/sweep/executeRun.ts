// Running one sweep run, wherever it runs (in process, in a pool thread, in a queue worker): the
// network through the same simulate()/runToDirectory() as `meanfield run`, so a run gives the same
// bytes in every place, or a kernel ridge baseline on the same task with n = the config's samples.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { dataOf, type Config } from "../config.js";
import { kernelBaseline } from "../kernels/kernelRidge.js";
import { CheckpointError } from "../run/checkpoint.js";
import { resumeRun, runToDirectory } from "../run/runDirectory.js";
import { ensureDirectory, writeAtomic } from "../run/runFiles.js";
import { simulate, type RunSummary } from "../run/simulate.js";
import { writeResult } from "./resultStore.js";
import { isCompleteResult, type RunResult } from "./runResult.js";
import type { SweepMethod } from "./spec.js";

/** A run as it travels to a worker thread or through the queue (plain JSON). */
export interface RunTask {
  id: string;
  method: SweepMethod;
  point: Record<string, unknown>;
  seed: number;
  config: Config;
}

function scalars(record: Record<string, unknown> | null): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(record ?? {})) if (typeof v === "number" || v === null) out[k] = v;
  return out;
}

function fromSummary(task: RunTask, summary: RunSummary): RunResult {
  return {
    id: task.id,
    method: task.method,
    point: task.point,
    seed: task.seed,
    status: summary.status,
    metrics: scalars(summary.final),
    wallSeconds: summary.wallSeconds,
    ...(summary.divergence ? { message: summary.divergence.message } : {}),
  };
}

/**
 * The run in its sweep directory: continued from the checkpoint a killed attempt left, or started
 * over when there is none or it fails verification (the directory belongs to this run id, and a
 * run recomputed from step 0 gives the same bytes).
 */
async function runInDirectory(task: RunTask, runDir: string): Promise<RunSummary> {
  if (existsSync(join(runDir, "checkpoint.json")) && existsSync(join(runDir, "config.json"))) {
    try {
      return (await resumeRun(runDir)).summary;
    } catch (err) {
      if (!(err instanceof CheckpointError)) throw err;
    }
  }
  return (await runToDirectory(task.config, { out: runDir, force: true })).summary;
}

/**
 * Runs the task. With runDir, writes the run directory there (continuing from a checkpoint a
 * killed attempt left) and result.json last; without, runs in memory.
 */
export async function executeRun(task: RunTask, runDir: string | null): Promise<RunResult> {
  let result: RunResult;
  if (task.method === "network") {
    let summary: RunSummary;
    if (!runDir) summary = (await simulate(task.config)).summary;
    else summary = await runInDirectory(task, runDir);
    result = fromSummary(task, summary);
  } else {
    const data = dataOf(task.config.algorithm);
    const fit = await kernelBaseline(task.config, { kernel: task.method, ...(data.kind === "samples" ? { n: data.n } : {}) });
    if (runDir) {
      ensureDirectory(runDir);
      writeAtomic(join(runDir, "config.json"), `${JSON.stringify(task.config, null, 2)}\n`);
      writeAtomic(join(runDir, "kernel.json"), `${JSON.stringify(fit, null, 2)}\n`);
    }
    const { kernel: _kernel, seconds, ...numbers } = fit;
    result = { id: task.id, method: task.method, point: task.point, seed: task.seed, status: "completed", metrics: scalars(numbers), wallSeconds: seconds };
  }
  // A result without metrics would count the run as done and drop it from the aggregate for good.
  if (!isCompleteResult(result)) throw new Error(`run ${task.id} finished without final metrics; it is left undone`);
  if (runDir) writeResult(runDir, result);
  return result;
}
