// Deterministic slices of a sweep for array jobs: shard i of n (0 <= i < n) takes the runs whose
// expansion index is i modulo n. Round-robin rather than contiguous blocks, so every shard gets
// a similar mix of cheap and expensive points (axes are usually ordered by cost).

import { ConfigError } from "../config.js";

/** Shard index of count (0 <= index < count), as given by --shard index/count. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses "i/n", as in --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT with --array=0-(n-1). */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || !(count >= 1) || !(index < count)) {
    throw new ConfigError(`--shard: expected i/n with integers 0 <= i < n (e.g. 0/4), got ${text}`);
  }
  return { index, count };
}

/**
 * Round-robin slice: the runs whose expansion index is index modulo count, so every shard gets a
 * similar mix of cheap and expensive points.
 */
export function inShard<T extends { index: number }>(runs: readonly T[], shard: Shard): T[] {
  return runs.filter((r) => r.index % shard.count === shard.index);
}
