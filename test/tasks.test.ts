import { describe, expect, it } from "vitest";
import { taskSchema, type TaskConfig } from "../src/config.js";
import type { ActivationSpec } from "../src/activation/spec.js";
import { gegenbauer } from "../src/special/gegenbauer.js";
import { hermite } from "../src/special/hermite.js";
import { sphereCoefficients, hermiteCoefficients } from "../src/activation/coefficients.js";
import { createTask } from "../src/tasks/createTask.js";
import type { Task } from "../src/tasks/task.js";
import type { WasmRuntime } from "../src/wasm/runtime.js";
import { normals, runtimeFor, testRandom } from "./helpers.js";

const SEED = 20240611;
const LAW_SAMPLES = 40_000;
const MC_SAMPLES = 200_000;
const MC_CHUNK = 20_000;

type Law = "sphere" | "gaussian" | "hypercube" | "isotropic";

interface Case {
  name: string;
  config: TaskConfig;
  law: Law;
  student: ActivationSpec;
  /** y at one input row, computed in plain JS from the task's hidden directions (none for MMN18, whose y is a label). */
  target?: (task: Task, x: Float64Array) => number;
}

const sqrtFactorial = (k: number) => Math.sqrt(Array.from({ length: k }, (_, j) => j + 1).reduce((p, v) => p * v, 1));

function dotRow(u: Float64Array, row: number, x: Float64Array): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += u[row * x.length + k]! * x[k]!;
  return s;
}

/** sum_k c_k He_k(t) through the normalized h_k = He_k / sqrt(k!). */
/** sum_k c_k He_k(t), unnormalized (BMZ23's link). */
function hermiteSeries(c: number[], t: number): number {
  return c.reduce((s, ck, k) => s + ck * sqrtFactorial(k) * hermite(k, t), 0);
}

/** sum_k c_k h_k(t), h_k = He_k / sqrt(k!): the basis of { kind: "hermite" } links. */
function normalizedHermiteSeries(c: number[], t: number): number {
  return c.reduce((s, ck, k) => s + ck * hermite(k, t), 0);
}

const MULTI_TERMS = [
  { coefficient: 1, degrees: [1, 1, 0] },
  { coefficient: 0.5, degrees: [0, 2, 1] },
  { coefficient: -0.7, degrees: [3, 0, 0] },
];

function multiIndexTarget(task: Task, x: Float64Array): number {
  return MULTI_TERMS.reduce(
    (s, term) => s + term.coefficient * term.degrees.reduce((p, k, q) => p * hermite(k, dotRow(task.directions, q, x)), 1),
    0,
  );
}

function teacherTarget(outputs: number[]) {
  return (task: Task, x: Float64Array) => outputs.reduce((s, a, j) => s + a * Math.abs(dotRow(task.directions, j, x)), 0);
}

const LEGENDRE = [0.2, -0.5, 1, 0.3];
const DELTA = 0.3;
const HERMITE = [0.5, 1, -0.5, 0.25];

