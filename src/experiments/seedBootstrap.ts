// The seed bootstrap of an exponent fitted through per-d medians of heavy-tailed values (the
// information exponent's steps to escape against d). The seeds are what is random: escape times are
// spread over a decade, so the median of 30 seeds still moves by about 20% either way. The same
// seeds run at every d (their streams are named by seed, not by d), so a resample draws one set of
// seed indices and uses it at every d: what the seeds share across d stays shared, as in the run.

import { fitLine } from "./powerLaw.js";
import { log } from "../special/portableMath.js";

/** One x of the fit and its values per seed (+Infinity = the run did not end), seeds in the same order at every x. */
export interface BootstrapGroup {
  x: number;
  values: readonly number[];
}

function medianOf(sorted: readonly number[]): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : 0.5 * (sorted[mid - 1]! + sorted[mid]!);
}

/**
 * Percentile bootstrap (2.5% and 97.5%) of the least-squares slope of log(transform(x, median)) on
 * log x, over `replicates` resamples of the seeds, one draw of n indices per resample shared by
 * every group, from `uniforms` (values in [0, 1), replicates * n of them). A resample in which some
 * median is +Infinity is left out; the fraction left out is returned.
 */
export function bootstrapSlope(
  groups: readonly BootstrapGroup[],
  uniforms: ArrayLike<number>,
  replicates: number,
  transform: (x: number, median: number) => number = (_x, median) => median,
): { ci95: [number, number]; leftOut: number } {
  const n = groups[0]?.values.length ?? 0;
  if (groups.some((g) => g.values.length !== n)) throw new RangeError("meanfield: bootstrapSlope needs the same seeds at every x");
  if (uniforms.length < replicates * n) throw new RangeError(`meanfield: bootstrapSlope needs ${replicates * n} uniforms, got ${uniforms.length}`);
  const logX = groups.map((g) => log(g.x));
  const slopes: number[] = [];
  for (let b = 0; b < replicates; b++) {
    const picks = Array.from({ length: n }, (_, i) => Math.floor(uniforms[b * n + i]! * n));
    const logY = groups.map((g) => {
      const median = medianOf(picks.map((i) => g.values[i]!).sort((p, q) => p - q));
      return Number.isFinite(median) ? log(transform(g.x, median)) : Number.NaN;
    });
    if (logY.every(Number.isFinite)) slopes.push(fitLine(logX, logY).slope.value);
  }
  slopes.sort((p, q) => p - q);
  const at = (q: number) => (slopes.length === 0 ? Number.NaN : slopes[Math.min(slopes.length - 1, Math.floor(q * slopes.length))]!);
  return { ci95: [at(0.025), at(0.975)], leftOut: 1 - slopes.length / replicates };
}
