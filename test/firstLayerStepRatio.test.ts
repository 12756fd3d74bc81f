// algorithm.firstLayerStepRatio (Berthier, Montanari, Zhou 2023's learning-rate ratio epsilon) in the
// finite-network trainer and in the reduced particles, and projected reduced particles, against
// independent truths: the trainer's own epsilon = 1 step, and BMZ23's closed-form mean-field
// neuron dynamics for ReLU on the sphere (their Eq. (23)).

import { describe, expect, it } from "vitest";
import { parseConfig, type ConfigInput } from "../src/config.js";
import { TwoLayerNetwork } from "../src/model/network.js";
import { ReducedParticles } from "../src/pde/reduced/reducedParticles.js";
import { createReducedTask } from "../src/pde/reduced/reducedTask.js";
import { createTask } from "../src/tasks/createTask.js";
import { linkToActivation } from "../src/activation/link.js";
import { Trainer } from "../src/train/trainer.js";
import { runtimeFor } from "./helpers.js";

function runConfig(kind: "populationGd" | "onlineSgd", ratio: number, projected = false): ConfigInput {
  return {
    seed: 3,
    task: { kind: "gaussianSingleIndex", d: 12, link: "bmz23" },
    model: { width: 16, activation: "relu", init: { firstLayer: { kind: "sphere" }, secondLayer: { kind: "gaussian", std: 1 } } },
    algorithm: { kind, ...(kind === "onlineSgd" ? { batch: 64 } : {}), steps: 1, stepSize: 0.3, projected, firstLayerStepRatio: ratio },
  };
}

/** (w, a) after one step of the config. */
async function oneStep(input: ConfigInput, fused: boolean): Promise<{ w: Float64Array; a: Float64Array; w0: Float64Array; a0: Float64Array }> {
  const runtime = await runtimeFor("simd");
  const config = parseConfig(input);
  const task = createTask(runtime, config.task, config.seed, linkToActivation(config.model.activation, config.task.d));
  const net = new TwoLayerNetwork(runtime, {
    n: config.model.width,
    d: config.task.d,
    activation: config.model.activation,
    scaling: config.model.scaling,
    seed: config.seed,
    firstLayer: config.model.init.firstLayer,
    secondLayer: config.model.init.secondLayer,
    bias: config.model.bias,
  });
  const trainer = new Trainer(config, task, net, { fused });
  const w0 = net.w.view.slice();
  const a0 = net.a.view.slice();
  trainer.advance();
  const out = { w: net.w.view.slice(), a: net.a.view.slice(), w0, a0 };
  trainer.free();
  net.free();
  task.free();
  return out;
}

function maxDiff(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < u.length; i++) m = Math.max(m, Math.abs(u[i]! - v[i]!));
  return m;
}

describe("firstLayerStepRatio in the finite-network trainer", () => {
  for (const [kind, fused] of [
    ["populationGd", false],
    ["onlineSgd", false],
    ["onlineSgd", true],
  ] as const) {
    it(`${kind}${fused ? " (fused step)" : ""}: w moves epsilon times as far as with epsilon = 1, a as far`, async () => {
      const eps = 1e-3;
      const plain = await oneStep(runConfig(kind, 1), fused);
      const slow = await oneStep(runConfig(kind, eps), fused);
      const moveW = plain.w.map((v, k) => v - plain.w0[k]!);
      const moveWslow = slow.w.map((v, k) => v - slow.w0[k]!);
      // Same start, same batch: the gradient is the same, only the first layer's step is scaled.
      expect(maxDiff(slow.w0, plain.w0)).toBe(0);
      expect(maxDiff(slow.a, plain.a)).toBe(0);
      expect(maxDiff(moveWslow, moveW.map((v) => eps * v))).toBeLessThan(1e-15 * Math.max(1, ...moveW.map(Math.abs)));
      expect(Math.max(...moveW.map(Math.abs))).toBeGreaterThan(1e-3);
    });
  }

  it("a bad ratio is a config error naming the field", () => {
    expect(() => parseConfig(runConfig("populationGd", 0))).toThrow(/algorithm.firstLayerStepRatio/);
  });
});

