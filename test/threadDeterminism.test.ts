// Thread teams change where work runs, never a bit: the passes, fills, axpys and f32 narrowings a
// team splits give the same bits with no team and with teams of 1, 2 and 3 threads, on shapes that
// leave partial blocks and tiles everywhere (odd d, N not a multiple of the 64-neuron block or the
// 8-neuron panel, B = 1, B past a sample block and not a multiple of it), and so do whole runs.

import { describe, expect, it } from "vitest";
import type { ConfigInput } from "../src/config.js";
import { simulate } from "../src/run/simulate.js";
import type { WasmF64Array } from "../src/wasm/arena.js";
import { BlockedPasses } from "../src/wasm/blockedPasses.js";
import { WasmActivation } from "../src/wasm/networkKernels.js";
import { streamKey } from "../src/wasm/random.js";
import { loadRuntime, type WasmRuntime } from "../src/wasm/runtime.js";
import { ThreadTeam } from "../src/wasm/threadTeam.js";
import { normals, testRandom } from "./helpers.js";

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

let shared: Promise<WasmRuntime> | null = null;
function sharedRuntime(): Promise<WasmRuntime> {
  shared ??= loadRuntime({ build: "threads" });
  return shared;
}

/** Runs body with no team, then with teams of 1, 2 and 3 threads; returns each run's outputs. */
async function acrossTeams(rt: WasmRuntime, body: () => Record<string, Float64Array>): Promise<Record<string, Float64Array>[]> {
  const results = [body()];
  for (const size of [1, 2, 3]) {
    const team = await ThreadTeam.start(rt, size);
    try {
      results.push(body());
    } finally {
      await team.close();
    }
  }
  return results;
}

function expectSameAcrossTeams(results: Record<string, Float64Array>[], label: string): void {
  const [alone, ...teams] = results;
  teams.forEach((run, t) => {
    for (const key of Object.keys(alone!)) expect(sameBits(run[key]!, alone![key]!), `${key}, ${label}, team of ${[1, 2, 3][t]}`).toBe(true);
  });
}

// d odd and even, N past or short of a block, a panel and a tile, B = 1 and B past a sample block.
const SHAPES = [
  { d: 3, n: 1, b: 1 },
  { d: 33, n: 131, b: 1 },
  { d: 17, n: 65, b: 41 },
  { d: 101, n: 200, b: 257 },
  { d: 9, n: 129, b: 1900 },
];

