// Expectations over the sphere and the Gaussian of functions with kinks: composite
// Gauss–Legendre rules split at the kinks, in a variable where the weight is smooth (t = sin phi
// on the sphere), normalized by the same rule applied to 1 so the discretization cancels in the
// mass. The Gauss rules themselves are in quadrature.ts.

import { asin, cos, exp, log, log1p, sin } from "./portableMath.js";
import { gaussLegendre, type GaussRule } from "./quadrature.js";
import { checkInteger, checkReal } from "../argumentChecks.js";

/** Options of the composite rules behind sphereExpectation and gaussianExpectation. */
export interface ExpectationOptions {
  /**
   * Points where f (or one of its derivatives) jumps. The rule is split there, so a
   * piecewise-smooth f integrates as accurately as a smooth one; without them a kink costs
   * the rule its spectral accuracy.
   */
  kinks?: readonly number[];
  /** Panels across the whole range (default 32); each segment between kinks gets its share. */
  panels?: number;
  /** Gauss-Legendre nodes per panel (default 32). */
  order?: number;
}

const DEFAULT_PANELS = 32;
export const DEFAULT_ORDER = 32;

/**
 * Beyond |s| = REACH the Gaussian density exp(-s^2/2) is below 1e-300 of its peak; the sphere
 * weight cos^{d-2}(phi) <= exp(-(d-2) phi^2 / 2) has the same reach in s = sqrt(d-2) phi.
 */
const REACH = Math.sqrt(2 * 300 * Math.LN10);

interface PanelLayout {
  panels: number;
  order: number;
  cuts: number[];
}

function layout(fn: string, options: ExpectationOptions, toVariable: (kink: number) => number | null): PanelLayout {
  const panels = options.panels ?? DEFAULT_PANELS;
  const order = options.order ?? DEFAULT_ORDER;
  checkInteger(fn, "options.panels", panels, 1);
  checkInteger(fn, "options.order", order, 1);
  const cuts: number[] = [];
  const kinks = options.kinks ?? [];
  if (!Array.isArray(kinks)) {
    throw new RangeError(`meanfield: ${fn}: options.kinks must be an array of finite numbers`);
  }
  kinks.forEach((kink, i) => {
    checkReal(fn, `options.kinks[${i}]`, kink);
    const cut = toVariable(kink);
    if (cut !== null) cuts.push(cut);
  });
  cuts.sort((x, y) => x - y);
  return { panels, order, cuts: cuts.filter((c, i) => i === 0 || c !== cuts[i - 1]) };
}

/**
 * Composite Gauss-Legendre on [-reach, reach] split at the cuts, about `panels` panels in all
 * (at least one per segment). Calls emit(x, w) in ascending x.
 */
function composite(reach: number, plan: PanelLayout, emit: (x: number, w: number) => void): void {
  const base = gaussLegendre(plan.order);
  const bounds = [-reach, ...plan.cuts.filter((c) => Math.abs(c) < reach), reach];
  const width = (2 * reach) / plan.panels;
  for (let s = 0; s + 1 < bounds.length; s++) {
    const lo = bounds[s]!;
    const hi = bounds[s + 1]!;
    const count = Math.max(1, Math.round((hi - lo) / width));
    const half = (hi - lo) / (2 * count);
    for (let p = 0; p < count; p++) {
      const mid = lo + (2 * p + 1) * half;
      for (let j = 0; j < plan.order; j++) emit(mid + half * base.nodes[j]!, half * base.weights[j]!);
    }
  }
}

function normalized(nodes: number[], weights: number[]): GaussRule {
  let total = 0;
  for (const w of weights) total += w;
  return { nodes: Float64Array.from(nodes), weights: Float64Array.from(weights, (w) => w / total) };
}

/** log cos(phi) for |phi| <= pi/2, accurate relative to phi^2 near 0 (where cos^{d-2} matters for large d). */
function logCos(phi: number): number {
  if (Math.abs(phi) > Math.PI / 3) return log(cos(phi));
  const h = sin(phi / 2);
  return log1p(-2 * h * h);
}

