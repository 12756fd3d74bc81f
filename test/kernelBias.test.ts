// The kernel baselines with a bias (kernel.bias = beta), as `meanfield kernel` fits them, against
// independent truths: the Wasm Gram kernels on the bias-augmented points against the closed-form
// arc-cosine kernels of reluBiasGram (itself tested against Monte Carlo in reluBiasKernels.test.ts)
// on awkward shapes; the degree energies of the Hermite features against the same closed form with
// their truncation tail as the bound; the whole route (label noise, ridge chosen on held-out
// samples, refit, test loss) against plain loops with a plain Cholesky; and the one-line errors.

import { describe, expect, it } from "vitest";
import { parseConfig, type ConfigInput } from "../src/config.js";
import { GramOperator } from "../src/kernels/gramOperator.js";
import { kernelBaseline } from "../src/kernels/kernelRidge.js";
import { modelKernel, SERIES_DEGREE } from "../src/kernels/modelKernel.js";
import { reluBiasDegreeWeights, reluBiasGram } from "../src/kernels/reluBiasKernels.js";
import { createTask } from "../src/tasks/createTask.js";
import { labelNoise } from "../src/tasks/labelNoise.js";
import { BUILDS, normals, runtimeFor, testRandom } from "./helpers.js";

function biasConfig(d: number, beta: number, extra: Partial<ConfigInput> = {}): ConfigInput {
  return {
    seed: 5,
    task: { kind: "gaussianSingleIndex", d, link: "tanh" },
    model: { width: 8, activation: "relu", bias: true, init: { firstLayer: { kind: "gaussian", kappa: 1 }, secondLayer: { kind: "rademacher", value: 1 } } },
    algorithm: { kind: "twoTimescale", data: { kind: "samples", n: 60, labelNoise: 0.5 }, steps: 1, stepSize: 0.1 },
    metrics: { include: ["testLoss"], testSamples: 200 },
    kernel: { bias: beta, ridges: [1e-3, 1e-2, 1e-1], validation: 0.25 },
    ...extra,
  };
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/**
 * reluBiasGram of the points with themselves, its diagonal at t = 0 exactly (|x~|^2 / (2d), twice
 * that for the NTK): acos of <x~, x~> / |x~|^2 rounded below 1 is 1.5e-8, which the NTK's (pi - t)
 * term carries; the Wasm kernels use g(1) on the diagonal.
 */
function selfGram(kind: "nngp" | "ntk", x: Float64Array, d: number, beta: number): Float64Array {
  const n = x.length / d;
  const gram = reluBiasGram(kind, x, x, d, beta);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[i * d + k]! ** 2;
    gram[i * n + i] = ((s / d + beta * beta) / 2) * (kind === "ntk" ? 2 : 1);
  }
  return gram;
}

/** alpha = (K + lambda I)^{-1} y by a plain Cholesky (K n x n, row-major). */
function plainRidge(gram: Float64Array, n: number, lambda: number, y: Float64Array): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = gram[i * n + j]! + (i === j ? lambda : 0);
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = i === j ? Math.sqrt(s) : s / l[j * n + j]!;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = y[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * z[k]!;
    z[i] = s / l[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * z[k]!;
    z[i] = s / l[i * n + i]!;
  }
  return z;
}

