// A density on a grid as the finite-volume solvers hold it (cell averages, piecewise constant),
// its CDF and quantile function, and Wasserstein-1 distances to samples: what comparing a
// finite-width network with its mean-field limit needs.

import { checkCount, checkFinite } from "../../argumentChecks.js";
import { checkFaces } from "./grid.js";
import { cellIndex } from "./initialDensity.js";

/**
 * A probability density as cell averages on a grid: the solvers' state and the form every output and comparison
 * takes.
 */
export interface GridDensity {
  /** n + 1 increasing faces. */
  faces: Float64Array;
  /** n cell averages, >= 0, integrating to 1. */
  values: Float64Array;
}

/** A checked copy: increasing faces, one finite value >= 0 per cell, positive mass. */
function checked(density: GridDensity): GridDensity {
  const faces = checkFaces(density.faces);
  const n = faces.length - 1;
  if (density.values.length !== n) throw new RangeError(`meanfield: a grid density with ${n} cells has ${density.values.length} values`);
  checkFinite("density values", density.values);
  const values = Float64Array.from(density.values);
  let mass = 0;
  for (let i = 0; i < n; i++) {
    if (values[i]! < 0) throw new RangeError(`meanfield: density value ${i} is ${values[i]}; a density is >= 0`);
    mass += values[i]! * (faces[i + 1]! - faces[i]!);
  }
  if (!(mass > 0)) throw new RangeError("meanfield: the density has no mass");
  return { faces, values };
}

/** F at the faces: F[0] = 0, F[f] = mass of cells 0..f-1 (F[n] = the total mass). */
export function cumulativeMasses(density: GridDensity): Float64Array {
  const { faces, values } = density;
  const n = values.length;
  const cdf = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cdf[i + 1] = cdf[i]! + values[i]! * (faces[i + 1]! - faces[i]!);
  return cdf;
}

/** P(X <= x) under the piecewise-constant density normalized to mass 1 (linear inside each cell). */
export function gridCdf(density: GridDensity, x: number): number {
  const grid = checked(density);
  const cdf = cumulativeMasses(grid);
  return cdfAt(grid, cdf, x) / cdf[cdf.length - 1]!;
}

function cdfAt(density: GridDensity, cdf: Float64Array, x: number): number {
  const { faces, values } = density;
  const n = values.length;
  if (x <= faces[0]!) return 0;
  if (x >= faces[n]!) return cdf[n]!;
  const i = cellIndex(faces, x);
  return cdf[i]! + values[i]! * (x - faces[i]!);
}

/**
 * The quantile function Q(m) = inf { x : F(x) >= m } at each level in [0, 1] (relative to the
 * total mass), inverting the piecewise-linear CDF exactly.
 */
export function gridQuantile(density: GridDensity, levels: ArrayLike<number>): Float64Array {
  const { faces, values } = checked(density);
  const n = values.length;
  const cdf = cumulativeMasses({ faces, values });
  const total = cdf[n]!;
  const out = new Float64Array(levels.length);
  for (let s = 0; s < levels.length; s++) {
    const m = levels[s]!;
    if (!(m >= 0 && m <= 1)) throw new RangeError(`meanfield: quantile level ${s} is ${m}; levels must lie in [0, 1]`);
    const target = m * total;
    // The first face with cdf >= target, then back into the cell that reaches it.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! >= target) hi = mid;
      else lo = mid + 1;
    }
    if (lo === 0) {
      out[s] = faces[0]!;
      continue;
    }
    const i = lo - 1;
    const x = faces[i]! + (target - cdf[i]!) / values[i]!;
    out[s] = Math.min(faces[i + 1]!, Math.max(faces[i]!, x));
  }
  return out;
}

/** int |c - (p + q (x - x0))| dx over [x0, x1]: the area between a constant and a line. */
function areaBetween(c: number, p: number, q: number, x0: number, x1: number): number {
  const h = x1 - x0;
  const g0 = p - c;
  const g1 = p + q * h - c;
  if (g0 * g1 >= 0) return 0.5 * h * Math.abs(g0 + g1);
  // The line crosses the constant inside: two triangles.
  return (0.5 * h * (g0 * g0 + g1 * g1)) / Math.abs(g1 - g0);
}

/**
 * W1 between the empirical law of the samples (each of mass 1/N) and the grid density
 * (normalized to mass 1), exactly: int |F_N(x) - F(x)| dx, F_N a step function and F piecewise
 * linear, summed over the intervals between consecutive faces and samples.
 */
export function wasserstein1(density: GridDensity, samples: ArrayLike<number>): number {
  const grid = checked(density);
  const { faces, values } = grid;
  const n = values.length;
  checkCount("samples.length", samples.length);
  checkFinite("samples", samples);
  const sorted = Float64Array.from(samples).sort();
  const N = sorted.length;
  const cdf = cumulativeMasses(grid);
  const total = cdf[n]!;
  const points = new Float64Array(N + n + 1);
  points.set(sorted);
  points.set(faces, N);
  points.sort();
  let below = 0;
  let distance = 0;
  for (let p = 0; p + 1 < points.length; p++) {
    const x = points[p]!;
    const y = points[p + 1]!;
    while (below < N && sorted[below]! <= x) below++;
    if (!(y > x)) continue;
    const inside = x >= faces[0]! && y <= faces[n]!;
    const slope = inside ? values[cellIndex(faces, 0.5 * (x + y))]! / total : 0;
    distance += areaBetween(below / N, cdfAt(grid, cdf, x) / total, slope, x, y);
  }
  return distance;
}

/**
 * int_0^1 |X(m) - Q(m)| dm by the midpoint rule, where X holds a quantile function at the M
 * levels (j + 1/2) / M (the particles of the quantile solver, sorted) and Q is the grid density's:
 * W1 between the two laws up to O(1/M^2), without the O(1/M) quantization error that the exact W1
 * to the M atoms would add.
 */
export function quantileDistance(density: GridDensity, positions: ArrayLike<number>): number {
  const M = positions.length;
  checkCount("positions.length", M);
  const levels = Float64Array.from({ length: M }, (_, j) => (j + 0.5) / M);
  const q = gridQuantile(density, levels);
  let sum = 0;
  for (let j = 0; j < M; j++) sum += Math.abs(positions[j]! - q[j]!);
  return sum / M;
}

/** The density on at most `cells` coarse cells, each merging consecutive cells (masses kept exactly). */
export function coarsen(density: GridDensity, cells: number): GridDensity {
  const { faces, values } = checked(density);
  const n = values.length;
  checkCount("density cells", cells);
  const group = Math.ceil(n / cells);
  const m = Math.ceil(n / group);
  const coarseFaces = new Float64Array(m + 1);
  const coarseValues = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    const from = c * group;
    const to = Math.min(n, from + group);
    let mass = 0;
    for (let i = from; i < to; i++) mass += values[i]! * (faces[i + 1]! - faces[i]!);
    coarseFaces[c] = faces[from]!;
    coarseValues[c] = mass / (faces[to]! - faces[from]!);
  }
  coarseFaces[m] = faces[n]!;
  return { faces: coarseFaces, values: coarseValues };
}
