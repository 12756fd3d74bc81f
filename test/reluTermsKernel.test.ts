// The relu committee ODE's Wasm kernels (assembly/reluCommitteeTerms.ts, assembly/collinearOrthant.ts
// through src/wasm/reluTermsKernel.ts) against their TypeScript references (ReluCommitteeTerms of
// src/ode/reluCommitteeTerms.ts with the orthant memo, collinearOrthant4 of src/ode/collinearOrthant.ts),
// on both builds: the rotation-path orthant on pairs at correlation 1 - 10^-k (k = 1..14), near -1,
// with a second collinear pair, with double-double low parts, and on covariances it declines; the
// terms on random and nearly converged committees of odd sizes (K = 1 .. 4, M = 1 .. 5), with
// students at correlation 1 - 10^-k with their teachers (k up to 16: merged fields), near -1, and
// with a vanishing student. The kernels repeat the references' operations in their order with the
// same atan and asin (assembly/portableArc.ts), so the agreement asked for is exact. Then the
// K = M = 4 trajectory of `npm run bench:ode` to t = 400 on both paths.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { collinearOrthant4 } from "../src/ode/collinearOrthant.js";
import { ReluCommitteeTerms } from "../src/ode/reluCommitteeTerms.js";
import { SymmetricMemo4 } from "../src/ode/orthantMemo.js";
import { ReluIntegrals } from "../src/ode/reluIntegrals.js";
import { CommitteeOde, flatten, parameterViews } from "../src/ode/committeeOde.js";
import { integrate } from "../src/ode/dormandPrince.js";
import { odeSetup } from "../src/ode/solveOde.js";
import { PlackettKernel } from "../src/wasm/plackettKernel.js";
import { ReluTermsKernel } from "../src/wasm/reluTermsKernel.js";
import { BUILDS, runtimeFor, testRandom } from "./helpers.js";

const rows = (JSON.parse(readFileSync(new URL("./fixtures/reluCollinear.json", import.meta.url), "utf8")) as { rows: { covariance: number[][] }[] }).rows;
const zeros = new Float64Array(16);

/** Whether two results have the same bits (NaN, the kernel declining, counts as equal to NaN). */
function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** 4 x 4 covariances for the rotation path: collinear pairs, anticorrelated, declined, double-double. */
function orthantCases(): { name: string; hi: Float64Array; lo: Float64Array }[] {
  const rand = testRandom(41);
  const cases: { name: string; hi: Float64Array; lo: Float64Array }[] = [];
  rows.forEach((row, k) => {
    const c = Float64Array.from(row.covariance.flat());
    cases.push({ name: `pairs at 1 - 1e-${k + 1}`, hi: c, lo: zeros });
    const flipped = c.map((v, i) => ((i >> 2 === 3) !== (i % 4 === 3) ? -v : v));
    cases.push({ name: `anticorrelated 1 - 1e-${k + 1}`, hi: flipped, lo: zeros });
    const lo = new Float64Array(16);
    for (let i = 0; i < 4; i++) for (let j = i; j < 4; j++) lo[i * 4 + j] = lo[j * 4 + i] = c[i * 4 + j]! * 1e-17 * (2 * rand() - 1);
    cases.push({ name: `double-double 1 - 1e-${k + 1}`, hi: c, lo });
  });
  for (let n = 0; n < 60; n++) {
    // One direction shared by x0 and x1 up to ε (1 - ρ ~ ε²), random variances and other fields.
    const eps = 10 ** (-8 * rand());
    const v = Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => 2 * rand() - 1));
    v[1] = v[0]!.map((x) => (rand() < 0.3 ? -1 : 1) * x * (0.5 + rand()) + eps * (2 * rand() - 1));
    const c = new Float64Array(16);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) c[i * 4 + j] = v[i]!.reduce((s, x, q) => s + x * v[j]![q]!, 0);
    cases.push({ name: `random pair at ε = ${eps.toExponential(1)}`, hi: c, lo: zeros });
  }
  return cases;
}

/** F x F covariance of K students and M teachers (students near teachers by `eps`), and Δ's weights. */
function committee(rand: () => number, k: number, m: number, eps: number, flip: boolean): { cov: Float64Array; weights: Float64Array } {
  const d = k + m + 2;
  const teachers = Array.from({ length: m }, (_, n) => Array.from({ length: d }, (_, j) => (j === n ? 1 : 0) + 0.3 * (2 * rand() - 1)));
  const students = Array.from({ length: k }, (_, a) => teachers[a % m]!.map((x) => (flip && a === 0 ? -x : x) * (eps === 0 ? 1 : 1 + eps * (2 * rand() - 1)) + eps * (2 * rand() - 1)));
  const vecs = [...students, ...teachers];
  const f = k + m;
  const cov = new Float64Array(f * f);
  for (let i = 0; i < f; i++) for (let j = 0; j < f; j++) cov[i * f + j] = vecs[i]!.reduce((s, x, q) => s + x * vecs[j]![q]!, 0);
  const weights = Float64Array.from({ length: f }, (_, i) => (i < k ? -(0.5 + rand()) : 0.5 + rand()));
  return { cov, weights };
}

