import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { simulate } from "../src/run/simulate.js";
import { defaultBuild, defaultThreadsBuild, relaxedSimdSupported } from "../src/wasm/loader.js";
import { loadRuntime } from "../src/wasm/runtime.js";
import { referenceActivation } from "./reference/activation.js";
import { referenceAccumulateNormal } from "./reference/kernelGram.js";
import { referenceBackward, referenceForward } from "./reference/network.js";
import { referenceBackward32, referenceForward32 } from "./reference/network32.js";
import { relativeError } from "./helpers.js";
// @ts-expect-error plain ES module shared with the child process, which runs without a TypeScript loader
import { gaussianDraw, NORMAL_SHAPE, normalGram, normalInputs, passInputs, RUN_CONFIGS, SHAPE } from "./relaxed/relaxedCases.mjs";

// Node 20 enables relaxed SIMD only by a V8 flag at start-up, so the relaxed build runs in a child
// Node started with --experimental-wasm-relaxed-simd, over the built package (dist/).
const child = fileURLToPath(new URL("./relaxed/relaxedChild.mjs", import.meta.url));
const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));

interface ChildReport {
  supported: boolean;
  defaultBuild: string;
  defaultThreadsBuild: string;
  runtimeBuild: string;
  gaussians: number[];
  f: number[];
  z: number[];
  gradW: number[];
  gradA: number[];
  pass32: Record<"z" | "f" | "gradW" | "gradA", number[]>;
  normal: number[];
  runs: Record<string, number[][]>;
  fused: Record<string, Record<"fused" | "unfused", { ran: boolean; w: string; a: string }>>;
  columnMismatches: string[];
  sampleMismatches: string[];
}

type Inputs = Record<"x" | "w" | "a" | "r", Float64Array>;

// A fused multiply-add rounds once where mul + add rounds twice: per-entry differences of a few
// ulps of the d-long sums, relative to the largest entry far below 1e-12. Training runs carry
// such differences along a contracting flow; over 150 steps the test loss moves by at most
// RUN_TOLERANCE of itself (measured: 5e-16 in f64, 6e-9 in f32, where the products round to f32).
const KERNEL_TOLERANCE = 1e-12;
const RUN_TOLERANCE = { f64: 1e-11, f32: 1e-7 };
// The f32 kernels against their f32 reference, as in test/network32.test.ts.
const KERNEL32_TOLERANCE = 1e-5;
// accumulateNormal against a compensated sum, relative to sum_s |phi_is phi_js| (as in
// test/kernelWasm.test.ts): reached 2.2e-16 here.
const NORMAL_TOLERANCE = 1e-15;

function maxRelative(got: number[], ref: number[]): number {
  return Math.max(...ref.map((v, i) => Math.abs(got[i]! - v) / Math.abs(v)));
}

