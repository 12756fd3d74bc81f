// GFLOP/s of one forward + backward pass (ReLU, 4 B N d flops) in the SIMD and relaxed-SIMD
// builds, in f64 and f32 (the f32 pass includes narrowing x, as a training step does; the f32
// copy of w is narrowed once, as the fused training step keeps it between steps),
// each as a share of the ceiling of the instructions it runs on (bench/ceiling.ts), both timed in
// process CPU time.

import { WasmActivation, type NetworkShape } from "../src/wasm/networkKernels.js";
import { loadRuntime, type WasmRuntime } from "../src/wasm/runtime.js";
import { cpuMs, type CeilingMeter, type InstructionSet } from "./ceiling.js";
import { printColumns } from "./textTable.js";

export type KernelBuild = "simd" | "relaxed";
export type KernelPrecision = "f64" | "f32";

export interface KernelRate {
  build: KernelBuild;
  precision: KernelPrecision;
  gflops: number;
  instructionSet: InstructionSet;
  /** gflops over the ceiling of instructionSet, null when that ceiling was not measured. */
  shareOfPeak: number | null;
}

const FILES: Record<KernelBuild, string> = { simd: "meanfield.wasm", relaxed: "meanfield.relaxed.wasm" };

/** One pass as a closure over buffers filled with deterministic inputs of the usual size. */
function passFor(rt: WasmRuntime, { n, d, b }: NetworkShape, precision: KernelPrecision): () => void {
  const { arena, exports: ex } = rt;
  const draw = (name: string, count: number, sd: number) => arena.f64From(rt.random.gaussian(7, name, count).map((t) => sd * t));
  const x = draw("x", b * d, 1), w = draw("w", n * d, 1 / Math.sqrt(d)), a = draw("a", n, 1), r = draw("r", b, 1 / b);
  const z = arena.f64(b * n), f = arena.f64(b), gradW = arena.f64(n * d), gradA = arena.f64(n);
  const act = new WasmActivation(rt, "relu");
  const scale = 1 / n;
  if (precision === "f64") {
    const g = arena.f64(b * n);
    const buf = { x, w, a, r, z, f, g, gradW, gradA };
    return () => {
      rt.network.forwardInto({ n, d, b }, scale, act, buf, { checkFinite: false });
      rt.network.backwardInto({ n, d, b }, scale, act, buf, { checkFinite: false });
    };
  }
  const dp = ex.paddedDim(d);
  const nPad = ex.paddedDim(n);
  const x32 = arena.f64(b * dp), wT32 = arena.f64((d * nPad) / 2), g32 = arena.f64(Math.ceil((b * n) / 2)), gradW32 = arena.f64((n * dp) / 2);
  const { code } = act;
  const params = act.params;
  ex.narrowTransposedToF32(w.ptr, wT32.ptr, n, d, nPad);
  return () => {
    ex.narrowRowsToF32(x.ptr, x32.ptr, b, d, dp);
    ex.forward32(x32.ptr, wT32.ptr, a.ptr, n, nPad, d, dp, b, scale, code, params.ptr, params.length, z.ptr, f.ptr);
    ex.backward32(x32.ptr, a.ptr, n, d, dp, b, scale, code, params.ptr, params.length, z.ptr, r.ptr, g32.ptr, gradW32.ptr, gradW.ptr, gradA.ptr);
  };
}

/**
 * Fastest of `rounds` timings of about `seconds` each, in CPU milliseconds per call (cpuMs): other
 * load only ever slows a round down.
 */
export function fastestMs(pass: () => void, rounds: number, seconds: number): number {
  let reps = 1;
  for (;;) {
    const t0 = cpuMs();
    for (let k = 0; k < reps; k++) pass();
    const ms = cpuMs() - t0;
    if (ms > 20) {
      reps = Math.max(1, Math.ceil((reps * seconds * 1e3) / ms));
      break;
    }
    reps *= 4;
  }
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    const t0 = cpuMs();
    for (let k = 0; k < reps; k++) pass();
    best = Math.min(best, (cpuMs() - t0) / reps);
  }
  return best;
}

/**
 * Each build's and precision's pass, measured in alternation (the order reversed every other
 * round) with a sample of the ceiling between rounds.
 */
export async function measureKernelRates(repoRoot: URL, shape: NetworkShape, meter: CeilingMeter, rounds = 7): Promise<KernelRate[]> {
  const builds: KernelBuild[] = meter.ceiling["f64x2 fma"] === null ? ["simd"] : ["simd", "relaxed"];
  const cases: { build: KernelBuild; precision: KernelPrecision; pass: () => void }[] = [];
  for (const build of builds) {
    const rt = await loadRuntime({ url: new URL(`build/${FILES[build]}`, repoRoot) });
    if (rt.build !== build) throw new Error(`build/${FILES[build]} is a ${rt.build} build, expected ${build}`);
    for (const precision of ["f64", "f32"] as const) cases.push({ build, precision, pass: passFor(rt, shape, precision) });
  }
  const best = cases.map(() => Infinity);
  for (let round = 0; round < rounds; round++) {
    const order = cases.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) best[i] = Math.min(best[i]!, fastestMs(cases[i]!.pass, 3, 0.05));
    meter.sample();
  }
  const flops = 4 * shape.b * shape.n * shape.d;
  return cases.map((c, i) => {
    const gflops = flops / (best[i]! * 1e6);
    const instructionSet = `${c.precision === "f64" ? "f64x2" : "f32x4"}${c.build === "relaxed" ? " fma" : ""}` as InstructionSet;
    const peak = meter.ceiling[instructionSet];
    return { build: c.build, precision: c.precision, gflops, instructionSet, shareOfPeak: peak === null ? null : gflops / peak };
  });
}

export function printKernelRates(shape: NetworkShape, rates: KernelRate[], previous: KernelRate[] | undefined): void {
  const { d, n, b } = shape;
  console.log(`\nd = ${d}, N = ${n}, B = ${b}: forward + backward kernels (fastest of alternating rounds, CPU time)`);
  const rows = [["build", "precision", "GFLOP/s", "peak set", "% of peak", "previous GFLOP/s"]];
  for (const r of rates) {
    const before = previous?.find((p) => p.build === r.build && p.precision === r.precision);
    rows.push([
      r.build,
      r.precision,
      r.gflops.toFixed(1),
      r.instructionSet,
      r.shareOfPeak === null ? "-" : `${(100 * r.shareOfPeak).toFixed(0)}%`,
      before ? before.gflops.toFixed(1) : "-",
    ]);
  }
  printColumns(rows);
}
