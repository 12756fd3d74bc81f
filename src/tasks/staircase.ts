// The merged staircase of Abbe–Boix-Adsera–Misiakiewicz (ABAM22) on the hypercube:
// x uniform on {-1, 1}^d, y = x1 + x1 x2 + ... + x1 x2 ... xK.
//
// No exact population loss: on the hypercube the law of <w, x> depends on every coordinate of w,
// not only on |w| and a few overlaps as under a rotation-invariant input, so an exact expectation
// is a sum over 2^d points; training and metrics use samples.

import type { TaskConfig } from "../config.js";
import type { WasmF64Array } from "../wasm/arena.js";
import { streamKey } from "../wasm/random.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { coordinateRows } from "./coordinateRows.js";
import { checkSampleArguments } from "../argumentChecks.js";
import type { Task } from "./task.js";

/** Config of the staircase y = x1 + x1 x2 + ... + x1 ⋯ xK on {-1, 1}^d: the dimension and K (default 4). */
export type StaircaseConfig = Extract<TaskConfig, { kind: "staircase" }>;

/**
 * Abbe, Boix-Adserà, Misiakiewicz 2022's merged staircase: x uniform on {-1, 1}^d,
 * y = x1 + x1 x2 + ... + x1 ⋯ xK, a sum of K orthonormal monomials (E[y²] = K). No exact
 * population loss: it would be a sum over 2^d points.
 */
export class StaircaseTask implements Task {
  readonly kind = "staircase";
  readonly d: number;
  readonly degree: number;
  readonly link = null;
  readonly population = null;
  /** e_1..e_K (K x d). */
  readonly directions: Float64Array;
  /** The K monomials are orthonormal under the uniform law, so E[y^2] = K. */
  readonly targetSquare: number;

  constructor(
    private readonly runtime: WasmRuntime,
    config: StaircaseConfig,
    private readonly seed: number,
  ) {
    const { d, degree } = config;
    // parseConfig enforces this; createTask is public, and a longer staircase would read past x's row.
    if (degree > d) throw new RangeError(`meanfield: task.degree: at most d = ${d}, got ${degree}`);
    this.d = d;
    this.degree = degree;
    this.directions = coordinateRows(degree, d);
    this.targetSquare = degree;
  }

  sampleInto(stream: string, start: number, x: WasmF64Array, y: WasmF64Array): void {
    const { d, degree } = this;
    const rows = checkSampleArguments(d, stream, start, x, y);
    this.runtime.random.uniformInto(streamKey(this.seed, `${stream}.x`), start * d, x);
    const xv = x.view;
    const yv = y.view;
    for (let k = 0; k < rows * d; k++) xv[k] = xv[k]! < 0.5 ? -1 : 1;
    for (let r = 0; r < rows; r++) {
      let prefix = 1;
      let sum = 0;
      for (let j = 0; j < degree; j++) {
        prefix *= xv[r * d + j]!;
        sum += prefix;
      }
      yv[r] = sum;
    }
  }

  linkCoefficients(): null {
    return null;
  }

  free(): void {}
}
