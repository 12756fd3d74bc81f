// A run config's high-dimensional limit: the order-parameter ODEs (committeeOde.ts) of its online
// SGD (or population GD), started from the overlaps of the very network `meanfield run` draws at the
// config's d, recorded at the config's metric steps.
//
// Units. The package's step of size h moves neuron i with velocity -(1 / (N s^2)) grad_{θ_i} L
// (s the output scale, docs/conventions.md). Writing v_k = s a_k, that is the update of
// committeeOde.ts with η = ε h d / (N s^2) and η_v = h d / N (ε = algorithm.firstLayerStepRatio),
// and t_ode = steps / d. The ODE is the limit d -> infinity at fixed (N, η, η_v, B), i.e. with the
// step size h = η N s^2 / (ε d) shrinking like 1/d; a config at a finite d is compared with it at its
// own η. Population GD is the same flow without the η² term (B -> infinity). Weight decay
// (algorithm.noise.lambda without beta) shrinks w by ε λ h and a by λ h per step: κ_w = ε λ h d and
// κ_v = λ h d per unit ODE time. Output noise σ (algorithm.outputNoise) enters as σ².

import { ConfigError, parseConfig, type Config, type ConfigInput } from "../config.js";
import { TwoLayerNetwork, networkOptionsOf, outputScale } from "../model/network.js";
import { metricSteps } from "../metricSchedule.js";
import { createTask } from "../tasks/createTask.js";
import { linkToActivation } from "../activation/link.js";
import { teacherActivationOf } from "../tasks/teacherNetwork.js";
import type { ActivationSpec } from "../activation/spec.js";
import { loadRuntime, type WasmRuntime } from "../wasm/runtime.js";
import { CommitteeOde, flatten, parameterViews, type OrderParameters } from "./committeeOde.js";
import { integrate, type Tolerance } from "./dormandPrince.js";
import { fieldIntegrals, type QuadratureOrders } from "./fieldIntegrals.js";
import { ReluIntegrals } from "./reluIntegrals.js";
import { PlackettKernel } from "../wasm/plackettKernel.js";
import { ReluTermsKernel } from "../wasm/reluTermsKernel.js";

/**
 * The ODE at one logged step: mean-field time step · h, ODE time step / d, population loss
 * 1/2 E[Δ²] against the clean teacher, and Q, R and v = s a.
 */
export interface OdeRecord {
  step: number;
  /** Mean-field time step * h, as in `meanfield run` records. */
  time: number;
  /** The ODE's own time, step / d. */
  odeTime: number;
  populationLoss: number;
  /** Q, R (row-major) and v = s a. */
  q: number[];
  r: number[];
  v: number[];
}

/**
 * A config mapped onto the committee ODE (η = ε h d / (N s²), η_v = h d / N), its initial overlaps
 * from the very network `meanfield run` draws, and what is needed to measure a network's overlaps.
 */
export interface OdeSetup {
  config: Config;
  ode: CommitteeOde;
  initial: OrderParameters;
  /** The teacher's directions W* (M x d) and the student's scale s, to measure a network's overlaps. */
  teacherDirections: Float64Array;
  scale: number;
}

/**
 * Integrator tolerance, quadrature orders, and the switches of the tests and the Saad–Solla plateau
 * (first-order flow only; start on the teacher-permutation-symmetric subspace).
 */
export interface SolveOdeOptions {
  runtime?: WasmRuntime;
  /**
   * Error per step of the Dormand–Prince integrator (default rtol 1e-7, atol 1e-12). The K = M = 4
   * committees of `npm run bench:ode` (records every t = 10) stay within a relative loss error of
   * 1.6e-5 (relu) and 2.2e-5 (erf) of an rtol 1e-12 run while the loss is above 1e-8, and 2.5e-3,
   * 2.2e-3 above 1e-12 (rtol 1e-9: 5.6e-6, 1.7e-5; 1.8e-3, 2.9e-3), with 1.6x fewer right-hand
   * sides; test/odeRelu.test.ts checks the relu one to t = 200. atol stays small: at 1e-10 the step
   * control no longer sees the jitter of double-arithmetic relu averages (2 rejected steps instead
   * of 200 on the K = M = 2 relu example to t = 150).
   */
  tolerance?: Tolerance;
  /** Gauss–Hermite orders for activations without closed forms. */
  orders?: QuadratureOrders;
  /** Drop the η² term (for the broken-variant tests: the first-order flow only). */
  withoutSecondOrder?: boolean;
  /**
   * Start on the subspace invariant under permutations of the teacher's neurons (R_kn averaged over
   * n, T averaged to equal diagonal and off-diagonal entries; needs equal teacher outputs): the
   * dynamics stay there and settle on the symmetric fixed point, the plateau of Saad, Solla 1995.
   */
  symmetrize?: boolean;
  /**
   * Relu averages with the conditional covariances in double arithmetic (the earlier code, whose
   * step control stalls near convergence): for the broken variant of saad-solla-plateau only.
   */
  roundedReluConditioning?: boolean;
}

