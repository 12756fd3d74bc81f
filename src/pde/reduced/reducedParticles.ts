// The dimension-free mean-field dynamics of a two-layer network on a target of P coordinates
// (ABAM22's DF-PDE; for a Gaussian single index, the symmetry-reduced PDE of Berthier, Montanari, Zhou 2023,
// section 2.4), solved with M reduced particles (a, w_S, r). The kernels are in
// assembly/reducedParticles.ts and assembly/smoothedActivation.ts.
//
// Derivation. f(x) = (1/N) sum_i a_i sigma(<w_i, x>), L = 1/2 E[(f(x) - y)^2], y = h(x_S) with x_S the
// P relevant coordinates (hypercube {-1,1}^d, or x ~ N(0, I_d) with the relevant directions rotated
// onto the first P axes; a single index has q* = e_1 and w_S = s = <q*, w>). Write w = (w_S, w_perp),
// x = (x_S, x_perp), r = |w_perp|, t = <w_S, x_S>. In mean-field time (docs/conventions.md) particle i moves
// with velocity -N grad_{theta_i} L:
//   da_i/dt = -E[(f - y) sigma(<w_i, x>)],   dw_i/dt = -E[(f - y) a_i sigma'(<w_i, x>) x].
// As N -> infinity the particles' law rho replaces the sum. On Gaussian input the data law, the
// target and the sphere and Gaussian initializations are invariant under rotations of x_perp,
// hence so is rho_t: given x_S, a particle's perpendicular pre-activation <w_perp, x_perp> is r g
// with g ~ N(0,1) independent of x_S, and the part of x_perp orthogonal to w_perp is centred and
// independent of (x_S, g). On the hypercube the same holds as d -> infinity (ABAM22's
// dimension-free limit): w_perp stays spread over d - P coordinates, so <w_perp, x_perp> tends to
// N(0, r^2) by the central limit theorem and the other directions decouple. So f depends on x
// only through x_S,
//   f(x_S) = E_rho[a sigma_r(t)],   sigma_r(t) = E_g[sigma(t + r g)],
// and, averaging over g inside each expectation,
//   da/dt   = -E_{x_S}[(f - y) sigma_r(t)]
//   dw_S/dt = -E_{x_S}[(f - y) a sigma_r'(t) x_S]                 (E_g[sigma'(t + r g)] = sigma_r'(t))
//   dr/dt   = <w_perp / r, dw_perp/dt> = -E[(f - y) a sigma'(t + r g) g]
//           = -E_{x_S}[(f - y) a d_r sigma_r(t)]                   (E_g[sigma'(t + r g) g] = d_r sigma_r(t)).
// The part of dw_perp/dt orthogonal to w_perp averages to 0 (its x_perp is centred and independent
// of everything else), so w_perp changes length but not direction and (a, w_S, r) is a closed
// system. These equations do not contain d, which enters only through the initial law
// (src/pde/reduced/reducedInit.ts). They are also -M grad_{theta_i} of the reduced loss
// 1/2 E_{x_S}[(f - y)^2] of M particles with f = (1/M) sum_i a_i sigma_{r_i}, which the tests check
// by finite differences. model.train "first" freezes a, "second" freezes (w_S, r).
// algorithm.firstLayerStepRatio epsilon multiplies the velocity of (w_S, r, b), as it multiplies
// the finite network's first-layer step; algorithm.projected keeps |w|^2 = |w_S|^2 + r^2 = 1.
//
// Expectations over x_S use the task's rule (src/pde/reduced/reducedTask.ts): the 2^P hypercube points,
// exact; or tensor Gauss–Hermite on Gaussian input, exact for polynomial activations and targets
// once the nodes exceed the degrees and spectrally accurate otherwise, sigma_r being smooth for
// r > 0. The loss is 1/2 sum_j omega_j (f_j - y_j)^2 plus half the part of E[y^2] the rule misses.
//
// A bias b (model.bias) enters as t = <w_S, x_S> + b and moves like a coordinate of w_S whose input
// is 1 at every point: db/dt = -E_{x_S}[(f - y) a sigma_r'(t)]. The kernels see it as one more
// coordinate, with a row of ones appended to the points (which voids the pairing of x and -x).
//
// sigma_r depends on r through r^2 only, so the equations are invariant under r -> -r. r is
// stored signed and the kernels use |r| (d_r sigma_r taking the sign of r): an Euler step through
// r = 0 is the reflection w_perp -> -w_perp, and the reported r is |r|.
//
// Time stepping is explicit with the config's step size h: "heun" (the default, second order:
// theta* = theta + h v(theta), then theta + h/2 (v(theta) + v(theta*))) or "euler"
// (theta + h v(theta), the update population GD makes on the particles).

