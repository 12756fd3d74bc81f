// Means over independent runs with two-sided 95% confidence intervals (Student t), as the
// experiments report them (ABAM22 Figure 1: "average and 95% confidence interval over 10 experiments").

/** t_{0.975, df} for df = 1..30; beyond 30 the normal quantile is within 2%. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093,
  2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export interface MeanInterval {
  mean: number;
  lower: number;
  upper: number;
  /** Number of runs. */
  count: number;
}

/** Mean of the values with the 95% t-interval of the mean (zero width for a single value). */
export function meanInterval(values: readonly number[]): MeanInterval {
  const count = values.length;
  if (count === 0) throw new RangeError("meanfield: meanInterval needs at least one value");
  const mean = values.reduce((s, v) => s + v, 0) / count;
  if (count === 1) return { mean, lower: mean, upper: mean, count };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (count - 1);
  const t = count - 1 <= T975.length ? T975[count - 2]! : 1.96;
  const half = t * Math.sqrt(variance / count);
  return { mean, lower: mean - half, upper: mean + half, count };
}
