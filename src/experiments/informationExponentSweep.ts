// The measurement behind the information-exponent experiment, per information exponent s: the
// step search at each d, the power law fitted through the searched steps, and the escape steps
// measured on other seeds at that line's step, with the single-index ODE at the same steps
// (Ben Arous, Gheissari, Jagannath 2021, arXiv 2003.10409).
//
// Why a line and not each d's own best rung: near the optimum the median escape time is flat
// within a factor 1.5 over a factor 4 in step size, so the rung with the lowest median of a few
// search seeds wanders by up to 8x between neighbouring d, and the medians measured there move
// with it by up to 1.5x, which a fit over a factor 2-3 in d turns into +-0.5 in the exponent. The
// line's power is fitted, not imposed (BAGJ's -max(1, s/2) is what it is compared with).

import { SingleIndexOde } from "../ode/singleIndexOde.js";
import { exp, integerPower, log } from "../special/portableMath.js";
import { linkSchema, linkToActivation, type LinkSpec } from "../activation/link.js";
import type { ExperimentContext, FittedExponent } from "./experiment.js";
import type { EscapePool } from "./escapePool.js";
import { medianInterval, type MedianInterval } from "./medianInterval.js";
import type { OverlapChainProblem } from "./overlapChain.js";
import { fitPowerLaw } from "./powerLaw.js";
import { searchStep } from "./singleIndexEscape.js";

/** An information exponent the experiment runs. */
export type Degree = 1 | 2 | 3 | 4;
export const DEGREES: Degree[] = [1, 2, 3, 4];

/** The sizes of one scale. */
export interface Sizes {
  /** Seeds that choose the step at each d. */
  searchSeeds: number;
  /** Seeds that measure the steps to escape at the chosen step, per information exponent s. */
  seeds: Record<Degree, number>;
  /** The dimensions per information exponent s. */
  dims: Record<Degree, number[]>;
  /** The rung the search starts on at the first d of each s (later d: two rungs below the previous best). */
  firstRung: Record<Degree, number>;
  /** Steps a run may take before any rung of a d has escaped. */
  budget: Record<Degree, number>;
}

/** One (s, d) of the sweep. */
export interface Point {
  s: Degree;
  d: number;
  /** The chain's problem, with the Hermite specs of its link and activation (the rerun config's). */
  problem: OverlapChainProblem;
  link: LinkSpec;
  /** The searched step (the best rung of the search seeds) and its median there. */
  searchedEta: number;
  searchedMedian: number;
  /** The step measured at (the fitted line's at d), the run cap, and the SGD median escape steps there with its 95% interval. */
  eta: number;
  cap: number;
  median: number;
  lower: number;
  upper: number;
  /** The ODE's escape steps at the measured step (Infinity where the ODE's retraction traps m). */
  odeAtBest: number;
  /** The ODE's best step on the ladder, its escape steps, and SGD's median there with its interval (s <= 3, measurement seeds, non-escapes as +infinity). */
  odeEta: number;
  odeSteps: number;
  sgdAtOde: MedianInterval | null;
  /** Steps per measurement seed at the measured step (+Infinity: no escape), the seed bootstrap's input. */
  measured: number[];
}

/** Runs are cut at this multiple of the best median so far (searchStep's capFactor), and the measurement's at this multiple of the search's median. */
export const CAP_FACTOR = 10;

/** Rungs of the ladder eta_j = 2^{j/2} on which the ODE's best step is looked for. */
const ODE_RUNGS = { lowest: -70, highest: 0 };

/** The ODE's fewest escape steps over the ladder: from the top down, until past a finite minimum. */
function bestOdeRung(stepsAt: (eta: number) => number): { eta: number; steps: number } {
  let best = { eta: Number.NaN, steps: Infinity };
  for (let j = ODE_RUNGS.highest; j >= ODE_RUNGS.lowest; j--) {
    const eta = exp((j * log(2)) / 2);
    const steps = stepsAt(eta);
    if (steps < best.steps) best = { eta, steps };
    else if (Number.isFinite(best.steps)) break;
  }
  return best;
}

/** The seeds that choose the step and the others that measure the steps to escape there. */
export interface Seeds {
  search: number[];
  measure: number[];
}

/** Normalized-Hermite coefficients of h_k. */
export const hermite = (k: number): LinkSpec => ({ kind: "hermite" as const, coefficients: [...new Array<number>(k).fill(0), 1] });

/** The Hermite degree of the link run for s: s, or s - 1 for the broken variant that mislabels it. */
export const linkDegree = (ctx: ExperimentContext, s: Degree) => (ctx.variant === "mislabelled-link" ? s - 1 : s);

/** The chain's problem at d: h_k as monomials (link.ts), overlap 1/2 held for d steps, jumps over 1/4 dropped, m0 = 1/sqrt(d). */
export function chainProblem(link: LinkSpec, d: number, trainFirstLayer: boolean): OverlapChainProblem {
  const poly = linkToActivation(linkSchema.parse(link), d) as { kind: "polynomial"; coefficients: number[] };
  return {
    d,
    link: poly.coefficients,
    activation: poly.coefficients,
    threshold: 0.5,
    hold: d,
    // No single step may cover half the way to the threshold (OverlapChainProblem.maxJump).
    maxJump: 0.25,
    start: "fixed",
    trainFirstLayer,
  };
}

interface Searched {
  d: number;
  problem: OverlapChainProblem;
  eta: number;
  median: number;
}

