// Plain loops for the kernels of assembly/gram.ts (table Gram) and assembly/features.ts,
// written from their definitions, independent of the SIMD summation order.

import { UNIFORM_MIN_D, UNIFORM_NODES, UNIFORM_SPACING, UNIFORM_TAU } from "../../src/kernels/modelKernel.js";

// 4-point Lagrange interpolation through nodes[first .. first + 3] at f from node first + 1.
function lagrange(nodes: Float64Array, first: number, f: number): number {
  let s = 0;
  for (let a = -1; a <= 2; a++) {
    let l = 1;
    for (let b = -1; b <= 2; b++) if (b !== a) l *= (f - b) / (a - b);
    s += l * nodes[first + 1 + a]!;
  }
  return s;
}

/**
 * g from its table (assembly/gramProduct.ts's layout, src/kernels/modelKernel.ts's tabulate) for
 * points of dimension d: for d >= UNIFORM_MIN_D and |t| < UNIFORM_TAU 4-point Lagrange interpolation in t of the last UNIFORM_NODES entries,
 * g(-UNIFORM_TAU + (k - 1) h), h = UNIFORM_SPACING; else in s = sqrt(1 - |t|) of the first 2E,
 * g(1 - s_m^2), then g(s_m^2 - 1), s_m = m / (E - 1).
 */
export function referenceTable(table: Float64Array, t: number, d: number): number {
  const sqrtPart = table.length - UNIFORM_NODES;
  if (d >= UNIFORM_MIN_D && Math.abs(t) < UNIFORM_TAU) {
    const u = (t + UNIFORM_TAU) / UNIFORM_SPACING;
    const m = Math.min(Math.floor(u), UNIFORM_NODES - 4);
    return lagrange(table.subarray(sqrtPart), m, u - m);
  }
  const half = sqrtPart / 2;
  const u = Math.sqrt(1 - Math.min(1, Math.abs(t))) * (half - 1);
  const m = Math.min(Math.max(Math.floor(u), 1), half - 3);
  return lagrange(table, (t >= 0 ? 0 : half) + m - 1, u - m);
}

/** The table of assembly/gramProduct.ts for g with E nodes per side in s and the uniform part. */
export function referenceTabulate(g: (t: number) => number, half: number): Float64Array {
  const out = new Float64Array(2 * half + UNIFORM_NODES);
  for (let m = 0; m < half; m++) {
    const s = m / (half - 1);
    out[m] = g(1 - s * s);
    out[half + m] = g(s * s - 1);
  }
  for (let k = 0; k < UNIFORM_NODES; k++) out[2 * half + k] = g(-UNIFORM_TAU + (k - 1) * UNIFORM_SPACING);
  return out;
}

function dot(x: Float64Array, i: number, y: Float64Array, j: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += x[i * d + k]! * y[j * d + k]!;
  return s;
}

export function referenceTableBlock(
  xl: Float64Array, rows: number, xr: Float64Array, cols: number, d: number,
  sl: Float64Array, il: Float64Array, sr: Float64Array, ir: Float64Array, table: Float64Array,
): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = sl[r]! * sr[c]! * referenceTable(table, dot(xl, r, xr, c, d) * il[r]! * ir[c]!, d);
  }
  return out;
}

export function referenceSphereFeatures(x: Float64Array, rows: number, d: number, anchors: Float64Array, degrees: Float64Array): Float64Array {
  const p = degrees.length;
  const out = new Float64Array(p * rows);
  for (let j = 0; j < p; j++) {
    for (let s = 0; s < rows; s++) {
      const t = dot(x, s, anchors, j, d);
      // P_{k,d}(t) by the Gegenbauer three-term recurrence.
      const k = degrees[j]!;
      let p0 = 1;
      let p1 = k === 0 ? 1 : t;
      for (let q = 1; q < k; q++) {
        const p2 = ((2 * q + d - 2) * t * p1 - q * p0) / (q + d - 2);
        p0 = p1;
        p1 = p2;
      }
      out[j * rows + s] = p1;
    }
  }
  return out;
}

/** Normalized Hermite h_k(z) = He_k(z) / sqrt(k!) from the probabilists' recurrence. */
function he(k: number, z: number): number {
  let a = 1;
  let b = z;
  if (k === 0) return 1;
  for (let q = 1; q < k; q++) {
    const c = z * b - q * a;
    a = b;
    b = c;
  }
  let f = 1;
  for (let q = 2; q <= k; q++) f *= q;
  return b / Math.sqrt(f);
}

export function referenceHermiteFeatures(x: Float64Array, rows: number, d: number, maxDegree: number, codes: Float64Array, slots: number): Float64Array {
  const p = codes.length / slots;
  const out = new Float64Array(p * rows);
  for (let j = 0; j < p; j++) {
    for (let s = 0; s < rows; s++) {
      let v = 1;
      for (let q = 0; q < slots; q++) {
        const code = codes[j * slots + q]!;
        if (code < 0) continue;
        const coord = Math.floor(code / (maxDegree + 1));
        v *= he(code % (maxDegree + 1), x[s * d + coord]!);
      }
      out[j * rows + s] = v;
    }
  }
  return out;
}

/**
 * start + phiT phiT^T on the lower triangle of the p x p row-major matrix (start above it), each
 * entry a compensated (Neumaier) sum of start and the rounded products, so within a few ulps of
 * the exact sum; with scale[i, j] = |start[i, j]| + sum_s |phiT[i, s] phiT[j, s]| on the lower
 * triangle (0 above it), which bounds the rounding error of any summation order by rows 2^-53 of it.
 */
export function referenceAccumulateNormal(phiT: Float64Array, p: number, rows: number, start: Float64Array): { gram: Float64Array; scale: Float64Array } {
  const gram = Float64Array.from(start);
  const scale = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = start[i * p + j]!;
      let c = 0;
      let a = Math.abs(s);
      for (let k = 0; k < rows; k++) {
        const t = phiT[i * rows + k]! * phiT[j * rows + k]!;
        const u = s + t;
        c += Math.abs(s) >= Math.abs(t) ? s - u + t : t - u + s;
        s = u;
        a += Math.abs(t);
      }
      gram[i * p + j] = s + c;
      scale[i * p + j] = a;
    }
  }
  return { gram, scale };
}
