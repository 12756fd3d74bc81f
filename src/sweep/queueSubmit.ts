// The submitting side of the queue backend (`meanfield sweep --queue`): enqueue the runs that have
// no result yet, then collect results from the results hash into the local sweep directory until
// every run has one or has failed all its attempts.

import { Queue } from "bullmq";
import type { SweepRun } from "./expand.js";
import type { RunTask } from "./executeRun.js";
import { connectRedis, resultsKey } from "./queueConnection.js";
import { parseRunResult, type RunResult } from "./runResult.js";

/** A queued job: the run to execute and the time after which the worker aborts the attempt. */
export interface QueueJobData {
  task: RunTask;
  /** The worker aborts the run after this long; the attempt fails and is retried. */
  timeoutSeconds: number;
}

/**
 * Where and how to submit: the Redis address and queue, attempts per run with backoff, the
 * per-attempt timeout, and whether to wait for the results.
 */
export interface SubmitOptions {
  url: string;
  queueName: string;
  /** Attempts per run (retries after a failure or a timeout, with exponential backoff). */
  attempts: number;
  timeoutSeconds: number;
  /** Called once per run with its result, as results arrive. */
  onResult: (result: RunResult) => void;
  /** False: enqueue, collect the results already there and return without waiting for the rest. */
  wait?: boolean;
  pollMs?: number;
}

/** The runs that failed every attempt and, when not waiting, how many are still queued or running. */
export interface SubmitOutcome {
  failed: { id: string; reason: string }[];
  /** Runs still queued or running (only when not waiting). */
  pending: number;
}

/**
 * BullMQ rejects custom job ids that parse as integers, which a hex run id such as "1234e5..."
 * does; the prefix keeps every id a plain string.
 */
export function jobIdOf(runId: string): string {
  return `run-${runId}`;
}

/** The part of a SweepRun a worker needs to execute it (no expansion index: that is the submitter's). */
export function toTask(run: SweepRun): RunTask {
  return { id: run.id, method: run.method, point: run.point, seed: run.seed, config: run.config };
}

/**
 * Enqueues the runs (job id from the run id, so a resubmission adds no duplicates) and, when
 * waiting, polls the results hash until every run has a result or has failed all its attempts.
 */
export async function submitToQueue(runs: readonly SweepRun[], options: SubmitOptions): Promise<SubmitOutcome> {
  let lost: Error | null = null;
  const redis = await connectRedis(options.url, (err) => (lost = err));
  const queue = new Queue<QueueJobData>(options.queueName, { connection: redis });
  const key = resultsKey(options.queueName);
  const pending = new Set(runs.map((r) => r.id));
  const failed: SubmitOutcome["failed"] = [];
  const collect = async () => {
    if (pending.size === 0) return;
    const ids = [...pending];
    const values = await redis.hmget(key, ...ids);
    values.forEach((json, k) => {
      if (json === null) return;
      pending.delete(ids[k]!);
      options.onResult(parseRunResult(json, `${key} ${ids[k]}`));
    });
  };
  try {
    await collect();
    const toAdd = [];
    for (const run of runs) {
      if (!pending.has(run.id)) continue;
      const job = await queue.getJob(jobIdOf(run.id));
      // A job that failed in an earlier submission keeps its id; retrying it is how it runs again.
      if (job && (await job.isFailed())) await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
      else if (!job) toAdd.push(run);
    }
    await queue.addBulk(
      toAdd.map((run) => ({
        name: "run",
        data: { task: toTask(run), timeoutSeconds: options.timeoutSeconds },
        opts: { jobId: jobIdOf(run.id), attempts: options.attempts, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: true, removeOnFail: false },
      })),
    );
    const pollMs = options.pollMs ?? 250;
    let lastFailureCheck = 0;
    if (options.wait === false) {
      await collect();
      return { failed, pending: pending.size };
    }
    while (pending.size > 0) {
      await new Promise((r) => setTimeout(r, pollMs));
      await collect();
      if (Date.now() - lastFailureCheck > 2000) {
        lastFailureCheck = Date.now();
        for (const job of await queue.getFailed(0, -1)) {
          const id = job.data.task.id;
          if (!pending.has(id)) continue;
          pending.delete(id);
          failed.push({ id, reason: job.failedReason });
        }
      }
    }
    return { failed, pending: 0 };
  } catch (err) {
    throw lost ?? err;
  } finally {
    await queue.close();
    redis.disconnect();
  }
}
