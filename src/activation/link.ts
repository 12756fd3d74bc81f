// Target links h in y = h(<q, x>): any activation, or a polynomial given in the basis the
// analysis uses (normalized Hermite h_k = He_k / sqrt(k!) for Gaussian input, Legendre P_{k,d}
// for the sphere; docs/conventions.md), or a single unnormalized He_k, or a named
// one from the papers. Every polynomial link is converted to monomial coefficients so the
// Wasm kernels (which evaluate polynomials by Horner) and the exact population losses see one form.

import { z } from "zod";
import {
  MAX_POLYNOMIAL_DEGREE,
  namedKinds,
  namedSchema,
  piecewiseSchema,
  polynomialSchema,
  type ActivationSpec,
} from "./spec.js";

const degreeCoefficients = z
  .array(z.number())
  .min(1)
  .max(MAX_POLYNOMIAL_DEGREE + 1);

const hermiteLink = z.object({
  kind: z.literal("hermite"),
  coefficients: degreeCoefficients.describe("c_0..c_k of h = sum_k c_k h_k, h_k = He_k / sqrt(k!) (normalized probabilists' Hermite, E[h_k^2] = 1)"),
}).strict();
const singleHermite = z.object({ kind: z.literal("He"), k: z.number().int().min(0).max(MAX_POLYNOMIAL_DEGREE).describe("h = He_k") }).strict();
const legendreLink = z.object({
  kind: z.literal("legendre"),
  coefficients: degreeCoefficients.describe("c_0..c_k of h = sum_k c_k P_{k,d} (normalized Gegenbauer, P_{k,d}(1) = 1)"),
}).strict();
const bmz23 = z.object({ kind: z.literal("bmz23").describe("Berthier–Montanari–Zhou: He_0 - He_1 + (2/3) He_2") }).strict();

const linkKinds = [...namedKinds, "polynomial", "piecewiseLinear", "hermite", "He", "legendre", "bmz23"] as const;

export const linkSchema = z.preprocess(
  (value) => (typeof value === "string" ? { kind: value } : value),
  z.discriminatedUnion("kind", [polynomialSchema, piecewiseSchema, namedSchema, hermiteLink, singleHermite, legendreLink, bmz23], {
    error: (issue) => (issue.code === "invalid_union" ? `kind must be one of ${linkKinds.join(", ")}` : undefined),
  }),
);

/**
 * A target link as written in a config: an activation, a polynomial in the normalized Hermite h_k
 * or Legendre P_{k,d} basis, an unnormalized He_k, or a named link from the papers.
 */
export type LinkSpec = z.input<typeof linkSchema>;
/** A parsed link (defaults filled in). */
export type Link = z.output<typeof linkSchema>;

/** Monomial coefficients of He_0 .. He_kmax (He_{k+1} = t He_k - k He_{k-1}), unnormalized. */
function hermiteMonomials(kmax: number): number[][] {
  const rows: number[][] = [[1], [0, 1]];
  for (let k = 1; k < kmax; k++) {
    const next = new Array<number>(k + 2).fill(0);
    rows[k]!.forEach((c, j) => (next[j + 1]! += c));
    rows[k - 1]!.forEach((c, j) => (next[j]! -= k * c));
    rows.push(next);
  }
  return rows.slice(0, kmax + 1);
}

/** Monomial coefficients of P_{0,d} .. P_{kmax,d} (P_{k+1} = ((2k+d-2) t P_k - k P_{k-1}) / (k+d-2)). */
function legendreMonomials(kmax: number, d: number): number[][] {
  const rows: number[][] = [[1], [0, 1]];
  for (let k = 1; k < kmax; k++) {
    const next = new Array<number>(k + 2).fill(0);
    rows[k]!.forEach((c, j) => (next[j + 1]! += ((2 * k + d - 2) * c) / (k + d - 2)));
    rows[k - 1]!.forEach((c, j) => (next[j]! -= (k * c) / (k + d - 2)));
    rows.push(next);
  }
  return rows.slice(0, kmax + 1);
}

/** Monomial coefficients of h_0 .. h_kmax, h_k = He_k / sqrt(k!), orthonormal under N(0, 1). */
function normalizedHermiteMonomials(kmax: number): number[][] {
  let factorial = 1;
  return hermiteMonomials(kmax).map((row, k) => {
    if (k > 0) factorial *= k;
    const norm = Math.sqrt(factorial);
    return row.map((c) => c / norm);
  });
}

function combine(basis: number[][], coefficients: readonly number[]): number[] {
  const out = new Array<number>(coefficients.length).fill(0);
  coefficients.forEach((c, k) => basis[k]!.forEach((m, j) => (out[j]! += c * m)));
  return out;
}

/** The link as an activation spec, d being the input dimension (needed for Legendre links). */
export function linkToActivation(link: Link, d: number): ActivationSpec {
  switch (link.kind) {
    case "hermite":
      return { kind: "polynomial", coefficients: combine(normalizedHermiteMonomials(link.coefficients.length - 1), link.coefficients) };
    case "He":
      return { kind: "polynomial", coefficients: combine(hermiteMonomials(link.k), [...new Array<number>(link.k).fill(0), 1]) };
    case "legendre":
      return { kind: "polynomial", coefficients: combine(legendreMonomials(link.coefficients.length - 1, d), link.coefficients) };
    case "bmz23":
      return { kind: "polynomial", coefficients: combine(hermiteMonomials(2), [1, -1, 2 / 3]) };
    default:
      return link;
  }
}