describe.each(BUILDS)("relu committee kernels (%s build)", (build) => {
  it("rotation-path orthant: the same bits as collinearOrthant4, NaN where it declines", async () => {
    const kernel = new ReluTermsKernel(await runtimeFor(build));
    let differing = 0;
    let accepted = 0;
    let where = "";
    for (const { name, hi, lo } of orthantCases()) {
      const wasm = kernel.collinearOrthant4(hi, lo);
      const reference = collinearOrthant4(hi, lo);
      if (!same(wasm, reference)) [differing, where] = [differing + 1, name];
      if (!Number.isNaN(reference)) accepted++;
    }
    const declined = Float64Array.from([1, 0.2, 0.1, 0, 0.2, 1, 0.3, 0.1, 0.1, 0.3, 1, 0.2, 0, 0.1, 0.2, 1]);
    expect(Number.isNaN(kernel.collinearOrthant4(declined, zeros))).toBe(true);
    console.log(`rotation path (${build}): ${differing} of ${orthantCases().length} differ from the reference${where ? ` (${where})` : ""}, ${accepted} taken by the path`);
    expect(accepted).toBeGreaterThan(60);
    expect(differing).toBe(0);
  });

  it("drift and square terms: the same bits as ReluCommitteeTerms", async () => {
    const runtime = await runtimeFor(build);
    const kernel = new ReluTermsKernel(runtime);
    const plackett = new PlackettKernel(runtime);
    // The reference path of the TypeScript ODE before the kernel: the memo, then the rotation path or Plackett.
    const memo = new SymmetricMemo4((c) => {
      const p = collinearOrthant4(c, zeros);
      return Number.isNaN(p) ? plackett.orthant4(c, zeros) : p;
    });
    const reference = new ReluCommitteeTerms((c) => memo.get(c));
    const rand = testRandom(17);
    let cases = 0;
    let worst = 0;
    for (const [k, m] of [[1, 1], [1, 2], [2, 1], [3, 2], [2, 5], [4, 3], [4, 4], [3, 5]] as const) {
      for (const eps of [1, 0.3, 1e-1, 1e-3, 1e-5, 1e-7, 1e-9, 0]) {
        for (const flip of [false, true]) {
          const { cov, weights } = committee(rand, k, m, eps, flip);
          const f = k + m;
          if (eps === 1e-3 && !flip) for (let i = 0; i < f; i++) cov[i * f + (k - 1)] = cov[(k - 1) * f + i] = 0; // a vanishing student
          const drift = [new Float64Array(k * f), new Float64Array(k * f)];
          const square = [new Float64Array(k * k), new Float64Array(k * k)];
          reference.compute(cov, f, k, weights, drift[0]!, square[0]!);
          kernel.compute(cov, f, k, weights, drift[1]!, square[1]!);
          drift[0]!.forEach((v, i) => (worst = Math.max(worst, same(v, drift[1]![i]!) ? 0 : Math.abs(v - drift[1]![i]!) || Infinity)));
          square[0]!.forEach((v, i) => (worst = Math.max(worst, same(v, square[1]![i]!) ? 0 : Math.abs(v - square[1]![i]!) || Infinity)));
          cases++;
        }
      }
    }
    console.log(`relu terms kernel (${build}) vs ReluCommitteeTerms: ${cases} committees, max difference ${worst}`);
    expect(worst).toBe(0);
  });
});

/** Overlaps of the K = M = 4 relu committee (seed 2, d = 1000, η = 0.5, batch 1) at t = 400 with the given integrals. */
async function trajectory(integrals: (runtime: Awaited<ReturnType<typeof runtimeFor>>) => ReluIntegrals): Promise<{ y: Float64Array; evaluations: number }> {
  const runtime = await runtimeFor("simd");
  const config = {
    name: "committee-relu-k4",
    seed: 2,
    task: { kind: "teacherNetwork" as const, d: 1000, width: 4, activation: "relu" as const },
    model: { width: 4, activation: "relu" as const, scaling: "committee" as const, train: "first" as const, init: { firstLayer: { kind: "gaussian" as const, kappa: 0.1 }, secondLayer: { kind: "constant" as const, value: 1 } } },
    algorithm: { kind: "onlineSgd" as const, batch: 1, steps: 400_000, stepSize: 2 / 1000 },
  };
  const setup = await odeSetup(config, { runtime });
  const ode = new CommitteeOde({ ...setup.ode.spec, integrals: integrals(runtime) });
  const { k, m } = ode.spec;
  const y = flatten(setup.initial);
  const state = { h: 1e-3 / ode.spec.learningRate, rejected: 0 };
  let evaluations = 0;
  for (let t = 50; t <= 400; t += 50) evaluations += integrate((s, out) => ode.derivative(parameterViews(s, k, m), parameterViews(out, k, m)), y, t - 50, t, { rtol: 1e-9, atol: 1e-12 }, state);
  return { y, evaluations };
}

describe("the K = M = 4 relu trajectory with the terms kernel", () => {
  it("has the bits of the TypeScript terms to t = 400", async () => {
    const wasm = await trajectory((runtime) => {
      const kernel = new ReluTermsKernel(runtime);
      return new ReluIntegrals({ committeeTerms: (cov, f, k, weights, drift, square) => kernel.compute(cov, f, k, weights, drift, square) });
    });
    const typescript = await trajectory((runtime) => {
      const plackett = new PlackettKernel(runtime);
      const orthant4 = (hi: Float64Array, lo: Float64Array) => {
        const p = collinearOrthant4(hi, lo);
        return Number.isNaN(p) ? plackett.orthant4(hi, lo) : p;
      };
      return new ReluIntegrals({ orthant4, shared: true });
    });
    const gap = Math.max(...wasm.y.map((v, i) => Math.abs(v - typescript.y[i]!)));
    console.log(`K = M = 4 relu to t = 400: ${wasm.evaluations} vs ${typescript.evaluations} right-hand sides, max |Δ overlap| ${gap}`);
    expect(wasm.evaluations).toBe(typescript.evaluations);
    expect(gap).toBe(0);
  }, 120_000);
});