describe("relaxed-SIMD build", () => {
  let report: ChildReport;

  beforeAll(() => {
    if (!existsSync(dist)) throw new Error("dist/ is missing: run `npm run build` before the tests");
    const run = spawnSync(process.execPath, ["--experimental-wasm-relaxed-simd", child], { encoding: "utf8", timeout: 120_000 });
    if (run.status !== 0) throw new Error(`relaxed child failed (${run.status}): ${run.stderr}`);
    report = JSON.parse(run.stdout) as ChildReport;
  }, 150_000);

  it("is what the loader picks where the engine validates relaxed SIMD, with its threads twin", () => {
    expect(report.supported).toBe(true);
    expect(report.defaultBuild).toBe("relaxed");
    expect(report.defaultThreadsBuild).toBe("threadsRelaxed");
    expect(report.runtimeBuild).toBe("relaxed");
  });

  it("falls back to the plain SIMD build where the engine lacks relaxed SIMD (this Node 20 process)", async () => {
    expect(relaxedSimdSupported()).toBe(false);
    expect(defaultBuild()).toBe("simd");
    expect(defaultThreadsBuild()).toBe("threads");
    expect((await loadRuntime()).build).toBe("simd");
  });

  it(`forward/backward match the TypeScript reference and the plain build within ${KERNEL_TOLERANCE}`, async () => {
    const rt = await loadRuntime({ build: "simd" });
    const inputs = passInputs(rt) as Inputs;
    const ref = referenceActivation("tanh");
    const scale = 1 / SHAPE.n;
    const fwd = referenceForward(inputs.x, inputs.w, inputs.a, SHAPE, scale, ref);
    const back = referenceBackward(inputs.x, inputs.w, inputs.a, inputs.r, SHAPE, scale, ref);
    expect(relativeError(report.z, fwd.z)).toBeLessThanOrEqual(KERNEL_TOLERANCE);
    expect(relativeError(report.f, fwd.f)).toBeLessThanOrEqual(KERNEL_TOLERANCE);
    expect(relativeError(report.gradW, back.gradW)).toBeLessThanOrEqual(KERNEL_TOLERANCE);
    expect(relativeError(report.gradA, back.gradA)).toBeLessThanOrEqual(KERNEL_TOLERANCE);
    const plain = rt.network.backward({ ...inputs, d: SHAPE.d, scale, activation: "tanh" });
    expect(relativeError(report.gradW, plain.gradW)).toBeLessThanOrEqual(KERNEL_TOLERANCE);
    // Fused multiply-adds really ran: not the plain build's bits.
    expect(report.gradW).not.toEqual(Array.from(plain.gradW));
  });

  it(`accumulateNormal matches the TypeScript reference within ${NORMAL_TOLERANCE} of sum |products|, fused`, async () => {
    const rt = await loadRuntime({ build: "simd" });
    const { p, rows } = NORMAL_SHAPE as { p: number; rows: number };
    const ref = referenceAccumulateNormal(normalInputs(rt) as Float64Array, p, rows, new Float64Array(p * p));
    let worst = 0;
    for (let i = 0; i < p * p; i++) {
      if (ref.scale[i] === 0) expect(report.normal[i], `upper entry ${i}`).toBe(0);
      else worst = Math.max(worst, Math.abs(report.normal[i]! - ref.gram[i]!) / ref.scale[i]!);
    }
    expect(worst).toBeLessThanOrEqual(NORMAL_TOLERANCE);
    expect(report.normal).not.toEqual(normalGram(rt));
  });

  it("draws the plain build's Gaussians bit for bit", async () => {
    const gaussians = gaussianDraw(await loadRuntime({ build: "simd" })) as number[];
    expect(report.gaussians.length).toBe(999);
    expect(report.gaussians).toEqual(gaussians);
  });

  it(`f32 forward/backward match the f32 TypeScript reference within ${KERNEL32_TOLERANCE}`, async () => {
    const rt = await loadRuntime({ build: "simd" });
    const inputs = passInputs(rt) as Inputs;
    const ref = referenceActivation("tanh");
    const scale = 1 / SHAPE.n;
    const fwd = referenceForward32(inputs.x, inputs.w, inputs.a, SHAPE, scale, ref);
    const back = referenceBackward32(inputs.x, inputs.w, inputs.a, inputs.r, SHAPE, scale, ref);
    const got = report.pass32;
    expect(relativeError(got.z, fwd.z)).toBeLessThanOrEqual(KERNEL32_TOLERANCE);
    expect(relativeError(got.f, fwd.f)).toBeLessThanOrEqual(KERNEL32_TOLERANCE);
    expect(relativeError(got.gradW, back.gradW)).toBeLessThanOrEqual(KERNEL32_TOLERANCE);
    expect(relativeError(got.gradA, back.gradA)).toBeLessThanOrEqual(KERNEL32_TOLERANCE);
  });

  it("fused online-SGD steps give the step-by-step path's weights bit for bit (fused tiles moving w included)", () => {
    expect(Object.keys(report.fused).length).toBe(4);
    for (const [name, { fused, unfused }] of Object.entries(report.fused)) {
      expect(fused.ran, name).toBe(true);
      expect(unfused.ran, name).toBe(false);
      expect(fused.w, name).toBe(unfused.w);
      expect(fused.a, name).toBe(unfused.a);
    }
  });

  it("sums every f64 gradient entry in the same fused chain whichever tile holds it (4 x 4, edge: gradW's bits as with d = 1)", () => {
    expect(report.columnMismatches).toEqual([]);
  });

  it("gives each sample of a batch's forward pass the bits of that sample alone (B = 1)", () => {
    expect(report.sampleMismatches).toEqual([]);
  });

  it("gives the same bits on every run, and with 2 threads as with 1", () => {
    for (const [name, [first, second]] of Object.entries(report.runs)) expect(second, name).toEqual(first);
    expect(report.runs.twoThreads![0]).toEqual(report.runs.f64![0]);
  });

  it(`runs stay within ${RUN_TOLERANCE.f64} (f64) and ${RUN_TOLERANCE.f32} (f32) of the plain build's test loss at every logged step`, async () => {
    for (const name of ["f64", "f32"] as const) {
      const plain = await simulate(RUN_CONFIGS[name]);
      const losses = plain.records.map((r) => r.testLoss as number);
      expect(losses.length).toBeGreaterThan(5);
      const gap = maxRelative(report.runs[name]![0]!, losses);
      expect(gap, name).toBeLessThanOrEqual(RUN_TOLERANCE[name]);
    }
  });
});
