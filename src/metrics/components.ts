// The components of f along the target direction q* of a single-index task, exact (no sampling),
// in the basis the task's link coefficients use (docs/conventions.md). Record keys:
//   components  f_0 .. f_K (K = config.metrics.degrees)
//   residuals   D_k = f_k - h_k, with h_k = task.linkCoefficients(K)
//
// Sphere, x ~ Unif(S^{d-1}): f_k = N(d,k) E[f(x) P_{k,d}(<q,x>)], so the q-zonal part of f is
// sum_k f_k P_{k,d}(<q,x>) and, by Funk–Hecke,
//   f_k = scale sum_i a_i s_k(r_i, b_i) P_{k,d}(<w_i,q>/r_i),   r_i = |w_i|,
// where s_k(r, b) are the Legendre coefficients of t -> sigma(r t + b) on [-1, 1]. With every
// r_i = 1 and no bias one vector s_k = sigma_k serves all neurons (Mahankali et al.'s D_k(t)). The
// zonal part of f - y, sum_k D_k P_{k,d}(<q,x>), contributes 1/2 sum_k D_k^2 / N(d,k) to the loss.
// Gaussian, x ~ N(0, I_d): f_k = E[f(x) h_k(<q,x>)] = scale sum_i a_i alpha_k(r_i, b_i) (<w_i,q>/r_i)^k
// with alpha_k(r, b) = E[sigma(r Z + b) h_k(Z)]; the part of f - y along h_k(<q,x>) contributes
// 1/2 D_k^2 to the loss.
// r_i = 0 leaves the constant sigma(b_i), whose only component is k = 0.

import { ConfigError } from "../config.js";
import { parseActivation, type Activation, type ActivationSpec } from "../activation/spec.js";
import { activationFunction, type ActivationFunction } from "../activation/activationFunction.js";
import { GaussianActivation, gradedCuts, piecewiseLinearForm } from "../activation/gaussianMoments.js";
import { hermiteCoefficients, sphereCoefficients, type ExpandableFunction } from "../activation/coefficients.js";
import { fillGegenbauer, sphericalHarmonicsDim } from "../special/gegenbauer.js";
import { fillHermite } from "../special/hermite.js";
import { DEFAULT_ORDER, gaussianRule, sphereRule } from "../special/expectation.js";
import { particles } from "./particles.js";
import type { Metric, MetricContext } from "./metric.js";

/** Tolerance on |w_i| = 1 below which the shared unit-norm coefficients are used. */
const UNIT_TOLERANCE = 1e-9;

type Basis = { kind: "legendre"; d: number } | { kind: "hermite" };

/** Quadrature nodes and weights with the basis at each node (nodes x (kmax+1), normalization folded in). */
interface TabulatedRule {
  nodes: Float64Array;
  weights: Float64Array;
  table: Float64Array;
}

/** Monomial coefficients of p(r t + b) from those of p (Horner in the linear factor). */
function affinePolynomial(c: readonly number[], r: number, b: number): number[] {
  let out = [c[c.length - 1]!];
  for (let j = c.length - 2; j >= 0; j--) {
    const next = new Array<number>(out.length + 1).fill(0);
    out.forEach((v, k) => {
      next[k + 1]! += r * v;
      next[k]! += b * v;
    });
    next[0]! += c[j]!;
    out = next;
  }
  return out;
}

/**
 * Expansion coefficients of t -> sigma(r t + b) for one activation, k = 0..kmax, by the cheapest
 * exact route: homogeneity (relu, abs), the exact change of basis (polynomials), closed forms
 * (piecewise-linear on Gaussian input), else quadrature split at the kinks.
 */
class NeuronExpansion {
  /** The coefficients of sigma itself (r = 1, b = 0). */
  readonly unit: Float64Array;
  private readonly act: Activation;
  private readonly fn: ActivationFunction;
  private readonly gaussian: GaussianActivation | null;
  /** sigma(r t) = r sigma(t) for r > 0 (relu, abs, piecewise-linear through 0 with kinks only at 0). */
  private readonly homogeneous: boolean;
  private readonly smooth: boolean;
  private readonly rules = new Map<number, TabulatedRule>();

  constructor(
    spec: ActivationSpec,
    private readonly basis: Basis,
    private readonly kmax: number,
  ) {
    this.act = parseActivation(spec);
    this.fn = activationFunction(spec);
    const kind = this.act.kind;
    this.gaussian = basis.kind === "hermite" && kind === "piecewiseLinear" ? new GaussianActivation(spec) : null;
    const pw = piecewiseLinearForm(this.act);
    this.homogeneous = pw !== null && pw.constant === 0 && pw.kinks.every((k) => k === 0);
    this.smooth = kind === "tanh" || kind === "erf" || kind === "sigmoid";
    this.unit = basis.kind === "legendre" ? sphereCoefficients(spec, basis.d, kmax) : hermiteCoefficients(spec, kmax);
  }

