// Names and addresses of the queue backend, checked without loading the Redis client.

import { ConfigError } from "../configError.js";

export const DEFAULT_QUEUE_NAME = "meanfield";

/**
 * The Redis hash where workers put each run's RunResult under its id, per queue name, so sweeps on
 * different queues of one server never mix results.
 */
export function resultsKey(queueName: string): string {
  return `meanfield:${queueName}:results`;
}

/** Checks a --queue address is redis:// or rediss:// before the Redis client is loaded; ConfigError otherwise. */
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

/** Checks a --queue-name is 1-100 letters, digits, '_' or '-', safe inside Redis keys; ConfigError otherwise. */
export function checkQueueName(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(name)) throw new ConfigError(`--queue-name: letters, digits, '_' and '-' only, got ${name}`);
  return name;
}