const CASES: Case[] = [
  {
    name: "sphereSingleIndex, Legendre link",
    config: taskSchema.parse({ kind: "sphereSingleIndex", d: 7, link: { kind: "legendre", coefficients: LEGENDRE } }),
    law: "sphere",
    student: "relu",
    target: (task, x) => LEGENDRE.reduce((s, c, k) => s + c * gegenbauer(k, 7, dotRow(task.directions, 0, x)), 0),
  },
  {
    name: "sphereSingleIndex, relu link",
    config: taskSchema.parse({ kind: "sphereSingleIndex", d: 5, link: "relu" }),
    law: "sphere",
    student: "tanh",
    target: (task, x) => Math.max(0, dotRow(task.directions, 0, x)),
  },
  {
    name: "gaussianSingleIndex, Hermite link",
    config: taskSchema.parse({ kind: "gaussianSingleIndex", d: 6, link: { kind: "hermite", coefficients: HERMITE } }),
    law: "gaussian",
    student: "relu",
    target: (task, x) => normalizedHermiteSeries(HERMITE, dotRow(task.directions, 0, x)),
  },
  {
    name: "gaussianSingleIndex, BMZ23 link",
    config: taskSchema.parse({ kind: "gaussianSingleIndex", d: 6, link: "bmz23" }),
    law: "gaussian",
    student: "tanh",
    target: (task, x) => hermiteSeries([1, -1, 2 / 3], dotRow(task.directions, 0, x)),
  },
  {
    name: "gaussianSingleIndex, He_3 link",
    config: taskSchema.parse({ kind: "gaussianSingleIndex", d: 4, link: { kind: "He", k: 3 } }),
    law: "gaussian",
    student: { kind: "polynomial", coefficients: [0, 1, 0.5, 0.2] },
    target: (task, x) => dotRow(task.directions, 0, x) ** 3 - 3 * dotRow(task.directions, 0, x),
  },
  {
    name: "gaussianSingleIndex, tanh link",
    config: taskSchema.parse({ kind: "gaussianSingleIndex", d: 6, link: "tanh" }),
    law: "gaussian",
    student: "relu",
    target: (task, x) => Math.tanh(dotRow(task.directions, 0, x)),
  },
  {
    name: "gaussianMultiIndex, coordinates",
    config: taskSchema.parse({ kind: "gaussianMultiIndex", d: 8, terms: MULTI_TERMS }),
    law: "gaussian",
    student: "relu",
    target: multiIndexTarget,
  },
  {
    name: "gaussianMultiIndex, random directions",
    config: taskSchema.parse({ kind: "gaussianMultiIndex", d: 8, terms: MULTI_TERMS, directions: "random" }),
    law: "gaussian",
    student: "tanh",
    target: multiIndexTarget,
  },
  {
    name: "staircase",
    config: taskSchema.parse({ kind: "staircase", d: 10 }),
    law: "hypercube",
    student: "relu",
    target: (_task, x) => x[0]! + x[0]! * x[1]! + x[0]! * x[1]! * x[2]! + x[0]! * x[1]! * x[2]! * x[3]!,
  },
  {
    name: "teacherAbs, a* = ones",
    config: taskSchema.parse({ kind: "teacherAbs", d: 8, width: 3 }),
    law: "gaussian",
    student: "relu",
    target: teacherTarget([1, 1, 1]),
  },
  {
    name: "teacherAbs, given a*",
    config: taskSchema.parse({ kind: "teacherAbs", d: 6, width: 3, outputs: [0.5, 1.5, 1] }),
    law: "gaussian",
    student: "abs",
    target: teacherTarget([0.5, 1.5, 1]),
  },
  {
    name: "isotropicGaussians",
    config: taskSchema.parse({ kind: "isotropicGaussians", d: 6, delta: DELTA }),
    law: "isotropic",
    student: "relu",
  },
];

function draw(rt: WasmRuntime, task: Task, stream: string, start: number, rows: number): { x: Float64Array; y: Float64Array } {
  const x = rt.arena.f64(rows * task.d);
  const y = rt.arena.f64(rows);
  try {
    task.sampleInto(stream, start, x, y);
    return { x: x.toArray(), y: y.toArray() };
  } finally {
    x.free();
    y.free();
  }
}

/** Drawn in pieces [0, a), [a, b), ... of one Wasm buffer, as a caller filling a batch in parts would. */
function drawInPieces(rt: WasmRuntime, task: Task, stream: string, cuts: number[]): { x: Float64Array; y: Float64Array } {
  const rows = cuts[cuts.length - 1]!;
  const { d } = task;
  const x = rt.arena.f64(rows * d);
  const y = rt.arena.f64(rows);
  try {
    let start = 0;
    for (const end of cuts) {
      task.sampleInto(stream, start, x.subarray(start * d, end * d), y.subarray(start, end));
      start = end;
    }
    return { x: x.toArray(), y: y.toArray() };
  } finally {
    x.free();
    y.free();
  }
}

interface Moment {
  mean: number;
  standardError: number;
}

function moment(values: ArrayLike<number>): Moment {
  const n = values.length;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    sum += values[i]!;
    sumSq += values[i]! ** 2;
  }
  const mean = sum / n;
  return { mean, standardError: Math.sqrt(Math.max(0, sumSq / n - mean * mean) / (n - 1)) };
}

function expectMoment(m: Moment, expected: number, label: string): void {
  expect(Math.abs(m.mean - expected), `${label}: ${m.mean} ± ${m.standardError}, expected ${expected}`).toBeLessThanOrEqual(4 * m.standardError);
}

function column(x: Float64Array, d: number, f: (row: Float64Array) => number): Float64Array {
  const rows = x.length / d;
  return Float64Array.from({ length: rows }, (_, r) => f(x.subarray(r * d, (r + 1) * d)));
}