describe.each(BUILDS)("the Gram operator with a bias matches reluBiasGram (%s build)", (build) => {
  // Odd d (d + 1 even and odd), n not a multiple of the CG product's quads, a cross block of another size.
  it.each([
    [7, 13, 21, "nngp"],
    [4, 30, 9, "ntk"],
    [33, 203, 5, "ntk"],
  ] as const)("d = %i, n = %i, m = %i, %s: dense (off its diagonal), cross block and the CG product to 1e-12", async (d, n, m, kind) => {
    const rt = await runtimeFor(build);
    const beta = 0.8;
    const kernel = modelKernel(parseConfig(biasConfig(d, beta)), kind);
    const x = normals(testRandom(d + n), n * d);
    const t = normals(testRandom(m), m * d, 1.5);
    const [wx, wt] = [rt.arena.f64From(x), rt.arena.f64From(t)];
    const gram = new GramOperator(rt, kernel, wx, n);
    const dense = gram.dense();
    const cross = rt.arena.f64(m * n);
    const v = normals(testRandom(3), n);
    const [wv, kv] = [rt.arena.f64From(v), rt.arena.f64(n)];
    try {
      const exact = selfGram(kind, x, d, beta);
      const off = (g: ArrayLike<number>) => Array.from(g, (v, k) => (k % (n + 1) === 0 ? 0 : v));
      const diagonal = (g: ArrayLike<number>) => Array.from({ length: n }, (_, i) => g[i * (n + 1)]!);
      // Measured: 1e-15 off the diagonal. On it the dense block (as without a bias) reads g at
      // t = <x~, x~> i i, rounded below 1 by an ulp, which the NTK's sqrt(1 - t) term turns into 1e-8.
      expect(maxAbs(off(dense.view), off(exact))).toBeLessThan(1e-12);
      expect(maxAbs(diagonal(dense.view), diagonal(exact))).toBeLessThan(kind === "nngp" ? 1e-12 : 3e-8);
      gram.crossBlock(wt, m, cross);
      expect(maxAbs(cross.view, reluBiasGram(kind, t, x, d, beta))).toBeLessThan(1e-12);
      gram.times(wv, kv, 0.3);
      const product = Array.from({ length: n }, (_, i) => 0.3 * v[i]! + v.reduce((s, vj, j) => s + exact[i * n + j]! * vj, 0));
      expect(maxAbs(kv.view, product)).toBeLessThan(1e-11);
      expect(gram.meanDiagonal()).toBeCloseTo(Array.from({ length: n }, (_, i) => exact[i * n + i]!).reduce((a, b) => a + b, 0) / n, 12);
    } finally {
      for (const a of [dense, cross, wv, kv]) a.free();
      gram.free();
      wx.free();
      wt.free();
    }
  });
});

