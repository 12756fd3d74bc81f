// The Wasm kernel of the 4-variate orthant probability (assembly/plackettOrthant.ts) against its
// TypeScript reference (plackettOrthant4 of src/ode/gaussianOrthant.ts: the same minors, rules and
// adaptive bisection; only the last bits of exp, log and atan differ), on random covariances and on
// the awkward ones: a pair at correlation 1 - 10^-k (k = 1..14, and a second pair collinear beside
// it), correlations near -1, a near-singular matrix (det ~ 1e-12 in two directions), double-double
// low parts as the conditional covariances carry them. Then P4 against 30-digit references on
// well-conditioned covariances (the fast path: plain-double minors, 12- and 16-node rules), the
// relu averages with the kernel against the 30-digit references, and a K = M = 2 relu trajectory
// against the reference path.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { plackettOrthant4 } from "../src/ode/gaussianOrthant.js";
import { ReluIntegrals } from "../src/ode/reluIntegrals.js";
import { PlackettKernel } from "../src/wasm/plackettKernel.js";
import { odeSetup } from "../src/ode/solveOde.js";
import { CommitteeOde, flatten, parameterViews } from "../src/ode/committeeOde.js";
import { integrate } from "../src/ode/dormandPrince.js";
import { BUILDS, runtimeFor, testRandom } from "./helpers.js";

const rows = (JSON.parse(readFileSync(new URL("./fixtures/reluCollinear.json", import.meta.url), "utf8")) as { rows: { covariance: number[][]; p4: number }[] }).rows;

/** A 4 x 4 covariance A A^T / 6 + diag(jitter), A 4 x 6 with N(0, 1)-like entries, random variances. */
function randomCovariance(rand: () => number, jitter: number): Float64Array {
  const a = Array.from({ length: 24 }, () => 2 * rand() - 1 + (2 * rand() - 1));
  const scale = Array.from({ length: 4 }, () => 0.2 + 3 * rand());
  const c = new Float64Array(16);
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      let v = 0;
      for (let q = 0; q < 6; q++) v += a[i * 6 + q]! * a[j * 6 + q]!;
      c[i * 4 + j] = (scale[i]! * scale[j]! * v) / 6 + (i === j ? jitter : 0);
    }
  }
  return c;
}

/** Variables x = L z, z ~ N(0, I) in 2 dimensions plus ε times 2 more: two near-collinear directions. */
function nearSingular(rand: () => number, eps: number): Float64Array {
  const l = Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 2 * rand() - 1 : eps * (2 * rand() - 1)));
  const c = new Float64Array(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let q = 0; q < 4; q++) c[i * 4 + j]! += l[i * 4 + q]! * l[j * 4 + q]!;
  return c;
}

/** The awkward covariances, each with the low parts it is evaluated with. */
function awkwardCases(): { name: string; hi: Float64Array; lo: Float64Array }[] {
  const rand = testRandom(22);
  const zeros = new Float64Array(16);
  const cases: { name: string; hi: Float64Array; lo: Float64Array }[] = [];
  for (let n = 0; n < 40; n++) cases.push({ name: `random ${n}`, hi: randomCovariance(rand, 0.05), lo: zeros });
  rows.forEach((row, k) => {
    const c = Float64Array.from(row.covariance.flat());
    cases.push({ name: `collinear pair 1 - 1e-${k + 1}`, hi: c, lo: zeros });
    // The second pair's sign flipped: correlations near -1.
    const flipped = c.map((v, i) => ((i >> 2 === 3) !== (i % 4 === 3) ? -v : v));
    cases.push({ name: `anticorrelated pair 1 - 1e-${k + 1}`, hi: flipped, lo: zeros });
  });
  for (const eps of [1e-2, 1e-4, 1e-6]) cases.push({ name: `two small directions ${eps}`, hi: nearSingular(rand, eps), lo: zeros });
  for (let n = 0; n < 10; n++) {
    const hi = randomCovariance(rand, 0.05);
    const lo = new Float64Array(16);
    for (let i = 0; i < 4; i++) for (let j = i; j < 4; j++) lo[i * 4 + j] = lo[j * 4 + i] = hi[i * 4 + j]! * 1e-17 * (2 * rand() - 1);
    cases.push({ name: `double-double ${n}`, hi, lo });
  }
  return cases;
}