describe("thread teams give the same bits as no team", () => {
  it("forward and backward passes, f64 and f32, for every shape", async () => {
    const rt = await sharedRuntime();
    const rand = testRandom(20);
    const act = new WasmActivation(rt, "tanh");
    for (const { d, n, b } of SHAPES) {
      const owned: WasmF64Array[] = [];
      const take = (v: Float64Array | number) => {
        const buf = typeof v === "number" ? rt.arena.f64(v) : rt.arena.f64From(v);
        owned.push(buf);
        return buf;
      };
      const [x, w, a, r] = [take(normals(rand, b * d)), take(normals(rand, n * d, 1 / Math.sqrt(d))), take(normals(rand, n)), take(normals(rand, b, 1 / b))];
      const [z, f, g, gradW, gradA] = [take(b * n), take(b), take(b * n), take(n * d), take(n)];
      const dp = rt.linalg.paddedDim(d);
      const nPad = rt.linalg.paddedDim(n);
      const single = { dp, x32: take(Math.ceil((b * dp) / 2)), wT32: take(Math.ceil((d * nPad) / 2)), g32: take(Math.ceil((b * n) / 2)), gradW32: take(Math.ceil((n * dp) / 2)) };
      const passes = new BlockedPasses(rt, n, b);
      const shape = { d, b };
      const results = await acrossTeams(rt, () => {
        for (const v of [z, f, g, gradW, gradA, single.x32, single.wT32]) v.view.fill(Number.NaN);
        passes.forward(shape, 1 / n, act, { x, w, a, z, f });
        passes.backward(shape, 1 / n, act, { x, a, z, r, g, gradW, gradA });
        const f64 = { z: z.toArray(), f: f.toArray(), g: g.toArray(), gradW: gradW.toArray(), gradA: gradA.toArray() };
        rt.linalg.narrowRowsToF32(x, single.x32, b, d, dp);
        rt.linalg.narrowTransposedToF32(w, single.wT32, n, d, nPad);
        passes.forward32(shape, 1 / n, act, { a, z, f }, single);
        passes.backward32(shape, 1 / n, act, { a, z, r, gradW, gradA }, single);
        return { ...f64, wT32: single.wT32.toArray(), z32: z.toArray(), f32: f.toArray(), gradW32: gradW.toArray(), gradA32: gradA.toArray() };
      });
      // With no team the blocks run one by one: the whole-network kernels' bits.
      rt.exports.forward(x.ptr, w.ptr, a.ptr, n, d, b, 1 / n, act.code, act.params.ptr, act.params.length, z.ptr, f.ptr);
      rt.exports.backward(x.ptr, a.ptr, n, d, b, 1 / n, act.code, act.params.ptr, act.params.length, z.ptr, r.ptr, g.ptr, gradW.ptr, gradA.ptr);
      for (const [key, buf] of [["f", f], ["gradW", gradW], ["gradA", gradA]] as const) {
        expect(sameBits(results[0]![key]!, buf.toArray()), `${key} against forward/backward, ${JSON.stringify({ d, n, b })}`).toBe(true);
      }
      expectSameAcrossTeams(results, JSON.stringify({ d, n, b }));
      passes.free();
      for (const buf of owned) buf.free();
    }
    act.free();
    expect(rt.arena.bytesInUse).toBe(0);
  });

  it("random fills, axpys and f32 narrowings long enough to split, over many calls in a row", async () => {
    const rt = await sharedRuntime();
    const rand = testRandom(21);
    const key = streamKey(3, "determinism");
    const n = 301;
    const d = 219; // n d past the size at which axpy and narrowing split
    const x = rt.arena.f64From(normals(rand, n * d));
    const y = rt.arena.f64(n * d);
    const gauss = rt.arena.f64(5003);
    const sphere = rt.arena.f64(257 * d);
    const wT32 = rt.arena.f64(Math.ceil((d * rt.linalg.paddedDim(n)) / 2));
    const results = await acrossTeams(rt, () => {
      y.view.fill(0.5);
      for (const v of [gauss, sphere, wT32]) v.view.fill(Number.NaN);
      // Many short calls back to back: workers still finishing one call while the next is published.
      for (let k = 0; k < 200; k++) {
        rt.random.gaussianInto(key, 7 * k, gauss);
        rt.linalg.axpy(1 / (k + 1), x, y, n * d);
      }
      rt.random.sphereInto(key, 11, 257, d, sphere);
      rt.linalg.narrowTransposedToF32(y, wT32, n, d, rt.linalg.paddedDim(n));
      return { gauss: gauss.toArray(), y: y.toArray(), sphere: sphere.toArray(), wT32: wT32.toArray() };
    });
    expectSameAcrossTeams(results, "fills and axpys");
    for (const buf of [x, y, gauss, sphere, wT32]) buf.free();
  });
});

const every = (steps: number) => ({ kind: "every" as const, steps });
const awkwardRun = (batch: number, precision: "f64" | "f32"): ConfigInput => ({
  seed: 12,
  precision,
  task: { kind: "gaussianSingleIndex", d: 219, link: { kind: "He", k: 2 } },
  model: { width: 301, activation: "relu", init: { secondLayer: { kind: "gaussian", std: 1 } } },
  algorithm: { kind: "onlineSgd", batch, steps: 12, stepSize: 0.05 },
  metrics: { include: ["testLoss", "movement"], schedule: every(4), testSamples: 500 },
});

describe("whole runs on awkward shapes", () => {
  for (const [name, config] of [
    ["B = 1, f64", awkwardRun(1, "f64")],
    ["B = 37, f64", awkwardRun(37, "f64")],
    ["B = 37, f32", awkwardRun(37, "f32")],
  ] as const) {
    it(`${name}: threads 1, 2 and 3 give identical records`, async () => {
      const runs = [];
      for (const threads of [1, 2, 3]) runs.push((await simulate({ ...config, threads })).records);
      expect(runs[0]!.length).toBeGreaterThan(2);
      expect(runs[1]).toEqual(runs[0]);
      expect(runs[2]).toEqual(runs[0]);
    });
  }
});
