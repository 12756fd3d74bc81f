// The conservative finite-volume solver of a MomentModel (momentModel.ts) on a fixed non-uniform
// grid, stepping in Wasm (assembly/pde.ts).
//
// Unknowns are cell averages rho_i. Each stage reconstructs rho linearly in every cell with a
// limited slope (minmod or monotonized central, capped so both face values stay >= 0), takes the
// upwind value at each interior face, and sets the flux to zero at both ends; the update
// rho_i += dt (F_i - F_{i+1}) / width_i telescopes, so mass changes only by round-off. The moments
// E[phi_j] are the exact integrals of the piecewise-constant density, sum_i rho_i int_cell phi_j,
// from tables built once, as are the face tables T_j of the velocity.
//
// Time: strong-stability-preserving Runge–Kutta (SSP-RK2 of Heun, SSP-RK3 of Shu–Osher), convex
// combinations of forward-Euler stages, each positive while dt * max_f |v_f| / width <= 1/2. The
// step is dt = cfl / rate with the CFL rate of the previous step; a step any of whose stages
// exceeds CFL_LIMIT is redone with the rate it found, so positivity never rests on a guess.

import type { WasmF64Array } from "../../wasm/arena.js";
import type { WasmRuntime } from "../../wasm/runtime.js";
import { checkFinite } from "../../argumentChecks.js";
import { cellIntegrals } from "./cellIntegrals.js";
import { cellGeometry, checkFaces, type Limiter } from "./grid.js";
import { lossOf, residualsOf, type MomentModel } from "./momentModel.js";

/**
 * Strong-stability-preserving Runge–Kutta of order 2 or 3: both keep the limited scheme positive under the CFL
 * bound; ssp3 is third order in time.
 */
export type Integrator = "ssp2" | "ssp3";

/** Numerical controls of the finite-volume solver (limiter, integrator, CFL number); none changes the PDE solved. */
export interface FiniteVolumeOptions {
  /** Slope limiter (default "mc", the monotonized-central one: less diffusive than minmod). */
  limiter?: Limiter;
  /**
   * Time integrator (default "ssp2": with dt proportional to the cell width its O(dt^2) error is of
   * the scheme's spatial order, at two thirds of the cost of "ssp3"). Measured on the sphere PDE
   * at cfl 0.4, its error is about 1% of the spatial one; take "ssp3" when the time error must
   * vanish on its own (docs/architecture.md, "Accuracy of the sphere PDE").
   */
  integrator?: Integrator;
  /** Target dt * rate (default 0.4; at most CFL_LIMIT). */
  cfl?: number;
  /** Largest time step whatever the CFL rate (default unbounded). */
  maxStep?: number;
}

/**
 * Accepted dt * rate. Below 1/2 a stage moves at most 2 * CFL_LIMIT of a cell's mass out of
 * it, so the new average is at least 10% of the old one: no round-off can make it negative.
 */
export const CFL_LIMIT = 0.45;

/** beta_s of each stage: rho^(s+1) = beta_s rho^n + (1 - beta_s) (rho^(s) + dt L(rho^(s))). */
const STAGE_WEIGHTS: Record<Integrator, readonly number[]> = {
  ssp2: [0, 1 / 2],
  ssp3: [0, 3 / 4, 1 / 3],
};

/**
 * A conservative finite-volume solver for the 1-D continuity equation d rho/dt + d(rho v)/dx = 0 whose velocity
 * comes from a MomentModel: mass is conserved exactly and the density stays >= 0.
 */