import { parseActivation, type ActivationSpec } from "../../activation/spec.js";
import { gaussHermite } from "../../special/quadrature.js";
import type { WasmF64Array } from "../../wasm/arena.js";
import { WasmActivation } from "../../wasm/networkKernels.js";
import type { ReducedProblem } from "../../wasm/reducedKernels.js";
import type { WasmRuntime } from "../../wasm/runtime.js";
import { checkFinite } from "../../argumentChecks.js";
import type { ReducedParticleState } from "./reducedInit.js";
import type { ReducedTask } from "./reducedTask.js";

/**
 * Time stepping of the particle ODE: heun (second order) for accuracy, euler to match a finite network step by
 * step.
 */
export type ReducedScheme = "heun" | "euler";
/**
 * Which layers train, as in model.train: the reduced dynamics must freeze the same ones as the network it
 * describes.
 */
export type TrainedLayers = "both" | "first" | "second";

/** The reduced particle dynamics' controls: what trains, biases, scheme, step; the task is given separately. */
export interface ReducedParticlesOptions {
  /** Which layers move (model.train); default "both". */
  train?: TrainedLayers;
  /** Trainable biases (model.bias); the state then carries b. Default false. */
  bias?: boolean;
  /**
   * algorithm.firstLayerStepRatio, epsilon: (w_S, r, b) move at epsilon times their velocity, a at
   * its own (Berthier, Montanari, Zhou 2023). Default 1.
   */
  firstLayerStepRatio?: number;
  /**
   * algorithm.projected: every w stays on the unit sphere. In reduced coordinates w = (w_S, r u_perp)
   * with |w|^2 = |w_S|^2 + r^2, so the tangent projection of the velocity is
   * (v_S, v_r) - (<v_S, w_S> + v_r r) (w_S, r) / |w|^2, and each step ends with (w_S, r) rescaled to
   * norm 1, as the finite network renormalizes w. Default false; not with a bias.
   */
  projected?: boolean;
  /**
   * Gauss–Hermite nodes in g for activations without a closed form sigma_r: polynomials (default
   * ceil((degree + 1) / 2), exact), tanh and sigmoid (default 128). Their poles at distance
   * pi / (2r) from the real g axis set the error, about exp(-pi sqrt(2 n) / (2 r)) relative:
   * 1e-11 at r = 1.2 with 128 nodes, 1e-15 at r = 0.5.
   */
  smoothingNodes?: number;
  /**
   * Bytes the per-particle table of sigma_r and its derivatives at every point may take (default
   * 64 MiB). Within it, each evaluation computes them once; beyond it, twice (forward and velocities).
   */
  cacheBytes?: number;
}

const DEFAULT_CACHE_BYTES = 64 * 2 ** 20;
const DEFAULT_SMOOTH_NODES = 128;

/** sigma(-z) = alpha + beta z + gamma sigma(z) (assembly/reducedParticles.ts); gamma = 0: none used. */
function reflectionLaw(spec: ActivationSpec): { alpha: number; beta: number; gamma: number } {
  switch (parseActivation(spec, "model.activation").kind) {
    case "relu":
      return { alpha: 0, beta: -1, gamma: 1 };
    case "abs":
      return { alpha: 0, beta: 0, gamma: 1 };
    case "erf":
    case "tanh":
      return { alpha: 0, beta: 0, gamma: -1 };
    case "sigmoid":
      return { alpha: 1, beta: 0, gamma: -1 };
    default:
      return { alpha: 0, beta: 0, gamma: 0 };
  }
}

