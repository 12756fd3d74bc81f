// The stationary law of the package's noisy GD (algorithm.noise) against closed forms. The update
// theta <- (1 - lambda h) theta - h v + N(0, 2h/beta), v the mean-field velocity's negative
// (docs/conventions.md, "Noisy GD"), is Euler-Maruyama for d theta = -grad Psi_lambda dt + sqrt(2/beta) dB,
// whose law exp(-beta Psi_lambda) it keeps up to O(h). On a quadratic potential the discrete chain's
// stationary law is Gaussian in closed form at every h: along an eigenvector of the drift matrix A
// (eigenvalue mu) a coordinate is an AR(1) chain x <- (1 - h mu) x + s xi with s^2 = 2h/beta, of
// variance s^2 / (1 - (1 - h mu)^2) = 1 / (beta mu (1 - h mu / 2)). The tests compare with that.

import { describe, expect, it } from "vitest";
import { parseConfig, type ConfigInput } from "../src/config.js";
import { choleskySolve } from "../src/kernels/cholesky.js";
import { networkOptionsOf, TwoLayerNetwork } from "../src/model/network.js";
import { createTask } from "../src/tasks/createTask.js";
import { linkToActivation } from "../src/activation/link.js";
import { Trainer } from "../src/train/trainer.js";
import { runtimeFor } from "./helpers.js";

async function setUp(input: ConfigInput) {
  const rt = await runtimeFor("simd");
  const config = parseConfig(input);
  const activation = linkToActivation(config.model.activation, config.task.d);
  const task = createTask(rt, config.task, config.seed, activation);
  const net = new TwoLayerNetwork(rt, networkOptionsOf(config, activation));
  const trainer = new Trainer(config, task, net);
  const free = () => {
    trainer.free();
    net.free();
    task.free();
  };
  return { rt, config, task, net, trainer, free };
}

/** Mean and standard error of independent values. */
function meanAndError(values: ArrayLike<number>): { mean: number; se: number } {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i]!;
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i]! - mean) ** 2;
  return { mean, se: Math.sqrt(v / (n - 1) / n) };
}

