// The 95% interval of an exponent fitted through per-d minima of seed medians (the information
// exponent's steps to escape against d at the best step of a ladder). The seeds are what is
// random: escape times are heavy-tailed, close to exponential, so the median of 15 seeds moves by
// a factor 1.5 either way, and taking the lowest median over several steps adds the noise of the
// choice. Resampling the seeds of each d (the same resample on every rung of that d: the rungs
// share their samples) and choosing the rung again in every replicate carries both into the
// interval, without the Student-t interval's assumption of equal Gaussian scatter about a line.

import { fitLine } from "./powerLaw.js";
import { medianIntervalRank } from "./medianInterval.js";
import { log } from "../special/portableMath.js";

/** One x of the fit: the escape steps of every seed on every rung that ran all of them (+Infinity = no escape), seeds in the same order on each rung. */
export interface BootstrapGroup {
  x: number;
  rungs: readonly (readonly number[])[];
}

/**
 * The rung rule of searchStep on one resample: the lowest median over the rungs whose upper
 * order statistic X_(n+1-l) of the median's 95% interval is finite; +Infinity if none is.
 */
function lowestMedian(rungs: readonly (readonly number[])[], picks: readonly number[], l: number): number {
  const n = picks.length;
  let best = Infinity;
  for (const values of rungs) {
    const sorted = picks.map((i) => values[i]!).sort((a, b) => a - b);
    if (!Number.isFinite(sorted[n - l]!)) continue;
    const mid = n >> 1;
    const median = n % 2 === 1 ? sorted[mid]! : 0.5 * (sorted[mid - 1]! + sorted[mid]!);
    best = Math.min(best, median);
  }
  return best;
}

/**
 * Percentile bootstrap (2.5% and 97.5%) of the least-squares slope of log(transform(x, lowest
 * median)) on log x, over `replicates` resamples of the seeds of every group, drawn from
 * `uniforms` (values in [0, 1), replicates * sum of the seed counts of all groups). Replicates in
 * which some group has no rung that counts are left out; their fraction is returned.
 */
export function bootstrapSlope(
  groups: readonly BootstrapGroup[],
  uniforms: ArrayLike<number>,
  replicates: number,
  transform: (x: number, median: number) => number = (_x, median) => median,
): { ci95: [number, number]; undefinedFraction: number } {
  const logX = groups.map((g) => log(g.x));
  const slopes: number[] = [];
  let u = 0;
  for (let b = 0; b < replicates; b++) {
    const logY: number[] = [];
    for (const g of groups) {
      const n = g.rungs[0]?.length ?? 0;
      const picks = Array.from({ length: n }, () => Math.floor(uniforms[u++]! * n));
      const lowest = lowestMedian(g.rungs, picks, medianIntervalRank(n));
      logY.push(Number.isFinite(lowest) ? log(transform(g.x, lowest)) : Number.NaN);
    }
    if (logY.every(Number.isFinite)) slopes.push(fitLine(logX, logY).slope.value);
  }
  slopes.sort((a, b) => a - b);
  const at = (q: number) => (slopes.length === 0 ? Number.NaN : slopes[Math.min(slopes.length - 1, Math.floor(q * slopes.length))]!);
  return { ci95: [at(0.025), at(0.975)], undefinedFraction: 1 - slopes.length / replicates };
}