/** Nodes of the rule in g, or 0 for activations with a closed form. */
function smoothingNodeCount(spec: ActivationSpec, requested: number | undefined): number {
  const act = parseActivation(spec, "model.activation");
  if (act.kind === "polynomial") return requested ?? Math.max(1, Math.ceil(act.coefficients.length / 2));
  if (act.kind === "tanh" || act.kind === "sigmoid") return requested ?? DEFAULT_SMOOTH_NODES;
  return 0;
}

/**
 * Mean-field particles reduced to the P relevant directions of a multi-index target plus the orthogonal norm:
 * the d -> infinity dynamics at cost independent of d.
 */
export class ReducedParticles {
  readonly m: number;
  /** The relevant coordinates P. */
  readonly p: number;
  readonly q: number;
  readonly bias: boolean;
  /** Columns of the kernels' w: P, or P + 1 with the bias last. */
  private readonly columns: number;
  readonly train: TrainedLayers;
  readonly firstLayerStepRatio: number;
  readonly projected: boolean;
  private readonly runtime: WasmRuntime;
  private readonly task: ReducedTask;
  private readonly activation: WasmActivation;
  private readonly reflection: { alpha: number; beta: number; gamma: number };
  /** a (m) | r (m) | (w_S, b) (m x columns). */
  private readonly state: WasmF64Array;
  private readonly velocity: WasmF64Array;
  private readonly saved: WasmF64Array;
  private readonly savedVelocity: WasmF64Array;
  private readonly x: WasmF64Array;
  private readonly f: WasmF64Array;
  private readonly e: WasmF64Array;
  private readonly scratch: WasmF64Array;
  private readonly cache: WasmF64Array | null;
  private readonly gaussNodes: WasmF64Array;
  private readonly gaussWeights: WasmF64Array;
  private readonly ng: number;
  /** E[y^2] minus the rule's sum of y^2. */
  private readonly missedSquare: number;
  private freed = false;

  constructor(runtime: WasmRuntime, task: ReducedTask, activation: ActivationSpec, initial: ReducedParticleState, options: ReducedParticlesOptions = {}) {
    const { p, q } = task.rule;
    const m = initial.a.length;
    if (m < 1) throw new RangeError(`meanfield: reduced particles: need at least one particle`);
    this.m = m;
    this.p = p;
    this.q = q;
    this.bias = options.bias ?? false;
    this.columns = p + (this.bias ? 1 : 0);
    this.train = options.train ?? "both";
    this.firstLayerStepRatio = options.firstLayerStepRatio ?? 1;
    if (!(this.firstLayerStepRatio > 0) || !Number.isFinite(this.firstLayerStepRatio)) {
      throw new RangeError(`meanfield: reduced particles: firstLayerStepRatio must be a finite number > 0, got ${this.firstLayerStepRatio}`);
    }
    this.projected = options.projected ?? false;
    if (this.projected && this.bias) throw new RangeError(`meanfield: reduced particles: projection onto the sphere is not defined with a bias`);
    this.runtime = runtime;
    this.task = task;
    this.reflection = this.bias ? { alpha: 0, beta: 0, gamma: 0 } : reflectionLaw(activation);
    this.ng = smoothingNodeCount(activation, options.smoothingNodes);
    let missed = task.targetSquare;
    for (let j = 0; j < q; j++) missed -= task.rule.weights[j]! * task.targets[j]! ** 2;
    this.missedSquare = missed;
    const arena = runtime.arena;
    const owned: { free(): void }[] = [];
    const take = <T extends { free(): void }>(buf: T): T => (owned.push(buf), buf);
    try {
      this.activation = take(new WasmActivation(runtime, activation, "model.activation"));
      const size = m * (2 + this.columns);
      this.state = take(arena.f64(size));
      this.velocity = take(arena.f64(size));
      this.saved = take(arena.f64(size));
      this.savedVelocity = take(arena.f64(size));
      const points = new Float64Array(this.columns * q);
      points.set(task.rule.points);
      points.fill(1, p * q);
      this.x = take(arena.f64From(points));
      this.f = take(arena.f64(q));
      this.e = take(arena.f64(q));
      this.scratch = take(arena.f64(4 * q));
      const cacheBytes = options.cacheBytes ?? DEFAULT_CACHE_BYTES;
      this.cache = 3 * m * q * 8 <= cacheBytes ? take(arena.f64(3 * m * q)) : null;
      // Closed-form activations never read the rule; a one-entry placeholder keeps the pointers valid.
      const rule = this.ng > 0 ? gaussHermite(this.ng) : { nodes: new Float64Array(1), weights: new Float64Array(1) };
      this.gaussNodes = take(arena.f64From(rule.nodes));
      this.gaussWeights = take(arena.f64From(rule.weights));
      this.setState(initial);
    } catch (err) {
      for (const buf of owned) buf.free();
      throw err;
    }
  }