  /** Coefficients for a neuron of norm r and bias b; rMax is the largest norm in the network. */
  of(r: number, b: number, rMax: number): Float64Array {
    const { kmax, fn, basis } = this;
    if (r === 0) {
      const out = new Float64Array(kmax + 1);
      out[0] = fn.value(b);
      return out;
    }
    if (b === 0) {
      if (this.homogeneous) return this.unit.map((c) => r * c);
      if (this.smooth) return this.project(this.sharedRule(rMax), r);
      if (this.gaussian) return this.gaussian.hermite(r, kmax).values;
    }
    let f: ExpandableFunction;
    let kinks: number[] = [];
    if (this.act.kind === "polynomial") f = { kind: "polynomial", coefficients: affinePolynomial(this.act.coefficients, r, b) };
    else {
      f = (t: number) => fn.value(r * t + b);
      // Split the quadrature where sigma(r t + b) has a kink, or around its transition of width 1/r.
      kinks = this.smooth ? gradedCuts(-b / r, 1 / r) : fn.kinks.map((k) => (k - b) / r);
    }
    return basis.kind === "legendre" ? sphereCoefficients(f, basis.d, kmax, { kinks }) : hermiteCoefficients(f, kmax, { kinks });
  }

  /**
   * One rule for smooth sigma(r t) at every r <= rMax: cuts at 0 and +-4^-j for j = 1..J with
   * 4^-J <= 1/rMax are at least as fine near the transition as each neuron's own graded cuts
   * (gradedCuts(0, 1/r)), so the per-neuron rules (~0.4 ms each to build) collapse into one,
   * kept per J across records.
   */
  private sharedRule(rMax: number): TabulatedRule {
    // Powers of 1/4 by repeated multiplication: exact, so no engine's pow is involved.
    const cuts: number[] = [];
    for (let cut = 1; cut > 1 / rMax; ) {
      cut *= 0.25;
      cuts.push(cut);
    }
    const levels = cuts.length;
    let rule = this.rules.get(levels);
    if (rule) return rule;
    const kinks = [0];
    for (const cut of cuts) kinks.push(-cut, cut);
    const options = { kinks, order: Math.max(DEFAULT_ORDER, this.kmax + 8) };
    const { basis, kmax } = this;
    const { nodes, weights } = basis.kind === "legendre" ? sphereRule(basis.d, options) : gaussianRule(options);
    const width = kmax + 1;
    const table = new Float64Array(nodes.length * width);
    for (let j = 0; j < nodes.length; j++) {
      if (basis.kind === "legendre") fillGegenbauer(table, j * width, kmax, basis.d, nodes[j]!);
      else fillHermite(table, j * width, kmax, nodes[j]!);
    }
    if (basis.kind === "legendre") {
      for (let k = 0; k <= kmax; k++) {
        const n = sphericalHarmonicsDim(basis.d, k);
        for (let j = 0; j < nodes.length; j++) table[j * width + k]! *= n;
      }
    }
    rule = { nodes, weights, table };
    this.rules.set(levels, rule);
    return rule;
  }

  private project(rule: TabulatedRule, r: number): Float64Array {
    const width = this.kmax + 1;
    const out = new Float64Array(width);
    for (let j = 0; j < rule.nodes.length; j++) {
      // Far-tail weights underflow to 0; skipping them keeps 0 * overflow out, as in coefficients.ts.
      if (rule.weights[j] === 0) continue;
      const fw = rule.weights[j]! * this.fn.value(r * rule.nodes[j]!);
      for (let k = 0; k < width; k++) out[k]! += fw * rule.table[j * width + k]!;
    }
    return out;
  }
}

/**
 * Exact components f_k of f along q* and residuals D_k = f_k - h_k. Sphere: f_k = N(d,k) E[f P_{k,d}(<q,x>)],
 * so the zonal loss is 1/2 Σ D_k² / N(d,k); Gaussian: f_k = E[f h_k(<q,x>)] with normalized h_k,
 * so it is 1/2 Σ D_k².
 */
export function createComponents(ctx: MetricContext): Metric {
  const { task, net, config } = ctx;
  const kmax = config.metrics.degrees;
  const kind = config.task.kind;
  const link = task.linkCoefficients(kmax);
  if (!link) throw new ConfigError(`metrics.include: components needs a single-index task (sphereSingleIndex or gaussianSingleIndex), not ${kind}`);
  const d = net.d;
  const basis: Basis = kind === "sphereSingleIndex" ? { kind: "legendre", d } : { kind: "hermite" };
  const expansion = new NeuronExpansion(net.activationSpec, basis, kmax);
  const q = task.directions.subarray(0, d);
  const along = new Float64Array(kmax + 1);
  return {
    record(out) {
      const p = particles(net);
      const a = net.a.view;
      const shared = !p.bias && p.norms.every((r) => Math.abs(r - 1) <= UNIT_TOLERANCE);
      const rMax = p.norms.reduce((m, r) => Math.max(m, r), 0);
      const f = new Float64Array(kmax + 1);
      for (let i = 0; i < p.n; i++) {
        const r = p.norms[i]!;
        let t = 0;
        if (r > 0) {
          for (let k = 0; k < d; k++) t += q[k]! * p.w[i * d + k]!;
          t = Math.max(-1, Math.min(1, t / r));
        }
        const c = shared ? expansion.unit : expansion.of(r, p.bias ? p.bias[i]! : 0, rMax);
        if (basis.kind === "legendre") fillGegenbauer(along, 0, kmax, d, t);
        else for (let k = 0, power = 1; k <= kmax; k++, power *= t) along[k] = power;
        for (let k = 0; k <= kmax; k++) f[k]! += a[i]! * c[k]! * along[k]!;
      }
      for (let k = 0; k <= kmax; k++) f[k]! *= net.scale;
      out.components = Array.from(f);
      out.residuals = Array.from(f, (fk, k) => fk - link[k]!);
    },
    free() {},
  };
}
