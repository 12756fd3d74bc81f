// The reflective property (Chen, Ge 2024, arXiv 2402.08948) for targets that are sums of normalized-Hermite monomials
// y = sum_t c_t prod_p h_{k_tp}(z_p): y is reflective with respect to a subspace S when
// y(z_{S-perp} - z_S) = y(z), and then gradient flow started with w_S = 0 keeps w_S = 0 (a trap).
// For a coordinate subspace S, h_k(-z) = (-1)^k h_k(z) makes the reflection multiply each
// monomial by (-1)^(sum_{p in S} k_tp), so y is reflective exactly when every monomial with a
// nonzero total coefficient has an even degree over S.

/** One term c_t Π_p h_{k_tp}(z_p) of a target, normalized Hermite h_k; degrees[p] = k_tp. */
export interface MonomialTerm {
  coefficient: number;
  degrees: readonly number[];
}

/** At most 2^16 subsets are enumerated. */
const MAX_COORDINATES = 16;

/**
 * Every nonempty set of coordinates S (indices 0..P-1, ascending) for which the target is
 * reflective; empty when none is. Terms with equal degrees are merged first, so monomials
 * that cancel do not count.
 */
export function reflectiveCoordinateSubspaces(terms: readonly MonomialTerm[]): number[][] {
  if (terms.length === 0) throw new RangeError("meanfield: terms must not be empty");
  const p = terms[0]!.degrees.length;
  if (p < 1 || p > MAX_COORDINATES) throw new RangeError(`meanfield: terms[0].degrees: expected 1 to ${MAX_COORDINATES} coordinates, got ${p}`);
  const merged = new Map<string, { degrees: readonly number[]; coefficient: number }>();
  terms.forEach((term, t) => {
    if (term.degrees.length !== p) throw new RangeError(`meanfield: terms[${t}].degrees: expected ${p} degrees like terms[0], got ${term.degrees.length}`);
    if (!term.degrees.every((k) => Number.isInteger(k) && k >= 0)) throw new RangeError(`meanfield: terms[${t}].degrees: expected integers >= 0`);
    if (!Number.isFinite(term.coefficient)) throw new RangeError(`meanfield: terms[${t}].coefficient: expected a finite number`);
    const key = term.degrees.join(",");
    const entry = merged.get(key) ?? { degrees: term.degrees, coefficient: 0 };
    entry.coefficient += term.coefficient;
    merged.set(key, entry);
  });
  const live = [...merged.values()].filter((m) => m.coefficient !== 0);
  const out: number[][] = [];
  for (let mask = 1; mask < 1 << p; mask++) {
    const even = live.every((m) => m.degrees.reduce((s, k, q) => s + ((mask >> q) & 1 ? k : 0), 0) % 2 === 0);
    if (even) out.push(Array.from({ length: p }, (_, q) => q).filter((q) => (mask >> q) & 1));
  }
  return out;
}
