// The mean-field limit trajectory of each neuron of a finite network, started from the same draw
// (the coupling of propagation of chaos: Mei, Montanari, Nguyen 2018, arXiv 1804.06561; the
// lecture's Theorem 1). For a Gaussian single-index config the limit is the reduced-particle
// system (src/pde/reduced/reducedParticles.ts) of M particles, whose first nMax particles are the reduced
// coordinates (a_i, s_i = <q*, w_i>, r_i = |w_i - s_i q*|) of neurons 0..nMax-1 of the config's
// network (its initialization is prefix-consistent: neuron i's draw does not depend on N), and
// whose other particles are further draws of the same law. By rotation symmetry the limit moves
// w_perp along its own direction, so neuron i's limit in R^{d+1} is
//   theta_bar_i(t) = (a_bar_i(t), s_bar_i(t) q* + r_bar_i(t) u_i),  u_i = w_perp,i(0) / |w_perp,i(0)|.

import { parseConfig, type Config } from "../config.js";
import { networkOptionsOf, TwoLayerNetwork } from "../model/network.js";
import { initialParticles } from "../pde/reduced/reducedInit.js";
import { ReducedParticles } from "../pde/reduced/reducedParticles.js";
import { createReducedTask } from "../pde/reduced/reducedTask.js";
import { createTask } from "../tasks/createTask.js";
import { linkToActivation } from "../activation/link.js";
import type { WasmRuntime } from "../wasm/runtime.js";

/**
 * The limit at one mean-field time t: reduced coordinates (ā, s̄ = <q*, w̄>, r̄ = |w̄_⊥|) of the coupled
 * particles, and the limit's loss 1/2 E[(f - y)²] over all M particles.
 */
export interface LimitSnapshot {
  time: number;
  /** a_bar, s_bar, r_bar of the first nMax particles. */
  a: Float64Array;
  s: Float64Array;
  r: Float64Array;
  /** The limit's loss 1/2 E[(f - y)^2] (reduced model of all M particles). */
  loss: number;
}

/**
 * Each coupled neuron's limit trajectory θ̄_i(t) = (ā_i, s̄_i q* + r̄_i u_i), with u_i its initial
 * perpendicular direction, and the limit's law of s at the start and end for sampling-error controls.
 */
export interface CoupledLimit {
  /** q*, length d. */
  direction: Float64Array;
  /** nMax x d: the unit vectors u_i of the neurons' initial perpendicular parts. */
  perpDirections: Float64Array;
  nMax: number;
  snapshots: LimitSnapshot[];
  /** s of all M particles at t = 0 and at the last snapshot: the limit's law, for sampling-error controls. */
  allS: { initial: Float64Array; final: Float64Array };
  wallSeconds: number;
}

/**
 * Sizes of the coupled limit: M reduced particles of which the first nMax are the network's neurons,
 * Heun steps in mean-field time, and the Gauss–Hermite nodes over <q*, x>.
 */
export interface CoupledLimitOptions {
  /** M reduced particles (>= nMax). */
  particles: number;
  /** Neurons coupled to the limit: the first nMax. */
  nMax: number;
  /** Heun step of the limit. */
  stepSize: number;
  /** Steps between snapshots; snapshots at 0, every, 2 every, ... up to the config's final time. */
  every: number;
  steps: number;
  /** Gauss–Hermite nodes over <q*, x>. */
  nodes?: number;
}

/**
 * Solves the reduced mean-field limit of a gaussianSingleIndex config (mean-field scaling, no bias,
 * Gaussian or sphere first-layer init) with the first nMax particles coupled to the config's
 * network neurons. Time: mean-field time t, the network's step h advancing it by h.
 */
