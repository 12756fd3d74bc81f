import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, type ConfigInput } from "../src/config.js";
import { CholeskyFactor } from "../src/kernels/cholesky.js";
import { arcCosineKernel } from "../src/activation/closedForms.js";
import { solveConjugateGradient } from "../src/kernels/conjugateGradient.js";
import { fitFeatureRidge, predictFeatures } from "../src/kernels/featureRidge.js";
import { GramOperator } from "../src/kernels/gramOperator.js";
import { hermiteDim, KernelFeatures } from "../src/kernels/kernelFeatures.js";
import { kernelBaseline, planSolver } from "../src/kernels/kernelRidge.js";
import { modelKernel } from "../src/kernels/modelKernel.js";
import { ridgeSumFractions } from "../src/kernels/targetFractions.js";
import { createTask } from "../src/tasks/createTask.js";
import { linkToActivation } from "../src/activation/link.js";
import { hermite } from "../src/special/hermite.js";
import type { WasmRuntime } from "../src/wasm/runtime.js";
import { runtimeFor } from "./helpers.js";
import { referenceCholesky, referenceCholeskySolve } from "./reference/cholesky.js";

function draw(rt: WasmRuntime, input: ConfigInput, stream: string, n: number) {
  const config = parseConfig(input);
  const task = createTask(rt, config.task, config.seed, linkToActivation(config.model.activation, config.task.d));
  const x = rt.arena.f64(n * config.task.d);
  const y = rt.arena.f64(n);
  task.sampleInto(stream, 0, x, y);
  return { config, task, x, y };
}

function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

const sphereRelu: ConfigInput = {
  seed: 3,
  task: { kind: "sphereSingleIndex", d: 10, link: { kind: "legendre", coefficients: [0, 0, 0.3, 0, 1] } },
  model: { width: 64, activation: "relu" },
  algorithm: { kind: "empiricalGd", steps: 1, stepSize: 1, samples: 100 },
};

