// A target that depends on P coordinates x_S, seen by the reduced-coordinate particle solver:
// the exact rule for expectations over x_S, the target at its points, E[y^2], and the basis
// functions whose coefficients E[f b] the solver reports.
//   staircase           x_S uniform on {-1,1}^K: the 2^K points; y = x1 + x1x2 + ...;
//                       basis: the staircase monomials chi_{1..k} (ABAM22's Fourier coefficients)
//   gaussianMultiIndex  x_S ~ N(0, I_P): tensor Gauss–Hermite; basis: the target's Hermite monomials
//   gaussianSingleIndex rotated so q* = e_1, P = 1: Gauss–Hermite; basis: h_0 .. h_K (K =
//                       metrics.degrees), the components of the finite-N metric of that name
// Gaussian rules are exact for polynomials of degree <= 2n - 1 per coordinate (n nodes), so the
// target's own square is exact once n exceeds its degree; E[y^2] is nonetheless taken from its
// closed form, so that a non-polynomial link's square, which no finite rule integrates exactly,
// enters the loss exactly.

import type { Config, TaskConfig } from "../../config.js";
import { parseActivation } from "../../activation/spec.js";
import { activationFunction } from "../../activation/activationFunction.js";
import { GaussianActivation } from "../../activation/gaussianMoments.js";
import { fillHermite } from "../../special/hermite.js";
import { gaussHermite } from "../../special/quadrature.js";
import { linkToActivation } from "../../activation/link.js";
import { symmetricTensorRule, type PointRule } from "./symmetricTensorRule.js";
import { pow } from "../../special/portableMath.js";

/** The target families whose dynamics reduce to a few relevant coordinates. */
export type ReducedTaskKind = "staircase" | "gaussianMultiIndex" | "gaussianSingleIndex";

/**
 * A target in its relevant coordinates, with the quadrature that computes expectations over them exactly for
 * polynomials of bounded degree.
 */
export interface ReducedTask {
  readonly kind: ReducedTaskKind;
  /** The input dimension d of the config (it enters only the initialization law). */
  readonly d: number;
  readonly rule: PointRule;
  /** y at the rule's points. */
  readonly targets: Float64Array;
  /** E[y^2], exact. */
  readonly targetSquare: number;
  /** basisNames.length x Q: the basis functions at the points. */
  readonly basis: Float64Array;
  readonly basisNames: string[];
}

/** Quadrature resolution of the reduced task; the defaults integrate the polynomial targets exactly. */
export interface ReducedTaskOptions {
  /**
   * Gauss–Hermite nodes per relevant coordinate (Gaussian input). Default: at least one more than
   * the target's degree in any coordinate, and min(128, floor(4096^(1/P))) when that is more
   * (128, 64, 16, 8 for P = 1..4). For a non-polynomial activation the rule integrates
   * sigma_r(<w_S, x_S>), which varies on the scale r / |w_S|: 128 nodes give 1e-13 down to
   * r / |w_S| = 0.4 (test/reducedParticles.test.ts), and particles that align further need more.
   */
  nodes?: number;
}

/** Points budget of the default Gaussian rule: the per-step cost is (particles x points). */
const DEFAULT_POINTS = 4096;
const MAX_DEFAULT_NODES = 128;

function gaussianRule(p: number, maxDegree: number, nodes: number | undefined): PointRule {
  const n = nodes ?? Math.max(maxDegree + 1, Math.min(MAX_DEFAULT_NODES, Math.floor(pow(DEFAULT_POINTS, 1 / p) + 1e-9)));
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`meanfield: nodes must be an integer >= 1, got ${n}`);
  const rule = gaussHermite(n);
  return symmetricTensorRule(rule.nodes, rule.weights, p);
}

