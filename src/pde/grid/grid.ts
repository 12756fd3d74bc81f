// Non-uniform 1-D grids for the finite-volume solvers: faces from a smooth map of a uniform
// parameter, so neighbouring cells differ in width by a factor 1 + O(1/n) and the second-order
// reconstruction keeps its order.
//
// Clustering around a point c of [a, b] uses x(xi) = c + A sinh(beta (xi - xi_c)), xi uniform in
// [0, 1]: cells are narrowest at c (width A beta / n) and widen like cosh away from it. The sphere
// grid can also cluster at the ends w = +-1 by composing with sin(pi u / 2), whose cells shrink
// quadratically there (where the density of Mahankali et al.'s setting piles up when neurons align with +-q*).

import { checkCount, checkFiniteNumber } from "../../argumentChecks.js";
import { sin, sinh } from "../../special/portableMath.js";

/**
 * Slope limiters: minmod is the most diffusive, mc (monotonized central) the sharpest that stays total-variation
 * diminishing.
 */
export type Limiter = "minmod" | "mc";

/**
 * Where and how much to refine a grid: densities concentrate (at w = 0 for the uniform law on S^{d-1}), and
 * uniform cells fine enough there would waste resolution elsewhere.
 */
export interface ClusterOptions {
  /** Where cells are narrowest. */
  center: number;
  /** Width wanted for the cells at `center`; no clustering when it is >= the uniform width. */
  centerWidth: number;
}

function uniformFaces(a: number, b: number, cells: number): Float64Array {
  const faces = new Float64Array(cells + 1);
  for (let f = 0; f <= cells; f++) faces[f] = a + ((b - a) * f) / cells;
  faces[cells] = b;
  return faces;
}