  /** Replaces the particles (copies). */
  setState(s: ReducedParticleState): void {
    const { m, p, columns } = this;
    if (s.a.length !== m || s.r.length !== m || s.wS.length !== m * p || (s.b?.length ?? 0) !== (this.bias ? m : 0)) {
      throw new RangeError(`meanfield: reduced particles: expected a (${m}), r (${m}), w_S (${m} x ${p})${this.bias ? ` and b (${m})` : " and no b"}`);
    }
    checkFinite("a", s.a);
    checkFinite("r", s.r);
    checkFinite("w_S", s.wS);
    if (s.b) checkFinite("b", s.b);
    const v = this.state.view;
    v.set(s.a, 0);
    v.set(s.r, m);
    for (let i = 0; i < m; i++) {
      v.set(s.wS.subarray(i * p, (i + 1) * p), 2 * m + i * columns);
      if (s.b) v[2 * m + i * columns + p] = s.b[i]!;
    }
  }

  /** Copies of the particles, with r = |r|. */
  getState(): ReducedParticleState {
    return this.split(this.state.view, true);
  }

  /** The buffers the Wasm kernels read. */
  private problem(): ReducedProblem {
    return {
      m: this.m, p: this.columns, state: this.state, q: this.q, x: this.x, activation: this.activation,
      gaussNodes: this.gaussNodes, gaussWeights: this.gaussWeights, ng: this.ng, law: this.reflection,
      cache: this.cache, scratch: this.scratch,
    };
  }

  /** f at the rule's points, and the weighted residuals; returns the loss. */
  private forward(): number {
    const q = this.q;
    this.runtime.reduced.forward(this.problem(), this.f);
    const f = this.f.view;
    const e = this.e.view;
    const { weights } = this.task.rule;
    const y = this.task.targets;
    let sum = 0;
    for (let j = 0; j < q; j++) {
      const diff = f[j]! - y[j]!;
      e[j] = weights[j]! * diff;
      sum += weights[j]! * diff * diff;
    }
    return 0.5 * (sum + this.missedSquare);
  }

  /** The loss 1/2 E[(f - y)^2] of the current particles. */
  loss(): number {
    return this.forward();
  }

  /** The loss, and E_{x_S}[f b] for each basis function b of the task (task.basisNames). */
  measure(): { loss: number; coefficients: Float64Array } {
    const loss = this.forward();
    const { q } = this;
    const f = this.f.view;
    const { weights } = this.task.rule;
    const basis = this.task.basis;
    const coefficients = new Float64Array(this.task.basisNames.length);
    for (let k = 0; k < coefficients.length; k++) {
      let s = 0;
      for (let j = 0; j < q; j++) s += weights[j]! * f[j]! * basis[k * q + j]!;
      coefficients[k] = s;
    }
    return { loss, coefficients };
  }