describe("noisy GD: stationary law", () => {
  it("a = 0 (first layer only): each coordinate of w is Gaussian with variance 1/(lambda beta (1 - lambda h/2))", async () => {
    // With a_i = 0 the loss does not depend on w, so w_i is an Ornstein-Uhlenbeck chain: the Gibbs
    // law exp(-beta lambda |w|^2 / 2) has variance 1/(lambda beta) = 1 per coordinate; the chain at
    // step h = 0.05 has 1/(1 - 0.025) = 1.0256. N d = 512 independent chains, each averaged over
    // 2000 steps after a burn-in of 300 steps (e^{-15} of the start left); the standard error is
    // that of the 512 chain averages: measured 1.0277 +- 0.0062. Before the temperature fix this
    // measured 0.2633 +- 0.0011 (the old update's 1/(4 lambda beta (1 - lambda h)) = 0.263).
    const h = 0.05;
    const [lambda, beta] = [1, 1];
    const { net, trainer, free } = await setUp({
      seed: 5,
      task: { kind: "gaussianSingleIndex", d: 8, link: "relu" },
      model: { width: 64, activation: "relu", train: "first", init: { secondLayer: { kind: "constant", value: 0 } } },
      algorithm: { kind: "populationGd", steps: 2300, stepSize: h, noise: { lambda, beta } },
    });
    try {
      const chains = new Float64Array(64 * 8);
      for (let t = 0; t < 2300; t++) {
        trainer.advance();
        if (t < 300) continue;
        const w = net.w.view;
        for (let k = 0; k < chains.length; k++) chains[k]! += w[k]! ** 2 / 2000;
      }
      const expected = 1 / (lambda * beta * (1 - (lambda * h) / 2));
      const { mean, se } = meanAndError(chains);
      expect(Math.abs(mean - expected)).toBeLessThan(4 * se);
      expect(se).toBeLessThan(0.01 * expected);
    } finally {
      free();
    }
  });

  it("second layer only (a quadratic potential): mean A^{-1} b and E|a - m|^2 = tr (A - h A^2/2)^{-1} / beta", async () => {
    // With w fixed the loss is quadratic in a: rate * grad_a L = J a - b with J = scale^2 rate G,
    // G_ij = E[sigma_i sigma_j], rate = N under mean-field scaling. The drift matrix is A = J + lambda I,
    // the Gibbs law N(A^{-1} b, (beta A)^{-1}), the chain's covariance (1/beta) (A - h A^2/2)^{-1}.
    // J and b are read off the exact population gradient (affine in a). Statistic: the time average
    // of |a - m|^2 over 200 000 steps, standard error by batch means (100 batches of 2000 steps,
    // 20 times the slowest correlation time 1/(h lambda) = 100 steps): measured 5.781 +- 0.069
    // against 5.763. Before the temperature fix this measured 1.452 +- 0.012.
    const h = 0.05;
    const [lambda, beta] = [0.2, 4];
    const n = 6;
    const steps = 200_000;
    const burn = 2000;
    const { rt, config, task, net, trainer, free } = await setUp({
      seed: 9,
      task: { kind: "gaussianSingleIndex", d: 4, link: "relu" },
      model: { width: n, activation: "relu", train: "second", init: { secondLayer: { kind: "constant", value: 0 } } },
      algorithm: { kind: "populationGd", steps: steps + burn, stepSize: h, noise: { lambda, beta } },
    });
    try {
      expect(config.model.scaling).toBe("meanfield");
      const rate = n;
      const w = net.w.toArray();
      const gradAt = (a: Float64Array) => task.population!.evaluate(w, a, net.scale).gradA;
      const g0 = gradAt(new Float64Array(n));
      const b = Float64Array.from(g0, (g) => -rate * g);
      const drift = new Float64Array(n * n);
      for (let j = 0; j < n; j++) {
        const e = new Float64Array(n);
        e[j] = 1;
        const gj = gradAt(e);
        for (let i = 0; i < n; i++) drift[i * n + j] = rate * (gj[i]! - g0[i]!) + (i === j ? lambda : 0);
      }
      const mean = choleskySolve(rt, drift, n, b, 1);
      // (A - h A^2 / 2)^{-1}: its trace, column by column.
      const chainMatrix = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += drift[i * n + k]! * drift[k * n + j]!;
          chainMatrix[i * n + j] = drift[i * n + j]! - (h / 2) * s;
        }
      }
      const identity = new Float64Array(n * n);
      for (let i = 0; i < n; i++) identity[i * (n + 1)] = 1;
      const inverse = choleskySolve(rt, chainMatrix, n, identity, n);
      let expected = 0;
      for (let i = 0; i < n; i++) expected += inverse[i * (n + 1)]! / beta;

      const batches = 100;
      const perBatch = steps / batches;
      const spread = new Float64Array(batches);
      const offsets = Array.from({ length: n }, () => new Float64Array(batches));
      for (let t = 0; t < steps + burn; t++) {
        trainer.advance();
        if (t < burn) continue;
        const k = Math.floor((t - burn) / perBatch);
        const a = net.a.view;
        for (let i = 0; i < n; i++) {
          const x = a[i]! - mean[i]!;
          spread[k]! += (x * x) / perBatch;
          offsets[i]![k]! += x / perBatch;
        }
      }
      const measured = meanAndError(spread);
      expect(Math.abs(measured.mean - expected)).toBeLessThan(4 * measured.se);
      expect(measured.se).toBeLessThan(0.02 * expected);
      for (let i = 0; i < n; i++) {
        const offset = meanAndError(offsets[i]!);
        expect(Math.abs(offset.mean)).toBeLessThan(4 * offset.se);
      }
    } finally {
      free();
    }
  });
});
