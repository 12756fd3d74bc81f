// One step interface for every algorithm of a config: GD on an objective (population, fixed
// samples, or fresh batches), with optional projection onto the sphere, Langevin noise, the
// linearized model, the two-timescale limit (second layer re-solved by ridge before every step)
// and layer-wise training (w trained with a fixed, averaged over p trajectories, then a).
//
// Time: each neuron moves with velocity -(1 / (N scale^2)) grad_{theta_i} L, which is -N grad
// under mean-field scaling (docs/conventions.md) and the plain gradient under NTK scaling, so f moves O(1)
// per unit time under both; a step of size h advances time by h. With algorithm.firstLayerStepRatio
// = epsilon the first layer (w and its bias) steps by epsilon h and the second by h, so time is the
// second layer's. Every random draw of step t (batch, noise) is indexed by t, so a run restored
// from a checkpoint continues bit for bit.

import { dataOf, type AlgorithmConfig, type Config } from "../config.js";
import { TwoLayerNetwork } from "../model/network.js";
import type { Task } from "../tasks/task.js";
import type { WasmF64Array } from "../wasm/arena.js";
import { streamKey } from "../wasm/random.js";
import type { Objective } from "./objective.js";
import { PopulationObjective } from "./populationObjective.js";
import { solveRidge } from "./ridge.js";
import type { OnlineStepPlan } from "./onlineStepPlan.js";
import { SampleObjective, type Linearization } from "./sampleObjective.js";

/**
 * Thrown when the loss becomes NaN/Inf or explodes; the run keeps what it logged. At step 0 no
 * update has happened yet, so the step size cannot be the cause and the message says so.
 */
export class DivergenceError extends Error {
  override name = "DivergenceError";
  constructor(
    readonly step: number,
    readonly loss: number,
  ) {
    const what = Number.isFinite(loss) ? `exploded to ${loss.toExponential(3)}` : `became ${loss}`;
    super(
      step === 0
        ? `the loss ${what} at step 0, before any update: the initial state is at fault, not the step size (check the task parameters, model.init and model.activation)`
        : `the loss ${what} at step ${step}; the likely cause is a step size too large for this width and scaling (lower algorithm.stepSize)`,
    );
  }
}

/** Seed of layer-wise trajectory t: the config's seed for t = 0, a fixed derivation otherwise. */
export function trajectorySeed(seed: number, t: number): number {
  return t === 0 ? seed : (seed * 1_000_003 + t * 7_919) % Number.MAX_SAFE_INTEGER;
}

/** What a checkpoint holds of the trainer: the step and the arrays it keeps beyond (w, a). */
export interface TrainerCheckpoint {
  step: number;
  /** Extra arrays the trainer needs beyond (w, a): the layer-wise running sum of w, w0/a0. */
  arrays: Record<string, Float64Array>;
}

/** Switches that change speed, never bits (the fused online-SGD step). */
export interface TrainerOptions {
  /**
   * Run plain online-SGD steps as one Wasm call each (assembly/onlineStep.ts) where the task and
   * the run allow it (default true). The bits are the same either way; tests turn it off to check that.
   */
  fused?: boolean;
}

/**
 * One step for every algorithm of a config, in mean-field time: neuron i moves with velocity
 * -(1/(N scale²)) ∇_{θ_i} L, a step of size h advances t by h (the second layer's, with a
 * firstLayerStepRatio ε the first moves ε h); step t's random draws are indexed by t, so resume is bit for bit.
 */
export class Trainer {
  /** Steps taken so far (over all stages and trajectories). */
  step = 0;
  readonly totalSteps: number;
  private readonly algorithm: AlgorithmConfig;
  private readonly objective: Objective;
  private readonly gradW: WasmF64Array;
  private readonly gradA: WasmF64Array;
  private readonly noise: WasmF64Array | null;
  private readonly linearization: Linearization | null;
  /** Layer-wise: the running sum of first-stage end points. */
  private readonly trajectorySum: Float64Array | null;
  /** A loss above this means the run diverged: 10^6 times the scale of the target, 1 + E[y^2]. */
  readonly divergenceLimit: number;
  private readonly fusedStep: OnlineStepPlan | null;
  /** net.weightsRevision when the fused step's f32 copy of w was last known to match w. */
  private fusedRevision = -1;

