// Means over independent runs with two-sided 95% confidence intervals (Student t), as the
// experiments report them (ABAM22 Figure 1: "average and 95% confidence interval over 10 experiments").

import { integerPower } from "../special/portableMath.js";

/** t_{0.975, df} for df = 1..30 (scipy.stats.t.ppf, 3 decimals). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093,
  2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/**
 * A mean over independent runs with its two-sided 95% Student-t interval, as the papers report
 * (Abbe, Boix-Adserà, Misiakiewicz 2022: "average and 95% confidence interval over 10 experiments").
 */
export interface MeanInterval {
  mean: number;
  lower: number;
  upper: number;
  /** Number of runs. */
  count: number;
}

const Z975 = 1.959963984540054;

/** t_{0.975, df}: the table up to 30, then the Cornish–Fisher expansion in 1/df (error < 1e-4 there). */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`meanfield: degrees of freedom must be an integer >= 1, got ${df}`);
  if (df <= T975.length) return T975[df - 1]!;
  const z = Z975;
  const z3 = integerPower(z, 3);
  return z + (z3 + z) / (4 * df) + (5 * integerPower(z, 5) + 16 * z3 + 3 * z) / (96 * df * df);
}

/** Mean of the values with the 95% t-interval of the mean (zero width for a single value). */
export function meanInterval(values: readonly number[]): MeanInterval {
  const count = values.length;
  if (count === 0) throw new RangeError("meanfield: meanInterval needs at least one value");
  const mean = values.reduce((s, v) => s + v, 0) / count;
  if (count === 1) return { mean, lower: mean, upper: mean, count };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (count - 1);
  const t = tQuantile975(count - 1);
  const half = t * Math.sqrt(variance / count);
  return { mean, lower: mean - half, upper: mean + half, count };
}
