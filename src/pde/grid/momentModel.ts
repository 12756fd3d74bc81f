// The form shared by the reduced mean-field PDEs of meanfield: a density rho on an interval
// transported by d_t rho + d_x(rho v) = 0 with
//   v(x) = -sum_j D_j T_j(x),   D_j = weight_j E_rho[phi_j] - target_j,
//   loss = 1/2 sum_j lossWeight_j D_j^2 + lossOffset,
// i.e. a Wasserstein gradient flow of a loss quadratic in finitely many moments. The sphere PDE of
// Mahankali et al.'s sphere model has phi_k = P_{k,d}, the radial PDE of MMN18 has phi_pm(r) = E sigma(tau_pm r Z); the
// finite-volume and quantile solvers need nothing else.

/**
 * What a 1-D mean-field PDE needs from its physics: the velocity is a function of finitely many moments of the
 * density, so one solver serves the sphere and radial families.
 */
export interface MomentModel {
  /** The interval [a, b]; nothing crosses its ends. */
  readonly interval: readonly [number, number];
  /** J, the number of moments. */
  readonly count: number;
  readonly weights: Float64Array;
  readonly targets: Float64Array;
  readonly lossWeights: Float64Array;
  readonly lossOffset: number;
  /** Gauss–Legendre nodes per cell that integrate every phi_j over a cell to round-off. */
  readonly cellOrder: number;
  /** phi_0(x) .. phi_{J-1}(x) into out. */
  basis(x: number, out: Float64Array): void;
  /** T_0(x) .. T_{J-1}(x) into out. */
  transport(x: number, out: Float64Array): void;
}

/** D_j = weight_j M_j - target_j for moments M_j = E_rho[phi_j], into out. */
export function residualsOf(model: MomentModel, moments: ArrayLike<number>, out: Float64Array): Float64Array {
  for (let j = 0; j < model.count; j++) out[j] = model.weights[j]! * moments[j]! - model.targets[j]!;
  return out;
}

/**
 * The loss from the moment residuals, lossOffset + 1/2 sum_j lossWeights_j r_j^2: the 1/2 E[(f - y)^2]
 * normalization.
 */
export function lossOf(model: MomentModel, residuals: ArrayLike<number>): number {
  let loss = model.lossOffset;
  for (let j = 0; j < model.count; j++) loss += 0.5 * model.lossWeights[j]! * residuals[j]! ** 2;
  return loss;
}