/** The step tolerance of solveOde when none is given (SolveOdeOptions.tolerance says what it keeps). */
export const DEFAULT_TOLERANCE: Tolerance = { rtol: 1e-7, atol: 1e-12 };

function unsupported(field: string, why: string): never {
  throw new ConfigError(`${field}: ${why}`);
}

/** The teacher activation and second layer of a teacher-student task, or a one-line error naming the field. */
function teacherOf(config: Config): { activation: ActivationSpec; outputs: Float64Array } {
  const task = config.task;
  switch (task.kind) {
    case "gaussianSingleIndex":
      return { activation: linkToActivation(task.link, task.d), outputs: Float64Array.of(1) };
    case "teacherAbs":
    case "teacherNetwork":
      return {
        activation: teacherActivationOf(task),
        outputs: task.outputs === "ones" ? new Float64Array(task.width).fill(1) : Float64Array.from(task.outputs),
      };
    default:
      return unsupported("task.kind", `the ODEs are for Gaussian teacher-student tasks (gaussianSingleIndex, teacherAbs, teacherNetwork), not ${task.kind}`);
  }
}

function symmetrize(p: OrderParameters, t: Float64Array, outputs: Float64Array, k: number, m: number): void {
  if (outputs.some((o) => o !== outputs[0])) throw new ConfigError("task.outputs: a symmetric start needs equal teacher outputs");
  for (let i = 0; i < k; i++) {
    let mean = 0;
    for (let n = 0; n < m; n++) mean += p.r[i * m + n]! / m;
    for (let n = 0; n < m; n++) p.r[i * m + n] = mean;
  }
  let diag = 0;
  let off = 0;
  for (let n = 0; n < m; n++) for (let o = 0; o < m; o++) n === o ? (diag += t[n * m + o]! / m) : (off += t[n * m + o]! / Math.max(1, m * (m - 1)));
  for (let n = 0; n < m; n++) for (let o = 0; o < m; o++) t[n * m + o] = n === o ? diag : off;
}

/**
 * The relu averages with the drift and square terms of a right-hand side in one Wasm call
 * (ReluTermsKernel), the other 4-variate orthants by the rotation path near a collinear pair, else
 * by Plackett's integral, both in Wasm.
 */
function reluIntegralsInWasm(rt: WasmRuntime, roundedConditioning: boolean): ReluIntegrals {
  const plackett = new PlackettKernel(rt);
  const terms = new ReluTermsKernel(rt);
  const orthant4 = (hi: Float64Array, lo: Float64Array) => {
    const p = terms.collinearOrthant4(hi, lo);
    return Number.isNaN(p) ? plackett.orthant4(hi, lo) : p;
  };
  const committeeTerms = (cov: Float64Array, f: number, k: number, weights: Float64Array, drift: Float64Array, square: Float64Array) => terms.compute(cov, f, k, weights, drift, square);
  return new ReluIntegrals({ roundedConditioning, orthant4, committeeTerms });
}

