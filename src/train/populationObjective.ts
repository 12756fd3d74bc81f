// The exact population loss as an objective (population GD), from the task's evaluator.

import type { TwoLayerNetwork } from "../model/network.js";
import type { PopulationEvaluator } from "../tasks/task.js";
import type { WasmF64Array } from "../wasm/arena.js";
import type { Objective } from "./objective.js";

/** Population GD: the exact L = 1/2 E[(f - y)²] and its gradients from the task's evaluator. */
export class PopulationObjective implements Objective {
  constructor(
    private readonly net: TwoLayerNetwork,
    private readonly population: PopulationEvaluator,
  ) {}

  evaluate(_step: number, gradW: WasmF64Array, gradA: WasmF64Array): number {
    const net = this.net;
    const result = this.population.evaluate(net.w.view.slice(), net.a.view.slice(), net.scale);
    gradW.set(result.gradW);
    gradA.set(result.gradA);
    return result.loss;
  }

  /**
   * L is quadratic in a, so its gradient in a at a = 0 is -scale * cross and each column of the
   * Gram matrix is a difference of gradients: N + 1 evaluations of the exact loss.
   */
  secondLayerSystem(): { gram: Float64Array; cross: Float64Array } {
    const net = this.net;
    const n = net.n;
    const w = net.w.view.slice();
    const s = net.scale;
    const base = this.population.evaluate(w, new Float64Array(n), s).gradA;
    const cross = base.map((g) => -g / s);
    const gram = new Float64Array(n * n);
    const unit = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      unit.fill(0);
      unit[j] = 1;
      const g = this.population.evaluate(w, unit, s).gradA;
      for (let i = 0; i < n; i++) gram[i * n + j] = (g[i]! - base[i]!) / (s * s);
    }
    return { gram, cross };
  }

  free(): void {}
}
