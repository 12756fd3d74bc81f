// The Redis side of the queue backend. Runs travel as BullMQ jobs on the queue <name> (job id
// "run-" + run id, so enqueuing a run twice adds it once); results live in the Redis hash
// `meanfield:<name>:results`, field run id -> result JSON, written with HSETNX, so a result is
// delivered once however many times its job ran (a retried job after a worker died, say).

import { Redis } from "ioredis";
import { ConfigError } from "../config.js";

export const DEFAULT_QUEUE_NAME = "meanfield";

export function resultsKey(queueName: string): string {
  return `meanfield:${queueName}:results`;
}

export function checkQueueUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`--queue: expected redis://HOST:PORT, got ${url}`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") throw new ConfigError(`--queue: expected redis://HOST:PORT (or rediss://), got ${url}`);
  return url;
}

export function checkQueueName(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(name)) throw new ConfigError(`--queue-name: letters, digits, '_' and '-' only, got ${name}`);
  return name;
}

/** A connection as BullMQ workers need it: commands wait for a reconnect instead of failing. */
export function connectRedis(url: string): Redis {
  return new Redis(checkQueueUrl(url), { maxRetriesPerRequest: null });
}