/** Order parameters of the network `meanfield run` starts from, and the ODE of the config. */
export async function odeSetup(input: ConfigInput | Config, options: SolveOdeOptions = {}): Promise<OdeSetup> {
  const config = parseConfig(input);
  const { model, algorithm, task: taskConfig } = config;
  if (algorithm.kind !== "onlineSgd" && algorithm.kind !== "populationGd") {
    unsupported("algorithm.kind", `the ODEs describe onlineSgd and populationGd, not ${algorithm.kind}`);
  }
  if (algorithm.projected) unsupported("algorithm.projected", "projected training has no order-parameter ODE here; set it false");
  if (algorithm.noise?.beta !== undefined) {
    unsupported("algorithm.noise.beta", "Langevin diffusion has no deterministic order-parameter limit; omit beta to keep the weight decay lambda alone");
  }
  if (algorithm.linearize) unsupported("algorithm.linearize", "the linearized model has no order-parameter ODE here; set it false");
  if (model.bias) unsupported("model.bias", "the ODEs are for networks without bias; set it false");
  const teacher = teacherOf(config);
  const rt = options.runtime ?? (await loadRuntime());
  const activation = linkToActivation(model.activation, taskConfig.d);
  const task = createTask(rt, taskConfig, config.seed, activation);
  const net = new TwoLayerNetwork(rt, networkOptionsOf(config, activation));
  try {
    const k = model.width;
    const m = teacher.outputs.length;
    const d = taskConfig.d;
    const w = net.w.toArray();
    const a = net.a.toArray();
    const wStar = task.directions.slice(0, m * d);
    const s = outputScale(model.scaling, k);
    const initial = overlaps(w, a, wStar, k, m, d, s);
    const t = overlaps(wStar, new Float64Array(m), wStar, m, m, d, 0).q;
    if (options.symmetrize) symmetrize(initial, t, teacher.outputs, k, m);
    const h = algorithm.stepSize;
    const ratio = algorithm.firstLayerStepRatio;
    const lambda = algorithm.noise?.lambda ?? 0;
    const sigma = algorithm.kind === "onlineSgd" ? (algorithm.outputNoise ?? 0) : 0;
    const trainFirst = model.train !== "second";
    const trainSecond = model.train !== "first";
    const integrals = fieldIntegrals(activation, teacher.activation, options.orders);
    const ode = new CommitteeOde({
      k,
      m,
      t,
      teacherOutputs: teacher.outputs,
      learningRate: trainFirst ? (ratio * h * d) / (k * s * s) : 0,
      secondLayerRate: trainSecond ? (h * d) / k : 0,
      batch: algorithm.kind === "onlineSgd" && !options.withoutSecondOrder ? algorithm.batch : Infinity,
      outputNoiseVariance: sigma * sigma,
      firstLayerDecay: trainFirst ? ratio * lambda * h * d : 0,
      secondLayerDecay: trainSecond ? lambda * h * d : 0,
      integrals: integrals instanceof ReluIntegrals ? reluIntegralsInWasm(rt, options.roundedReluConditioning ?? false) : integrals,
    });
    return { config, ode, initial, teacherDirections: wStar, scale: s };
  } finally {
    net.free();
    task.free();
  }
}

/**
 * Q = W W^T, R = W W*^T (rows of length d) and v = s a: the order parameters of k rows w against
 * m rows w*.
 */
function overlaps(w: Float64Array, a: Float64Array, wStar: Float64Array, k: number, m: number, d: number, s: number): OrderParameters {
  const dot = (x: Float64Array, i: number, y: Float64Array, j: number) => {
    let acc = 0;
    for (let c = 0; c < d; c++) acc += x[i * d + c]! * y[j * d + c]!;
    return acc;
  };
  const p: OrderParameters = { q: new Float64Array(k * k), r: new Float64Array(k * m), v: new Float64Array(k) };
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) p.q[i * k + j] = dot(w, i, w, j);
    for (let n = 0; n < m; n++) p.r[i * m + n] = dot(w, i, wStar, n);
    p.v[i] = s * a[i]!;
  }
  return p;
}

/** The order parameters of a network's weights (w: N x d rows, a: N) against the setup's teacher. */
export function orderParametersOf(setup: OdeSetup, w: Float64Array, a: Float64Array): OrderParameters {
  const { k, m } = setup.ode.spec;
  return overlaps(w, a, setup.teacherDirections, k, m, setup.config.task.d, setup.scale);
}

function record(setup: OdeSetup, step: number, p: OrderParameters): OdeRecord {
  const d = setup.config.task.d;
  return {
    step,
    time: step * setup.config.algorithm.stepSize,
    odeTime: step / d,
    populationLoss: setup.ode.loss(p),
    q: Array.from(p.q),
    r: Array.from(p.r),
    v: Array.from(p.v),
  };
}

/**
 * The ODE solution at the config's metric steps (adaptive Dormand–Prince in ODE time; each record
 * at its exact time), with the number of right-hand sides and of rejected steps.
 */
export async function solveOde(
  input: ConfigInput | Config,
  options: SolveOdeOptions = {},
): Promise<{ setup: OdeSetup; records: OdeRecord[]; evaluations: number; rejectedSteps: number }> {
  const setup = await odeSetup(input, options);
  const { config, ode } = setup;
  const { k, m } = ode.spec;
  const d = config.task.d;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const y = flatten(setup.initial);
  const dy = (state: Float64Array, out: Float64Array) => ode.derivative(parameterViews(state, k, m), parameterViews(out, k, m));
  const stepState = { h: 1e-3 / Math.max(ode.spec.learningRate, ode.spec.secondLayerRate, 1e-3), rejected: 0 };
  const records: OdeRecord[] = [];
  let evaluations = 0;
  let tNow = 0;
  for (const step of metricSteps(config.metrics.schedule, config.algorithm.steps)) {
    const target = step / d;
    if (target > tNow) evaluations += integrate(dy, y, tNow, target, tolerance, stepState);
    tNow = target;
    const r = record(setup, step, parameterViews(y, k, m));
    if (!Number.isFinite(r.populationLoss)) throw new ConfigError(`algorithm.stepSize: the ODE's loss became ${r.populationLoss} at step ${step} (t = ${target}); lower the step size`);
    records.push(r);
  }
  return { setup, records, evaluations, rejectedSteps: stepState.rejected };
}