describe("kernel ridge solvers", () => {
  it("Cholesky and preconditioned CG agree to 1e-8 on a 2000-point problem (sphere, relu NNGP, d = 10)", async () => {
    const rt = await runtimeFor("simd");
    const n = 2000;
    const { config, task, x, y } = draw(rt, sphereRelu, "train", n);
    const kernel = modelKernel(config, "nngp");
    const gram = new GramOperator(rt, kernel, x, n);
    const lambda = 1e-3 * kernel.diagonal * n;
    const factor = CholeskyFactor.inPlace(rt, gram.dense(), n, lambda);
    const b = rt.arena.f64From(y.view);
    factor.solveInPlace(b);
    const direct = b.toArray();
    const cg = solveConjugateGradient(rt, gram, y.toArray(), lambda, { tolerance: 1e-13 });
    expect(cg.converged).toBe(true);
    expect(cg.preconditionerDegree).toBe(4);
    expect(cg.relativeResidual).toBeLessThan(1e-12);
    const error = maxRelative(cg.alpha, direct);
    console.log(`CG vs Cholesky, n = 2000: ${cg.iterations} iterations, max |alpha_cg - alpha_chol| / max |alpha| = ${error.toExponential(2)}`);
    expect(error).toBeLessThan(1e-8);
    for (const a of [factor, b, gram, x, y, task]) a.free();
  }, 120_000);

  it("KRR predictions match a direct dense solve with the closed-form kernel (Gaussian relu NTK, n = 300)", async () => {
    const rt = await runtimeFor("simd");
    const input: ConfigInput = {
      task: { kind: "gaussianSingleIndex", d: 4, link: "tanh" },
      model: { width: 10, activation: "relu", init: { secondLayer: { kind: "gaussian", std: 1 } } },
      algorithm: { kind: "empiricalGd", steps: 1, stepSize: 1, samples: 300 },
    };
    const [n, m, d] = [300, 50, 4];
    const train = draw(rt, input, "train", n);
    const test = draw(rt, input, "test", m);
    const kernel = modelKernel(train.config, "ntk");
    const ntk = (xs: Float64Array, i: number, ys: Float64Array, j: number) => {
      let dot = 0;
      let a = 0;
      let b = 0;
      for (let k = 0; k < d; k++) {
        dot += xs[i * d + k]! * ys[j * d + k]!;
        a += xs[i * d + k]! ** 2;
        b += ys[j * d + k]! ** 2;
      }
      const rho = Math.max(-1, Math.min(1, dot / Math.sqrt(a * b)));
      return (Math.sqrt(a * b) / d) * (arcCosineKernel(1, rho) + rho * arcCosineKernel(0, rho));
    };
    const xs = train.x.toArray();
    const xt = test.x.toArray();
    const lambda = 1e-4 * n;
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] = ntk(xs, i, xs, j) + (i === j ? lambda : 0);
    const alpha = referenceCholeskySolve(referenceCholesky(g, n), n, train.y.toArray(), 1);
    const expected = Array.from({ length: m }, (_, s) => alpha.reduce((acc, al, j) => acc + al * ntk(xt, s, xs, j), 0));

    const gram = new GramOperator(rt, kernel, train.x, n);
    const factor = CholeskyFactor.inPlace(rt, gram.dense(), n, lambda);
    const b = rt.arena.f64From(train.y.view);
    factor.solveInPlace(b);
    const block = rt.arena.f64(m * n);
    const out = rt.arena.f64(m);
    gram.crossBlock(test.x, m, block);
    rt.exports.blockGemv(block.ptr, m, n, b.ptr, out.ptr);
    const error = maxRelative(out.view, expected);
    console.log(`KRR predictions vs direct dense solve (Gaussian relu NTK): ${error.toExponential(2)}`);
    // The Wasm Gram reads g from a 2^15-node table by cubic interpolation; relu's kernels have a
    // square-root singularity at rho = +-1, which costs O(h^1.5) = 2e-7 there (1.9e-7 measured).
    expect(error).toBeLessThan(1e-6);
    for (const a of [factor, b, block, out, gram, train.x, train.y, test.x, test.y, train.task, test.task]) a.free();
  }, 120_000);

  it("the feature solver equals dense KRR for a polynomial kernel (sphere quartic NNGP, d = 6)", async () => {
    const rt = await runtimeFor("simd");
    const input: ConfigInput = {
      task: { kind: "sphereSingleIndex", d: 6, link: { kind: "legendre", coefficients: [0, 0, 0.3, 0, 1] } },
      model: { width: 10, activation: { kind: "legendre", coefficients: [0, 0, 0.5, 0, 1] } },
      algorithm: { kind: "empiricalGd", steps: 1, stepSize: 1, samples: 400 },
      metrics: { testSamples: 500 },
    };
    const dense = await kernelBaseline(input, { method: "cholesky", ridge: 1e-5, runtime: rt });
    const features = await kernelBaseline(input, { method: "features", ridge: 1e-5, runtime: rt });
    expect(features.features).toBe(20 + 105);
    expect(features.truncationBound).toBeLessThan(1e-12);
    expect(Math.abs(features.testLoss - dense.testLoss) / dense.testLoss).toBeLessThan(1e-8);
    for (const k of [2, 4]) expect(Math.abs(features.degreeFractions![k]! - dense.degreeFractions![k]!)).toBeLessThan(1e-8);
    const auto = await kernelBaseline(input, { ridge: 1e-5, runtime: rt });
    expect(auto.method).toBe("features");
  }, 120_000);

  it("Hermite features give KRR with the rotation-averaged kernel (Gaussian cubic, d = 3, K = 3)", async () => {
    const rt = await runtimeFor("simd");
    const input: ConfigInput = {
      task: { kind: "gaussianSingleIndex", d: 3, link: "tanh" },
      model: { width: 10, activation: { kind: "hermite", coefficients: [0.2, 1, 0.5, 0.3] } },
      algorithm: { kind: "empiricalGd", steps: 1, stepSize: 1, samples: 60 },
    };
    const [n, m, d, K] = [60, 20, 3, 3];
    const train = draw(rt, input, "train", n);
    const test = draw(rt, input, "test", m);
    const kernel = modelKernel(train.config, "nngp");
    const features = new KernelFeatures(rt, kernel, K, 1);
    expect(features.p).toBe(1 + 3 + 6 + 10);
    // Reference kernel: sum_k e_k / C(d+k-1,k) sum_{|alpha| = k} H_alpha(x) H_alpha(y), alpha enumerated.
    const alphas: number[][] = [];
    for (let a0 = 0; a0 <= K; a0++) for (let a1 = 0; a0 + a1 <= K; a1++) for (let a2 = 0; a0 + a1 + a2 <= K; a2++) alphas.push([a0, a1, a2]);
    const h = (xs: Float64Array, i: number, al: number[]) => al.reduce((v, k, c) => v * hermite(k, xs[i * d + c]!), 1);
    const kern = (xs: Float64Array, i: number, ys: Float64Array, j: number) =>
      alphas.reduce((s, al) => {
        const k = al[0]! + al[1]! + al[2]!;
        return s + (kernel.degreeWeights[k]! / hermiteDim(d, k)) * h(xs, i, al) * h(ys, j, al);
      }, 0);
    const xs = train.x.toArray();
    const xt = test.x.toArray();
    const lambda = 0.05;
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] = kern(xs, i, xs, j) + (i === j ? lambda : 0);
    const alpha = referenceCholeskySolve(referenceCholesky(g, n), n, train.y.toArray(), 1);
    const expected = Array.from({ length: m }, (_, s) => alpha.reduce((acc, al, j) => acc + al * kern(xt, s, xs, j), 0));
    const beta = fitFeatureRidge(rt, features, train.x, train.y, n, lambda);
    const wb = rt.arena.f64From(beta);
    const out = rt.arena.f64(m);
    predictFeatures(rt, features, wb, test.x, m, out);
    expect(maxRelative(out.view, expected)).toBeLessThan(1e-9);
    for (const a of [features, wb, out, train.x, train.y, test.x, test.y, train.task, test.task]) a.free();
  }, 120_000);

  it("per-degree fractions of a network equal to the target are 1 (exact, sphere and Gaussian)", () => {
    const d = 5;
    const q = Float64Array.of(0.6, 0, 0.8, 0, 0);
    const cubic = { kind: "polynomial" as const, coefficients: [0.1, 0.5, -0.4, 0.7] };
    for (const law of ["sphere", "gaussian"] as const) {
      // Three neurons along q whose sum is y = sigma(<q, x>): c = 1/3 each.
      const w = new Float64Array(3 * d);
      for (let i = 0; i < 3; i++) w.set(q, i * d);
      const link = law === "sphere"
        ? ridgeSumFractions("sphere", cubic, q, Float64Array.of(1), d, q, Float64Array.of(1, 1, 1, 1))
        : ridgeSumFractions("gaussian", cubic, q, Float64Array.of(1), d, q, Float64Array.of(1, 1, 1, 1));
      // With unit "link" coefficients the fractions are the activation's own coefficients; dividing by them gives 1.
      const f = ridgeSumFractions(law, cubic, w, Float64Array.of(1 / 3, 1 / 3, 1 / 3), d, q, Float64Array.from(link, (v) => v!));
      for (const v of f) expect(Math.abs(v! - 1)).toBeLessThan(1e-12);
    }
  }, 120_000);

  it("memory: a dense solve larger than the budget is a ConfigError naming the size", () => {
    const kernel = modelKernel(parseConfig(sphereRelu), "nngp");
    expect(() => planSolver(kernel, 100_000, { method: "cholesky", memoryBytes: 2 ** 31 }, 64)).toThrow(ConfigError);
    expect(() => planSolver(kernel, 100_000, { method: "cholesky", memoryBytes: 2 ** 31 }, 64)).toThrow(
      /^n: the cholesky solver needs 74\.\d+ GiB for the dense 100000 x 100000 Gram matrix, more than the 2\.00 GiB available/,
    );
    expect(planSolver(kernel, 3000, {}, 64).method).toBe("cholesky");
    expect(planSolver(kernel, 30_000, {}, 64).method).toBe("cg");
    expect(planSolver(kernel, 500_000, {}, 64)).toMatchObject({ method: "features", degree: 4 });
  }, 120_000);
});
