// Reduced particles (a, w_S, r) drawn from a config's initialization law, exactly, at O(P) cost
// per particle whatever d is.
//   sphere    w = g / |g|, g ~ N(0, I_d): w_S = g_S / sqrt(|g_S|^2 + C), r = sqrt(C / (|g_S|^2 + C)),
//             C = |g_perp|^2 ~ chi-square(d - P)
//   gaussian  w ~ N(0, kappa^2/d I_d): w_S = kappa/sqrt(d) g_S, r = kappa/sqrt(d) sqrt(C)
//   given     the rows' coordinates along the task's directions and the norm of the rest
// A bias starts at 0, or at the given rows' last entry, like the network's.
// g_S is read from the stream the finite network draws its weights from ("init.w", values
// i d .. i d + P - 1 for neuron i), and a from "init.a" like the network, so for tasks whose
// relevant directions are the first P coordinates (staircase, gaussianMultiIndex with
// coordinate directions) particle i shares a_i and g_S with neuron i of the same config; only C
// is drawn apart ("pde.init.r"). That coupling takes the initial sampling noise out of
// particle-vs-network comparisons without costing O(d) per particle.

import type { Config } from "../../config.js";
import { INIT_STREAMS } from "../../model/network.js";
import { linkToActivation } from "../../activation/link.js";
import { createTask } from "../../tasks/createTask.js";
import { streamKey } from "../../wasm/random.js";
import type { WasmRuntime } from "../../wasm/runtime.js";
import { chiSquare } from "./chiSquare.js";

/**
 * The reduced particles' state: second-layer weights and the P relevant coordinates of each neuron, plus the
 * norm of the rest, which is all the dynamics sees.
 */
export interface ReducedParticleState {
  /** m second-layer weights. */
  a: Float64Array;
  /** m x P coordinates along the relevant directions, row per particle. */
  wS: Float64Array;
  /** m perpendicular norms r = |w_perp| >= 0. */
  r: Float64Array;
  /** m biases, with model.bias. */
  b?: Float64Array;
}

type FirstLayer = Pick<ReducedParticleState, "wS" | "r" | "b">;

function firstLayerGiven(runtime: WasmRuntime, config: Config, p: number, weights: number[][]): FirstLayer {
  const d = config.task.d;
  const task = createTask(runtime, config.task, config.seed, linkToActivation(config.model.activation, d));
  const u = task.directions;
  task.free();
  const m = weights.length;
  const wS = new Float64Array(m * p);
  const r = new Float64Array(m);
  weights.forEach((row, i) => {
    const rest = Float64Array.from(row.slice(0, d));
    for (let k = 0; k < p; k++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += u[k * d + c]! * row[c]!;
      wS[i * p + k] = s;
      for (let c = 0; c < d; c++) rest[c]! -= s * u[k * d + c]!;
    }
    // The residual itself, not |w|^2 - |w_S|^2, which cancels when w lies almost in the span.
    let s2 = 0;
    for (let c = 0; c < d; c++) s2 += rest[c]! ** 2;
    r[i] = Math.sqrt(s2);
  });
  return config.model.bias ? { wS, r, b: Float64Array.from(weights, (row) => row[d]!) } : { wS, r };
}

function firstLayerRandom(runtime: WasmRuntime, config: Config, p: number, m: number): FirstLayer {
  const d = config.task.d;
  const init = config.model.init.firstLayer;
  const wS = new Float64Array(m * p);
  const r = new Float64Array(m);
  const perp = chiSquare(runtime.random, config.seed, "pde.init.r", m, d - p);
  const key = streamKey(config.seed, INIT_STREAMS.w);
  const g = runtime.arena.f64(p);
  try {
    for (let i = 0; i < m; i++) {
      runtime.random.gaussianInto(key, i * d, g);
      wS.set(g.view, i * p);
    }
  } finally {
    g.free();
  }
  for (let i = 0; i < m; i++) {
    const c = perp[i]!;
    if (init.kind === "sphere") {
      let s2 = c;
      for (let k = 0; k < p; k++) s2 += wS[i * p + k]! ** 2;
      const inv = 1 / Math.sqrt(s2);
      for (let k = 0; k < p; k++) wS[i * p + k]! *= inv;
      r[i] = Math.sqrt(c) * inv;
    } else if (init.kind === "gaussian") {
      const scale = init.kappa / Math.sqrt(d);
      for (let k = 0; k < p; k++) wS[i * p + k]! *= scale;
      r[i] = scale * Math.sqrt(c);
    }
  }
  return config.model.bias ? { wS, r, b: new Float64Array(m) } : { wS, r };
}

function secondLayer(runtime: WasmRuntime, config: Config, m: number): Float64Array {
  const init = config.model.init.secondLayer;
  switch (init.kind) {
    case "constant":
      return new Float64Array(m).fill(init.value);
    case "given":
      return Float64Array.from(init.values);
    case "gaussian":
      return runtime.random.gaussian(config.seed, INIT_STREAMS.a, m).map((v) => init.std * v);
    case "rademacher":
      return runtime.random.uniform(config.seed, INIT_STREAMS.a, m).map((v) => (v < 0.5 ? -init.value : init.value));
  }
}

/** m particles of the config's initialization for P relevant coordinates; given weights fix m = model.width. */
export function initialParticles(runtime: WasmRuntime, config: Config, p: number, m: number): ReducedParticleState {
  const { firstLayer, secondLayer: second } = config.model.init;
  const width = config.model.width;
  if ((firstLayer.kind === "given" || second.kind === "given") && m !== width) {
    throw new RangeError(`meanfield: particles: given initial weights fix the number of particles to model.width = ${width}, got ${m}`);
  }
  const first = firstLayer.kind === "given" ? firstLayerGiven(runtime, config, p, firstLayer.weights) : firstLayerRandom(runtime, config, p, m);
  return { a: secondLayer(runtime, config, m), ...first };
}