describe.each(BUILDS)("Plackett orthant kernel (%s build)", (build) => {
  it("agrees with the TypeScript reference on random and awkward covariances", async () => {
    const kernel = new PlackettKernel(await runtimeFor(build));
    let worst = 0;
    let where = "";
    for (const { name, hi, lo } of awkwardCases()) {
      const e = Math.abs(kernel.orthant4(hi, lo) - plackettOrthant4(hi, lo));
      if (e > worst) [worst, where] = [e, name];
    }
    console.log(`Plackett kernel (${build}) vs reference: max difference ${worst.toExponential(1)} (${where})`);
    // Measured: 2.8e-17 (the last bits of atan and exp; values 0.003-0.25).
    expect(worst).toBeLessThan(2e-16);
  });

  it("gives the relu averages to the 30-digit references near collinearity", async () => {
    const kernel = new PlackettKernel(await runtimeFor(build));
    const relu = new ReluIntegrals({ orthant4: (hi, lo) => kernel.orthant4(hi, lo) });
    let worst = 0;
    for (const row of rows) {
      const c4 = Float64Array.from(row.covariance.flat());
      worst = Math.max(worst, Math.abs(kernel.orthant4(c4, new Float64Array(16)) - row.p4), Math.abs(relu.i4(c4) - new ReluIntegrals().i4(c4)));
    }
    console.log(`Plackett kernel (${build}): P4 and I4 vs 30-digit references / reference I4, k = 1..14: ${worst.toExponential(1)}`);
    expect(worst).toBeLessThan(5e-16);
  });
});

const wellConditioned = (JSON.parse(readFileSync(new URL("./fixtures/plackettWellConditioned.json", import.meta.url), "utf8")) as { rows: { covariance: number[][]; sigma2: number; p4: number }[] }).rows;

describe("the fast path of Plackett's integral (plain-double minors, 12- and 16-node rules)", () => {
  it("agrees with 30-digit mpmath on well-conditioned covariances, in TypeScript and Wasm", async () => {
    const kernel = new PlackettKernel(await runtimeFor("simd"));
    const zeros = new Float64Array(16);
    let worst = 0;
    let where = 0;
    for (const row of wellConditioned) {
      const c = Float64Array.from(row.covariance.flat());
      const e = Math.max(Math.abs(plackettOrthant4(c, zeros) - row.p4), Math.abs(kernel.orthant4(c, zeros) - row.p4));
      if (e > worst) [worst, where] = [e, row.sigma2];
    }
    console.log(`Plackett P4 vs 30-digit mpmath, σ² = 0.03 ... 0.86 (24 covariances): max error ${worst.toExponential(1)} (σ² = ${where.toFixed(3)})`);
    // Measured: 5.6e-17 (a few ulps of values 0.003-0.2), on both sides of σ² = 0.05.
    expect(worst).toBeLessThan(2e-16);
  });
});

describe("the K = M = 2 relu trajectory with the kernel", () => {
  it("follows the TypeScript reference path to t = 220", async () => {
    const runtime = await runtimeFor("simd");
    const config = JSON.parse(readFileSync(new URL("../examples/committee-relu-ode.json", import.meta.url), "utf8"));
    const setup = await odeSetup(config, { runtime });
    const kernel = new PlackettKernel(runtime);
    const run = (relu: ReluIntegrals) => {
      const ode = new CommitteeOde({ ...setup.ode.spec, integrals: relu });
      const { k, m } = ode.spec;
      const y = flatten(setup.initial);
      integrate((s, out) => ode.derivative(parameterViews(s, k, m), parameterViews(out, k, m)), y, 0, 220, { rtol: 1e-9, atol: 1e-12 }, { h: 1e-3 });
      return { y, loss: ode.loss(parameterViews(y, k, m)) };
    };
    const wasm = run(new ReluIntegrals({ orthant4: (hi, lo) => kernel.orthant4(hi, lo) }));
    const reference = run(new ReluIntegrals());
    const gap = Math.max(...wasm.y.map((v, i) => Math.abs(v - reference.y[i]!)));
    console.log(`K = M = 2 relu to t = 220: max |Δ overlap| ${gap.toExponential(1)}, loss ${wasm.loss.toExponential(3)} vs ${reference.loss.toExponential(3)}`);
    expect(gap).toBeLessThan(1e-11);
    expect(Math.abs(wasm.loss - reference.loss)).toBeLessThan(1e-2 * reference.loss);
  }, 60_000);
});
