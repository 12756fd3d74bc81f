import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import { describe, expect, it, vi } from "vitest";
import type { ConfigInput } from "../src/config.js";
import type { ActivationSpec } from "../src/activation/spec.js";
import { simulate, type MetricRecord } from "../src/run/simulate.js";
import type { WasmF64Array } from "../src/wasm/arena.js";
import { WasmActivation } from "../src/wasm/networkKernels.js";
import { streamKey } from "../src/wasm/random.js";
import { loadRuntime, type WasmRuntime } from "../src/wasm/runtime.js";
import { ThreadTeam } from "../src/wasm/threadTeam.js";
import { referenceActivation } from "./reference/activation.js";
import { normals, relativeError, runtimeFor, testRandom } from "./helpers.js";

// Every worker thread the code under test starts, to check that each has exited.
const started = vi.hoisted(() => [] as Worker[]);
vi.mock("node:worker_threads", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:worker_threads")>();
  class TrackedWorker extends actual.Worker {
    constructor(...args: ConstructorParameters<typeof actual.Worker>) {
      super(...args);
      started.push(this);
    }
  }
  return { ...actual, Worker: TrackedWorker };
});

/** A worker's threadId turns -1 once its thread has stopped. */
function running(): Worker[] {
  return started.filter((w) => w.threadId !== -1);
}