// BMZ23's mean-field neuron dynamics for relu on the sphere, d -> infinity, in our time (second layer
// at rate 1, first at epsilon): with V(s) = E[phi(G) relu(G_s)] = sum_k phi_k sigma_k s^k and
// U(rho) = E[relu(G) relu(G_rho)] = (sqrt(1 - rho^2) + rho (pi - arccos rho)) / (2 pi),
//   da_i/dt = V(s_i) - (1/m) sum_j a_j U(s_i s_j)
//   ds_i/dt = epsilon (1 - s_i^2) a_i [V'(s_i) - (1/m) sum_j a_j s_j U'(s_i s_j)].
const SIGMA = [1 / Math.sqrt(2 * Math.PI), 0.5, 1 / (2 * Math.sqrt(Math.PI))];
const PHI = [1, -1, (2 / 3) * Math.SQRT2];
const V = (s: number) => PHI[0]! * SIGMA[0]! + PHI[1]! * SIGMA[1]! * s + PHI[2]! * SIGMA[2]! * s * s;
const dV = (s: number) => PHI[1]! * SIGMA[1]! + 2 * PHI[2]! * SIGMA[2]! * s;
const U = (r: number) => (Math.sqrt(1 - r * r) + r * (Math.PI - Math.acos(r))) / (2 * Math.PI);
const dU = (r: number) => (Math.PI - Math.acos(r)) / (2 * Math.PI);

function bmzVelocity(a: number[], s: number[], eps: number): { da: number[]; ds: number[] } {
  const m = a.length;
  const da = a.map((_, i) => V(s[i]!) - a.reduce((acc, aj, j) => acc + aj * U(s[i]! * s[j]!), 0) / m);
  const ds = a.map((ai, i) => eps * (1 - s[i]! ** 2) * ai * (dV(s[i]!) - a.reduce((acc, aj, j) => acc + aj * s[j]! * dU(s[i]! * s[j]!), 0) / m));
  return { da, ds };
}

describe("projected reduced particles with a step ratio are BMZ23's mean-field neuron dynamics", () => {
  const a = [1.3, -0.7, 0.4, 2.1];
  const s = [0, 0.35, -0.6, 0.8];
  const config = parseConfig({ ...runConfig("populationGd", 1e-2, true), model: { width: 4, activation: "relu" } });

  async function system(eps: number): Promise<ReducedParticles> {
    const runtime = await runtimeFor("simd");
    const task = createReducedTask(config);
    return new ReducedParticles(
      runtime,
      task,
      "relu",
      { a: Float64Array.from(a), wS: Float64Array.from(s), r: Float64Array.from(s, (v) => Math.sqrt(1 - v * v)) },
      { projected: true, firstLayerStepRatio: eps },
    );
  }

  it("velocities match the closed form (a, and s through the tangent projection) to 1e-12", async () => {
    for (const eps of [1, 1e-3]) {
      const sys = await system(eps);
      const { velocity } = sys.evaluate();
      const truth = bmzVelocity(a, s, eps);
      expect(maxDiff(velocity.a, truth.da)).toBeLessThan(1e-12);
      expect(maxDiff(velocity.wS, truth.ds)).toBeLessThan(1e-12 * Math.max(eps, 1e-3));
      // Tangent: s ds + r dr = 0 for every particle.
      for (let i = 0; i < a.length; i++) {
        const r = Math.sqrt(1 - s[i]! ** 2);
        expect(Math.abs(s[i]! * velocity.wS[i]! + r * velocity.r[i]!)).toBeLessThan(1e-15);
      }
      sys.free();
    }
  });

  it("steps keep s^2 + r^2 = 1 and follow the closed-form flow (Heun, error O(h^2))", async () => {
    const eps = 0.05;
    const h = 0.01;
    const steps = 200;
    const sys = await system(eps);
    for (let k = 0; k < steps; k++) sys.step(h, "heun");
    const state = sys.getState();
    // Reference: the closed-form flow by RK4 with a 20x smaller step.
    let aa = a.slice();
    let ss = s.slice();
    const hh = h / 20;
    const add = (x: number[], v: number[], c: number) => x.map((xi, i) => xi + c * v[i]!);
    for (let k = 0; k < steps * 20; k++) {
      const k1 = bmzVelocity(aa, ss, eps);
      const k2 = bmzVelocity(add(aa, k1.da, hh / 2), add(ss, k1.ds, hh / 2), eps);
      const k3 = bmzVelocity(add(aa, k2.da, hh / 2), add(ss, k2.ds, hh / 2), eps);
      const k4 = bmzVelocity(add(aa, k3.da, hh), add(ss, k3.ds, hh), eps);
      aa = aa.map((x, i) => x + (hh / 6) * (k1.da[i]! + 2 * k2.da[i]! + 2 * k3.da[i]! + k4.da[i]!));
      ss = ss.map((x, i) => x + (hh / 6) * (k1.ds[i]! + 2 * k2.ds[i]! + 2 * k3.ds[i]! + k4.ds[i]!));
    }
    for (let i = 0; i < a.length; i++) expect(Math.abs(state.wS[i]! ** 2 + state.r[i]! ** 2 - 1)).toBeLessThan(1e-14);
    expect(maxDiff(state.a, aa)).toBeLessThan(1e-5);
    expect(maxDiff(state.wS, ss)).toBeLessThan(1e-6);
    expect(maxDiff(state.a, a)).toBeGreaterThan(0.05);
    sys.free();
  });
});
