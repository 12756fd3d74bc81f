// The executing side of the queue backend (`meanfield worker --queue`): a BullMQ worker taking
// jobs with `concurrency` = pool threads, each run in a thread of a RunPool so the main thread stays
// free to renew job locks. A worker that dies mid-run stops renewing its lock; after lockDuration
// another worker's stalled-job check puts the job back in the queue and it runs again there
// (continuing from the dead attempt's checkpoint when workers share --out). A run past its
// timeout is aborted (its thread terminated) and the attempt fails, to be retried with backoff.

import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { Queue, Worker, type Job } from "bullmq";
import { runDirectoryOf } from "./resultStore.js";
import { connectRedis, resultsKey } from "./queueConnection.js";
import type { QueueJobData } from "./queueSubmit.js";
import { RunPool } from "./runPool.js";

/**
 * A queue worker's settings: Redis address and queue, pool size, where run directories go, and the
 * stall detection that hands a dead worker's jobs to others.
 */
export interface QueueWorkerOptions {
  url: string;
  queueName: string;
  /** Runs at once (pool threads). */
  workers: number;
  /** A directory shared with the other workers (or local) for full run directories; null keeps only results, in Redis. */
  out: string | null;
  /** How long a job's lock lasts without renewal: the time before a dead worker's job is taken back. */
  lockDurationMs: number;
  /** How often this worker looks for stalled jobs. */
  stalledIntervalMs: number;
  /** Times a job may be taken back from dead workers before it fails. */
  maxStalledCount: number;
  /** Stop after the queue has had nothing waiting or running for this long (null: run until a signal). */
  idleExitSeconds: number | null;
  log: (line: string) => void;
  /** Called when the connection to Redis is lost for good (bounded retries); the worker cannot go on. */
  onConnectionLost?: (error: Error) => void;
}

/**
 * One finished job: its run id and whether this attempt delivered the result (a retried run's
 * result is delivered once).
 */
export interface JobOutcome {
  id: string;
  /** False when another attempt had already delivered this run's result. */
  delivered: boolean;
}

/** A started worker: a promise that resolves when it stops, and a graceful close(). */
export interface RunningWorker {
  /** Resolves when the worker has stopped (after close(), or on idle exit). */
  stopped: Promise<void>;
  /** Finishes the runs in progress, then stops. */
  close(): Promise<void>;
}

/** The step of the checkpoint an earlier attempt left in runDir, if any. */
function checkpointStep(runDir: string): number | null {
  const path = join(runDir, "checkpoint.json");
  if (!existsSync(path)) return null;
  try {
    return (JSON.parse(readFileSync(path, "utf8")) as { step: number }).step;
  } catch {
    return null;
  }
}

/**
 * Starts executing queued runs on a local pool, writing each RunResult to the results hash (a run
 * already there is not delivered twice) and resuming from a checkpoint an earlier attempt left.
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<RunningWorker> {
  const redis = await connectRedis(options.url, (err) => options.onConnectionLost?.(err));
  const key = resultsKey(options.queueName);
  const pool = new RunPool(options.workers);
  const me = `${hostname()}:${process.pid}`;
  const processJob = async (job: Job<QueueJobData, JobOutcome>): Promise<JobOutcome> => {
    const { task, timeoutSeconds } = job.data;
    if ((await redis.hexists(key, task.id)) === 1) {
      options.log(`skip ${task.id}: its result is already delivered`);
      return { id: task.id, delivered: false };
    }
    const runDir = options.out ? runDirectoryOf(options.out, task.id) : null;
    const from = runDir ? checkpointStep(runDir) : null;
    options.log(`start ${task.id} attempt ${job.attemptsStarted} (${me})${from === null ? "" : `, from the checkpoint at step ${from}`}`);
    const signal = AbortSignal.timeout(timeoutSeconds * 1000);
    let result;
    try {
      result = await pool.run(task, runDir, signal);
    } catch (err) {
      if (signal.aborted) throw new Error(`run ${task.id} exceeded its timeout of ${timeoutSeconds} s`);
      throw err;
    }
    const delivered = (await redis.hsetnx(key, task.id, JSON.stringify(result))) === 1;
    options.log(`done ${task.id}${delivered ? "" : " (an earlier attempt delivered it; kept that one)"}`);
    return { id: task.id, delivered };
  };
  // BullMQ leaves connections it was given open; both are closed in close().
  const workerConnection = redis.duplicate();
  const worker = new Worker<QueueJobData, JobOutcome>(options.queueName, processJob, {
    connection: workerConnection,
    concurrency: options.workers,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount,
  });
  worker.on("failed", (job, err) => options.log(`failed ${job?.data.task.id ?? "?"} attempt ${job?.attemptsMade ?? "?"}: ${err.message}`));
  worker.on("error", (err) => options.log(`worker error: ${err.message}`));
  await worker.waitUntilReady();

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let idleTimer: NodeJS.Timeout | null = null;
  const monitor = options.idleExitSeconds !== null ? new Queue(options.queueName, { connection: redis }) : null;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (idleTimer) clearInterval(idleTimer);
      await worker.close();
      await monitor?.close();
      await pool.close();
      workerConnection.disconnect();
      // A deliberate close is not a lost connection.
      redis.removeAllListeners("end");
      redis.disconnect();
      resolveStopped();
    })();
    return closing;
  };
  if (monitor && options.idleExitSeconds !== null) {
    const idleMs = options.idleExitSeconds * 1000;
    let idleSince = Date.now();
    idleTimer = setInterval(() => {
      void monitor.getJobCounts("wait", "active", "delayed", "prioritized", "waiting-children").then((c) => {
        if (Object.values(c).some((n) => n > 0)) idleSince = Date.now();
        else if (Date.now() - idleSince >= idleMs) {
          options.log(`idle for ${options.idleExitSeconds} s; stopping`);
          void close();
        }
      });
    }, 500);
  }
  return { stopped, close };
}
