// Seed 000's quartic setting on the sphere, shared by the experiments that use it:
// sigma = s2 P2bar + s4 P4bar and h = e2 P2bar + e4 P4bar in the orthonormal Legendre polynomials
// P_kbar = sqrt(N(d,k)) P_{k,d}, so the dynamics happen in time O(1) at every d (the
// coefficients of P_{k,d} itself are s_k sqrt(N(d,k))).

import type { ConfigInput } from "../config.js";
import { sphericalHarmonicsDim } from "../special/gegenbauer.js";

export function quarticLegendre(d: number, c2: number, c4: number): { kind: "legendre"; coefficients: number[] } {
  return { kind: "legendre", coefficients: [0, 0, c2 * Math.sqrt(sphericalHarmonicsDim(d, 2)), 0, c4 * Math.sqrt(sphericalHarmonicsDim(d, 4))] };
}

/** Activation (s2, s4) = (0.5, 0.5), link (e2, e4) = (0.3, 0.6): Phase 3 in the seed's Case 1 (D_4 <= 0). */
export function sphereQuarticConfig(options: { name: string; seed: number; d: number; width: number; steps: number; stepSize: number; every: number }): ConfigInput {
  return {
    name: options.name,
    seed: options.seed,
    task: { kind: "sphereSingleIndex", d: options.d, link: quarticLegendre(options.d, 0.3, 0.6) },
    model: {
      width: options.width,
      activation: quarticLegendre(options.d, 0.5, 0.5),
      train: "first",
      init: { firstLayer: { kind: "sphere" }, secondLayer: { kind: "constant", value: 1 } },
    },
    algorithm: { kind: "populationGd", steps: options.steps, stepSize: options.stepSize, projected: true },
    metrics: { include: ["populationLoss", "components", "overlaps", "phiSpread"], schedule: { kind: "every", steps: options.every }, degrees: 4, histogramBins: 40 },
  };
}
