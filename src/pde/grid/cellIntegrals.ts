// Integrals over the cells of a grid, by Gauss–Legendre rules: the moment tables of the
// finite-volume solver and the exact cell masses of initial laws.

import { gaussLegendre } from "../../special/quadrature.js";
import { exp } from "../../special/portableMath.js";

/**
 * table[j * n + i] = the integral over cell i of phi_j, j < count, where fill(x, out) writes
 * phi_0(x) .. phi_{count-1}(x) to out; `order` nodes per cell (exact for polynomials of degree
 * below 2 * order).
 */
export function cellIntegrals(
  faces: Float64Array,
  count: number,
  fill: (x: number, out: Float64Array) => void,
  order: number,
): Float64Array {
  const n = faces.length - 1;
  const rule = gaussLegendre(order);
  const values = new Float64Array(count);
  const table = new Float64Array(count * n);
  for (let i = 0; i < n; i++) {
    const half = 0.5 * (faces[i + 1]! - faces[i]!);
    const mid = 0.5 * (faces[i + 1]! + faces[i]!);
    for (let q = 0; q < order; q++) {
      fill(mid + half * rule.nodes[q]!, values);
      const w = half * rule.weights[q]!;
      for (let j = 0; j < count; j++) table[j * n + i]! += w * values[j]!;
    }
  }
  return table;
}

/** Gauss–Legendre nodes per panel of cellMasses: round-off for analytic weights on panels of one scale. */
const MASS_ORDER = 16;
/** More panels per cell than this only where a cell is far wider than the law's scale. */
const MAX_PANELS = 4096;

/**
 * Cell masses (summing to 1) of the law whose density in y = toVariable(x) (increasing) is
 * proportional to exp(logWeight(y)). Each cell is mapped to [y(l), y(r)] and split into panels at
 * most `scale` wide, so an analytic weight varying on that scale is integrated to round-off.
 * logWeight is shifted by its largest value at the nodes, so laws as concentrated as
 * cos^{d-2} at d = 1e5 neither overflow nor underflow where they carry mass.
 */
export function cellMasses(
  faces: Float64Array,
  toVariable: (x: number) => number,
  logWeight: (y: number) => number,
  scale: number,
): Float64Array {
  const n = faces.length - 1;
  const rule = gaussLegendre(MASS_ORDER);
  const visit = (emit: (cell: number, y: number, w: number) => void) => {
    let lower = toVariable(faces[0]!);
    for (let i = 0; i < n; i++) {
      const upper = toVariable(faces[i + 1]!);
      const panels = Math.min(MAX_PANELS, Math.max(1, Math.ceil((upper - lower) / scale)));
      const half = (upper - lower) / (2 * panels);
      for (let p = 0; p < panels; p++) {
        const mid = lower + (2 * p + 1) * half;
        for (let q = 0; q < MASS_ORDER; q++) emit(i, mid + half * rule.nodes[q]!, half * rule.weights[q]!);
      }
      lower = upper;
    }
  };
  let peak = -Infinity;
  visit((_, y) => {
    peak = Math.max(peak, logWeight(y));
  });
  if (!Number.isFinite(peak)) throw new RangeError("meanfield: initial law: the density vanishes on the whole grid");
  const masses = new Float64Array(n);
  visit((i, y, w) => {
    masses[i]! += w * exp(logWeight(y) - peak);
  });
  let total = 0;
  for (let i = 0; i < n; i++) total += masses[i]!;
  for (let i = 0; i < n; i++) masses[i]! /= total;
  return masses;
}
