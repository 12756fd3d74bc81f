// The cases test/relaxedBuild.test.ts runs in both builds: the plain SIMD build in the test
// process, the relaxed-SIMD build in a child process (relaxedChild.mjs).

export const SHAPE = { n: 67, d: 45, b: 33 };

/** Inputs drawn from the runtime's Philox streams: the same bits in every build (gaussianDraw checks). */
export function passInputs(rt) {
  const { n, d, b } = SHAPE;
  const draw = (name, count, sd) => rt.random.gaussian(5, name, count).map((t) => sd * t);
  return { x: draw("x", b * d, 1), w: draw("w", n * d, 1 / Math.sqrt(d)), a: draw("a", n, 1), r: draw("r", b, 1 / b) };
}

/** accumulateNormal's case: p not a multiple of its 3-feature panels, rows past two 128-sample chunks. */
export const NORMAL_SHAPE = { p: 13, rows: 257 };

/** phiT (p x rows) for accumulateNormal, from the runtime's Philox streams. */
export function normalInputs(rt) {
  return rt.random.gaussian(6, "phiT", NORMAL_SHAPE.p * NORMAL_SHAPE.rows);
}

/** The lower triangle of phiT phiT^T by the runtime's accumulateNormal, from a zero matrix. */
export function normalGram(rt) {
  const { p, rows } = NORMAL_SHAPE;
  const phi = rt.arena.f64From(normalInputs(rt));
  const gram = rt.arena.f64(p * p);
  gram.view.fill(0);
  rt.features.accumulateNormal(phi, p, rows, gram);
  const out = Array.from(gram.view);
  phi.free();
  gram.free();
  return out;
}

/** Gaussians from an odd start over SIMD runs and a tail: the Box-Muller polynomials use no fused multiply-add. */
export function gaussianDraw(rt) {
  return Array.from(rt.random.gaussian(9, "x", 999, 17));
}

const base = {
  seed: 3,
  task: { kind: "gaussianSingleIndex", d: 16, link: "relu" },
  model: { width: 48, activation: "relu", init: { secondLayer: { kind: "gaussian", std: 1 } } },
  algorithm: { kind: "onlineSgd", batch: 32, steps: 150, stepSize: 0.05 },
  metrics: { include: ["testLoss"], schedule: { kind: "every", steps: 15 }, testSamples: 500 },
};

export const RUN_CONFIGS = {
  f64: base,
  f32: { ...base, precision: "f32" },
  twoThreads: { ...base, threads: 2 },
};

/**
 * Fused-step cases (assembly/onlineStep.ts): several sample blocks (B = 70), a last group of 4 + 2
 * neurons (N = 70) and edge tiles of 3 coordinates (d = 51), and batch 1, in f64 and f32.
 */
export const FUSED_CASES = Object.fromEntries(
  ["f64", "f32"].flatMap((precision) =>
    [
      [70, 70, 51],
      [1, 70, 51],
    ].map(([batch, width, d]) => [
      `${precision}, B = ${batch}, N = ${width}, d = ${d}`,
      {
        seed: 4,
        precision,
        task: { kind: "gaussianSingleIndex", d, link: "relu" },
        model: { width, activation: "relu", init: { secondLayer: { kind: "gaussian", std: 1 } } },
        algorithm: { kind: "onlineSgd", batch, steps: 12, stepSize: 0.05 },
      },
    ]),
  ),
);

/** The first layer's weights after 12 steps with the fused step and with the step-by-step path, as hex bits. */
export function fusedAndUnfused(rt, api, input) {
  const { createTask, linkToActivation, networkOptionsOf, parseConfig, Trainer, TwoLayerNetwork } = api;
  const config = parseConfig(input);
  const out = {};
  for (const fused of [true, false]) {
    const activation = linkToActivation(config.model.activation, config.task.d);
    const task = createTask(rt, config.task, config.seed, activation);
    const net = new TwoLayerNetwork(rt, networkOptionsOf(config, activation));
    const trainer = new Trainer(config, task, net, { fused });
    for (let t = 0; t < config.algorithm.steps; t++) trainer.advance();
    out[fused ? "fused" : "unfused"] = { ran: trainer.fused, w: Buffer.from(net.w.toArray().buffer).toString("hex"), a: Buffer.from(net.a.toArray().buffer).toString("hex") };
    trainer.free();
    net.free();
    task.free();
  }
  return out;
}