  constructor(
    private readonly config: Config,
    task: Task,
    private readonly net: TwoLayerNetwork,
    options: TrainerOptions = {},
  ) {
    const algorithm = config.algorithm;
    this.algorithm = algorithm;
    const rt = net.runtime;
    const { n, inputDim } = net;
    this.linearization = algorithm.linearize ? { w0: rt.arena.f64From(net.w.view), a0: rt.arena.f64From(net.a.view) } : null;
    const data = dataOf(algorithm);
    if (data.kind === "population") {
      if (!task.population) throw new RangeError(`meanfield: algorithm: the ${task.kind} task has no exact population loss`);
      this.objective = new PopulationObjective(net, task.population);
    } else {
      const stream = data.kind === "samples" ? "train" : "train.batch";
      const mode =
        data.kind === "samples"
          ? { kind: "samples" as const, n: data.n, labelNoise: { halfWidth: data.labelNoise ?? 0, seed: config.seed } }
          : { kind: "online" as const, batch: data.batch, outputNoise: { sigma: data.outputNoise ?? 0, seed: config.seed } };
      this.objective = new SampleObjective(net, task, mode, stream, this.linearization, config.precision);
    }
    this.gradW = rt.arena.f64(n * inputDim);
    this.gradA = rt.arena.f64(n);
    this.noise = algorithm.noise?.beta !== undefined ? rt.arena.f64(n * inputDim + n) : null;
    if (algorithm.kind === "layerwise") {
      this.totalSteps = algorithm.trajectories * algorithm.steps + algorithm.secondStageSteps;
      this.trajectorySum = new Float64Array(n * inputDim);
    } else {
      this.totalSteps = algorithm.steps;
      this.trajectorySum = null;
    }
    this.divergenceLimit = 1e6 * (1 + task.targetSquare);
    const plain = !algorithm.projected && !algorithm.noise;
    this.fusedStep =
      options.fused !== false && plain && this.objective instanceof SampleObjective
        ? this.objective.onlineStepPlan(this.gradW, this.gradA, this.divergenceLimit)
        : null;
  }

  /** Whether steps run as one Wasm call each (TrainerOptions.fused). */
  get fused(): boolean {
    return this.fusedStep !== null;
  }

  get time(): number {
    return this.step * this.algorithm.stepSize;
  }

  /** Which layers the current step moves. */
  private layers(): { first: boolean; second: boolean } {
    const algorithm = this.algorithm;
    if (algorithm.kind === "twoTimescale") return { first: true, second: false };
    if (algorithm.kind === "layerwise") {
      const firstStage = this.step < algorithm.trajectories * algorithm.steps;
      return { first: firstStage, second: !firstStage };
    }
    const train = this.config.model.train;
    return { first: train !== "second", second: train !== "first" };
  }

  /**
   * Layer-wise bookkeeping after the last step of a trajectory: restart w from the next
   * trajectory's draw, or, after the last one, replace w by the average of all end points.
   */
  private stageBoundary(): void {
    const algorithm = this.algorithm;
    if (algorithm.kind !== "layerwise" || this.step === 0 || this.step % algorithm.steps !== 0) return;
    const t = this.step / algorithm.steps;
    if (t > algorithm.trajectories) return;
    const sum = this.trajectorySum!;
    const w = this.net.w.view;
    for (let k = 0; k < sum.length; k++) sum[k]! += w[k]!;
    if (t < algorithm.trajectories) {
      const model = this.config.model;
      const fresh = new TwoLayerNetwork(this.net.runtime, {
        n: this.net.n,
        d: this.net.d,
        activation: this.net.activationSpec,
        scaling: model.scaling,
        seed: trajectorySeed(this.config.seed, t),
        firstLayer: model.init.firstLayer,
        secondLayer: model.init.secondLayer,
        bias: model.bias,
      });
      w.set(fresh.w.view);
      fresh.free();
    } else {
      for (let k = 0; k < sum.length; k++) w[k] = sum[k]! / algorithm.trajectories;
    }
    this.fusedStep?.weightsChanged();
  }

  /**
   * For linearized runs, the loss of the model being trained (f_0 + J_0 (theta - theta_0)) on a
   * sample set; null otherwise (the network itself is the model).
   */
  modelLoss(): ((x: WasmF64Array, y: WasmF64Array) => { loss: number; standardError: number }) | null {
    const objective = this.objective;
    return this.linearization && objective instanceof SampleObjective ? (x, y) => objective.loss(x, y) : null;
  }

  /** Loss on the fixed training set, for trainLoss metrics. */
  trainLoss(): number {
    return this.objective.evaluate(this.step, this.gradW, this.gradA);
  }