/** xi_c with sinh(beta (1 - xi_c)) / sinh(beta xi_c) = ratio: the map's centre in parameter space. */
function centreParameter(beta: number, ratio: number): number {
  if (!Number.isFinite(ratio)) return 0;
  if (ratio === 0) return 1;
  let lo = 0;
  let hi = 1;
  for (let it = 0; it < 200 && hi - lo > 1e-16; it++) {
    const mid = 0.5 * (lo + hi);
    if (sinh(beta * (1 - mid)) / sinh(beta * mid) > ratio) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** The centre cell width of the sinh map with strength beta (its derivative at xi_c over n). */
function centreWidth(a: number, b: number, c: number, beta: number, cells: number): number {
  const xc = centreParameter(beta, (b - c) / (c - a));
  const amplitude = xc < 1 ? (b - c) / sinh(beta * (1 - xc)) : (c - a) / sinh(beta * xc);
  return (amplitude * beta) / cells;
}

/**
 * n + 1 faces on [a, b] (faces[0] = a, faces[n] = b exactly), clustered around `center` so the
 * cells there are about `centerWidth` wide; uniform when no clustering is asked or needed.
 */
export function clusteredFaces(a: number, b: number, cells: number, cluster?: ClusterOptions): Float64Array {
  checkCount("grid cells", cells, 2);
  checkFiniteNumber("grid lower end", a);
  checkFiniteNumber("grid upper end", b);
  if (!(b > a)) throw new RangeError(`meanfield: grid: the upper end ${b} must exceed the lower end ${a}`);
  if (!cluster || !(cluster.centerWidth < (b - a) / cells)) return uniformFaces(a, b, cells);
  const { center: c, centerWidth: target } = cluster;
  checkFiniteNumber("grid cluster center", c);
  if (!(c >= a && c <= b)) throw new RangeError(`meanfield: grid: the cluster center ${c} must lie in [${a}, ${b}]`);
  if (!(target > 0)) throw new RangeError(`meanfield: grid: the cluster cell width must be > 0, got ${target}`);
  // The centre width decreases monotonically in beta; past beta = 40 cells would span 1e17.
  let lo = 1e-9;
  let hi = 40;
  if (centreWidth(a, b, c, hi, cells) > target) lo = hi;
  else {
    for (let it = 0; it < 200 && hi - lo > 1e-12 * hi; it++) {
      const mid = 0.5 * (lo + hi);
      if (centreWidth(a, b, c, mid, cells) > target) lo = mid;
      else hi = mid;
    }
  }
  const beta = lo;
  const xc = centreParameter(beta, (b - c) / (c - a));
  const amplitude = xc < 1 ? (b - c) / sinh(beta * (1 - xc)) : (c - a) / sinh(beta * xc);
  const faces = new Float64Array(cells + 1);
  for (let f = 0; f <= cells; f++) faces[f] = c + amplitude * sinh(beta * (f / cells - xc));
  faces[0] = a;
  faces[cells] = b;
  return faces;
}

/**
 * Cells on [-1, 1] for the sphere PDE in w = <u, q>, optionally clustered at w = 0 where the uniform law on
 * S^{d-1} concentrates (width ~ 1/sqrt(d)).
 */
export interface SphereGridOptions {
  cells: number;
  /** Width of the cells at w = 0 (clustering there when below the uniform width 2 / cells). */
  centerWidth?: number;
  /** Also cluster cells at w = +-1 (Chebyshev-like, widths shrinking quadratically). */
  ends?: boolean;
}

/**
 * Faces on [-1, 1], exactly antisymmetric (faces[n - f] = -faces[f]) so an even density stays
 * even to the last bit.
 */
export function sphereFaces(options: SphereGridOptions): Float64Array {
  const { cells, ends = false } = options;
  checkCount("grid cells", cells, 2);
  // Clustering in u is at u = 0; the sine map stretches cells at 0 by pi/2, so ask for less.
  const width = options.centerWidth === undefined ? undefined : ends ? options.centerWidth / (Math.PI / 2) : options.centerWidth;
  const u = clusteredFaces(-1, 1, cells, width === undefined ? undefined : { center: 0, centerWidth: width });
  const faces = new Float64Array(cells + 1);
  for (let f = 0; 2 * f <= cells; f++) {
    const w = ends ? sin((Math.PI / 2) * u[f]!) : u[f]!;
    faces[f] = w;
    faces[cells - f] = -w;
  }
  faces[0] = -1;
  faces[cells] = 1;
  if (cells % 2 === 0) faces[cells / 2] = 0;
  return faces;
}

/**
 * Validates user-given faces (at least 3, finite, strictly increasing) and copies them, so a solver never runs
 * on a degenerate grid.
 */
export function checkFaces(faces: ArrayLike<number>): Float64Array {
  const n = faces.length - 1;
  if (n < 2) throw new RangeError(`meanfield: grid: need at least 3 faces (2 cells), got ${faces.length}`);
  const out = Float64Array.from(faces);
  for (let f = 0; f <= n; f++) {
    checkFiniteNumber(`grid faces[${f}]`, out[f]!);
    if (f > 0 && !(out[f]! > out[f - 1]!)) {
      throw new RangeError(`meanfield: grid: faces must increase, but faces[${f}] = ${out[f]} <= faces[${f - 1}] = ${out[f - 1]}`);
    }
  }
  return out;
}

/**
 * The per-cell constants of assembly/pde.ts: 1/width, then the limiter factors gm, gp, gc with
 * which the reconstruction offset is a = minmod(gm dm, gp dp, gc (dm + dp)) (dm, dp the jumps of
 * the cell averages to the neighbours). With h- and h+ the distances between cell centres,
 * gm = theta width / (2 h-), gp = theta width / (2 h+) and gc = width / (2 (h- + h+)), theta = 1
 * for minmod and 2 for the monotonized-central limiter; on a uniform grid these are the textbook
 * limiters. End cells get 0 (flat), as nothing flows through the ends anyway.
 */
export function cellGeometry(faces: Float64Array, limiter: Limiter): Float64Array {
  const n = faces.length - 1;
  const theta = limiter === "mc" ? 2 : 1;
  const geometry = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) {
    const width = faces[i + 1]! - faces[i]!;
    geometry[i] = 1 / width;
    if (i === 0 || i === n - 1) continue;
    const left = 0.5 * (faces[i]! - faces[i - 1]!) + 0.5 * width;
    const right = 0.5 * width + 0.5 * (faces[i + 2]! - faces[i + 1]!);
    geometry[n + i] = (theta * width) / (2 * left);
    geometry[2 * n + i] = (theta * width) / (2 * right);
    geometry[3 * n + i] = width / (2 * (left + right));
  }
  return geometry;
}