/** The search at every d of s on the search seeds (rungs saved as tables), in order of d. */
async function searchDegree(ctx: ExperimentContext, size: Sizes, s: Degree, seeds: number[], pool: EscapePool): Promise<Searched[]> {
  const searched: Searched[] = [];
  let start = size.firstRung[s];
  let previous: { d: number; median: number } | null = null;
  for (const d of size.dims[s]) {
    const problem = chainProblem(hermite(linkDegree(ctx, s)), d, ctx.variant !== "frozen-first-layer");
    // The first cap only bounds the cost of rungs that trap every seed: 20 times the previous median
    // times (d / d_prev)^3 (10 times the new median even if steps grew like d^5), within the scale's budget.
    const firstCap = previous ? Math.min(size.budget[s], Math.ceil(20 * previous.median * integerPower(d / previous.d, 3))) : size.budget[s];
    const search = await searchStep((eta, runs) => pool.run(problem, runs.map((r) => ({ seed: r.seed, eta, cap: r.cap }))), {
      seeds,
      eta0: 1,
      start,
      firstCap,
      capFactor: CAP_FACTOR,
      maxRungs: 14,
      patience: 2,
    });
    ctx.saveTable(
      `rungs-s${s}-d${d}`,
      [...search.rungs].map(([j, r]) => ({ rung: j, eta: r.eta, escaped: r.escaped, median: r.median, steps: r.steps.join(" ") })),
    );
    if (!search.best) {
      ctx.log(`s = ${s}, d = ${d}: no step on the ladder escaped`);
      continue;
    }
    searched.push({ d, problem, eta: search.best.eta, median: search.best.median });
    // The next d starts two rungs (a factor 2 in eta) below this best step and climbs while the
    // median improves: from below, the search meets the drift-limited optimum before the large steps
    // at which w jumps towards a sample direction (overlap z*/sqrt(d), O(1) at small d).
    start = search.bestRung - 2;
    previous = { d, median: search.best.median };
  }
  return searched;
}

/**
 * Searches the best step at each d of one s on the search seeds, fits a power law through the
 * searched steps (its exponent is returned: the step's measured power of d), then measures the
 * median steps at the line's step on the measurement seeds (fresh ones: the lowest of several
 * noisy medians is biased low, a median on seeds that did not choose the step is not), and the ODE's.
 */
export async function sweepDegree(ctx: ExperimentContext, size: Sizes, s: Degree, seeds: Seeds, pool: EscapePool): Promise<{ points: Point[]; stepExponent: FittedExponent | null }> {
  const searched = await searchDegree(ctx, size, s, seeds.search, pool);
  const line = searched.length >= 3 ? fitPowerLaw(searched.map((p) => p.d), searched.map((p) => p.eta)) : null;
  const link = hermite(linkDegree(ctx, s));
  const points: Point[] = [];
  for (const p of searched) {
    const { d, problem } = p;
    const eta = line ? line.prefactor * exp(line.exponent.value * log(d)) : p.eta;
    // Non-escapes (cap: CAP_FACTOR times the search's median, or a jump) count as +infinity.
    const cap = Math.ceil(CAP_FACTOR * p.median);
    const measured = (await pool.run(problem, seeds.measure.map((seed) => ({ seed, eta, cap })))).map((t) => t ?? Infinity);
    const interval = medianInterval(measured);
    if (!Number.isFinite(interval.median)) {
      ctx.log(`s = ${s}, d = ${d}: half the measurement seeds did not escape at eta = ${eta.toPrecision(3)}`);
      continue;
    }
    const poly = { kind: "polynomial" as const, coefficients: [...problem.link] };
    const withRetraction = ctx.variant !== "ode-without-retraction";
    const odeAt = (c: number) => d * new SingleIndexOde({ link: poly, activation: poly, c: c * d, retraction: withRetraction }).escapeTime(1 / Math.sqrt(d), 0.5);
    // The ODE's own best step on the same ladder, and SGD at that step: the same step on both sides.
    const odeBest = bestOdeRung(odeAt);
    let sgdAtOde: MedianInterval | null = null;
    if (s <= 3 && Number.isFinite(odeBest.steps)) {
      const odeCap = Math.max(1000, Math.ceil(20 * odeBest.steps));
      const runs = await pool.run(problem, seeds.measure.map((seed) => ({ seed, eta: odeBest.eta, cap: odeCap })));
      sgdAtOde = medianInterval(runs.map((t) => t ?? Infinity));
    }
    points.push({
      s, d, problem, link, searchedEta: p.eta, searchedMedian: p.median, eta, cap,
      median: interval.median, lower: interval.lower, upper: interval.upper,
      odeAtBest: odeAt(eta), odeEta: odeBest.eta, odeSteps: odeBest.steps, sgdAtOde, measured,
    });
    ctx.log(
      `s = ${s}, d = ${d}: searched eta ${p.eta.toPrecision(3)} (median ${p.median}), line's eta ${eta.toPrecision(3)}: median ${interval.median} steps [${interval.lower}, ${interval.upper}]; ` +
        `ODE best eta ${odeBest.eta.toPrecision(3)}: ${odeBest.steps.toPrecision(4)} steps, SGD there ${sgdAtOde ? `${sgdAtOde.median} [${sgdAtOde.lower}, ${sgdAtOde.upper}]` : "-"}`,
    );
  }
  return { points, stepExponent: line?.exponent ?? null };
}
