// The Lagrangian (quantile) solver of a MomentModel, the finite-volume solver's cross-check.
//
// In one dimension a continuity equation moves the quantile function: X_t(m) = F_t^{-1}(m) obeys
// d/dt X_t(m) = v(X_t(m)) for every level m, since the flow preserves order. The solver follows M
// particles at the fixed levels m_j = (j + 1/2)/M and takes moments by the midpoint rule in m,
// E[phi] = int_0^1 phi(X(m)) dm ~ (1/M) sum_j phi(X_j), so nothing is binned and the only errors
// are the midpoint rule's and the time stepper's. The midpoint rule is O(1/M^2) only for a smooth
// X: a law whose density vanishes like (x - a)^p at an end has X(m) - a ~ m^{1/(p+1)} there, and
// the rule then errs by O(1/M^{1 + 1/(p+1)}). For the sphere-uniform law of <q*, u>, p = (d-3)/2,
// so the order is 1 + 2/(d-1): 1.5 at d = 5, 1.065 at d = 32 (measured 1.497 and 1.055 at t = 0,
// and 1.24 for the loss at t = 8, d = 32, M = 1024..8192, where the interior's M^-2 still shows;
// test/spherePdeReference.test.ts). Time: classical RK4
// with dt * L <= `lipschitzStep`, L the largest difference quotient of v between neighbouring
// particles (how fast the spacings change).

import { checkCount, checkFinite } from "../../argumentChecks.js";
import { lossOf, residualsOf, type MomentModel } from "../grid/momentModel.js";

/** Time-step control of the quantile solver; accuracy is set by dt L, L the velocity's Lipschitz constant. */
export interface QuantileSolverOptions {
  /** Bound on dt * L (default 0.05: RK4's error per step ~ (dt L)^5 / 120 is then ~3e-9). */
  lipschitzStep?: number;
  /** Largest time step whatever L (default unbounded). */
  maxStep?: number;
}

/**
 * Solves the 1-D mean-field PDE through the quantile function: M particles at fixed quantile levels move with
 * the velocity (RK4), exact in mass and free of numerical diffusion; the check on the finite-volume solver.
 */
export class QuantileSolver {
  time = 0;
  steps = 0;
  /** The particles X_j, ascending. */
  readonly positions: Float64Array;
  private readonly lipschitzStep: number;
  private readonly maxStep: number;
  private readonly count: number;
  private readonly phi: Float64Array;
  private readonly transport: Float64Array;
  private readonly residualBuffer: Float64Array;
  private readonly stageVelocities: Float64Array[];
  private readonly stagePositions: Float64Array;
  private lipschitz = 0;

  constructor(
    readonly model: MomentModel,
    positions: ArrayLike<number>,
    options: QuantileSolverOptions = {},
  ) {
    checkCount("quantile particles", positions.length);
    checkFinite("quantile positions", positions);
    this.positions = Float64Array.from(positions);
    const [a, b] = model.interval;
    for (let j = 0; j < this.positions.length; j++) {
      const x = this.positions[j]!;
      if (!(x >= a && x <= b)) throw new RangeError(`meanfield: quantile position ${j} is ${x}, outside [${a}, ${b}]`);
      if (j > 0 && x < this.positions[j - 1]!) throw new RangeError(`meanfield: quantile positions must be sorted (position ${j})`);
    }
    this.lipschitzStep = options.lipschitzStep ?? 0.05;
    this.maxStep = options.maxStep ?? Infinity;
    if (!(this.lipschitzStep > 0)) throw new RangeError(`meanfield: lipschitzStep must be > 0, got ${this.lipschitzStep}`);
    if (!(this.maxStep > 0)) throw new RangeError(`meanfield: maxStep must be > 0, got ${this.maxStep}`);
    this.count = model.count;
    this.phi = new Float64Array(this.count);
    this.transport = new Float64Array(this.count);
    this.residualBuffer = new Float64Array(this.count);
    this.stageVelocities = Array.from({ length: 4 }, () => new Float64Array(this.positions.length));
    this.stagePositions = new Float64Array(this.positions.length);
  }

  /** E[phi_j] by the midpoint rule in the quantile level. */
  moments(positions: Float64Array = this.positions): Float64Array {
    const sums = new Float64Array(this.count);
    for (let j = 0; j < positions.length; j++) {
      this.model.basis(positions[j]!, this.phi);
      for (let k = 0; k < this.count; k++) sums[k]! += this.phi[k]!;
    }
    return sums.map((s) => s / positions.length);
  }

  residuals(): Float64Array {
    return residualsOf(this.model, this.moments(), new Float64Array(this.count));
  }

  loss(): number {
    return lossOf(this.model, this.residuals());
  }

  advanceTo(time: number): void {
    if (!(time >= this.time)) throw new RangeError(`meanfield: cannot advance from t = ${this.time} back to t = ${time}`);
    while (this.time < time) {
      const first = this.stageVelocities[0]!;
      this.velocities(this.positions, first);
      const bound = Math.min(time - this.time, this.maxStep);
      const dt = this.lipschitz > 0 ? Math.min(this.lipschitzStep / this.lipschitz, bound) : bound;
      this.rk4(dt);
      this.time = time - this.time <= dt * (1 + 1e-12) ? time : this.time + dt;
      this.steps++;
    }
  }

  /** v at every position into out; sets `lipschitz` (which sizes the next step) from neighbouring differences. */
  private velocities(positions: Float64Array, out: Float64Array): void {
    const residuals = residualsOf(this.model, this.moments(positions), this.residualBuffer);
    for (let j = 0; j < positions.length; j++) {
      this.model.transport(positions[j]!, this.transport);
      let v = 0;
      for (let k = 0; k < this.count; k++) v -= residuals[k]! * this.transport[k]!;
      out[j] = v;
    }
    let lipschitz = 0;
    for (let j = 1; j < positions.length; j++) {
      const gap = positions[j]! - positions[j - 1]!;
      if (gap > 0) lipschitz = Math.max(lipschitz, Math.abs(out[j]! - out[j - 1]!) / gap);
    }
    this.lipschitz = lipschitz;
  }

  /** One classical RK4 step from the stage-1 velocities already in stageVelocities[0]. */
  private rk4(dt: number): void {
    const [k1, k2, k3, k4] = this.stageVelocities as [Float64Array, Float64Array, Float64Array, Float64Array];
    const x = this.positions;
    const y = this.stagePositions;
    const [a, b] = this.model.interval;
    // Particles stop at the ends, as the finite-volume scheme's zero flux does.
    const clamp = (v: number) => Math.min(b, Math.max(a, v));
    for (let j = 0; j < x.length; j++) y[j] = clamp(x[j]! + 0.5 * dt * k1[j]!);
    this.velocities(y, k2);
    for (let j = 0; j < x.length; j++) y[j] = clamp(x[j]! + 0.5 * dt * k2[j]!);
    this.velocities(y, k3);
    for (let j = 0; j < x.length; j++) y[j] = clamp(x[j]! + dt * k3[j]!);
    this.velocities(y, k4);
    for (let j = 0; j < x.length; j++) x[j] = clamp(x[j]! + (dt / 6) * (k1[j]! + 2 * k2[j]! + 2 * k3[j]! + k4[j]!));
  }
}
