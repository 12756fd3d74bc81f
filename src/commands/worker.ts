// `meanfield worker --queue redis://HOST:PORT`: executes sweep runs from the queue on this machine's
// cores until stopped (SIGINT/SIGTERM: finish the runs in progress; a second signal: stop now,
// leaving them to other workers) or, with --idle-exit, once the queue stays empty.

import type { Command } from "commander";
import { availableParallelism } from "node:os";
import { ConfigError } from "../configError.js";
import { checkQueueName, checkQueueUrl, DEFAULT_QUEUE_NAME } from "../sweep/queueNames.js";
import { EXIT, badInput } from "./exitCodes.js";

interface WorkerCommandOptions {
  queue?: string;
  queueName: string;
  workers?: number;
  out?: string;
  lockDuration: number;
  stalledInterval: number;
  maxStalled: number;
  idleExit?: number;
}

function check(name: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min)) throw new ConfigError(`${name}: expected an integer >= ${min}, got ${value}`);
}

/**
 * Adds `meanfield worker`: runs sweep runs from a Redis queue until stopped (first signal finishes
 * the runs in progress, a second leaves them to other workers) or idle with --idle-exit.
 */
export function registerWorkerCommand(program: Command): void {
  program
    .command("worker")
    .description("execute sweep runs from a Redis queue (meanfield sweep --queue); results go to Redis, run directories to --out")
    .option("--queue <url>", "redis://HOST:PORT of the queue")
    .option("--queue-name <name>", "BullMQ queue name", DEFAULT_QUEUE_NAME)
    .option("--workers <int>", `runs at once, one thread each (default all cores: ${availableParallelism()})`, Number)
    .option("--out <dir>", "also keep every run's directory (metrics.ndjson, checkpoints) under DIR/runs/<id>; share it between workers to resume killed runs from checkpoints")
    .option("--lock-duration <ms>", "job lock lifetime: a dead worker's job is taken back after about this long", Number, 30_000)
    .option("--stalled-interval <ms>", "how often to look for jobs of dead workers", Number, 30_000)
    .option("--max-stalled <int>", "times a job may be taken back from dead workers before it fails", Number, 3)
    .option("--idle-exit <seconds>", "stop once the queue has been empty this long (for batch-scheduled workers)", Number)
    .action(async (opts: WorkerCommandOptions) => {
      let running;
      try {
        if (!opts.queue) throw new ConfigError("worker: --queue redis://HOST:PORT is required");
        const workers = opts.workers ?? availableParallelism();
        check("--workers", workers, 1);
        check("--lock-duration", opts.lockDuration, 100);
        check("--stalled-interval", opts.stalledInterval, 100);
        check("--max-stalled", opts.maxStalled, 0);
        if (opts.idleExit !== undefined && !(opts.idleExit >= 0)) throw new ConfigError(`--idle-exit: expected seconds >= 0, got ${opts.idleExit}`);
        const url = checkQueueUrl(opts.queue);
        const queueName = checkQueueName(opts.queueName);
        const { startQueueWorker } = await import("../sweep/queueWorker.js");
        running = await startQueueWorker({
          url,
          queueName,
          workers,
          out: opts.out ?? null,
          lockDurationMs: opts.lockDuration,
          stalledIntervalMs: opts.stalledInterval,
          maxStalledCount: opts.maxStalled,
          idleExitSeconds: opts.idleExit ?? null,
          log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
          onConnectionLost: (err) => badInput("worker", err.message),
        });
        process.stdout.write(`${new Date().toISOString()} worker ready: queue ${queueName} at ${url}, ${workers} thread(s)\n`);
      } catch (err) {
        if (err instanceof ConfigError) badInput("worker", err.message);
        throw err;
      }
      const worker = running;
      let signals = 0;
      const stop = () => {
        signals++;
        if (signals === 1) {
          process.stdout.write(`${new Date().toISOString()} stopping after the runs in progress (signal again to stop now)\n`);
          void worker.close();
        } else {
          // The abandoned jobs' locks expire and other workers take them back.
          process.exit(EXIT.interrupted);
        }
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      await worker.stopped;
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    });
}