export class FiniteVolumeSolver {
  readonly cells: number;
  readonly faces: Float64Array;
  readonly widths: Float64Array;
  time = 0;
  /** Steps taken; `rejected` counts the ones redone with a smaller dt. */
  steps = 0;
  rejected = 0;
  private readonly stageWeights: readonly number[];
  private readonly cfl: number;
  private readonly maxStep: number;
  /** The current density and the stage buffer; swapped when a step is accepted. */
  private state: WasmF64Array;
  private stage: WasmF64Array;
  /** The face velocities of the latest stage (written by the kernel). */
  private readonly velocity: WasmF64Array;
  private readonly geometry: WasmF64Array;
  private readonly velocityTable: WasmF64Array;
  private readonly momentTable: WasmF64Array;
  private readonly coefficients: WasmF64Array;
  private readonly momentsOut: WasmF64Array;
  /** E[phi_j] of the current state, and of the latest stage. */
  private stateMoments: Float64Array;
  private stageMoments: Float64Array;
  private readonly residualBuffer: Float64Array;
  /** CFL rate of the last step's stages; NaN before the first step. */
  private rate = Number.NaN;
  private buffers: WasmF64Array[] = [];

  constructor(
    private readonly runtime: WasmRuntime,
    readonly model: MomentModel,
    faces: ArrayLike<number>,
    density: ArrayLike<number>,
    options: FiniteVolumeOptions = {},
  ) {
    this.faces = checkFaces(faces);
    const n = this.faces.length - 1;
    this.cells = n;
    if (density.length !== n) throw new RangeError(`meanfield: initial density has ${density.length} cells, the grid ${n}`);
    checkFinite("initial density", density);
    for (let i = 0; i < n; i++) {
      if (density[i]! < 0) throw new RangeError(`meanfield: initial density[${i}] = ${density[i]} is negative`);
    }
    const [a, b] = model.interval;
    if (this.faces[0] !== a || this.faces[n] !== b) {
      throw new RangeError(`meanfield: the grid spans [${this.faces[0]}, ${this.faces[n]}], the model's interval is [${a}, ${b}]`);
    }
    this.widths = this.faces.subarray(1).map((x, i) => x - this.faces[i]!);
    this.stageWeights = STAGE_WEIGHTS[options.integrator ?? "ssp2"];
    if (!this.stageWeights) throw new RangeError(`meanfield: integrator must be "ssp2" or "ssp3", got ${String(options.integrator)}`);
    const limiter = options.limiter ?? "mc";
    if (limiter !== "mc" && limiter !== "minmod") throw new RangeError(`meanfield: limiter must be "mc" or "minmod", got ${String(limiter)}`);
    this.cfl = options.cfl ?? 0.4;
    if (!(this.cfl > 0 && this.cfl <= CFL_LIMIT)) throw new RangeError(`meanfield: cfl must be in (0, ${CFL_LIMIT}], got ${this.cfl}`);
    this.maxStep = options.maxStep ?? Infinity;
    if (!(this.maxStep > 0)) throw new RangeError(`meanfield: maxStep must be > 0, got ${this.maxStep}`);

    const count = model.count;
    const velocity = new Float64Array(count * (n + 1));
    const values = new Float64Array(count);
    // Faces 0 and n carry no flux, so their entries are never read.
    for (let f = 1; f < n; f++) {
      model.transport(this.faces[f]!, values);
      for (let j = 0; j < count; j++) velocity[j * (n + 1) + f] = values[j]!;
    }
    const arena = runtime.arena;
    const keep = (buffer: WasmF64Array) => {
      this.buffers.push(buffer);
      return buffer;
    };
    try {
      this.state = keep(arena.f64From(density));
      this.stage = keep(arena.f64(n));
      this.velocity = keep(arena.f64(n + 1));
      this.geometry = keep(arena.f64From(cellGeometry(this.faces, limiter)));
      this.velocityTable = keep(arena.f64From(velocity));
      this.momentTable = keep(arena.f64From(cellIntegrals(this.faces, count, (x, out) => model.basis(x, out), model.cellOrder)));
      this.coefficients = keep(arena.f64(count));
      this.momentsOut = keep(arena.f64(count));
    } catch (err) {
      this.free();
      throw err;
    }
    this.residualBuffer = new Float64Array(count);
    this.stateMoments = this.momentsOf(this.state);
    this.stageMoments = new Float64Array(count);
  }

