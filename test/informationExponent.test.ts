// The overlap chain that runs the information-exponent experiment against the Trainer's
// d-dimensional projected online SGD step on the same samples (to rounding), the order-statistic
// interval of the median against its binomial coverage, the uniform start's moments, and the step
// search on a known landscape.

import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { medianInterval } from "../src/experiments/medianInterval.js";
import { EscapePool } from "../src/experiments/escapePool.js";
import { derivative, OverlapChain, overlapStep } from "../src/experiments/overlapChain.js";
import { escapeConfig, searchStep, type EscapeProblem, type RungRunner } from "../src/experiments/singleIndexEscape.js";
import { networkOptionsOf, TwoLayerNetwork } from "../src/model/network.js";
import { createTask } from "../src/tasks/createTask.js";
import { linkSchema, linkToActivation } from "../src/activation/link.js";
import { Trainer } from "../src/train/trainer.js";
import { referenceEscapeSteps } from "./overlapChainReference.js";
import { BUILDS, runtimeFor } from "./helpers.js";

const hermite = (k: number) => ({ kind: "hermite" as const, coefficients: [...new Array<number>(k).fill(0), 1] });
/** A rung runner from a one-run function (the search's runs, one by one). */
const rungs = (one: (eta: number, seed: number, cap: number) => number | null): RungRunner => async (eta, runs) => runs.map((r) => one(eta, r.seed, r.cap));
const monomials = (k: number) => (linkToActivation(linkSchema.parse(hermite(k)), 8) as { coefficients: number[] }).coefficients;

