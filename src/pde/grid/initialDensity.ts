// Initial densities as cell averages: laws integrated over every cell (cellMasses, to round-off),
// or histograms of samples.

import { checkCount, checkFinite, checkFiniteNumber } from "../../argumentChecks.js";
import { cellMasses } from "./cellIntegrals.js";
import { asin, log, log1p, sin } from "../../special/portableMath.js";

function averages(faces: Float64Array, masses: Float64Array): Float64Array {
  return masses.map((m, i) => m / (faces[i + 1]! - faces[i]!));
}

/** log cos(phi), accurate relative to phi^2 near 0 where cos^{d-2} carries the mass for large d. */
function logCos(phi: number): number {
  const h = sin(phi / 2);
  return log1p(-2 * h * h);
}

/**
 * The law of w = <q*, u> for u uniform on S^{d-1}, density proportional to (1 - w^2)^{(d-3)/2}
 * on [-1, 1]. With w = sin(phi) it is cos^{d-2}(phi) dphi, analytic in phi for every d >= 2
 * (the endpoint singularity of d = 2 and the square-root edge of d = 4 disappear), integrated on
 * panels of the law's width 1/sqrt(d-2).
 */
export function sphereUniformDensity(faces: Float64Array, d: number): Float64Array {
  checkCount("d (input dimension)", d, 2);
  const scale = d > 3 ? 1 / Math.sqrt(d - 2) : Math.PI / 8;
  const masses = cellMasses(faces, (w) => asin(Math.max(-1, Math.min(1, w))), (phi) => (d === 2 ? 0 : (d - 2) * logCos(phi)), scale);
  return averages(faces, masses);
}

/**
 * The law of r = |w| for w ~ N(0, kappa^2/d I_d) (r^2 d / kappa^2 ~ chi^2_d): density proportional
 * to r^{d-1} exp(-d r^2 / (2 kappa^2)), width about kappa / sqrt(2d).
 */
export function chiDensity(faces: Float64Array, d: number, kappa: number): Float64Array {
  checkCount("d (input dimension)", d);
  checkFiniteNumber("kappa", kappa);
  if (!(kappa > 0)) throw new RangeError(`meanfield: kappa must be > 0, got ${kappa}`);
  if (!(faces[0]! >= 0)) throw new RangeError(`meanfield: the radial grid must start at r >= 0, got ${faces[0]}`);
  const precision = d / (2 * kappa * kappa);
  const masses = cellMasses(
    faces,
    (r) => r,
    (r) => (d === 1 ? 0 : (d - 1) * log(r)) - precision * r * r,
    kappa / Math.sqrt(2 * d),
  );
  return averages(faces, masses);
}

/** The histogram of samples on the grid, as a density (each sample carries mass 1/n). */
export function histogramDensity(faces: Float64Array, samples: ArrayLike<number>): Float64Array {
  const n = faces.length - 1;
  checkCount("samples.length", samples.length);
  checkFinite("samples", samples);
  const masses = new Float64Array(n);
  for (let s = 0; s < samples.length; s++) {
    const x = samples[s]!;
    if (!(x >= faces[0]! && x <= faces[n]!)) {
      throw new RangeError(`meanfield: samples[${s}] = ${x} lies outside the grid [${faces[0]}, ${faces[n]}]`);
    }
    masses[cellIndex(faces, x)]! += 1 / samples.length;
  }
  return averages(faces, masses);
}

/** The cell containing x (the last one for x = faces[n]), by bisection. */
export function cellIndex(faces: Float64Array, x: number): number {
  let lo = 0;
  let hi = faces.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (faces[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}
