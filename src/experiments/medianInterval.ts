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

/**
 * The sample median with the narrowest symmetric order-statistic interval [X_(l), X_(n+1-l)] whose
 * coverage of the population median is at least 95% (binomial(n, 1/2) counts of values below it);
 * for n < 6 no such l exists and the interval is [min, max] with its smaller coverage 1 - 2^{1-n}.
 */
export function medianInterval(values: readonly number[]): MedianInterval {
  const n = values.length;
  if (n === 0) throw new RangeError("meanfield: medianInterval needs at least one value");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = n >> 1;
  const median = n % 2 === 1 ? sorted[mid]! : 0.5 * (sorted[mid - 1]! + sorted[mid]!);
  // pmf[k] = C(n, k) / 2^n, built by the ratio C(n, k + 1) / C(n, k) = (n - k) / (k + 1).
  const pmf = [1];
  for (let k = 0; k < n; k++) pmf.push((pmf[k]! * (n - k)) / (k + 1));
  const total = pmf.reduce((s, v) => s + v, 0);
  const coverageOf = (l: number) => pmf.slice(l, n - l + 1).reduce((s, v) => s + v, 0) / total;
  let l = 1;
  while (l + 1 <= mid && coverageOf(l + 1) >= 0.95) l++;
  return { median, lower: sorted[l - 1]!, upper: sorted[n - l]!, coverage: coverageOf(l) };
}