  /** E[phi_j] of the current density. */
  moments(): Float64Array {
    return this.stateMoments.slice();
  }

  residuals(): Float64Array {
    return residualsOf(this.model, this.stateMoments, new Float64Array(this.model.count));
  }

  loss(): number {
    return lossOf(this.model, residualsOf(this.model, this.stateMoments, this.residualBuffer));
  }

  /** The cell averages (a copy). */
  density(): Float64Array {
    return this.state.toArray();
  }

  mass(): number {
    const rho = this.state.view;
    let total = 0;
    for (let i = 0; i < this.cells; i++) total += rho[i]! * this.widths[i]!;
    return total;
  }

  /** Takes one step of at most `limit` in time; returns the step taken. */
  step(limit: number): number {
    if (!(limit > 0)) throw new RangeError(`meanfield: step limit must be > 0, got ${limit}`);
    if (Number.isNaN(this.rate)) this.rate = this.probeRate();
    for (;;) {
      const bound = Math.min(limit, this.maxStep);
      const dt = this.rate > 0 ? Math.min(this.cfl / this.rate, bound) : bound;
      if (!Number.isFinite(dt)) throw new RangeError("meanfield: the velocity vanishes everywhere, so only a finite step limit sets dt");
      const rate = this.runStages(dt);
      this.rate = rate;
      if (rate * dt <= CFL_LIMIT) {
        [this.state, this.stage] = [this.stage, this.state];
        [this.stateMoments, this.stageMoments] = [this.stageMoments, this.stateMoments];
        this.time += dt;
        this.steps++;
        return dt;
      }
      this.rejected++;
    }
  }

  /** Steps until `time` exactly, calling onStep after each step. */
  advanceTo(time: number, onStep?: (solver: this) => void): void {
    if (!(time >= this.time)) throw new RangeError(`meanfield: cannot advance from t = ${this.time} back to t = ${time}`);
    while (this.time < time) {
      const remaining = time - this.time;
      this.step(remaining);
      // The last step lands on `time` up to round-off of the sum; snap to it.
      if (time - this.time <= 1e-12 * Math.max(1, time)) this.time = time;
      onStep?.(this);
    }
  }

  free(): void {
    for (const buffer of this.buffers) buffer.free();
    this.buffers = [];
  }

  private momentsOf(rho: WasmF64Array, into: Float64Array = new Float64Array(this.model.count)): Float64Array {
    this.runtime.pde.moments(rho, this.momentTable, this.cells, this.model.count, this.momentsOut);
    into.set(this.momentsOut.view);
    return into;
  }

  private setVelocity(moments: Float64Array): void {
    const residuals = residualsOf(this.model, moments, this.residualBuffer);
    const c = this.coefficients.view;
    for (let j = 0; j < this.model.count; j++) c[j] = -residuals[j]!;
  }

  private runStage(input: WasmF64Array, beta: number, dt: number): number {
    return this.runtime.pde.stage(
      this.cells, input, this.state, this.stage, beta, dt, this.geometry, this.velocityTable, this.coefficients, this.model.count, this.velocity,
    );
  }

  private probeRate(): number {
    this.setVelocity(this.stateMoments);
    return this.runStage(this.state, 0, 0);
  }

  /**
   * Runs the stages of one step of size dt into `stage` and its moments into stageMoments;
   * returns the largest CFL rate met, stopping at the first stage that exceeds the limit.
   */
  private runStages(dt: number): number {
    let input = this.state;
    let moments = this.stateMoments;
    let rate = 0;
    for (const beta of this.stageWeights) {
      this.setVelocity(moments);
      rate = Math.max(rate, this.runStage(input, beta, dt));
      if (rate * dt > CFL_LIMIT) return rate;
      moments = this.momentsOf(this.stage, this.stageMoments);
      input = this.stage;
    }
    return rate;
  }
}
