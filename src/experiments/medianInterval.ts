// A 95% interval for a median that assumes no shape of the law: escape times are heavy-tailed,
// so a t-interval of the mean would be dominated by the slowest seed.

/** A sample median with a distribution-free 95% interval (medianInterval). */
export interface MedianInterval {
  median: number;
  /** The order statistics X_(l) and X_(n+1-l) around the median. */
  lower: number;
  upper: number;
  /** P(X_(l) <= median of the law <= X_(n+1-l)) for continuous laws: sum_{k=l}^{n-l} C(n, k) / 2^n. */
  coverage: number;
}

/** P(X_(l) <= median <= X_(n+1-l)) for n values of a continuous law: sum_{k=l}^{n-l} C(n, k) / 2^n. */
function coverageOf(n: number, l: number): number {
  // C(n, k) by the ratio C(n, k + 1) / C(n, k) = (n - k) / (k + 1), relative to the total 2^n.
  let c = 1;
  let inside = 0;
  let total = 0;
  for (let k = 0; k <= n; k++) {
    total += c;
    if (k >= l && k <= n - l) inside += c;
    c = (c * (n - k)) / (k + 1);
  }
  return inside / total;
}

/** l of the interval [X_(l), X_(n+1-l)] of medianInterval for n values: the largest l with coverage >= 95% (1 if none has it). */
export function medianIntervalRank(n: number): number {
  let l = 1;
  while (l + 1 <= n >> 1 && coverageOf(n, l + 1) >= 0.95) l++;
  return l;
}

/**
 * The sample median with the narrowest symmetric order-statistic interval [X_(l), X_(n+1-l)] whose
 * coverage of the population median is at least 95% (binomial(n, 1/2) counts of values below it);
 * for n < 6 no such l exists and the interval is [min, max] with its smaller coverage 1 - 2^{1-n}.
 * Values may be +Infinity (runs that never ended): the median and interval are then those of the law
 * with that mass at infinity.
 */
export function medianInterval(values: readonly number[]): MedianInterval {
  const n = values.length;
  if (n === 0) throw new RangeError("meanfield: medianInterval needs at least one value");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = n >> 1;
  const median = n % 2 === 1 ? sorted[mid]! : 0.5 * (sorted[mid - 1]! + sorted[mid]!);
  const l = medianIntervalRank(n);
  return { median, lower: sorted[l - 1]!, upper: sorted[n - l]!, coverage: coverageOf(n, l) };
}
