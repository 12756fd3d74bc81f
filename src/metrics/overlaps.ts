// The distribution of the overlaps m_i = <q*, w_i>/|w_i| (q* the task's first direction, data
// columns of w only; a zero neuron counts as m_i = 0). Statistics are of the empirical measure of
// the N particles (variance with 1/N). Record keys:
//   overlaps:
//     overlapMean        mean_i m_i
//     overlapVariance    mean_i (m_i - mean)^2
//     overlapQuantiles   [q05, q25, q50, q75, q95], linearly interpolated order statistics
//                        (q_p = m_(h) at h = p (N-1), 0-based, between neighbours)
//     overlapHistogram   counts in config.metrics.histogramBins equal bins on [-1, 1], bin j
//                        covering [-1 + 2j/B, -1 + 2(j+1)/B) and the last one closed; sums to N
//   phiSpread (Mahankali et al.'s potential Phi(m) = log(m / sqrt(1 - m^2)) over particles with 0 < m < 1,
//              whose differences grow for same-sign particles, keeping them off saddles):
//     phiStd             standard deviation (1/count) of Phi, null when no particle qualifies
//     phiIqr             q75 - q25 of Phi (as above), null when no particle qualifies
//     phiCount           how many particles have 0 < m < 1

import { overlapsWith, particles } from "./particles.js";
import type { Metric, MetricContext } from "./metric.js";
import { log } from "../special/portableMath.js";

const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95];

/** The p-quantile of ascending values (at least one). */
function quantile(sorted: Float64Array, p: number): number {
  const h = p * (sorted.length - 1);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function meanAndVariance(values: Float64Array): { mean: number; variance: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  return { mean, variance: sq / values.length };
}

/**
 * Statistics of the overlaps m_i = <q*, w_i>/|w_i| as an empirical measure of the N particles
 * (variance with 1/N, interpolated quantiles, histogram of equal bins on [-1, 1] summing to N).
 */
export function createOverlaps(ctx: MetricContext): Metric {
  const { task, net } = ctx;
  const bins = ctx.config.metrics.histogramBins;
  return {
    record(out) {
      const m = overlapsWith(particles(net), task.directions, 0);
      const { mean, variance } = meanAndVariance(m);
      const sorted = m.slice().sort();
      const histogram = new Array<number>(bins).fill(0);
      for (const v of m) histogram[Math.min(bins - 1, Math.floor(((v + 1) / 2) * bins))]!++;
      out.overlapMean = mean;
      out.overlapVariance = variance;
      out.overlapQuantiles = QUANTILES.map((p) => quantile(sorted, p));
      out.overlapHistogram = histogram;
    },
    free() {},
  };
}

/**
 * Spread of Mahankali et al.'s potential Φ(m) = log(m / sqrt(1 - m²)) over the particles with
 * 0 < m < 1 (standard deviation with 1/count, interquartile range, count): its growth keeps
 * same-sign particles off saddles.
 */
export function createPhiSpread(ctx: MetricContext): Metric {
  const { task, net } = ctx;
  return {
    record(out) {
      const m = overlapsWith(particles(net), task.directions, 0);
      const phi = Float64Array.from(
        m.filter((v) => v > 0 && v < 1),
        (v) => log(v / Math.sqrt((1 - v) * (1 + v))),
      );
      out.phiCount = phi.length;
      if (phi.length === 0) {
        out.phiStd = null;
        out.phiIqr = null;
        return;
      }
      const sorted = phi.sort();
      out.phiStd = Math.sqrt(meanAndVariance(phi).variance);
      out.phiIqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
    },
    free() {},
  };
}
