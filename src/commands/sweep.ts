// `meanfield sweep <sweep.json>`: a parameter grid on all local cores (--workers), one slice of it
// (--shard i/n), or through a Redis queue (--queue); `meanfield sweep --aggregate DIR...` merges
// sweep directories into one report.

import { join } from "node:path";
import type { Command } from "commander";
import { availableParallelism } from "node:os";
import { ConfigError } from "../configError.js";
import type { SweepAggregate } from "../sweep/aggregate.js";
import { checkQueueName, checkQueueUrl, DEFAULT_QUEUE_NAME } from "../sweep/queueNames.js";
import { EXIT, badInput } from "./exitCodes.js";

interface SweepCommandOptions {
  out?: string;
  workers?: number;
  shard?: string;
  queue?: string;
  queueName: string;
  attempts: number;
  timeout: number;
  wait: boolean;
  dryRun?: boolean;
  force?: boolean;
  aggregate?: boolean;
  json?: boolean;
}

function positiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new ConfigError(`${name}: expected an integer >= 1, got ${value}`);
}

function describePoint(point: Record<string, unknown>): string {
  return Object.entries(point)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
}

function finish(agg: SweepAggregate, out: string, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(agg)}\n`);
  else process.stdout.write(`${agg.doneRuns} of ${agg.totalRuns} runs done; report in ${join(out, "sweep.csv")}, sweep.json, sweep.md, sweep.html\n`);
}

async function sweepAction(inputs: string[], opts: SweepCommandOptions): Promise<void> {
  const say = (line: string) => {
    if (!opts.json) process.stdout.write(`${line}\n`);
  };
  const [{ readJsonFile }, { checkBudget, formatSeconds }, { expandSweep }, { hasResult }, { aggregateDirectories, runSweep }, { inShard, parseShard }, { parseSweepSpec }] = await Promise.all([
    import("../run/runFiles.js"),
    import("../run/budget.js"),
    import("../sweep/expand.js"),
    import("../sweep/resultStore.js"),
    import("../sweep/runSweep.js"),
    import("../sweep/shard.js"),
    import("../sweep/spec.js"),
  ]);
  if (opts.aggregate) {
    const out = opts.out ?? inputs[0];
    if (!out) throw new ConfigError("sweep --aggregate: give the sweep directories to merge");
    finish(aggregateDirectories(inputs, out), out, Boolean(opts.json));
    return;
  }
  if (inputs.length !== 1) throw new ConfigError(`sweep: give one sweep file (or --aggregate DIR...), got ${inputs.length}`);
  const file = inputs[0]!;
  const spec = parseSweepSpec(readJsonFile(file));
  positiveInteger("--workers", opts.workers);
  positiveInteger("--attempts", opts.attempts);
  // Timers hold at most 2^31 - 1 ms.
  if (!(opts.timeout > 0 && opts.timeout <= 2_000_000)) throw new ConfigError(`--timeout: expected seconds in (0, 2000000], got ${opts.timeout}`);
  const out = opts.out ?? join("runs", `sweep-${spec.name}`);
  const expanded = expandSweep(spec);
  let seconds = 0;
  for (const run of expanded) {
    if (run.method !== "network") continue;
    try {
      seconds += checkBudget(run.config, opts.force).seconds;
    } catch (err) {
      if (err instanceof ConfigError) throw new ConfigError(`sweep run ${run.index} (${describePoint(run.point)} seed=${run.seed}): ${err.message}`);
      throw err;
    }
  }
  const shard = opts.shard !== undefined ? parseShard(opts.shard) : undefined;
  if (opts.dryRun) {
    const runs = expanded;
    const selected = shard ? inShard(runs, shard) : runs;
    if (opts.json) process.stdout.write(`${JSON.stringify(selected.map(({ config: _config, ...r }) => ({ ...r, done: hasResult(out, r.id) })))}\n`);
    else {
      for (const r of selected) say(`${String(r.index).padStart(5)} ${r.id} ${r.method.padEnd(7)} ${describePoint(r.point)} seed=${r.seed}${hasResult(out, r.id) ? " (done)" : ""}`);
      say(`${selected.length} of ${runs.length} runs${shard ? ` in shard ${shard.index}/${shard.count}` : ""}; ${selected.filter((r) => hasResult(out, r.id)).length} done in ${out}`);
    }
    return;
  }
  if (seconds > 0) say(`estimated ${formatSeconds(seconds)} of network runs on one thread`);
  const queue = opts.queue ? { url: checkQueueUrl(opts.queue), name: checkQueueName(opts.queueName), attempts: opts.attempts, timeoutSeconds: opts.timeout, wait: opts.wait } : undefined;
  let finished = 0;
  let todo = 0;
  const outcome = await runSweep(spec, {
    out,
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    ...(shard ? { shard } : {}),
    ...(queue ? { queue } : {}),
    onPlan: (p) => {
      todo = p.todo;
      if (p.specChanged) say(`${out} held another version of this sweep; runs already done there are reused by id`);
      const where = queue ? `queue ${queue.name} at ${queue.url}` : `${Math.min(opts.workers ?? availableParallelism(), Math.max(1, p.todo))} worker thread(s)`;
      const work = p.todo === 0 ? "nothing to run" : `${p.todo} to run on ${where}`;
      say(`sweep ${spec.name}: ${p.total} runs${shard ? `, shard ${shard.index}/${shard.count}: ${p.selected}` : ""}; ${p.skipped} already done, ${work}; outputs in ${out}`);
      if (queue && queue.wait && p.todo > 0) say(`waiting for workers: meanfield worker --queue ${queue.url}${queue.name === DEFAULT_QUEUE_NAME ? "" : ` --queue-name ${queue.name}`}`);
    },
    onResult: (r) => {
      finished++;
      const loss = spec.metrics.map((m) => `${m} ${r.metrics[m] === undefined || r.metrics[m] === null ? "-" : r.metrics[m]!.toExponential(4)}`).join(", ");
      say(`[${finished}/${todo}] ${r.id} ${r.method} ${describePoint(r.point)} seed=${r.seed}: ${r.status}, ${loss} (${r.wallSeconds.toFixed(1)} s)`);
    },
    onFailure: (run, reason) => process.stderr.write(`meanfield sweep: run ${run.id} (${run.method} ${describePoint(run.point)} seed=${run.seed}) failed: ${reason}\n`),
  });
  finish(outcome.aggregate, out, Boolean(opts.json));
  if (outcome.queued > 0) say(`${outcome.queued} run(s) left on the queue for workers (meanfield worker --queue ${queue!.url}); run this command again to collect their results`);
  if (shard && outcome.aggregate.doneRuns < outcome.aggregate.totalRuns) say(`merge the shards with: meanfield sweep --aggregate DIR... [--out DIR]`);
  if (outcome.failed.length > 0) {
    process.stderr.write(`meanfield sweep: ${outcome.failed.length} run(s) failed; rerun the same command to retry them\n`);
    // Like a diverged run: the command ran, but results are missing.
    process.exitCode = EXIT.diverged;
  }
}

/**
 * Adds `meanfield sweep`: a grid over parameters and seeds on local cores, one shard, or a Redis
 * queue, resuming finished runs; `--aggregate` merges sweep directories; exit 3 when runs fail.
 */
export function registerSweepCommand(program: Command): void {
  program
    .command("sweep")
    .argument("[inputs...]", "a sweep file (see examples/sweep-n.json), or with --aggregate the sweep directories to merge")
    .description("run a parameter grid over seeds on all cores, a shard of it, or through a Redis queue; resume skips finished runs; writes sweep.csv and a report")
    .option("--out <dir>", "sweep directory (default runs/sweep-<name>; rerunning with the same directory resumes)")
    .option("--workers <int>", `local worker threads (default all cores: ${availableParallelism()})`, Number)
    .option("--shard <i/n>", "run only slice i of n (0 <= i < n), e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT")
    .option("--queue <url>", "enqueue the runs on redis://HOST:PORT for `meanfield worker` processes and collect their results")
    .option("--queue-name <name>", "BullMQ queue name", DEFAULT_QUEUE_NAME)
    .option("--attempts <int>", "with --queue: attempts per run before it counts as failed", Number, 3)
    .option("--timeout <seconds>", "with --queue: a run attempt taking longer is aborted and retried", Number, 3600)
    .option("--no-wait", "with --queue: enqueue and exit; the same command later collects the results")
    .option("--force", "run configs beyond the memory and time budget")
    .option("--dry-run", "list the runs (index, id, method, point, seed, done) without running them")
    .option("--aggregate", "merge the sweep directories given as arguments into one report (in --out, default the first)")
    .option("--json", "print the aggregate as JSON on stdout")
    .action(async (inputs: string[], opts: SweepCommandOptions) => {
      try {
        await sweepAction(inputs, opts);
      } catch (err) {
        if (err instanceof ConfigError) badInput("sweep", err.message);
        throw err;
      }
    });
}