  /** The velocities of the trained layers into this.velocity (frozen ones 0); returns the loss. */
  private computeVelocity(): number {
    const m = this.m;
    const loss = this.forward();
    this.runtime.reduced.velocities(this.problem(), this.e, this.velocity);
    const v = this.velocity.view;
    if (this.train === "first") v.fill(0, 0, m);
    if (this.train === "second") v.fill(0, m);
    if (this.projected) this.projectVelocity();
    const ratio = this.firstLayerStepRatio;
    if (ratio !== 1) for (let k = m; k < v.length; k++) v[k]! *= ratio;
    return loss;
  }

  /** The tangent part of each particle's (w_S, r) velocity (ReducedParticlesOptions.projected). */
  private projectVelocity(): void {
    const { m, p, columns } = this;
    const x = this.state.view;
    const v = this.velocity.view;
    for (let i = 0; i < m; i++) {
      const row = 2 * m + i * columns;
      let dot = v[m + i]! * x[m + i]!;
      let norm2 = x[m + i]! ** 2;
      for (let k = 0; k < p; k++) {
        dot += v[row + k]! * x[row + k]!;
        norm2 += x[row + k]! ** 2;
      }
      const c = dot / norm2;
      v[m + i]! -= c * x[m + i]!;
      for (let k = 0; k < p; k++) v[row + k]! -= c * x[row + k]!;
    }
  }

  /** Rescales each particle's (w_S, r) to norm 1 (ReducedParticlesOptions.projected). */
  private normalize(): void {
    const { m, p, columns } = this;
    const x = this.state.view;
    for (let i = 0; i < m; i++) {
      const row = 2 * m + i * columns;
      let norm2 = x[m + i]! ** 2;
      for (let k = 0; k < p; k++) norm2 += x[row + k]! ** 2;
      const inv = 1 / Math.sqrt(norm2);
      x[m + i]! *= inv;
      for (let k = 0; k < p; k++) x[row + k]! *= inv;
    }
  }

  /**
   * The loss and a copy of every particle's velocity (da/dt, dw_S/dt, dr/dt, db/dt; frozen layers
   * 0). dr/dt is that of the stored r, whose sign is immaterial and which getState reports as |r|.
   */
  evaluate(): { loss: number; velocity: ReducedParticleState } {
    const loss = this.computeVelocity();
    return { loss, velocity: this.split(this.velocity.view, false) };
  }

  /** Advances time by h; returns the loss before the step. */
  step(h: number, scheme: ReducedScheme = "heun"): number {
    if (scheme !== "heun" && scheme !== "euler") throw new RangeError(`meanfield: scheme must be "heun" or "euler", got ${String(scheme)}`);
    const { linalg } = this.runtime;
    const size = this.state.length;
    const loss = this.computeVelocity();
    if (scheme === "euler") {
      linalg.axpy(h, this.velocity, this.state, size);
      if (this.projected) this.normalize();
      return loss;
    }
    this.saved.view.set(this.state.view);
    this.savedVelocity.view.set(this.velocity.view);
    linalg.axpy(h, this.velocity, this.state, size);
    this.computeVelocity();
    this.state.view.set(this.saved.view);
    linalg.axpy(h / 2, this.savedVelocity, this.state, size);
    linalg.axpy(h / 2, this.velocity, this.state, size);
    if (this.projected) this.normalize();
    return loss;
  }

  /** a | r | (w_S, b) rows as separate arrays. */
  private split(v: Float64Array, absR: boolean): ReducedParticleState {
    const { m, p, columns } = this;
    const r = v.slice(m, 2 * m);
    if (absR) for (let i = 0; i < m; i++) r[i] = Math.abs(r[i]!);
    const wS = new Float64Array(m * p);
    for (let i = 0; i < m; i++) wS.set(v.subarray(2 * m + i * columns, 2 * m + i * columns + p), i * p);
    const state: ReducedParticleState = { a: v.slice(0, m), r, wS };
    if (this.bias) state.b = Float64Array.from({ length: m }, (_, i) => v[2 * m + i * columns + p]!);
    return state;
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    for (const buf of [this.state, this.velocity, this.saved, this.savedVelocity, this.x, this.f, this.e, this.scratch, this.gaussNodes, this.gaussWeights]) {
      buf.free();
    }
    this.cache?.free();
    this.activation.free();
  }
}
