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

/**
 * Shapes for gradientColumnMismatches: d around the gradient tiles' width (4) and their edges of
 * 1-3 coordinates, N past whole groups of 4 and 8 and past 64-neuron blocks, B = 1, odd B, and B
 * past one backward sample block (63 samples at d = 1031).
 */
export const COLUMN_SHAPES = [
  [1, 3, 1], [2, 4, 5], [3, 5, 2], [4, 8, 7], [5, 9, 1], [6, 12, 3], [7, 13, 9], [9, 6, 4], [10, 16, 1],
  [11, 17, 33], [12, 70, 5], [13, 8, 2], [16, 68, 11], [17, 4, 70], [50, 72, 33], [51, 70, 70], [53, 13, 1],
  [101, 9, 17], [1031, 13, 131],
];

/**
 * The entries of backward()'s gradW (raw exports, tanh) that differ in their bits from those of
 * the same pass run on one column of x at a time (d = 1, the same z): every entry is one chain of
 * multiply-adds over the samples in order, whichever tile (4 x 4, edge, scalar) sums it, so none
 * should, and a new tile shape must keep it so. Returns "d x N x B: i, k" strings.
 */
export function gradientColumnMismatches(rt) {
  const ex = rt.exports;
  const tanh = 3;
  const out = [];
  for (const [d, n, b] of COLUMN_SHAPES) {
    const draw = (name, count, sd) => rt.arena.f64From(rt.random.gaussian(8, `${name}${d},${n},${b}`, count).map((t) => sd * t));
    const x = draw("x", b * d, 1), w = draw("w", n * d, 1 / Math.sqrt(d)), a = draw("a", n, 1), r = draw("r", b, 1 / b);
    const z = rt.arena.f64(b * n), f = rt.arena.f64(b), g = rt.arena.f64(b * n), gradA = rt.arena.f64(n);
    const gradW = rt.arena.f64(n * d), column = rt.arena.f64(b), gradColumn = rt.arena.f64(n), params = rt.arena.f64(1);
    ex.forward(x.ptr, w.ptr, a.ptr, n, d, b, 1 / n, tanh, params.ptr, 0, z.ptr, f.ptr);
    ex.backward(x.ptr, a.ptr, n, d, b, 1 / n, tanh, params.ptr, 0, z.ptr, r.ptr, g.ptr, gradW.ptr, gradA.ptr);
    for (let k = 0; k < d; k++) {
      for (let s = 0; s < b; s++) column.view[s] = x.view[s * d + k];
      ex.backward(column.ptr, a.ptr, n, 1, b, 1 / n, tanh, params.ptr, 0, z.ptr, r.ptr, g.ptr, gradColumn.ptr, gradA.ptr);
      for (let i = 0; i < n; i++) {
        if (!Object.is(gradW.view[i * d + k], gradColumn.view[i])) out.push(`${d} x ${n} x ${b}: ${i}, ${k}`);
      }
    }
    for (const v of [x, w, a, r, z, f, g, gradA, gradW, column, gradColumn, params]) v.free();
  }
  return out;
}

/** Activations of forwardSampleMismatches: each vector kind's copy of the output sums, and a scalar one (tanh). */
const FORWARD_ACTIVATIONS = [
  "relu",
  "abs",
  "tanh",
  { kind: "polynomial", coefficients: [0.3, -1, 0.5, 0.25] },
  { kind: "piecewiseLinear", breakpoints: [-1, 1.5], slopes: [0, 0.8, 0], valueAtZero: -0.4 },
];

/** Shapes of forwardSampleMismatches: N odd (a last neuron past the pairs) and past 64-neuron blocks, B odd and even, d odd. */
const FORWARD_SHAPES = [[1, 1, 2], [3, 5, 3], [7, 67, 2], [45, 129, 9], [50, 130, 6], [4, 64, 5], [1031, 13, 5]];

/**
 * The outputs and pre-activations of a batch's forward pass whose bits differ from those of the
 * same pass over each sample alone (B = 1): the batch pairs samples in its tiles (2 x 4) where a
 * lone sample goes through the 1 x 4 tile, each pre-activation and output summed in the order of
 * one sample's, so none should. Returns "d x N x B activation: f s" or "... z s" strings.
 */
export function forwardSampleMismatches(rt) {
  const out = [];
  for (const [d, n, b] of FORWARD_SHAPES) {
    const draw = (name, count, sd) => rt.random.gaussian(12, `${name}${d},${n},${b}`, count).map((t) => sd * t);
    const x = draw("x", b * d, 1), w = draw("w", n * d, 1 / Math.sqrt(d)), a = draw("a", n, 1);
    for (const activation of FORWARD_ACTIVATIONS) {
      const label = `${d} x ${n} x ${b} ${typeof activation === "string" ? activation : activation.kind}`;
      const batch = rt.network.forward({ x, w, a, d, scale: 1 / n, activation });
      for (let s = 0; s < b; s++) {
        const one = rt.network.forward({ x: x.subarray(s * d, (s + 1) * d), w, a, d, scale: 1 / n, activation });
        if (!Object.is(batch.f[s], one.f[0])) out.push(`${label}: f ${s}`);
        for (let i = 0; i < n; i++) {
          if (!Object.is(batch.z[s * n + i], one.z[i])) {
            out.push(`${label}: z ${s}`);
            break;
          }
        }
      }
    }
  }
  return out;
}