  /** One step; returns the objective's loss before the update. */
  advance(): number {
    const { net, algorithm } = this;
    const rt = net.runtime;
    const { n, d, inputDim } = net;
    if (algorithm.kind === "twoTimescale") {
      const system = this.objective.secondLayerSystem(this.step);
      net.a.set(solveRidge(rt, system.gram, system.cross, net.scale, algorithm.ridge));
    }
    const { first, second } = this.layers();
    const h = algorithm.stepSize;
    const rate = 1 / (n * net.scale * net.scale);
    // BMZ23's learning-rate ratio: the first layer's step is epsilon h, the second layer's h.
    const ratio = algorithm.firstLayerStepRatio;
    if (this.fusedStep) {
      if (net.weightsRevision !== this.fusedRevision) {
        this.fusedStep.weightsChanged();
        this.fusedRevision = net.weightsRevision;
      }
      const drift = h * rate;
      const loss = this.fusedStep.run(this.step, first ? ratio * drift : null, second ? drift : null);
      if (!Number.isFinite(loss) || loss > this.divergenceLimit) throw new DivergenceError(this.step, loss);
      this.step++;
      this.stageBoundary();
      return loss;
    }
    const loss = this.objective.evaluate(this.step, this.gradW, this.gradA);
    if (!Number.isFinite(loss) || loss > this.divergenceLimit) throw new DivergenceError(this.step, loss);
    const w = net.w.view;
    const gw = this.gradW.view;
    if (first && algorithm.projected) {
      for (let i = 0; i < n; i++) {
        let radial = 0;
        for (let k = 0; k < d; k++) radial += gw[i * inputDim + k]! * w[i * inputDim + k]!;
        for (let k = 0; k < d; k++) gw[i * inputDim + k]! -= radial * w[i * inputDim + k]!;
      }
    }
    const noise = algorithm.noise;
    // Noisy GD (docs/conventions.md, "Noisy GD"): theta <- (1 - lambda h) theta - h rate g + N(0, 2h/beta),
    // Euler-Maruyama for d theta = -grad Psi_lambda dt + sqrt(2/beta) dB, whose stationary law is
    // exp(-beta Psi_lambda). The drift is the noiseless one, so beta -> infinity recovers plain GD;
    // without beta there is no diffusion: plain GD with weight decay lambda.
    const drift = h * rate;
    const diffusion = this.noise;
    if (diffusion) {
      rt.random.gaussianInto(streamKey(this.config.seed, "train.noise"), this.step * (n * inputDim + n), diffusion);
    }
    const sd = noise?.beta !== undefined ? Math.sqrt((2 * h) / noise.beta) : 0;
    const decay = noise ? -noise.lambda * h : 0;
    if (first) {
      // The first layer's step is ratio h: its drift, decay and noise variance all scale with it.
      if (decay !== 0) rt.linalg.axpy(ratio * decay, net.w, net.w, n * inputDim);
      rt.linalg.axpy(-ratio * drift, this.gradW, net.w, n * inputDim);
      if (diffusion) rt.linalg.axpy(Math.sqrt(ratio) * sd, diffusion, net.w, n * inputDim);
    }
    if (second) {
      if (decay !== 0) rt.linalg.axpy(decay, net.a, net.a, n);
      rt.linalg.axpy(-drift, this.gradA, net.a, n);
      if (diffusion) rt.linalg.axpy(sd, diffusion.subarray(n * inputDim), net.a, n);
    }
    if (first && algorithm.projected) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += w[i * inputDim + k]! ** 2;
        const inv = 1 / Math.sqrt(s);
        for (let k = 0; k < d; k++) w[i * inputDim + k]! *= inv;
      }
    }
    this.step++;
    this.stageBoundary();
    return loss;
  }

  checkpoint(): TrainerCheckpoint {
    const arrays: Record<string, Float64Array> = {};
    if (this.trajectorySum) arrays.trajectorySum = this.trajectorySum.slice();
    if (this.linearization) {
      arrays.w0 = this.linearization.w0.toArray();
      arrays.a0 = this.linearization.a0.toArray();
    }
    return { step: this.step, arrays };
  }

  restore(state: TrainerCheckpoint): void {
    this.step = state.step;
    if (this.trajectorySum && state.arrays.trajectorySum) this.trajectorySum.set(state.arrays.trajectorySum);
    if (this.linearization && state.arrays.w0 && state.arrays.a0) {
      this.linearization.w0.set(state.arrays.w0);
      this.linearization.a0.set(state.arrays.a0);
    }
  }

  free(): void {
    this.fusedStep?.free();
    this.objective.free();
    this.gradW.free();
    this.gradA.free();
    this.noise?.free();
    this.linearization?.w0.free();
    this.linearization?.a0.free();
  }
}
