// The teacher of Li, Ma, Zhang 2020 at the normalization where their kernel lower bound bites:
// x ~ N(0, I_d), y = sum_{j<=d} a*_j |<w*_j, x>| with W* a random d x d orthogonal matrix and
// a*_j = 1/d. With |z| = sum_k alpha_k h_k(z) (orthonormal Hermite, alpha_0^2 = 2/pi,
// alpha_2^2 = 1/pi, odd k > 1 zero, sum_k alpha_k^2 = 1), the orthogonality of the w*_j gives the
// energy of Hermite order k >= 1 as alpha_k^2 |a*|^2 = alpha_k^2 / d and of order 0 as 2/pi:
// E y^2 = 2/pi + (1 - 2/pi)/d stays fixed while every order k >= 1 carries Theta(1/d). A kernel
// that fits at most the orders <= K therefore keeps the loss 1/2 (1 - sum_{k<=K} alpha_k^2)/d,
// Omega(1/d) for every fixed K (the paper's lower bound). Energies are computed exactly from the
// teacher's tensors (GaussianNetworkPopulation.hermiteOrders), not from these closed forms.

import { hermiteDim } from "../kernels/kernelFeatures.js";
import { parseActivation } from "../activation/spec.js";
import { TeacherNetworkTask, type TeacherAbsConfig } from "../tasks/teacherNetwork.js";
import type { WasmRuntime } from "../wasm/runtime.js";

/**
 * Teacher outputs a*_j = 1/d ("normalized": every Hermite order k >= 1 carries Θ(1/d) of E y²) or
 * a*_j = 1 ("ones", the unnormalized control whose order energies grow with d).
 */
export type TeacherScale = "normalized" | "ones";

/** The teacher task: M = d neurons, a*_j = 1/d (normalized) or a*_j = 1 (ones, the unnormalized control). */
export function normalizedTeacherTask(d: number, outputs: TeacherScale = "normalized"): TeacherAbsConfig {
  return { kind: "teacherAbs", d, width: d, outputs: outputs === "ones" ? "ones" : Array.from({ length: d }, () => 1 / d) };
}

/** The zero predictor's loss split by Hermite order, 1/2 E[y_k²] with normalized h_k, and its total 1/2 E[y²]. */
export interface TeacherOrders {
  /** 1/2 E[y_k^2] for k = 0 .. kmax, y_k the Hermite order-k part of the target. */
  halfEnergies: Float64Array;
  /** 1/2 E[y^2]. */
  halfSquare: number;
}

/** The teacher's loss split by Hermite order: L_k of the zero predictor (exact). */
export function teacherOrders(runtime: WasmRuntime, task: TeacherAbsConfig, seed: number, kmax: number): TeacherOrders {
  const t = new TeacherNetworkTask(runtime, task, seed, parseActivation("abs"));
  try {
    const w = new Float64Array(task.d);
    w[0] = 1;
    return { halfEnergies: t.population.hermiteOrders(w, Float64Array.of(0), 1, kmax), halfSquare: 0.5 * t.population.targetSquare };
  } finally {
    t.free();
  }
}

/**
 * The highest degree k whose Hermite space, of dimension C(d + k - 1, k), has at most n
 * elements (and all below it too): the most a kernel fitted on n samples can begin to resolve.
 * Ghorbani, Mei, Misiakiewicz, Montanari 2021 (arXiv 1904.12191) show rotation-invariant kernels
 * need n >> C(d + k - 1, k) to fit degree k, so counting degree k as fitted once n reaches its
 * dimension is generous to the kernels.
 */
export function resolvableDegree(d: number, n: number): number {
  let k = 0;
  while (hermiteDim(d, k + 1) <= n) k++;
  return k;
}

/** Half the energy of the orders above K: the loss a predictor fitting only orders <= K keeps at least. */
export function tailAbove(orders: TeacherOrders, degree: number): number {
  let kept = 0;
  for (let k = 0; k <= Math.min(degree, orders.halfEnergies.length - 1); k++) kept += orders.halfEnergies[k]!;
  return orders.halfSquare - kept;
}