describe("information exponent: the overlap chain", () => {
  it("one step of the chain is the Trainer's d-dimensional step on the same sample (s = 3, d = 9, awkward odd d)", async () => {
    const rt = await runtimeFor("simd");
    const d = 9;
    const eta = 0.03;
    const seed = 7;
    const problem: EscapeProblem = { d, link: hermite(3), activation: hermite(3), outputWeight: 1, threshold: 0.5, hold: 1, trainFirstLayer: true };
    const activation = linkToActivation(linkSchema.parse(problem.activation), d);
    const probe = parseConfig(escapeConfig(problem, seed, eta, 40, [1, ...new Array<number>(d - 1).fill(0)]));
    const task = createTask(rt, probe.task, seed, activation);
    const q = Float64Array.from(task.directions);
    // w0 = m0 q + sqrt(1 - m0^2) u with u a unit vector orthogonal to q.
    const raw = rt.random.sphere(seed, "test.u", 1, d);
    const along = raw.reduce((s, v, k) => s + v * q[k]!, 0);
    const u = raw.map((v, k) => v - along * q[k]!);
    const un = Math.sqrt(u.reduce((s, v) => s + v * v, 0));
    const m0 = 0.3;
    const initial = Array.from(q, (qk, k) => m0 * qk + (Math.sqrt(1 - m0 * m0) * u[k]!) / un);
    const config = parseConfig(escapeConfig(problem, seed, eta, 40, initial));
    const net = new TwoLayerNetwork(rt, networkOptionsOf(config, activation));
    const trainer = new Trainer(config, task, net);
    const h = monomials(3);
    let worst = 0;
    try {
      for (let t = 0; t < 40; t++) {
        const w = Float64Array.from(net.w.view.subarray(0, d));
        const m = w.reduce((s, v, k) => s + v * q[k]!, 0);
        // Online SGD's sample t is values t d .. t d + d - 1 of the stream "train.batch.x".
        const x = rt.random.gaussian(seed, "train.batch.x", d, t * d);
        const zStar = x.reduce((s, v, k) => s + v * q[k]!, 0);
        const z = x.reduce((s, v, k) => s + v * w[k]!, 0);
        const xi2 = (z - m * zStar) / Math.sqrt(1 - m * m);
        const rest = x.reduce((s, v) => s + v * v, 0) - zStar * zStar - xi2 * xi2;
        const predicted = overlapStep(m, eta, h, h, derivative(h), zStar, xi2, rest);
        trainer.advance();
        const after = net.w.view.subarray(0, d).reduce((s, v, k) => s + v * q[k]!, 0);
        worst = Math.max(worst, Math.abs(after - predicted));
      }
    } finally {
      trainer.free();
      net.free();
      task.free();
    }
    expect(worst).toBeLessThan(1e-13);
  });

  it.each(BUILDS)("the Wasm escape run (overlapChainEscape, %s build) gives the TypeScript reference's step for every seed: s = 3 and 4, odd d, escapes, caps and jumps", async (build) => {
    const rt = await runtimeFor(build);
    const cases = [
      { s: 3, d: 13, eta: 2e-3, cap: 20_000, maxJump: 0.25, hold: 13 },
      { s: 4, d: 9, eta: 2e-3, cap: 5_000, maxJump: 0.25, hold: 1 },
      // Large steps: runs end in jumps (null) or escape in a few steps.
      { s: 4, d: 21, eta: 0.05, cap: 3_000, maxJump: 0.25, hold: 21 },
      // A cap shorter than most escapes: nulls from the cap.
      { s: 3, d: 37, eta: 1e-3, cap: 700, maxJump: Infinity, hold: 37 },
    ];
    const outcomes = new Set<string>();
    for (const c of cases) {
      const chain = new OverlapChain(rt, { d: c.d, link: monomials(c.s), activation: monomials(c.s), threshold: 0.5, hold: c.hold, maxJump: c.maxJump, start: "uniform", trainFirstLayer: true });
      for (let seed = 1; seed <= 8; seed++) {
        const wasm = chain.escapeSteps(seed, c.eta, c.cap);
        expect(wasm).toBe(referenceEscapeSteps(rt, chain, seed, c.eta, c.cap));
        outcomes.add(wasm === null ? "null" : "escape");
      }
    }
    expect([...outcomes].sort()).toEqual(["escape", "null"]);
  });

  it("the escape pool gives each run's steps as the chain on this thread does, on 1 and 2 threads (escapes, caps and jumps)", async () => {
    const rt = await runtimeFor("simd");
    const problem = { d: 21, link: monomials(4), activation: monomials(4), threshold: 0.5, hold: 21, maxJump: 0.25, start: "uniform" as const, trainFirstLayer: true };
    const runs = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) => [{ seed, eta: 0.05, cap: 3000 }, { seed, eta: 2e-3, cap: 20_000 }]);
    const chain = new OverlapChain(rt, problem);
    const direct = runs.map((r) => chain.escapeSteps(r.seed, r.eta, r.cap));
    expect(new Set(direct.map((v) => (v === null ? "null" : "escape")))).toEqual(new Set(["null", "escape"]));
    for (const threads of [1, 2]) {
      const pool = new EscapePool(rt, threads);
      try {
        expect(await pool.run(problem, runs)).toEqual(direct);
      } finally {
        await pool.close();
      }
    }
  });

  it("s = 1 at c = eta d = 1: the chain's median escape is near the ODE's closed form d ln((1 - m0) / (1 - 1/2))", async () => {
    // rate = c (1 - m)(1 + (1 - c) m) = 1 - m at c = 1 (test/singleIndexOde.test.ts): 64 ln(1.75) = 35.8 steps
    // from m0 = 1/8; the fluctuations at d = 64 move single runs by about a third of that.
    const rt = await runtimeFor("simd");
    const chain = new OverlapChain(rt, { d: 64, link: monomials(1), activation: monomials(1), threshold: 0.5, hold: 64, maxJump: Infinity, start: "fixed", trainFirstLayer: true });
    const steps = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((seed) => chain.escapeSteps(seed, 1 / 64, 10_000)!);
    const { median } = medianInterval(steps);
    expect(median).toBeGreaterThan(20);
    expect(median).toBeLessThan(55);
  });

  it("the uniform start has E[m0^2] = 1/d and E[m0^4] = 3/(d(d + 2)) (first coordinate on the sphere), within 4 standard errors", async () => {
    const rt = await runtimeFor("simd");
    const d = 12;
    const chain = new OverlapChain(rt, { d, link: monomials(1), activation: monomials(1), threshold: 0.5, hold: 1, maxJump: Infinity, start: "uniform", trainFirstLayer: true });
    const n = 4000;
    const m2 = Array.from({ length: n }, (_, seed) => chain.initialOverlap(seed) ** 2);
    const mean = m2.reduce((s, v) => s + v, 0) / n;
    const fourth = m2.reduce((s, v) => s + v * v, 0) / n;
    const se = Math.sqrt((fourth - mean * mean) / n);
    expect(Math.abs(mean - 1 / d)).toBeLessThan(4 * se);
    expect(Math.abs(fourth - 3 / (d * (d + 2)))).toBeLessThan(0.1 * fourth);
  });
});