export function coupledLimit(runtime: WasmRuntime, input: Config, options: CoupledLimitOptions): CoupledLimit {
  const config = parseConfig(input);
  if (config.task.kind !== "gaussianSingleIndex") throw new RangeError("meanfield: coupledLimit needs a gaussianSingleIndex task");
  if (config.model.bias) throw new RangeError("meanfield: coupledLimit takes a network without bias");
  const { particles: m, nMax } = options;
  if (!Number.isInteger(m) || m < nMax) throw new RangeError(`meanfield: particles must be an integer >= nMax = ${nMax}, got ${m}`);
  const d = config.task.d;
  const activation = linkToActivation(config.model.activation, d);
  const task = createTask(runtime, config.task, config.seed, activation);
  const q = Float64Array.from(task.directions.subarray(0, d));
  task.free();
  const net = new TwoLayerNetwork(runtime, networkOptionsOf({ ...config, model: { ...config.model, width: nMax } }, activation));
  const w0 = net.w.toArray();
  const a0 = net.a.toArray();
  net.free();

  const wide = parseConfig({ ...config, model: { ...config.model, width: m } });
  const state = initialParticles(runtime, wide, 1, m);
  const perpDirections = new Float64Array(nMax * d);
  for (let i = 0; i < nMax; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += q[k]! * w0[i * d + k]!;
    let r2 = 0;
    for (let k = 0; k < d; k++) {
      const v = w0[i * d + k]! - s * q[k]!;
      perpDirections[i * d + k] = v;
      r2 += v * v;
    }
    const r = Math.sqrt(r2);
    for (let k = 0; k < d; k++) perpDirections[i * d + k]! /= r;
    state.a[i] = a0[i]!;
    state.wS[i] = s;
    state.r[i] = r;
  }
  const initialS = state.wS.slice();
  let finalS: Float64Array = initialS;
  const system = new ReducedParticles(runtime, createReducedTask(wide, options.nodes ? { nodes: options.nodes } : {}), activation, state, { train: config.model.train });
  const snapshots: LimitSnapshot[] = [];
  const started = performance.now();
  try {
    for (let step = 0; ; step++) {
      if (step % options.every === 0) {
        const { loss } = system.measure();
        const s = system.getState();
        snapshots.push({ time: step * options.stepSize, a: s.a.slice(0, nMax), s: s.wS.slice(0, nMax), r: s.r.slice(0, nMax), loss });
        finalS = s.wS;
      }
      if (step >= options.steps) break;
      system.step(options.stepSize, "heun");
    }
  } finally {
    system.free();
  }
  return { direction: q, perpDirections, nMax, snapshots, allS: { initial: initialS, final: finalS }, wallSeconds: (performance.now() - started) / 1000 };
}

/**
 * Distances ||theta_i - theta_bar_i|| for neurons 0..N-1 of a network state (w: N x d, a: N) against
 * a snapshot of the coupled limit: their maximum and root mean square over i.
 */
export function coupledDistance(limit: CoupledLimit, snapshot: LimitSnapshot, w: Float64Array, a: Float64Array): { max: number; rms: number } {
  const n = a.length;
  const d = limit.direction.length;
  if (n > limit.nMax) throw new RangeError(`meanfield: the limit couples ${limit.nMax} neurons, the network has ${n}`);
  if (w.length !== n * d) throw new RangeError(`meanfield: w has ${w.length} entries, expected N x d = ${n * d}`);
  const q = limit.direction;
  const u = limit.perpDirections;
  let max = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const sBar = snapshot.s[i]!;
    const rBar = snapshot.r[i]!;
    // |w - s_bar q - r_bar u|^2 coordinate by coordinate: no cancellation when w is close to its limit.
    let dist2 = (a[i]! - snapshot.a[i]!) ** 2;
    for (let k = 0; k < d; k++) dist2 += (w[i * d + k]! - sBar * q[k]! - rBar * u[i * d + k]!) ** 2;
    max = Math.max(max, dist2);
    sum += dist2;
  }
  return { max: Math.sqrt(max), rms: Math.sqrt(sum / n) };
}

/** W1 between the empirical laws of two samples on the line: the integral of |F_x - F_y|. */
export function empiricalW1(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const xs = Float64Array.from(x).sort();
  const ys = Float64Array.from(y).sort();
  const nx = xs.length;
  const ny = ys.length;
  if (nx === 0 || ny === 0) throw new RangeError("meanfield: empiricalW1 needs two non-empty samples");
  let i = 0;
  let j = 0;
  let last = Math.min(xs[0]!, ys[0]!);
  let total = 0;
  while (i < nx || j < ny) {
    const next = j >= ny || (i < nx && xs[i]! <= ys[j]!) ? xs[i]! : ys[j]!;
    total += Math.abs(i / nx - j / ny) * (next - last);
    last = next;
    if (j >= ny || (i < nx && xs[i]! <= ys[j]!)) i++;
    else j++;
  }
  return total;
}