describe("kernel baselines with a bias", () => {
  it("the degree energies reproduce the closed form at |x|^2 = |y|^2 = d within their truncation tail", () => {
    const d = 3;
    const beta = 0.7;
    for (const [kind, layers] of [["nngp", { second: true, first: false, aSquare: 0 }], ["ntk", { second: true, first: true, aSquare: 1 }]] as const) {
      const { weights, diagonal } = reluBiasDegreeWeights(beta, layers, SERIES_DEGREE);
      const tail = diagonal - weights.reduce((a, b) => a + b, 0);
      // The energies are positive and sum to below E_x K(x, x) = (1 + beta^2)/2 per layer (measured tails 1.0e-4, 2.3e-2).
      expect(Math.min(...weights)).toBeGreaterThanOrEqual(0);
      expect(tail).toBeGreaterThan(0);
      expect(tail).toBeLessThan(kind === "nngp" ? 2e-4 : 3e-2);
      for (const rho of [-0.95, -0.5, 0, 0.3, 0.8, 0.95]) {
        const x = Float64Array.from([Math.sqrt(d), 0, 0]);
        const y = Float64Array.from([Math.sqrt(d) * rho, Math.sqrt(d * (1 - rho * rho)), 0]);
        const exact = reluBiasGram(kind, x, y, d, beta)[0]!;
        let series = 0;
        for (let k = 0; k < weights.length; k++) series += weights[k]! * rho ** k;
        // Measured: 8e-16 for |rho| <= 0.5; the dropped degrees k > 48 bound the rest by tail |rho|^49.
        expect(Math.abs(series - exact), `${kind}, rho = ${rho}`).toBeLessThanOrEqual(tail * Math.abs(rho) ** (SERIES_DEGREE + 1) + 1e-14);
      }
    }
  });

  it("kernelBaseline: noisy labels, ridge chosen on the held-out last quarter, refit on all n, clean test loss, as plain loops give them", async () => {
    const rt = await runtimeFor("simd");
    const [d, n, m, beta, sigma] = [5, 60, 200, 0.8, 0.5];
    const config = parseConfig(biasConfig(d, beta));
    const task = createTask(rt, config.task, config.seed, { kind: "relu" });
    const draw = (stream: string, rows: number) => {
      const [x, y] = [rt.arena.f64(rows * d), rt.arena.f64(rows)];
      task.sampleInto(stream, 0, x, y);
      const out = { x: x.toArray(), y: y.toArray() };
      x.free();
      y.free();
      return out;
    };
    const train = draw("train", n);
    const test = draw("test", m);
    task.free();
    const eps = labelNoise(rt, config.seed, n, sigma);
    const y = train.y.map((v, b) => v + eps[b]!);
    for (const kind of ["nngp", "ntk"] as const) {
      const loss = (xs: Float64Array, ys: Float64Array, fitRows: number, lambda: number, targetX: Float64Array, targetY: Float64Array) => {
        const alpha = plainRidge(selfGram(kind, xs.subarray(0, fitRows * d), d, beta), fitRows, lambda * fitRows, ys.subarray(0, fitRows));
        const cross = reluBiasGram(kind, targetX, xs.subarray(0, fitRows * d), d, beta);
        let s = 0;
        for (let t = 0; t < targetY.length; t++) {
          let f = 0;
          for (let b = 0; b < fitRows; b++) f += cross[t * fitRows + b]! * alpha[b]!;
          s += 0.5 * (f - targetY[t]!) ** 2;
        }
        return s / targetY.length;
      };
      const kept = 45;
      const validation = [1e-3, 1e-2, 1e-1].map((r) => loss(train.x, y, kept, r, train.x.subarray(kept * d), y.subarray(kept)));
      const best = [1e-3, 1e-2, 1e-1][validation.indexOf(Math.min(...validation))]!;
      const result = await kernelBaseline(config, { kernel: kind, runtime: rt });
      expect(result).toMatchObject({ n, m, method: "cholesky", labelNoise: sigma, ridge: best });
      expect(result.ridgeSelection).toMatchObject({ fitSamples: kept, validationSamples: n - kept });
      // Measured: 3e-9 relative for the NTK, from the dense Gram's 1e-8 diagonal (above); 1e-14 for the NNGP.
      const tolerance = kind === "nngp" ? 1e-12 : 2e-8;
      result.ridgeSelection!.trials.forEach((t, i) => expect(Math.abs(t.validationLoss / validation[i]! - 1)).toBeLessThan(tolerance));
      expect(Math.abs(result.testLoss / loss(train.x, y, n, best, test.x, test.y) - 1)).toBeLessThan(tolerance);
    }
  });

  it("refuses what it cannot compute, in one line naming the field", async () => {
    const fails = (input: ConfigInput, kind: "nngp" | "ntk" | "rf" = "nngp") => kernelBaseline(input, { kernel: kind, n: 10, m: 10 });
    await expect(fails(biasConfig(5, -1))).rejects.toThrow(/^kernel\.bias: .*>=0/);
    await expect(fails(biasConfig(5, 0.5, { kernel: { bias: 0.5, validation: 0.9 } }))).rejects.toThrow(/^kernel\.validation: /);
    await expect(fails(biasConfig(5, 0.5, { kernel: { bias: 0.5, ridges: [] } }))).rejects.toThrow(/^kernel\.ridges: /);
    await expect(fails(biasConfig(5, 0))).rejects.toThrow(/^model\.bias: .*kernel\.bias/);
    await expect(fails({ ...biasConfig(5, 0.5), model: { width: 8, activation: "relu" } })).rejects.toThrow(/^kernel\.bias: .*model\.bias/);
    await expect(fails({ ...biasConfig(5, 0.5), model: { width: 8, activation: "tanh", bias: true } })).rejects.toThrow(/^kernel\.bias: .*relu on Gaussian/);
    await expect(fails(biasConfig(5, 0.5), "rf")).rejects.toThrow(/^kernel\.bias: random features/);
    for (const message of await Promise.all([fails(biasConfig(5, -1)).catch((e: Error) => e.message)])) expect(message).not.toContain("\n");
  });
});
