// Multi-index / subspace-sparse polynomials on Gaussian input (Chen, Ge 2024):
// x ~ N(0, I_d), y = sum_t c_t prod_p h_{k_tp}(<u_p, x>) with orthonormal u_1..u_P.

import type { Activation } from "../activation/spec.js";
import { GaussianNetworkPopulation } from "../population/gaussianNetwork.js";
import { fillHermite } from "../special/hermite.js";
import type { TaskConfig } from "../config.js";
import type { WasmF64Array } from "../wasm/arena.js";
import { streamKey } from "../wasm/random.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { coordinateRows } from "./coordinateRows.js";
import { randomOrthonormalRows } from "./orthonormalRows.js";
import { checkSampleArguments } from "../argumentChecks.js";
import type { Task } from "./task.js";

/** Config of y = Σ_t c_t Π_p h_{k_tp}(<u_p, x>), normalized Hermite h_k, u_p = e_p or random orthonormal. */
export type GaussianMultiIndexConfig = Extract<TaskConfig, { kind: "gaussianMultiIndex" }>;

/** Entries of the rows x P projection scratch: batches of any size reuse one buffer. */
const SCRATCH_ENTRIES = 8192;

/**
 * x ~ N(0, I_d), y = Σ_t c_t Π_p h_{k_tp}(<u_p, x>) with normalized Hermite h_k (E[h_k²] = 1) and
 * orthonormal u_1..u_P; its population loss is exact (Hermite series).
 */
export class GaussianMultiIndexTask implements Task {
  readonly kind = "gaussianMultiIndex";
  readonly d: number;
  readonly link = null;
  /** u_1..u_P (P x d). */
  readonly directions: Float64Array;
  readonly population: GaussianNetworkPopulation;
  readonly targetSquare: number;
  private readonly p: number;
  private readonly terms: { coefficient: number; degrees: number[] }[];
  /** Highest degree in each direction. */
  private readonly maxDegrees: number[];
  /** h_0 .. h_kmax at each of one sample's P projections, rows of rowStride entries. */
  private readonly hermiteRows: Float64Array;
  private readonly rowStride: number;
  private readonly u: WasmF64Array;
  private readonly z: WasmF64Array;
  private readonly chunkRows: number;

  constructor(
    private readonly runtime: WasmRuntime,
    config: GaussianMultiIndexConfig,
    private readonly seed: number,
    student: Activation,
  ) {
    const { d, terms } = config;
    this.d = d;
    const p = terms[0]!.degrees.length;
    this.p = p;
    // parseConfig enforces these; createTask is public, and a mismatch would silently misread degrees.
    terms.forEach((term, t) => {
      if (term.degrees.length !== p) {
        throw new RangeError(`meanfield: task.terms[${t}].degrees: expected ${p} degrees like task.terms[0], got ${term.degrees.length}`);
      }
    });
    if (p > d) throw new RangeError(`meanfield: task.terms[0].degrees: ${p} directions exceed d = ${d}`);
    this.terms = terms.map((term) => ({ coefficient: term.coefficient, degrees: [...term.degrees] }));
    this.directions = config.directions === "random" ? randomOrthonormalRows(runtime, seed, "task.u", p, d) : coordinateRows(p, d);
    this.population = new GaussianNetworkPopulation({
      d,
      activation: student,
      target: { kind: "hermite", directions: this.directions, terms: this.terms },
    });
    this.targetSquare = this.population.targetSquare;
    this.maxDegrees = Array.from({ length: p }, (_, q) => Math.max(...terms.map((term) => term.degrees[q]!)));
    this.rowStride = Math.max(...this.maxDegrees) + 1;
    this.hermiteRows = new Float64Array(p * this.rowStride);
    this.chunkRows = Math.max(1, Math.floor(SCRATCH_ENTRIES / p));
    this.u = runtime.arena.f64From(this.directions);
    try {
      this.z = runtime.arena.f64(this.chunkRows * p);
    } catch (err) {
      this.u.free();
      throw err;
    }
  }

  sampleInto(stream: string, start: number, x: WasmF64Array, y: WasmF64Array): void {
    const { d, p, chunkRows, hermiteRows, rowStride } = this;
    const rows = checkSampleArguments(d, stream, start, x, y);
    this.runtime.random.gaussianInto(streamKey(this.seed, `${stream}.x`), start * d, x);
    for (let s0 = 0; s0 < rows; s0 += chunkRows) {
      const b = Math.min(chunkRows, rows - s0);
      this.runtime.linalg.preactivations(x.subarray(s0 * d), this.u, p, d, b, this.z);
      const z = this.z.view;
      const yv = y.view;
      for (let r = 0; r < b; r++) {
        for (let q = 0; q < p; q++) fillHermite(hermiteRows, q * rowStride, this.maxDegrees[q]!, z[r * p + q]!);
        let sum = 0;
        for (const term of this.terms) {
          let product = term.coefficient;
          for (let q = 0; q < p; q++) product *= hermiteRows[q * rowStride + term.degrees[q]!]!;
          sum += product;
        }
        yv[s0 + r] = sum;
      }
    }
  }

  linkCoefficients(): null {
    return null;
  }

  free(): void {
    this.u.free();
    this.z.free();
  }
}