/**
 * Nodes t (ascending, in [-1, 1]) and weights (sum 1) with sum_i w_i f(t_i) ~ E[f(u_1)] for u
 * uniform on S^{d-1}, whose first coordinate has density proportional to (1-t^2)^{(d-3)/2}.
 * With t = sin(phi) the weight becomes cos^{d-2}(phi) dphi, smooth for every d >= 2 (no
 * endpoint singularity at d = 2, 3); |phi| is cut at min(pi/2, 37.2/sqrt(d-2)) where the weight
 * falls below 1e-300, the range is split at phi = asin(kink), and the normalization is the same
 * rule applied to 1 so it carries the same discretization.
 */
export function sphereRule(d: number, options: ExpectationOptions = {}, fn = "sphereRule"): GaussRule {
  checkInteger(fn, "d", d, 2);
  const m = d - 2;
  const plan = layout(fn, options, (kink) => (Math.abs(kink) < 1 ? asin(kink) : null));
  const reach = m === 0 ? Math.PI / 2 : Math.min(Math.PI / 2, REACH / Math.sqrt(m));
  const nodes: number[] = [];
  const weights: number[] = [];
  composite(reach, plan, (phi, w) => {
    nodes.push(sin(phi));
    weights.push(m === 0 ? w : w * exp(m * logCos(phi)));
  });
  return normalized(nodes, weights);
}

/**
 * Nodes z (ascending) and weights (sum 1) with sum_i w_i f(z_i) ~ E[f(z)], z ~ N(0,1):
 * composite Gauss-Legendre on [-37.2, 37.2] (the density is below 1e-300 of its peak
 * beyond), split at the kinks, normalized by the same rule applied to 1.
 */
export function gaussianRule(options: ExpectationOptions = {}, fn = "gaussianRule"): GaussRule {
  const plan = layout(fn, options, (kink) => kink);
  const nodes: number[] = [];
  const weights: number[] = [];
  composite(REACH, plan, (z, w) => {
    nodes.push(z);
    weights.push(w * exp(-0.5 * z * z));
  });
  return normalized(nodes, weights);
}

function checkFunction(fn: string, f: unknown): void {
  if (typeof f !== "function") throw new RangeError(`meanfield: ${fn}: f must be a function (t: number) => number`);
}

/**
 * E[f(u_1)] for u uniform on S^{d-1} (see sphereRule for the method). For f smooth on each
 * piece between the given kinks, the default 32 panels x 32 nodes are accurate to a few ulps
 * of E|f| for integrands up to degree ~60 (e.g. P_{k,d} P_{l,d}, k, l <= 30: 4e-15) at any d in
 * 2 .. 1e5 (test/quadrature.test.ts, test/gegenbauer.test.ts); raise `order` for rougher or
 * higher-degree f.
 */
export function sphereExpectation(f: (t: number) => number, d: number, options: ExpectationOptions = {}): number {
  checkFunction("sphereExpectation", f);
  const rule = sphereRule(d, options, "sphereExpectation");
  let sum = 0;
  for (let i = 0; i < rule.nodes.length; i++) sum += rule.weights[i]! * f(rule.nodes[i]!);
  return sum;
}

/**
 * E[f(z)] for z ~ N(0,1) (see gaussianRule for the method); accurate to a few ulps of E|f| for
 * f piecewise smooth between the given kinks at the default resolution (h_k h_l, k, l <= 40:
 * 1.3e-15).
 */
export function gaussianExpectation(f: (z: number) => number, options: ExpectationOptions = {}): number {
  checkFunction("gaussianExpectation", f);
  const rule = gaussianRule(options, "gaussianExpectation");
  let sum = 0;
  for (let i = 0; i < rule.nodes.length; i++) sum += rule.weights[i]! * f(rule.nodes[i]!);
  return sum;
}
