import { describe, expect, it } from "vitest";
import { hermite } from "../src/special/hermite.js";
import { reflectiveCoordinateSubspaces, type MonomialTerm } from "../src/tasks/reflectiveProperty.js";
import { testRandom } from "./helpers.js";

/** y at z from normalized Hermite monomials, evaluated independently of the degree-parity rule. */
function target(terms: MonomialTerm[], z: number[]): number {
  return terms.reduce((s, t) => s + t.coefficient * t.degrees.reduce((p, k, q) => p * hermite(k, z[q]!), 1), 0);
}

/** Reflective for S by direct evaluation: y(z) = y(z with z_S negated) at random points. */
function reflectsNumerically(terms: MonomialTerm[], s: number[], rand: () => number): boolean {
  const p = terms[0]!.degrees.length;
  for (let trial = 0; trial < 20; trial++) {
    const z = Array.from({ length: p }, () => 4 * rand() - 2);
    const flipped = z.map((v, q) => (s.includes(q) ? -v : v));
    if (Math.abs(target(terms, z) - target(terms, flipped)) > 1e-9 * (1 + Math.abs(target(terms, z)))) return false;
  }
  return true;
}

describe("reflectiveCoordinateSubspaces", () => {
  it("finds S = {z2, z3} for z1 + z1 z2 z3 and nothing for the merged staircase z1 + z1 z2 + z1 z2 z3", () => {
    expect(reflectiveCoordinateSubspaces([{ coefficient: 1, degrees: [1, 0, 0] }, { coefficient: 1, degrees: [1, 1, 1] }])).toEqual([[1, 2]]);
    expect(
      reflectiveCoordinateSubspaces([
        { coefficient: 1, degrees: [1, 0, 0] },
        { coefficient: 1, degrees: [1, 1, 0] },
        { coefficient: 1, degrees: [1, 1, 1] },
      ]),
    ).toEqual([]);
    expect(reflectiveCoordinateSubspaces([{ coefficient: 1, degrees: [1, 0] }, { coefficient: 1, degrees: [1, 2] }])).toEqual([[1]]);
  });

  it("merges repeated monomials: a term that cancels does not break the property", () => {
    const terms = [
      { coefficient: 1, degrees: [1, 0] },
      { coefficient: 0.5, degrees: [1, 1] },
      { coefficient: -0.5, degrees: [1, 1] },
    ];
    expect(reflectiveCoordinateSubspaces(terms)).toEqual([[1]]);
  });

  it("agrees with direct evaluation of y(z) and y(z with z_S negated) on random targets", () => {
    const rand = testRandom(3);
    for (let trial = 0; trial < 40; trial++) {
      const p = 1 + Math.floor(rand() * 3);
      const terms = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ({
        coefficient: rand() < 0.5 ? 1 : -0.7,
        degrees: Array.from({ length: p }, () => Math.floor(rand() * 4)),
      }));
      const found = reflectiveCoordinateSubspaces(terms).map((s) => s.join(","));
      for (let mask = 1; mask < 1 << p; mask++) {
        const s = Array.from({ length: p }, (_, q) => q).filter((q) => (mask >> q) & 1);
        expect(found.includes(s.join(","))).toBe(reflectsNumerically(terms, s, rand));
      }
    }
  });

  it("rejects malformed terms naming the field", () => {
    expect(() => reflectiveCoordinateSubspaces([])).toThrow(/terms/);
    expect(() => reflectiveCoordinateSubspaces([{ coefficient: 1, degrees: [1, 0] }, { coefficient: 1, degrees: [1] }])).toThrow(/terms\[1\]\.degrees/);
    expect(() => reflectiveCoordinateSubspaces([{ coefficient: 1, degrees: [1.5] }])).toThrow(/terms\[0\]\.degrees/);
  });
});