describe("information exponent: median interval and step search", () => {
  it("order-statistic interval: n = 9 gives [X_(2), X_(8)] with coverage 1 - 20/512, n = 5 gives [min, max]", () => {
    const nine = medianInterval([9, 1, 8, 2, 7, 3, 6, 4, 5]);
    expect(nine).toEqual({ median: 5, lower: 2, upper: 8, coverage: 1 - 20 / 512 });
    const five = medianInterval([5, 1, 4, 2, 3]);
    expect([five.lower, five.upper, five.coverage]).toEqual([1, 5, 1 - 2 / 32]);
  });

  it("the search climbs from below to the minimum of the median and stops there", async () => {
    // Steps (1 + (j - 3)^2) * 100 at rung j, every seed escaping above rung 7 only up to the cap.
    const rungOf = (eta: number) => Math.round(2 * Math.log2(eta));
    const run = (eta: number, _seed: number, cap: number) => {
      const j = rungOf(eta);
      const steps = (1 + (j - 3) ** 2) * 100;
      return j > 7 || steps > cap ? null : steps;
    };
    const result = await searchStep(rungs(run), { seeds: [1, 2, 3], eta0: 1, start: -1, firstCap: 1e6, capFactor: 10, maxRungs: 12, patience: 1 });
    expect(result.bestRung).toBe(3);
    expect(result.best!.median).toBe(100);
    expect([...result.rungs.keys()].sort((a, b) => a - b)).toEqual([-1, 0, 1, 2, 3, 4]);
  });
  it("with patience 2 the search steps over a one-rung bump to a second, lower minimum", async () => {
    const landscape: Record<number, number> = { 0: 900, 1: 500, 2: 200, 3: 300, 4: 100, 5: 400, 6: 800 };
    const run = (eta: number) => landscape[Math.round(2 * Math.log2(eta))] ?? null;
    const options = { seeds: [1], eta0: 1, start: 0, firstCap: 1e6, capFactor: 10, maxRungs: 12 };
    expect((await searchStep(rungs(run), { ...options, patience: 1 })).bestRung).toBe(2);
    expect((await searchStep(rungs(run), { ...options, patience: 2 })).bestRung).toBe(4);
  });
  it("a rung counts when the median's 95% interval is finite: one trapped seed in 15 does not exclude it, four do", async () => {
    // 15 seeds: l = 4, so 12 escapes are needed. Rung 2 is fastest but seed 14 never escapes there;
    // rung 3 would be faster still but four seeds never escape there.
    const landscape: Record<number, number> = { 0: 900, 1: 500, 2: 100, 3: 50, 4: 800 };
    const seeds = Array.from({ length: 15 }, (_, i) => i + 1);
    const run = (eta: number, seed: number) => {
      const j = Math.round(2 * Math.log2(eta));
      if ((j === 2 && seed === 14) || (j === 3 && seed % 2 === 1 && seed >= 3 && seed <= 9)) return null;
      return landscape[j] === undefined ? null : landscape[j]! + seed;
    };
    const result = await searchStep(rungs(run), { seeds, eta0: 1, start: 0, firstCap: 1e6, capFactor: 10, maxRungs: 12, patience: 2 });
    expect(result.bestRung).toBe(2);
    expect(result.best!.escaped).toBe(14);
    expect(result.best!.steps[13]).toBe(Infinity);
    // Rung 3 (seeds 3, 5, 7, 9 trapped) stops at its fourth failure: seeds 10-15 are not run.
    expect(result.rungs.get(3)!.steps.length).toBe(9);
    expect(result.rungs.get(3)!.escaped).toBe(5);
    expect(medianInterval(result.best!.steps).upper).toBeLessThan(Infinity);
  });
});

describe("information exponent: the seed bootstrap of a steps exponent", () => {
  it("values exactly c d^p at every seed give the interval [p, p]; seeds spread by a common factor per seed leave it there (paired resampling)", async () => {
    const { bootstrapSlope } = await import("../src/experiments/seedBootstrap.js");
    const dims = [32, 45, 64, 91];
    const seedFactor = [0.3, 1, 2.5, 0.7, 9, 1.4, 0.2];
    const uniforms = Array.from({ length: 200 * seedFactor.length }, (_, i) => ((i * 0.6180339887) % 1));
    const exact = bootstrapSlope(dims.map((x) => ({ x, values: seedFactor.map(() => 5 * x ** 3) })), uniforms, 200);
    expect(exact.ci95[0]).toBeCloseTo(3, 10);
    expect(exact.ci95[1]).toBeCloseTo(3, 10);
    // The same seed is slow or fast at every d: resampling seeds together moves every median by the same factor.
    const paired = bootstrapSlope(dims.map((x) => ({ x, values: seedFactor.map((f) => f * x ** 3) })), uniforms, 200);
    expect(paired.ci95[0]).toBeCloseTo(3, 10);
    expect(paired.ci95[1]).toBeCloseTo(3, 10);
    expect(paired.leftOut).toBe(0);
  });

  it("a rung that cannot beat the best median stops once more than half its seeds have passed it", async () => {
    // Rung 0: every seed escapes at 100. Rung 1: every seed at 1000, so it is run only to 100 steps.
    const caps: number[] = [];
    const run = (eta: number, _seed: number, cap: number) => {
      const steps = Math.round(2 * Math.log2(eta)) === 0 ? 100 : 1000;
      caps.push(cap);
      return steps <= cap ? steps : null;
    };
    const result = await searchStep(rungs(run), { seeds: [1, 2, 3], eta0: 1, start: 0, firstCap: 1e6, capFactor: 10, maxRungs: 2, patience: 1 });
    expect(result.bestRung).toBe(0);
    expect(caps).toEqual([1e6, 1e6, 1e6, 100, 100, 100]);
    expect(result.rungs.get(1)!.steps).toEqual([Infinity, Infinity, Infinity]);
  });
});
