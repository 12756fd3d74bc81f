// A sweep from start to report: expand, skip the runs whose results exist (resume), run the rest
// (this shard's share of them) on the local pool or through the queue, then aggregate every result
// in the directory.

import { ConfigError } from "../config.js";
import { aggregateSweep, type SweepAggregate } from "./aggregate.js";
import { expandSweep, type SweepRun } from "./expand.js";
import { toTask, submitToQueue } from "./queueSubmit.js";
import { writeSweepReport } from "./report.js";
import { claimSweepDirectory, hasResult, readResults, readSweepSpec, runDirectoryOf, writeResult } from "./resultStore.js";
import { canonicalJson } from "../run/runFiles.js";
import { defaultWorkers, RunPool } from "./runPool.js";
import type { RunResult } from "./runResult.js";
import { inShard, type Shard } from "./shard.js";
import type { SweepSpec } from "./spec.js";

/**
 * The Redis queue a sweep goes through instead of the local pool: address, queue name, attempts,
 * per-attempt timeout, and whether to wait.
 */
export interface QueueTarget {
  url: string;
  name: string;
  attempts: number;
  timeoutSeconds: number;
  /** False: enqueue and return; running the sweep again later collects the results. */
  wait?: boolean;
}

/** Where a sweep writes, on what (local threads, one shard, or a queue), and callbacks per result and failure. */
export interface SweepOptions {
  out: string;
  /** Pool threads for local runs (default: all cores). */
  workers?: number;
  shard?: Shard;
  /** Run through the distributed queue instead of the local pool. */
  queue?: QueueTarget;
  /** Called when the runs to do are known; specChanged: the directory held another version of the sweep. */
  onPlan?: (plan: { total: number; selected: number; skipped: number; todo: number; specChanged: boolean }) => void;
  onResult?: (result: RunResult, run: SweepRun) => void;
  onFailure?: (run: SweepRun, reason: string) => void;
}

/**
 * A sweep's aggregate and what this invocation did: runs executed, skipped as already done,
 * failed, and left queued.
 */
export interface SweepOutcome {
  aggregate: SweepAggregate;
  ran: number;
  skipped: number;
  failed: { id: string; reason: string }[];
  /** Runs left on the queue (queue.wait false). */
  queued: number;
}

async function runLocally(todo: readonly SweepRun[], options: SweepOptions, done: (run: SweepRun, result: RunResult) => void, failed: SweepOutcome["failed"]): Promise<void> {
  if (todo.length === 0) return;
  const pool = new RunPool(Math.min(options.workers ?? defaultWorkers(), todo.length));
  try {
    await Promise.all(
      todo.map((run) =>
        pool.run(toTask(run), runDirectoryOf(options.out, run.id)).then(
          (result) => done(run, result),
          (err: Error) => {
            failed.push({ id: run.id, reason: err.message });
            options.onFailure?.(run, err.message);
          },
        ),
      ),
    );
  } finally {
    await pool.close();
  }
}

/**
 * A sweep from start to report: expand, skip runs whose result exists (resume), run this shard's
 * share of the rest locally or through the queue, then aggregate every result in the directory.
 */
export async function runSweep(spec: SweepSpec, options: SweepOptions): Promise<SweepOutcome> {
  const runs = expandSweep(spec);
  const specChanged = claimSweepDirectory(options.out, spec);
  const selected = options.shard ? inShard(runs, options.shard) : runs;
  const todo = selected.filter((r) => !hasResult(options.out, r.id));
  options.onPlan?.({ total: runs.length, selected: selected.length, skipped: selected.length - todo.length, todo: todo.length, specChanged });
  const failed: SweepOutcome["failed"] = [];
  let ran = 0;
  let queued = 0;
  const done = (run: SweepRun, result: RunResult) => {
    ran++;
    options.onResult?.(result, run);
  };
  if (options.queue) {
    const byId = new Map(todo.map((r) => [r.id, r]));
    const outcome = await submitToQueue(todo, {
      url: options.queue.url,
      queueName: options.queue.name,
      attempts: options.queue.attempts,
      timeoutSeconds: options.queue.timeoutSeconds,
      ...(options.queue.wait === false ? { wait: false } : {}),
      onResult: (result) => {
        const run = byId.get(result.id)!;
        writeResult(runDirectoryOf(options.out, run.id), result);
        done(run, result);
      },
    });
    for (const f of outcome.failed) {
      failed.push(f);
      options.onFailure?.(byId.get(f.id)!, f.reason);
    }
    queued = outcome.pending;
  } else await runLocally(todo, options, done, failed);
  const results = readResults(options.out);
  const aggregate = aggregateSweep(spec, runs, results);
  writeSweepReport(options.out, aggregate, runs, results);
  return { aggregate, ran, skipped: selected.length - todo.length, failed, queued };
}

/**
 * Merges the results of sweep directories (shards run apart, say) into out: their result.json
 * files are copied there and the report is written from all of them.
 */
export function aggregateDirectories(dirs: readonly string[], out: string): SweepAggregate {
  if (dirs.length === 0) throw new ConfigError("sweep --aggregate: give at least one sweep directory");
  const spec = readSweepSpec(dirs[0]!);
  const merged = new Map<string, RunResult>();
  for (const dir of dirs) {
    const other = readSweepSpec(dir);
    if (canonicalJson(other) !== canonicalJson(spec)) throw new ConfigError(`sweep --aggregate: ${dir} holds sweep ${other.name}, not the sweep of ${dirs[0]} (${spec.name})`);
    for (const [id, result] of readResults(dir)) if (!merged.has(id)) merged.set(id, result);
  }
  claimSweepDirectory(out, spec);
  const runs = expandSweep(spec);
  for (const run of runs) {
    const result = merged.get(run.id);
    if (result && !hasResult(out, run.id)) writeResult(runDirectoryOf(out, run.id), result);
  }
  const aggregate = aggregateSweep(spec, runs, merged);
  writeSweepReport(out, aggregate, runs, merged);
  return aggregate;
}
