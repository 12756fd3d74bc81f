// Scaling laws measured, not asserted: least-squares lines (through (log x, log y) for power laws)
// with the Student-t 95% interval of the slope (n - 2 degrees of freedom).

import type { FittedExponent } from "./experiment.js";
import { tQuantile975 } from "./intervals.js";
import { exp, log } from "../special/portableMath.js";

/**
 * A least-squares power law y ≈ prefactor · x^exponent, fitted through (log x, log y), with the
 * Student-t 95% interval of the exponent (n - 2 degrees of freedom).
 */
export interface PowerLawFit {
  /** y ≈ prefactor · x^exponent.value */
  exponent: FittedExponent;
  prefactor: number;
  /** Coefficient of determination of the log-log fit. */
  r2: number;
}

/** A least-squares line y ≈ intercept + slope · x with the Student-t 95% interval of the slope (n - 2 degrees of freedom). */
export interface LineFit {
  /** y ≈ intercept + slope.value · x */
  slope: FittedExponent;
  intercept: number;
  /** Coefficient of determination. */
  r2: number;
}

/**
 * Ordinary least squares y = b0 + b1 x. The interval is b1 ± t_{0.975,n-2} · se,
 * se² = (residual sum of squares / (n - 2)) / Σ (x - mean)²; with two points it is unbounded.
 */
export function fitLine(x: readonly number[], y: readonly number[]): LineFit {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`meanfield: fitLine needs as many x as y, got ${n} and ${y.length}`);
  if (n < 2) throw new RangeError(`meanfield: fitLine needs at least 2 points, got ${n}`);
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let k = 0; k < n; k++) {
    sxx += (x[k]! - mx) ** 2;
    sxy += (x[k]! - mx) * (y[k]! - my);
    syy += (y[k]! - my) ** 2;
  }
  if (sxx === 0) throw new RangeError("meanfield: fitLine needs at least two distinct x");
  const slope = sxy / sxx;
  const rss = Math.max(0, syy - slope * sxy);
  const half = n > 2 ? tQuantile975(n - 2) * Math.sqrt(rss / (n - 2) / sxx) : Infinity;
  return { slope: { value: slope, ci95: [slope - half, slope + half], points: n }, intercept: my - slope * mx, r2: syy === 0 ? 1 : 1 - rss / syy };
}

/** Fits log y = log c + p log x by ordinary least squares (fitLine on the logarithms). */
export function fitPowerLaw(x: readonly number[], y: readonly number[]): PowerLawFit {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`meanfield: fitPowerLaw needs as many x as y, got ${n} and ${y.length}`);
  for (let k = 0; k < n; k++) {
    if (!(x[k]! > 0) || !(y[k]! > 0)) throw new RangeError(`meanfield: fitPowerLaw needs positive values, got x[${k}] = ${x[k]}, y[${k}] = ${y[k]}`);
  }
  const line = fitLine(x.map(log), y.map(log));
  return { exponent: line.slope, prefactor: exp(line.intercept), r2: line.r2 };
}

/**
 * Fits log y = log c_g + p log x with one exponent p shared by several groups of points and a
 * prefactor c_g per group (e.g. an error ~ sqrt(1/N) along one arm of a sweep and ~ sqrt(h), with
 * another constant, along the other). Least squares within groups; the interval is
 * p ± t_{0.975, n-G-1} · se, se² = (residual sum of squares / (n - G - 1)) / Σ_g Σ (log x - mean_g)².
 */
export function fitCommonPowerLaw(groups: readonly { x: readonly number[]; y: readonly number[] }[]): { exponent: FittedExponent; prefactors: number[] } {
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let n = 0;
  const means = groups.map(({ x, y }, g) => {
    if (x.length !== y.length || x.length < 2) throw new RangeError(`meanfield: fitCommonPowerLaw group ${g} needs as many x as y, at least 2, got ${x.length} and ${y.length}`);
    for (let k = 0; k < x.length; k++) {
      if (!(x[k]! > 0) || !(y[k]! > 0)) throw new RangeError(`meanfield: fitCommonPowerLaw needs positive values, got x = ${x[k]}, y = ${y[k]} in group ${g}`);
    }
    const lx = x.map(log);
    const ly = y.map(log);
    const mx = lx.reduce((s, v) => s + v, 0) / lx.length;
    const my = ly.reduce((s, v) => s + v, 0) / ly.length;
    for (let k = 0; k < lx.length; k++) {
      sxx += (lx[k]! - mx) ** 2;
      sxy += (lx[k]! - mx) * (ly[k]! - my);
      syy += (ly[k]! - my) ** 2;
    }
    n += lx.length;
    return { mx, my };
  });
  if (sxx === 0) throw new RangeError("meanfield: fitCommonPowerLaw needs two distinct x in some group");
  const slope = sxy / sxx;
  const rss = Math.max(0, syy - slope * sxy);
  const df = n - groups.length - 1;
  const half = df > 0 ? tQuantile975(df) * Math.sqrt(rss / df / sxx) : Infinity;
  return {
    exponent: { value: slope, ci95: [slope - half, slope + half], points: n },
    prefactors: means.map(({ mx, my }) => exp(my - slope * mx)),
  };
}
