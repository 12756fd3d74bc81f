// Spherical online SGD of one neuron on a Gaussian single-index target, simulated exactly through
// its overlap (Ben Arous, Gheissari, Jagannath 2021, arXiv 2003.10409, Section 2: the overlap
// m = <w, q*> is a Markov chain). A step of projected online SGD with the square loss
// l = (sigma(z) - h(z*))^2 / 2, z = <w, x>, z* = <q*, x>, x ~ N(0, I_d), |w| = |q*| = 1, is
//
//   w' = (w - eta e sigma'(z) (x - z w)) / |...|,   e = sigma(z) - h(z*),
//
// so m' = (m - k (z* - z m)) / sqrt(1 + k^2 (|x|^2 - z^2)) with k = eta e sigma'(z). Writing
// w = m q* + sqrt(1 - m^2) u and x = xi1 q* + xi2 u + x_perp, the triple (z*, z, |x|^2) is
// (xi1, m xi1 + sqrt(1 - m^2) xi2, xi1^2 + xi2^2 + R), R ~ chi^2_{d-2} independent of (xi1, xi2):
// the law of m' given m is that of the d-dimensional step, at O(1) cost per step instead of O(d).
// This is what makes the d^{s-1} escape times of s = 4 affordable; test/informationExponent.test.ts
// checks it against the Trainer's d-dimensional step on the same samples to rounding.

import { streamKey, type StreamKey } from "../wasm/random.js";
import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { log } from "../special/portableMath.js";

/** Values drawn per refill of a stream's block (the Wasm Philox fill is cheap per value in blocks); even, so z* and xi2 come from one block. */
export const BLOCK = 2048;

/** Consecutive values of one named stream, drawn in blocks into Wasm memory (the uniform start here, the kernel's reference in the tests). */
export class StreamReader {
  private start = 0;
  private pos = BLOCK;
  private values: Float64Array;

  constructor(
    private readonly runtime: WasmRuntime,
    private readonly key: StreamKey,
    private readonly kind: "gaussian" | "uniform",
    private readonly buf: WasmF64Array,
  ) {
    this.values = buf.view;
  }

  next(): number {
    if (this.pos === BLOCK) {
      if (this.kind === "gaussian") this.runtime.random.gaussianInto(this.key, this.start, this.buf);
      else this.runtime.random.uniformInto(this.key, this.start, this.buf);
      // The view is re-read after every fill: the memory may have grown since the last one.
      this.values = this.buf.view;
      this.start += BLOCK;
      this.pos = 0;
    }
    return this.values[this.pos++]!;
  }
}

/** One single-index problem of the overlap chain: d, link and activation as monomials, and what counts as an escape. */
export interface OverlapChainProblem {
  d: number;
  /** Monomial coefficients of h, the target's link. */
  link: readonly number[];
  /** Monomial coefficients of sigma, the student's activation. */
  activation: readonly number[];
  /** |m| to reach. */
  threshold: number;
  /**
   * Steps |m| must then stay >= threshold for the hit to count (a hit that falls back is a
   * fluctuation: at small d and large steps w wanders over the sphere and touches |m| = 1/2 by chance).
   */
  hold: number;
  /**
   * "fixed": m0 = 1/sqrt(d) exactly (the typical overlap of a uniform start, without its spread);
   * "uniform": m0 = <w0, q*> for w0 uniform on the sphere.
   */
  start: "fixed" | "uniform";
  /**
   * Largest change of m one step may make for the run to count: a larger one is a single-sample
   * jump (at small d and large steps one sample with a large z* throws w towards x, whose overlap
   * z* / sqrt(d) is O(1)), not the many-small-steps dynamics whose escape time is asked for; such a
   * run returns null. Infinity disables the rule.
   */
  maxJump: number;
  /** Whether w moves (false only for a broken variant: m then stays at m0). */
  trainFirstLayer: boolean;
}

function horner(c: readonly number[], t: number): number {
  let s = 0;
  for (let k = c.length - 1; k >= 0; k--) s = s * t + c[k]!;
  return s;
}

/** Monomial coefficients of p' from those of p. */
export function derivative(c: readonly number[]): number[] {
  return c.length <= 1 ? [0] : c.slice(1).map((v, k) => (k + 1) * v);
}

/**
 * m' from m for one sample (zStar = xi1, xi2, rest = R of the file header), step eta, the link h and
 * the activation sigma with its derivative as monomial coefficients.
 */
export function overlapStep(m: number, eta: number, h: readonly number[], sigma: readonly number[], dSigma: readonly number[], zStar: number, xi2: number, rest: number): number {
  const z = m * zStar + Math.sqrt(1 - m * m) * xi2;
  const k = eta * (horner(sigma, z) - horner(h, zStar)) * horner(dSigma, z);
  return (m - k * (zStar - z * m)) / Math.sqrt(1 + k * k * (zStar * zStar + xi2 * xi2 + rest - z * z));
}

