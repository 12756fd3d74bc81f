// What the PDE solvers report over time besides their moments: the record times and, on request,
// the density itself on a thinned grid.

import { checkCount, checkFinite } from "../../argumentChecks.js";
import { coarsen, type GridDensity } from "./gridDensity.js";

/** How much of the density to return: full grids are large and most reports need a coarsened one at a few times. */
export interface DensityOutput {
  /** At most this many cells (consecutive cells merged, masses exact; default 256). */
  cells?: number;
  /** Only every k-th record carries the density (default 1; the last record always does). */
  every?: number;
}

/** A density as JSON-friendly arrays. */
export interface DensitySnapshot {
  faces: number[];
  values: number[];
}

/** The record times, checked: finite, >= 0, non-decreasing. */
export function checkTimes(times: ArrayLike<number>): Float64Array {
  checkCount("times.length", times.length);
  checkFinite("times", times);
  const out = Float64Array.from(times);
  for (let k = 0; k < out.length; k++) {
    if (!(out[k]! >= 0)) throw new RangeError(`meanfield: times[${k}] = ${out[k]} is negative`);
    if (k > 0 && out[k]! < out[k - 1]!) throw new RangeError(`meanfield: times must be non-decreasing, but times[${k}] < times[${k - 1}]`);
  }
  return out;
}

/** A function giving the snapshot for record k of `total`, or undefined when that record carries none. */
export function densitySnapshots(
  output: DensityOutput | boolean | undefined,
  total: number,
): (k: number, density: () => GridDensity) => DensitySnapshot | undefined {
  if (!output) return () => undefined;
  const { cells = 256, every = 1 } = output === true ? {} : output;
  checkCount("density.cells", cells);
  checkCount("density.every", every);
  return (k, density) => {
    if (k % every !== 0 && k !== total - 1) return undefined;
    const coarse = coarsen(density(), cells);
    return { faces: Array.from(coarse.faces), values: Array.from(coarse.values) };
  };
}
