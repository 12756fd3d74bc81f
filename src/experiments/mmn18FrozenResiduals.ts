// The no-pde-coupling broken variant of mmn18-isotropic (Mei, Montanari, Nguyen 2018, arXiv
// 1804.06561, Figure 4): the radial PDE with its residuals D_pm frozen at their values for the initial
// radii, so the particles move in a fixed velocity field instead of interacting through rho_t.

import type { MomentModel } from "../pde/grid/momentModel.js";

/** The PDE's moment model with the interaction cut (broken variant): D_pm frozen at their values for `radii`. */
export class FrozenResiduals implements MomentModel {
  readonly interval: readonly [number, number];
  readonly count: number;
  readonly weights: Float64Array;
  readonly targets: Float64Array;
  readonly lossWeights: Float64Array;
  readonly lossOffset: number;
  readonly cellOrder: number;
  private readonly frozen = new Float64Array(2);

  constructor(private readonly model: MomentModel, radii: Float64Array) {
    this.interval = model.interval;
    this.count = model.count;
    this.weights = model.weights;
    this.targets = model.targets;
    this.lossWeights = model.lossWeights;
    this.lossOffset = model.lossOffset;
    this.cellOrder = model.cellOrder;
    const phi = new Float64Array(model.count);
    for (const r of radii) {
      model.basis(r, phi);
      for (let k = 0; k < model.count; k++) this.frozen[k]! += phi[k]! / radii.length;
    }
  }

  basis(_r: number, out: Float64Array): void {
    out.set(this.frozen);
  }

  transport(r: number, out: Float64Array): void {
    this.model.transport(r, out);
  }
}