function checkLaw(law: Law, d: number, x: Float64Array, y: Float64Array): void {
  const square = column(x, d, (row) => row.reduce((s, v) => s + v * v, 0));
  const x1x2 = column(x, d, (row) => row[0]! * row[1]!);
  switch (law) {
    case "gaussian":
      expectMoment(moment(square), d, "E|x|^2");
      expectMoment(moment(x), 0, "E[x_j]");
      expectMoment(moment(x.map((v) => v ** 4)), 3, "E[x_j^4]");
      expectMoment(moment(x1x2), 0, "E[x_1 x_2]");
      break;
    case "sphere":
      expect(Math.max(...square.map((s) => Math.abs(s - 1)))).toBeLessThan(1e-13);
      expectMoment(moment(x), 0, "E[x_j]");
      expectMoment(moment(column(x, d, (row) => row[0]! ** 2)), 1 / d, "E[x_1^2]");
      expectMoment(moment(x.map((v) => v ** 4)), 3 / (d * (d + 2)), "E[x_j^4]");
      expectMoment(moment(x1x2), 0, "E[x_1 x_2]");
      break;
    case "hypercube":
      expect(x.every((v) => v === 1 || v === -1)).toBe(true);
      expectMoment(moment(x), 0, "E[x_j]");
      expectMoment(moment(x1x2), 0, "E[x_1 x_2]");
      break;
    case "isotropic": {
      expect(y.every((v) => v === 1 || v === -1)).toBe(true);
      expectMoment(moment(y), 0, "E[y] (class balance)");
      for (const label of [1, -1]) {
        const perCoordinate = square.filter((_, r) => y[r] === label).map((s) => s / d);
        expectMoment(moment(perCoordinate), (1 + label * DELTA) ** 2, `class ${label}: E|x|^2/d`);
      }
      expectMoment(moment(x1x2), 0, "E[x_1 x_2]");
      break;
    }
  }
}

const rt = await runtimeFor("simd");

