// The blocked Wasm pair sums of the sphere population loss against the pair-by-pair TypeScript path.

import { describe, expect, it } from "vitest";
import type { ActivationSpec } from "../src/activation/spec.js";
import { SphereSingleIndexPopulation, type SpherePopulationResult } from "../src/population/sphereSingleIndex.js";
import { BUILDS, normals, runtimeFor, testRandom, unitRows } from "./helpers.js";

/** max |x - y| / max |y| (or max |x| when y = 0): entrywise ratios mean nothing where the tangent projection cancels. */
function relativeError(x: Float64Array, y: Float64Array): number {
  let diff = 0;
  let size = 0;
  for (let i = 0; i < y.length; i++) {
    diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
    size = Math.max(size, Math.abs(y[i]!));
  }
  return size === 0 ? diff : diff / size;
}

const QUARTIC: ActivationSpec = { kind: "polynomial", coefficients: [0.1, 0, -0.6, 0, 1] };
const CASES: { d: number; activation: ActivationSpec; link: ActivationSpec; maxDegree?: number; n: number }[] = [
  { d: 16, activation: QUARTIC, link: { kind: "polynomial", coefficients: [0, 0, 0.5, 0, 1] }, n: 150 },
  { d: 3, activation: "relu", link: "tanh", n: 67 },
  { d: 5, activation: "tanh", link: "abs", maxDegree: 0, n: 5 },
  { d: 2, activation: "relu", link: "relu", maxDegree: 1, n: 1 },
  { d: 7, activation: "erf", link: { kind: "polynomial", coefficients: [0, 1, 0, 1] }, maxDegree: 2, n: 129 },
  { d: 9, activation: "abs", link: "relu", maxDegree: 6, n: 64 },
];

describe.each(BUILDS)("sphere pair sums in Wasm (%s build)", (build) => {
  for (const { d, activation, link, maxDegree, n } of CASES) {
    it(`agrees with the TypeScript path to 1e-12: d = ${d}, N = ${n}, maxDegree ${maxDegree ?? "default"}`, async () => {
      const rt = await runtimeFor(build);
      const rand = testRandom(1000 * d + n);
      const w = unitRows(normals(rand, n * d), d);
      // A repeated and an antipodal row put rho at +-1, where round-off may step outside [-1, 1].
      if (n > 4) {
        for (let k = 0; k < d; k++) {
          w[3 * d + k] = w[k]!;
          w[4 * d + k] = -w[k]!;
        }
      }
      const q = unitRows(normals(rand, d), d);
      const a = normals(rand, n);
      const spec = { d, activation, link, ...(maxDegree === undefined ? {} : { maxDegree }) };
      const reference = new SphereSingleIndexPopulation(spec).evaluate(w, a, q, 1 / n);
      const fast = new SphereSingleIndexPopulation(spec, rt);
      const inUse = rt.arena.bytesInUse;
      const result = fast.evaluate(w, a, q, 1 / n);
      expect(rt.arena.bytesInUse).toBe(inUse);
      expect(Math.abs(result.loss - reference.loss)).toBeLessThanOrEqual(1e-12 * Math.abs(reference.loss));
      expect(relativeError(result.gradW, reference.gradW)).toBeLessThanOrEqual(1e-12);
      expect(relativeError(result.gradA, reference.gradA)).toBeLessThanOrEqual(1e-12);
      expect(result.truncationBound).toBe(reference.truncationBound);
      const again: SpherePopulationResult = fast.evaluate(w, a, q, 1 / n);
      expect(again.loss).toBe(result.loss);
      expect(again.gradW).toEqual(result.gradW);
      expect(again.gradA).toEqual(result.gradA);
    });
  }
});