function staircase(config: Extract<TaskConfig, { kind: "staircase" }>): ReducedTask {
  const p = config.degree;
  const rule = symmetricTensorRule(Float64Array.of(-1, 1), Float64Array.of(0.5, 0.5), p);
  const { q, points } = rule;
  const targets = new Float64Array(q);
  const basis = new Float64Array(p * q);
  for (let j = 0; j < q; j++) {
    let prefix = 1;
    for (let k = 0; k < p; k++) {
      prefix *= points[k * q + j]!;
      basis[k * q + j] = prefix;
      targets[j]! += prefix;
    }
  }
  const basisNames = Array.from({ length: p }, (_, k) => Array.from({ length: k + 1 }, (_, i) => `x${i + 1}`).join(""));
  return { kind: "staircase", d: config.d, rule, targets, targetSquare: p, basis, basisNames };
}

function multiIndex(config: Extract<TaskConfig, { kind: "gaussianMultiIndex" }>, options: ReducedTaskOptions): ReducedTask {
  const p = config.terms[0]!.degrees.length;
  const maxDegree = Math.max(...config.terms.flatMap((t) => t.degrees));
  const rule = gaussianRule(p, maxDegree, options.nodes);
  const { q, points } = rule;
  const hermite = new Float64Array(maxDegree + 1);
  const terms = config.terms;
  const basis = new Float64Array(terms.length * q);
  const targets = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    terms.forEach((term, t) => {
      let product = 1;
      for (let k = 0; k < p; k++) {
        fillHermite(hermite, 0, term.degrees[k]!, points[k * q + j]!);
        product *= hermite[term.degrees[k]!]!;
      }
      basis[t * q + j] = product;
      targets[j]! += term.coefficient * product;
    });
  }
  // Products of normalized Hermite polynomials are orthonormal: E[y^2] sums the squared
  // coefficient of each distinct monomial (terms may repeat one).
  const byMonomial = new Map<string, number>();
  for (const term of terms) {
    const key = term.degrees.join(",");
    byMonomial.set(key, (byMonomial.get(key) ?? 0) + term.coefficient);
  }
  const targetSquare = [...byMonomial.values()].reduce((s, c) => s + c * c, 0);
  const basisNames = terms.map((term) => {
    const factors = term.degrees.flatMap((k, i) => (k > 0 ? [`h${k}(x${i + 1})`] : []));
    return factors.length > 0 ? factors.join(" ") : "1";
  });
  return { kind: "gaussianMultiIndex", d: config.d, rule, targets, targetSquare, basis, basisNames };
}

function singleIndex(config: Extract<TaskConfig, { kind: "gaussianSingleIndex" }>, degrees: number, options: ReducedTaskOptions): ReducedTask {
  const link = parseActivation(linkToActivation(config.link, config.d), "task.link");
  const linkDegree = link.kind === "polynomial" ? link.coefficients.length - 1 : 0;
  const rule = gaussianRule(1, Math.max(linkDegree, degrees), options.nodes);
  const { q, points } = rule;
  const h = activationFunction(link, "task.link");
  const targets = points.map((x) => h.value(x));
  const basis = new Float64Array((degrees + 1) * q);
  const row = new Float64Array(degrees + 1);
  for (let j = 0; j < q; j++) {
    fillHermite(row, 0, degrees, points[j]!);
    for (let k = 0; k <= degrees; k++) basis[k * q + j] = row[k]!;
  }
  const targetSquare = new GaussianActivation(link).square(1).value;
  const basisNames = Array.from({ length: degrees + 1 }, (_, k) => `h${k}`);
  return { kind: "gaussianSingleIndex", d: config.d, rule, targets, targetSquare, basis, basisNames };
}

/** The reduced form of a config's task; throws RangeError for tasks without one. */
export function createReducedTask(config: Config, options: ReducedTaskOptions = {}): ReducedTask {
  const task = config.task;
  switch (task.kind) {
    case "staircase":
      return staircase(task);
    case "gaussianMultiIndex":
      return multiIndex(task, options);
    case "gaussianSingleIndex":
      return singleIndex(task, config.metrics.degrees, options);
    default:
      throw new RangeError(
        `meanfield: task.kind: the reduced-coordinate solver needs a target of a few coordinates (staircase, gaussianMultiIndex, gaussianSingleIndex), not ${task.kind}`,
      );
  }
}