/**
 * Chi-square with nu >= 2 degrees of freedom as 2 Gamma(nu / 2), Gamma by Marsaglia and Tsang
 * (ACM TOMS 26, 2000): exact rejection sampling from one normal and one uniform per try.
 */
export function chiSquare(nu: number, normal: StreamReader, uniform: StreamReader): number {
  const dd = nu / 2 - 1 / 3;
  const cc = 1 / Math.sqrt(9 * dd);
  for (;;) {
    const x = normal.next();
    const t = 1 + cc * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = uniform.next();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2 || log(u) < 0.5 * x2 + dd * (1 - v + log(v))) return 2 * dd * v;
  }
}

/** The overlap chain of one (problem, seed): escape times for any step, from common random numbers. */
export class OverlapChain {
  private readonly h: readonly number[];
  private readonly sigma: readonly number[];
  private readonly dSigma: readonly number[];

  constructor(
    private readonly runtime: WasmRuntime,
    readonly problem: OverlapChainProblem,
  ) {
    const { d, threshold } = problem;
    if (!(Number.isInteger(d) && d >= 4)) throw new RangeError(`meanfield: overlap chain d must be an integer >= 4, got ${d}`);
    if (!(Number.isInteger(problem.hold) && problem.hold >= 1)) throw new RangeError(`meanfield: overlap chain hold must be an integer >= 1, got ${problem.hold}`);
    if (!(threshold > 0 && threshold < 1)) throw new RangeError(`meanfield: overlap chain threshold must be in (0, 1), got ${threshold}`);
    this.h = problem.link;
    this.sigma = problem.activation;
    this.dSigma = derivative(problem.activation);
  }

  /** m0 of the seed's run (see OverlapChainProblem.start). */
  initialOverlap(seed: number): number {
    const { d } = this.problem;
    if (this.problem.start === "fixed") return 1 / Math.sqrt(d);
    const [xi] = this.runtime.random.gaussian(seed, "escape.start", 1);
    const normal = this.reader(seed, "escape.start.chi", "gaussian");
    const uniform = this.reader(seed, "escape.start.chiU", "uniform");
    try {
      return xi! / Math.sqrt(xi! * xi! + chiSquare(d - 1, normal.reader, uniform.reader));
    } finally {
      normal.free();
      uniform.free();
    }
  }

  /**
   * Steps of projected online SGD with step eta until |m| >= threshold, the first step of a stretch
   * of `hold` steps above it, or null if no such stretch starts within `cap` steps or a step jumps
   * by more than maxJump. The run is one call of the Wasm kernel overlapChainEscape
   * (assembly/overlapChain.ts; its TypeScript reference is test/overlapChainReference.ts).
   * Every step size of one seed sees the same samples (common random numbers across a step search).
   */
  escapeSteps(seed: number, eta: number, cap: number): number | null {
    const { d, threshold, hold, maxJump } = this.problem;
    const m0 = this.initialOverlap(seed);
    if (!this.problem.trainFirstLayer) return Math.abs(m0) >= threshold ? 0 : null;
    const { arena, overlapChain } = this.runtime;
    const buffers = [this.h, this.sigma, this.dSigma].map((c) => arena.f64From(c));
    const blocks = [0, 1, 2].map(() => arena.f64(BLOCK));
    const plan = arena.f64(overlapChain.planSlots());
    try {
      const keys = ["escape.xi", "escape.chi", "escape.chiU"].flatMap((name) => {
        const k = streamKey(seed, name);
        return [k.k0, k.k1, k.s0, k.s1];
      });
      const [h, sigma, dSigma] = buffers as [WasmF64Array, WasmF64Array, WasmF64Array];
      // The slot order of assembly/overlapChain.ts.
      const slots = [
        ...keys, d, m0, eta, threshold, hold, maxJump, cap,
        h.ptr, h.length, sigma.ptr, sigma.length, dSigma.ptr, dSigma.length,
        blocks[0]!.ptr, blocks[1]!.ptr, blocks[2]!.ptr, BLOCK,
      ];
      if (slots.length !== plan.length) throw new Error(`meanfield: overlap chain plan has ${slots.length} slots, the kernel ${plan.length}`);
      plan.view.set(slots);
      const steps = overlapChain.escape(plan);
      return steps < 0 ? null : steps;
    } finally {
      for (const b of [...buffers, ...blocks, plan]) b.free();
    }
  }

  private reader(seed: number, name: string, kind: "gaussian" | "uniform"): { reader: StreamReader; free(): void } {
    const buf = this.runtime.arena.f64(BLOCK);
    return { reader: new StreamReader(this.runtime, streamKey(seed, name), kind, buf), free: () => buf.free() };
  }
}