function sameBits(a: Float64Array | Float32Array, b: Float64Array | Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

let threadsRuntime: Promise<WasmRuntime> | null = null;
function sharedRuntime(): Promise<WasmRuntime> {
  threadsRuntime ??= loadRuntime({ build: "threads" });
  return threadsRuntime;
}

const KERNEL_ACTIVATIONS: [string, ActivationSpec][] = [
  ["relu", "relu"],
  ["tanh", "tanh"],
  ["quartic", { kind: "polynomial", coefficients: [0.3, -1, 0.5, 0.25, 1] }],
  ["piecewise", { kind: "piecewiseLinear", breakpoints: [-1, 0.5], slopes: [0.2, 1, -0.5], valueAtZero: 0.1 }],
];
// N around the 64-neuron block (and the 4- and 8-neuron tiles), d odd and even, B odd and past a sample block.
const SHAPES = [
  { n: 1, d: 3, b: 1 },
  { n: 63, d: 4, b: 9 },
  { n: 64, d: 17, b: 41 },
  { n: 65, d: 2, b: 130 },
  { n: 201, d: 9, b: 33 },
  { n: 76, d: 7, b: 20 },
  { n: 140, d: 6, b: 3000 },
  // Forward sample blocks (126 samples at d = 1031, 252 in f32) past the first.
  { n: 70, d: 1031, b: 263 },
];

/** Ways to cut blocks [0, count) into contiguous ranges: whole, block by block, and two uneven cuts. */
/** Wasm buffers of one test case: take() allocates (zeros, or a copy of values) and records it in owned. */
function ownedBuffers(rt: WasmRuntime): { take: (values: Float64Array | number) => WasmF64Array; owned: WasmF64Array[] } {
  const owned: WasmF64Array[] = [];
  const take = (values: Float64Array | number) => {
    const buf = typeof values === "number" ? rt.arena.f64(values) : rt.arena.f64From(values);
    owned.push(buf);
    return buf;
  };
  return { take, owned };
}

function partitions(count: number): [number, number][][] {
  const byBlock = Array.from({ length: count }, (_, j): [number, number] => [j, j + 1]);
  const cut = (at: number): [number, number][] => [[0, at], [at, at], [at, count]];
  return [[[0, count]], byBlock, cut(Math.floor(count / 3)), cut(count - 1)];
}

describe("range kernels against the whole-network kernels", () => {
  for (const build of ["simd", "scalar", "threads"] as const) {
    it(`${build}: forwardRange + reduceBlocks and backwardRange reproduce forward and backward bit for bit`, async () => {
      const rt = build === "threads" ? await sharedRuntime() : await runtimeFor(build);
      const ex = rt.exports;
      const block = ex.neuronBlock();
      const rand = testRandom(7);
      for (const [name, spec] of KERNEL_ACTIVATIONS) {
        const act = new WasmActivation(rt, spec);
        for (const { n, d, b } of SHAPES) {
          const blocks = Math.ceil(n / block);
          const { take, owned } = ownedBuffers(rt);
          const x = take(normals(rand, b * d));
          const w = take(normals(rand, n * d, 1 / Math.sqrt(d)));
          const a = take(normals(rand, n));
          const r = take(normals(rand, b, 1 / b));
          const [z, f, g, gradW, gradA] = [take(b * n), take(b), take(b * n), take(n * d), take(n)];
          const [z2, f2, g2, gradW2, gradA2, partial] = [take(b * n), take(b), take(b * n), take(n * d), take(n), take(blocks * b)];
          const scale = 1 / n;
          const kind = [act.code, act.params.ptr, act.params.length] as const;
          ex.forward(x.ptr, w.ptr, a.ptr, n, d, b, scale, ...kind, z.ptr, f.ptr);
          ex.backward(x.ptr, a.ptr, n, d, b, scale, ...kind, z.ptr, r.ptr, g.ptr, gradW.ptr, gradA.ptr);
          for (const parts of partitions(blocks)) {
            const label = `${name} ${JSON.stringify({ n, d, b })} ${JSON.stringify(parts)}`;
            for (const v of [z2, f2, g2, gradW2, gradA2, partial]) v.view.fill(Number.NaN);
            for (const [j0, j1] of parts) ex.forwardRange(x.ptr, w.ptr, a.ptr, n, d, b, ...kind, z2.ptr, partial.ptr, j0, j1);
            ex.reduceBlocks(partial.ptr, blocks, b, scale, f2.ptr);
            for (const [j0, j1] of parts) {
              ex.backwardRange(x.ptr, a.ptr, n, d, b, scale, ...kind, z2.ptr, r.ptr, g2.ptr, gradW2.ptr, gradA2.ptr, j0, j1);
            }
            expect(sameBits(z2.view, z.view), `z ${label}`).toBe(true);
            expect(sameBits(f2.view, f.view), `f ${label}`).toBe(true);
            expect(sameBits(gradW2.view, gradW.view), `gradW ${label}`).toBe(true);
            expect(sameBits(gradA2.view, gradA.view), `gradA ${label}`).toBe(true);
          }
          for (const buf of owned) buf.free();
        }
        act.free();
      }
      expect(rt.arena.bytesInUse).toBe(0);
    });
  }

  for (const build of ["simd", "scalar", "threads"] as const) {
    it(`${build}: forward32Range + reduceBlocks and backward32Range reproduce forward32 and backward32 bit for bit`, async () => {
      const rt = build === "threads" ? await sharedRuntime() : await runtimeFor(build);
      const ex = rt.exports;
      const block = ex.neuronBlock();
      const rand = testRandom(8);
      for (const [name, spec] of KERNEL_ACTIVATIONS) {
        const act = new WasmActivation(rt, spec);
        for (const { n, d, b } of SHAPES) {
          const blocks = Math.ceil(n / block);
          const dp = ex.paddedDim(d);
          const nPad = ex.paddedDim(n);
          const { take, owned } = ownedBuffers(rt);
          const x = take(normals(rand, b * d));
          const w = take(normals(rand, n * d, 1 / Math.sqrt(d)));
          const a = take(normals(rand, n));
          const r = take(normals(rand, b, 1 / b));
          const [x32, wT32] = [take(b * dp), take(Math.ceil((d * nPad) / 2))];
          ex.narrowRowsToF32(x.ptr, x32.ptr, b, d, dp);
          ex.narrowTransposedToF32(w.ptr, wT32.ptr, n, d, nPad);
          const scratch = () => [take(Math.ceil((b * n) / 2)), take(Math.ceil((n * dp) / 2))] as const;
          const [z, f, gradW, gradA] = [take(b * n), take(b), take(n * d), take(n)];
          const [g32, gradW32] = scratch();
          const [z2, f2, gradW2, gradA2, partial] = [take(b * n), take(b), take(n * d), take(n), take(blocks * b)];
          const [g32b, gradW32b] = scratch();
          const scale = 1 / n;
          const kind = [act.code, act.params.ptr, act.params.length] as const;
          ex.forward32(x32.ptr, wT32.ptr, a.ptr, n, nPad, d, dp, b, scale, ...kind, z.ptr, f.ptr);
          ex.backward32(x32.ptr, a.ptr, n, d, dp, b, scale, ...kind, z.ptr, r.ptr, g32.ptr, gradW32.ptr, gradW.ptr, gradA.ptr);
          for (const parts of partitions(blocks)) {
            const label = `${name} ${JSON.stringify({ n, d, b })} ${JSON.stringify(parts)}`;
            for (const v of [z2, f2, gradW2, gradA2, partial]) v.view.fill(Number.NaN);
            for (const [j0, j1] of parts) ex.forward32Range(x32.ptr, wT32.ptr, a.ptr, n, d, dp, b, ...kind, z2.ptr, partial.ptr, j0, j1);
            ex.reduceBlocks(partial.ptr, blocks, b, scale, f2.ptr);
            for (const [j0, j1] of parts) {
              ex.backward32Range(x32.ptr, a.ptr, n, d, dp, b, scale, ...kind, z2.ptr, r.ptr, g32b.ptr, gradW32b.ptr, gradW2.ptr, gradA2.ptr, j0, j1);
            }
            // An f32 run's z is f32, in the first half of the buffer.
            const z32 = (buf: typeof z) => new Float32Array(ex.memory.buffer, buf.ptr, b * n);
            expect(sameBits(z32(z2), z32(z)), `z ${label}`).toBe(true);
            expect(sameBits(f2.view, f.view), `f ${label}`).toBe(true);
            expect(sameBits(gradW2.view, gradW.view), `gradW ${label}`).toBe(true);
            expect(sameBits(gradA2.view, gradA.view), `gradA ${label}`).toBe(true);
          }
          for (const buf of owned) buf.free();
        }
        act.free();
      }
      expect(rt.arena.bytesInUse).toBe(0);
    });
  }

  it("linearizedForwardRange gives the linearized model's outputs, whatever the split", async () => {
    const rt = await runtimeFor("simd");
    const ex = rt.exports;
    const rand = testRandom(11);
    const { n, d, b } = { n: 150, d: 7, b: 23 };
    const blocks = Math.ceil(n / ex.neuronBlock());
    for (const [name, spec] of KERNEL_ACTIVATIONS) {
      const ref = referenceActivation(spec);
      const act = new WasmActivation(rt, spec);
      const xs = normals(rand, b * d);
      const w0s = normals(rand, n * d, 1 / Math.sqrt(d));
      const dws = normals(rand, n * d, 0.1);
      const as = normals(rand, n);
      const a0s = normals(rand, n);
      const [x, w0, dw, a, a0] = [xs, w0s, dws, as, a0s].map((v) => rt.arena.f64From(v));
      const [z, zd, partial, f, reference] = [b * n, b * n, blocks * b, b, b].map((len) => rt.arena.f64(len));
      const scale = 1 / Math.sqrt(n);
      const expected = new Float64Array(b);
      for (let s = 0; s < b; s++) {
        let total = 0;
        for (let i = 0; i < n; i++) {
          let z0 = 0;
          let t = 0;
          for (let k = 0; k < d; k++) {
            z0 += xs[s * d + k]! * w0s[i * d + k]!;
            t += xs[s * d + k]! * dws[i * d + k]!;
          }
          total += as[i]! * ref.value(z0) + a0s[i]! * ref.derivative(z0) * t;
        }
        expected[s] = scale * total;
      }
      const call = (j0: number, j1: number) =>
        ex.linearizedForwardRange(x!.ptr, w0!.ptr, dw!.ptr, a!.ptr, a0!.ptr, n, d, b, act.code, act.params.ptr, act.params.length, z!.ptr, zd!.ptr, partial!.ptr, j0, j1);
      call(0, blocks);
      ex.reduceBlocks(partial!.ptr, blocks, b, scale, reference!.ptr);
      expect(relativeError(reference!.view, expected), name).toBeLessThanOrEqual(1e-12);
      call(0, 1);
      call(1, blocks);
      ex.reduceBlocks(partial!.ptr, blocks, b, scale, f!.ptr);
      expect(sameBits(f!.view, reference!.view), name).toBe(true);
      for (const buf of [x, w0, dw, a, a0, z, zd, partial, f, reference]) buf!.free();
      act.free();
    }
  });
});

describe("thread team", () => {
  it("splits large random fills across threads without changing a value", async () => {
    const rt = await sharedRuntime();
    const key = streamKey(5, "fill");
    const draw = () => {
      const out = { u: rt.arena.f64(5001), g: rt.arena.f64(4097), s: rt.arena.f64(701 * 9) };
      rt.random.uniformInto(key, 3, out.u);
      rt.random.gaussianInto(key, 7, out.g);
      rt.random.sphereInto(key, 11, 701, 9, out.s);
      const copy = { u: out.u.toArray(), g: out.g.toArray(), s: out.s.toArray() };
      for (const buf of Object.values(out)) buf.free();
      return copy;
    };
    const alone = draw();
    for (const size of [2, 3]) {
      const team = await ThreadTeam.start(rt, size);
      try {
        const split = draw();
        for (const k of ["u", "g", "s"] as const) expect(sameBits(split[k], alone[k]), `${k}, ${size} threads`).toBe(true);
      } finally {
        await team.close();
      }
    }
    expect(rt.team).toBe(null);
  });

  it("reports a failed claim, stays usable after it, and refuses a second team or unshared memory", async () => {
    const rt = await sharedRuntime();
    const team = await ThreadTeam.start(rt, 2);
    try {
      // Values 8 .. 15 land out of bounds, whichever thread claims them.
      const beyond = rt.exports.memory.buffer.byteLength - 64;
      expect(() => team.run("fillGaussianRange", [1, 2, 3, 4, 0, beyond], 16, 1)).toThrow(/out of bounds/);
      const out = rt.arena.f64(8);
      for (const grain of [1, 3, 8]) {
        out.view.fill(Number.NaN);
        team.run("fillGaussianRange", [1, 2, 3, 4, 0, out.ptr], 8, grain);
        expect(sameBits(out.toArray(), gaussians(rt, 8)), `grain ${grain}`).toBe(true);
      }
      out.free();
      // More items than a call has unit flags: the units grow instead.
      const many = rt.arena.f64(10007);
      team.run("fillGaussianRange", [1, 2, 3, 4, 0, many.ptr], 10007, 1);
      expect(sameBits(many.toArray(), gaussians(rt, 10007))).toBe(true);
      many.free();
      expect(() => team.run("fillGaussianRange", [1, 2, 3, 4, 0, 0], 8, 0)).toThrow(/items per unit/);
      await expect(ThreadTeam.start(rt, 2)).rejects.toThrow(/already has an open thread team/);
    } finally {
      await team.close();
    }
    await expect(ThreadTeam.start(await runtimeFor("simd"), 2)).rejects.toThrow(/shared memory.*build: "threads"/);
  });

  it("keeps views of shared memory current across growth, and the module's static data intact", async () => {
    const rt = await loadRuntime({ build: "threads" });
    expect(rt.sharedMemory).toBe(true);
    const staticData = Buffer.from(new Uint8Array(rt.exports.memory.buffer, 0, rt.exports.heapBase()));
    const small = rt.arena.f64From([1, 2, 3]);
    const before = small.view;
    const big = rt.arena.f64(4 << 20);
    expect(small.view).not.toBe(before);
    expect(small.view.buffer).toBe(rt.exports.memory.buffer);
    expect(Array.from(small.view)).toEqual([1, 2, 3]);
    big.view[big.length - 1] = 7;
    expect(big.view[big.length - 1]).toBe(7);
    small.free();
    big.free();
    // Each worker's instantiation re-applies the data segments over the shared memory.
    await simulate({ ...onlineRelu, threads: 2 }, { runtime: rt });
    expect(Buffer.from(new Uint8Array(rt.exports.memory.buffer, 0, staticData.length)).equals(staticData)).toBe(true);
  });
});

function gaussians(rt: WasmRuntime, count: number): Float64Array {
  const out = rt.arena.f64(count);
  rt.exports.fillGaussian(1, 2, 3, 4, 0, out.ptr, count);
  const copy = out.toArray();
  out.free();
  return copy;
}

const every = (steps: number) => ({ kind: "every" as const, steps });
const onlineRelu: ConfigInput = {
  seed: 4,
  task: { kind: "gaussianSingleIndex", d: 12, link: { kind: "He", k: 2 } },
  model: { width: 100, activation: "relu", init: { secondLayer: { kind: "gaussian", std: 1 } } },
  algorithm: { kind: "onlineSgd", batch: 300, steps: 30, stepSize: 0.1 },
  metrics: { include: ["testLoss", "movement", "overlaps"], schedule: every(10), testSamples: 3000 },
};

// N never a multiple of the 64-neuron block; batches large enough that the random fills split too.
const CONFIGS: [string, ConfigInput][] = [
  ["online SGD, relu", onlineRelu],
  [
    "empirical GD, tanh, projected, on the sphere",
    {
      seed: 9,
      task: { kind: "sphereSingleIndex", d: 10, link: { kind: "legendre", coefficients: [0, 0.5, 0, 0, 1] } },
      model: { width: 70, activation: "tanh" },
      algorithm: { kind: "empiricalGd", samples: 500, steps: 25, stepSize: 0.2, projected: true },
      metrics: { include: ["trainLoss", "testLoss", "populationLoss"], schedule: every(5), testSamples: 2500 },
    },
  ],
  [
    "online SGD, linearized NTK model with a bias, quartic",
    {
      seed: 2,
      task: { kind: "teacherAbs", d: 8, width: 3 },
      model: { width: 130, activation: { kind: "polynomial", coefficients: [0, 1, 0.5, 0, 0.1] }, scaling: "ntk", bias: true },
      algorithm: { kind: "onlineSgd", batch: 257, steps: 20, stepSize: 0.05, linearize: true },
      metrics: { include: ["testLoss", "movement"], schedule: every(5), testSamples: 2000 },
    },
  ],
  [
    "online SGD in f32, tanh, on the sphere",
    {
      seed: 6,
      precision: "f32",
      task: { kind: "sphereSingleIndex", d: 11, link: { kind: "legendre", coefficients: [0, 0.5, 0, 1] } },
      model: { width: 150, activation: "tanh", init: { secondLayer: { kind: "gaussian", std: 1 } } },
      algorithm: { kind: "onlineSgd", batch: 300, steps: 20, stepSize: 0.1 },
      metrics: { include: ["testLoss", "movement"], schedule: every(5), testSamples: 2000 },
    },
  ],
  [
    "online Langevin SGD on the staircase",
    {
      seed: 1,
      task: { kind: "staircase", d: 9, degree: 3 },
      model: { width: 65, activation: "relu", init: { secondLayer: { kind: "rademacher" } } },
      algorithm: { kind: "onlineSgd", batch: 512, steps: 20, stepSize: 0.05, noise: { beta: 1e4 } },
      metrics: { include: ["testLoss", "projections"], schedule: every(5), testSamples: 3000 },
    },
  ],
];

describe("threads in a run", () => {
  for (const [name, config] of CONFIGS) {
    it(`${name}: threads 1, 2 and 3 give identical records`, async () => {
      const runs: MetricRecord[][] = [];
      for (const threads of [1, 2, 3]) runs.push((await simulate({ ...config, threads })).records);
      expect(runs[0]!.length).toBeGreaterThan(2);
      expect(runs[0]![runs[0]!.length - 1]!.testLoss).not.toEqual(runs[0]![0]!.testLoss);
      expect(runs[1]).toEqual(runs[0]);
      expect(runs[2]).toEqual(runs[0]);
      expect(running()).toEqual([]);
    });
  }

  it("population GD ignores threads and starts no worker", async () => {
    const config: ConfigInput = {
      task: { kind: "gaussianSingleIndex", d: 6, link: "tanh" },
      model: { width: 20, activation: "relu" },
      algorithm: { kind: "populationGd", steps: 10, stepSize: 0.05 },
      metrics: { include: ["populationLoss"], schedule: every(5) },
    };
    const before = started.length;
    const one = await simulate(config, { runtime: await runtimeFor("simd") });
    const two = await simulate({ ...config, threads: 2 }, { runtime: await runtimeFor("simd") });
    expect(two.records).toEqual(one.records);
    expect(started.length).toBe(before);
  });

  it("stops its workers when the run throws, and refuses a runtime without shared memory", async () => {
    const before = started.length;
    await expect(
      simulate(
        { ...onlineRelu, threads: 2 },
        {
          onRecord: (record) => {
            if (record.step === 10) throw new Error("observer failed");
          },
        },
      ),
    ).rejects.toThrow("observer failed");
    expect(started.length).toBe(before + 1);
    expect(running()).toEqual([]);
    await expect(simulate({ ...onlineRelu, threads: 2 }, { runtime: await runtimeFor("simd") })).rejects.toThrow(/shared memory/);
  });

  it("leaves nothing that keeps the process alive (built package, after a completed and a failed run)", () => {
    const dist = new URL("../dist/index.js", import.meta.url);
    expect(existsSync(dist), "dist/index.js is missing: run `npm run build`").toBe(true);
    const config = JSON.stringify({ ...onlineRelu, threads: 2 });
    const script = `
      import { simulate } from ${JSON.stringify(dist.href)};
      const config = ${config};
      const done = await simulate(config);
      const failed = await simulate(config, { onRecord: () => { throw new Error("stop"); } }).catch((err) => err.message);
      console.log(done.records.length, failed);
    `;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
    expect(child.error, "the process did not exit by itself").toBeUndefined();
    expect(child.stderr).toBe("");
    expect(child.stdout.trim()).toBe("4 stop");
    expect(child.status).toBe(0);
  });
});
