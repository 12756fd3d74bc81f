// Plain TypeScript finite-volume step of a MomentModel, written from the scheme's definition
// (src/pde/grid/finiteVolume.ts, assembly/pde.ts) without the kernels' sweep or SIMD: slopes, then
// face velocities and upwind fluxes, then the update, each in its own loop.

import { cellIntegrals } from "../../src/pde/grid/cellIntegrals.js";
import type { MomentModel } from "../../src/pde/grid/momentModel.js";

function minmod3(x: number, y: number, z: number): number {
  if (x > 0 && y > 0 && z > 0) return Math.min(x, y, z);
  if (x < 0 && y < 0 && z < 0) return Math.max(x, y, z);
  return 0;
}

export class ReferenceFiniteVolume {
  readonly n: number;
  rho: Float64Array;
  time = 0;
  private readonly widths: Float64Array;
  private readonly centers: Float64Array;
  private readonly table: Float64Array;
  private readonly transport: Float64Array[];

  constructor(
    readonly model: MomentModel,
    readonly faces: Float64Array,
    rho: ArrayLike<number>,
    readonly theta: 1 | 2,
    readonly stageWeights: readonly number[],
    readonly cfl: number,
  ) {
    this.n = faces.length - 1;
    this.rho = Float64Array.from(rho);
    this.widths = Float64Array.from({ length: this.n }, (_, i) => faces[i + 1]! - faces[i]!);
    this.centers = Float64Array.from({ length: this.n }, (_, i) => 0.5 * (faces[i + 1]! + faces[i]!));
    this.table = cellIntegrals(faces, model.count, (x, out) => model.basis(x, out), model.cellOrder);
    this.transport = Array.from({ length: this.n + 1 }, (_, f) => {
      const out = new Float64Array(model.count);
      if (f > 0 && f < this.n) model.transport(faces[f]!, out);
      return out;
    });
  }

  moments(rho: Float64Array = this.rho): Float64Array {
    const out = new Float64Array(this.model.count);
    for (let j = 0; j < this.model.count; j++) {
      for (let i = 0; i < this.n; i++) out[j]! += rho[i]! * this.table[j * this.n + i]!;
    }
    return out;
  }

  /** rho + dt L(rho) and the CFL rate. */
  private euler(rho: Float64Array, dt: number): { out: Float64Array; rate: number } {
    const { n, model } = this;
    const moments = this.moments(rho);
    const residuals = moments.map((m, j) => model.weights[j]! * m - model.targets[j]!);
    const slope = new Float64Array(n);
    for (let i = 1; i < n - 1; i++) {
      const left = (rho[i]! - rho[i - 1]!) / (this.centers[i]! - this.centers[i - 1]!);
      const right = (rho[i + 1]! - rho[i]!) / (this.centers[i + 1]! - this.centers[i]!);
      const central = (rho[i + 1]! - rho[i - 1]!) / (this.centers[i + 1]! - this.centers[i - 1]!);
      let s = minmod3(this.theta * left, this.theta * right, central);
      // The positivity cap: |s| width / 2 <= rho.
      s = Math.sign(s) * Math.min(Math.abs(s), (2 * rho[i]!) / this.widths[i]!);
      slope[i] = s;
    }
    const flux = new Float64Array(n + 1);
    let rate = 0;
    for (let f = 1; f < n; f++) {
      let v = 0;
      for (let j = 0; j < model.count; j++) v -= residuals[j]! * this.transport[f]![j]!;
      const fromLeft = rho[f - 1]! + 0.5 * slope[f - 1]! * this.widths[f - 1]!;
      const fromRight = rho[f]! - 0.5 * slope[f]! * this.widths[f]!;
      flux[f] = v > 0 ? v * fromLeft : v * fromRight;
      rate = Math.max(rate, Math.abs(v) / Math.min(this.widths[f - 1]!, this.widths[f]!));
    }
    const out = rho.map((r, i) => r + (dt * (flux[i]! - flux[i + 1]!)) / this.widths[i]!);
    return { out, rate };
  }

  /** One SSP step with dt = cfl / (the CFL rate of the current state), at most `limit`. */
  step(limit: number): number {
    const dt = Math.min(this.cfl / this.euler(this.rho, 0).rate, limit);
    let stage = this.rho;
    for (const beta of this.stageWeights) {
      const { out } = this.euler(stage, dt);
      stage = out.map((e, i) => beta * this.rho[i]! + (1 - beta) * e);
    }
    this.rho = stage;
    this.time += dt;
    return dt;
  }
}