describe("tasks", () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const withTask = <T>(body: (task: Task) => T, seed = SEED): T => {
        const task = createTask(rt, c.config, seed, c.student);
        try {
          return body(task);
        } finally {
          task.free();
        }
      };

      it("draws inputs with the right law and E[y^2] = targetSquare", () => {
        withTask((task) => {
          const { x, y } = draw(rt, task, "law", 0, LAW_SAMPLES);
          checkLaw(c.law, task.d, x, y);
          expectMoment(moment(y.map((v) => v * v)), task.targetSquare, "E[y^2]");
        });
      });

      it("y equals a plain-JS evaluation of the target on the same x", () => {
        withTask((task) => {
          const { x, y } = draw(rt, task, "values", 123, 500);
          const d = task.d;
          if (c.target) {
            for (let r = 0; r < y.length; r++) {
              const expected = c.target(task, x.subarray(r * d, (r + 1) * d));
              expect(Math.abs(y[r]! - expected), `row ${r}: ${y[r]} vs ${expected}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(expected)));
            }
          } else {
            // x = (1 + y Delta) g with g the Gaussian stream "values.x" at the same sample indices.
            const g = rt.random.gaussian(SEED, "values.x", 500 * d, 123 * d);
            expect(x).toEqual(g.map((v, k) => (1 + DELTA * y[Math.floor(k / d)]!) * v));
          }
        });
      });

      it("sample i does not depend on batch boundaries or on other streams", () => {
        withTask((task) => {
          const whole = draw(rt, task, "train", 0, 100);
          expect(drawInPieces(rt, task, "train", [37, 100])).toEqual(whole);
          expect(drawInPieces(rt, task, "train", [1, 2, 64, 99, 100])).toEqual(whole);
          const tail = draw(rt, task, "train", 50, 50);
          expect(tail.x).toEqual(whole.x.subarray(50 * task.d));
          expect(tail.y).toEqual(whole.y.subarray(50));
          const other = draw(rt, task, "test", 0, 100);
          expect(draw(rt, task, "train", 0, 100)).toEqual(whole);
          expect(other.x).not.toEqual(whole.x);
          // The streams are independent: their inputs are uncorrelated.
          const products = whole.x.map((v, k) => v * other.x[k]!);
          const m = moment(products);
          expect(Math.abs(m.mean)).toBeLessThanOrEqual(4 * m.standardError);
        });
      });

      it("the same seed reproduces bit for bit; another seed does not", () => {
        const a = withTask((task) => ({ ...draw(rt, task, "train", 5, 64), directions: task.directions.slice() }));
        const b = withTask((task) => ({ ...draw(rt, task, "train", 5, 64), directions: task.directions.slice() }));
        expect(b).toEqual(a);
        const other = withTask((task) => draw(rt, task, "train", 5, 64), SEED + 1);
        expect(other.x).not.toEqual(a.x);
      });

      it("gives back every byte it allocated", () => {
        const before = rt.arena.liveAllocations;
        withTask((task) => draw(rt, task, "train", 0, 10_000));
        expect(rt.arena.liveAllocations).toBe(before);
      });

      if (c.law !== "hypercube") {
        it("the exact population loss matches Monte Carlo over 200k samples within 4 standard errors", () => {
          withTask((task) => {
            const rand = testRandom(7);
            const d = task.d;
            const n = 4;
            const w = normals(rand, n * d, 1 / Math.sqrt(d));
            if (c.law === "sphere") {
              for (let i = 0; i < n; i++) {
                const norm = Math.hypot(...w.subarray(i * d, (i + 1) * d));
                for (let k = 0; k < d; k++) w[i * d + k]! /= norm;
              }
            }
            const a = normals(rand, n);
            const scale = 0.5;
            const exact = task.population!.evaluate(w, a, scale);
            let sum = 0;
            let sumSq = 0;
            for (let start = 0; start < MC_SAMPLES; start += MC_CHUNK) {
              const { x, y } = draw(rt, task, "mc", start, MC_CHUNK);
              const { f } = rt.network.forward({ x, w, a, d, scale, activation: c.student });
              for (let r = 0; r < MC_CHUNK; r++) {
                const l = 0.5 * (f[r]! - y[r]!) ** 2;
                sum += l;
                sumSq += l * l;
              }
            }
            const mean = sum / MC_SAMPLES;
            const se = Math.sqrt((sumSq / MC_SAMPLES - mean * mean) / (MC_SAMPLES - 1));
            const z = (exact.loss - mean) / se;
            expect(Math.abs(exact.loss - mean) - exact.truncationBound, `exact ${exact.loss}, MC ${mean} ± ${se} (z = ${z.toFixed(2)})`).toBeLessThanOrEqual(4 * se);
          });
        });
      }
    });
  }

  it("staircase: no population loss, directions e_1..e_K, E[y^2] = K", () => {
    const task = createTask(rt, taskSchema.parse({ kind: "staircase", d: 6, degree: 3 }), SEED, "relu");
    try {
      expect(task.population).toBeNull();
      expect(task.targetSquare).toBe(3);
      expect(Array.from(task.directions)).toEqual([1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
      expect(task.linkCoefficients(4)).toBeNull();
    } finally {
      task.free();
    }
  });

  it("random directions (multi-index, teacher) are orthonormal and span the stream's Gaussian rows", () => {
    for (const [config, stream] of [
      [taskSchema.parse({ kind: "gaussianMultiIndex", d: 9, terms: [{ coefficient: 1, degrees: [1, 2, 1, 0] }], directions: "random" }), "task.u"],
      [taskSchema.parse({ kind: "teacherAbs", d: 9, width: 9 }), "task.teacher"],
    ] as const) {
      const task = createTask(rt, config, SEED, "relu");
      try {
        const d = task.d;
        const rows = task.directions.length / d;
        const g = rt.random.gaussian(SEED, stream, rows * d);
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j <= i; j++) {
            expect(Math.abs(dotRow(task.directions, i, task.directions.subarray(j * d, (j + 1) * d)) - (i === j ? 1 : 0))).toBeLessThan(1e-14);
          }
          // Gram–Schmidt: u_i is orthogonal to the Gaussian rows g_0 .. g_{i-1} drawn before it.
          for (let j = 0; j < i; j++) expect(Math.abs(dotRow(task.directions, i, g.subarray(j * d, (j + 1) * d)))).toBeLessThan(1e-13);
        }
        const norm = Math.hypot(...g.subarray(0, d));
        task.directions.subarray(0, d).forEach((v, k) => expect(Math.abs(v - g[k]! / norm)).toBeLessThan(1e-15));
      } finally {
        task.free();
      }
    }
  });

  it("single-index tasks: q* from stream task.q, link coefficients in the task's basis", () => {
    const sphere = createTask(rt, taskSchema.parse({ kind: "sphereSingleIndex", d: 7, link: { kind: "legendre", coefficients: LEGENDRE } }), SEED, "relu");
    const gaussian = createTask(rt, taskSchema.parse({ kind: "gaussianSingleIndex", d: 7, link: "bmz23" }), SEED, "relu");
    try {
      const q = rt.random.sphere(SEED, "task.q", 1, 7);
      expect(sphere.directions).toEqual(q);
      expect(gaussian.directions).toEqual(q);
      const legendre = sphere.linkCoefficients(6)!;
      LEGENDRE.forEach((c, k) => expect(legendre[k]).toBeCloseTo(c, 13));
      expect(Array.from(legendre.subarray(4))).toEqual([0, 0, 0]);
      const hermiteC = gaussian.linkCoefficients(4)!;
      [1, -1, (2 / 3) * Math.SQRT2, 0, 0].forEach((c, k) => expect(hermiteC[k]).toBeCloseTo(c, 13));
      expect(sphere.link).toEqual({ kind: "polynomial", coefficients: expect.any(Array) });
      expect(Array.from(sphereCoefficients(sphere.link!, 7, 3))).toEqual(Array.from(sphere.linkCoefficients(3)!));
      expect(Array.from(hermiteCoefficients(gaussian.link!, 3))).toEqual(Array.from(gaussian.linkCoefficients(3)!));
    } finally {
      sphere.free();
      gaussian.free();
    }
  });

  it("names the field of what the schema cannot check", () => {
    const config = taskSchema.parse({ kind: "gaussianSingleIndex", d: 4, link: "relu" });
    expect(() => createTask(rt, config, -1, "relu")).toThrow(RangeError);
    expect(() => createTask(rt, config, -1, "relu")).toThrow(/seed/);
    expect(() => createTask(rt, config, 1.5, "relu")).toThrow(/seed/);
    expect(() => createTask(rt, config, 0, { kind: "swish" } as unknown as ActivationSpec)).toThrow(/model\.activation/);
    const unparsed = (input: unknown) => input as TaskConfig;
    expect(() => createTask(rt, unparsed({ kind: "teacherAbs", d: 3, width: 4, outputs: "ones" }), 0, "relu")).toThrow(/task\.width/);
    expect(() => createTask(rt, unparsed({ kind: "teacherAbs", d: 3, width: 2, outputs: [1] }), 0, "relu")).toThrow(/task\.outputs/);
    expect(() => createTask(rt, unparsed({ kind: "staircase", d: 3, degree: 4 }), 0, "relu")).toThrow(/task\.degree/);
    expect(() =>
      createTask(rt, unparsed({ kind: "gaussianMultiIndex", d: 3, directions: "coordinates", terms: [{ coefficient: 1, degrees: [1, 1] }, { coefficient: 1, degrees: [2] }] }), 0, "relu"),
    ).toThrow(/task\.terms\[1\]\.degrees/);
    expect(() => createTask(rt, unparsed({ kind: "gaussianMultiIndex", d: 1, directions: "coordinates", terms: [{ coefficient: 1, degrees: [1, 1] }] }), 0, "relu")).toThrow(
      /task\.terms\[0\]\.degrees/,
    );
    expect(() => createTask(rt, unparsed({ kind: "circle", d: 3 }), 0, "relu")).toThrow(/task\.kind/);
    expect(rt.arena.liveAllocations).toBe(0);
  });

  it("sampleInto checks its arguments", () => {
    const task = createTask(rt, taskSchema.parse({ kind: "gaussianSingleIndex", d: 4, link: "relu" }), 0, "relu");
    const x = rt.arena.f64(12);
    const y = rt.arena.f64(3);
    try {
      expect(() => task.sampleInto("s", 0, x.subarray(0, 8), y)).toThrow(/x has length 8, expected 12/);
      expect(() => task.sampleInto("s", -1, x, y)).toThrow(/start/);
      expect(() => task.sampleInto("", 0, x, y)).toThrow(/stream/);
      expect(() => task.sampleInto("s", 2 ** 52, x, y)).toThrow(/2\^53/);
    } finally {
      x.free();
      y.free();
      task.free();
    }
  });
});
