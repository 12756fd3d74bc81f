// The quartic setting of Mahankali, HaoChen, Dong, Glasgow, Ma (2023) on the sphere, shared by the
// experiments that use it: sigma = s2 P2bar + s4 P4bar and h = e2 P2bar + e4 P4bar in the
// orthonormal Legendre polynomials P_kbar = sqrt(N(d,k)) P_{k,d}, so the dynamics happen in time
// O(1) at every d (the coefficients of P_{k,d} itself are s_k sqrt(N(d,k))). The network
// f(x) = (1/N) sum_i sigma(<u_i, x>) (unit u_i, second layer fixed at 1) fits h exactly when
// E[P_{k,d}(w)] = gamma_k = e_k / s_k (k = 2, 4) for the law of w = <q*, u>; a law on [-1, 1] has
// (E[P_2], E[P_4]) -> (E w^2, E w^4) with E w^4 in [(E w^2)^2, E w^2], so the target is realizable
// only when gamma_2^2 <= gamma_4 <= gamma_2 (as d grows).

import type { ConfigInput } from "../config.js";
import { sphericalHarmonicsDim } from "../special/gegenbauer.js";

/** c2 P2bar + c4 P4bar as a Legendre link/activation spec (coefficients of P_{k,d}). */
export function quarticLegendre(d: number, c2: number, c4: number): { kind: "legendre"; coefficients: number[] } {
  return { kind: "legendre", coefficients: [0, 0, c2 * Math.sqrt(sphericalHarmonicsDim(d, 2)), 0, c4 * Math.sqrt(sphericalHarmonicsDim(d, 4))] };
}

/** An instance: activation (s2, s4) and link (e2, e4) in the orthonormal Legendre basis. */
export interface QuarticInstance {
  activation: [number, number];
  link: [number, number];
}

/**
 * The realizable instance: sigma = P2bar + P4bar, h = 0.5 P2bar + 0.45 P4bar, so gamma = (0.5, 0.45)
 * with gamma_2^2 = 0.25 < 1.1 gamma_2^2 = 0.275 <= gamma_4 = 0.45 < gamma_2 = 0.5: inside the
 * realizable region with a margin on both sides. A law reaching it as d grows: mass 4/9 at +-1 and
 * 5/9 at +-sqrt(0.1) (E w^2 = 0.5, E w^4 = 0.45).
 */
export const REALIZABLE: QuarticInstance = { activation: [1, 1], link: [0.5, 0.45] };

/** The unrealizable instance: gamma = (0.6, 1.2), and gamma_4 > 1 >= E[P_4(w)] for every law. */
export const UNREALIZABLE: QuarticInstance = { activation: [1, 1], link: [0.6, 1.2] };

/**
 * The instance the experiments used first: sigma = (P2bar + P4bar) / 2, h = 0.3 P2bar + 0.6 P4bar,
 * gamma = (0.6, 1.2), unrealizable like UNREALIZABLE (the default when none is given: `chaos`
 * measures propagation of chaos, which needs no realizable target).
 */
export const FIRST_INSTANCE: QuarticInstance = { activation: [0.5, 0.5], link: [0.3, 0.6] };

/** gamma_k = e_k / s_k, k = 2, 4. */
export function gammas(instance: QuarticInstance): [number, number] {
  return [instance.link[0] / instance.activation[0], instance.link[1] / instance.activation[1]];
}

/** Projected population GD of N unit-norm quartic neurons (a_i = 1 fixed) on the instance (default FIRST_INSTANCE). */
export function sphereQuarticConfig(options: {
  name: string;
  seed: number;
  d: number;
  width: number;
  steps: number;
  stepSize: number;
  every: number;
  instance?: QuarticInstance;
}): ConfigInput {
  const instance = options.instance ?? FIRST_INSTANCE;
  return {
    name: options.name,
    seed: options.seed,
    task: { kind: "sphereSingleIndex", d: options.d, link: quarticLegendre(options.d, ...instance.link) },
    model: {
      width: options.width,
      activation: quarticLegendre(options.d, ...instance.activation),
      train: "first",
      init: { firstLayer: { kind: "sphere" }, secondLayer: { kind: "constant", value: 1 } },
    },
    algorithm: { kind: "populationGd", steps: options.steps, stepSize: options.stepSize, projected: true },
    metrics: { include: ["populationLoss", "components", "overlaps", "phiSpread"], schedule: { kind: "every", steps: options.every }, degrees: 4, histogramBins: 40 },
  };
}
