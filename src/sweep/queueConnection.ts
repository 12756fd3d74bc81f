// The Redis side of the queue backend. Runs travel as BullMQ jobs on the queue <name> (job id
// "run-" + run id, so enqueuing a run twice adds it once); results live in the Redis hash
// `meanfield:<name>:results`, field run id -> result JSON, written with HSETNX, so a result is
// delivered once however many times its job ran (a retried job after a worker died, say).

import { Redis } from "ioredis";
import { ConfigError } from "../configError.js";
import { checkQueueUrl } from "./queueNames.js";
import { integerPower } from "../special/portableMath.js";

export { DEFAULT_QUEUE_NAME, checkQueueName, checkQueueUrl, resultsKey } from "./queueNames.js";

/** Reconnection attempts before a connection counts as lost, and the first delay (doubling, at most 5 s). */
export const CONNECT_ATTEMPTS = 6;
const FIRST_DELAY_MS = 200;

/** The queue's Redis cannot be reached (or was lost); one line naming the URL. Exit 2. */
export class QueueConnectionError extends ConfigError {
  override name = "QueueConnectionError";
}

/**
 * A connection as BullMQ workers need it (commands wait for a reconnect instead of failing), with
 * a bounded retry: CONNECT_ATTEMPTS attempts with doubling delays (about 6 s in all), then the
 * connection ends. Resolves once it is ready; rejects with a QueueConnectionError naming the URL.
 * onLost is called (once) when a ready connection later ends the same way.
 */
export async function connectRedis(url: string, onLost?: (error: QueueConnectionError) => void): Promise<Redis> {
  let lastError = "no answer";
  const redis = new Redis(checkQueueUrl(url), {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => (times >= CONNECT_ATTEMPTS ? null : Math.min(FIRST_DELAY_MS * integerPower(2, times - 1), 5000)),
  });
  // Every failed attempt emits an error; the outcome is reported once, below, instead of as traces.
  redis.on("error", (err: NodeJS.ErrnoException) => {
    lastError = err.code ?? err.message.split("\n")[0]!;
  });
  await new Promise<void>((resolve, reject) => {
    redis.once("ready", () => resolve());
    redis.once("end", () => reject(new QueueConnectionError(`--queue: cannot reach ${url} after ${CONNECT_ATTEMPTS} attempts (${lastError})`)));
  });
  redis.once("end", () => onLost?.(new QueueConnectionError(`--queue: lost the connection to ${url} (${lastError}) and could not reconnect in ${CONNECT_ATTEMPTS} attempts`)));
  return redis;
}
