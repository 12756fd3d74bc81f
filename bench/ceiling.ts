// The practical peak of this machine for each Wasm instruction set: bench/ceiling/chains.ts
// (independent multiply-add chains, no memory traffic) compiled with SIMD and with relaxed SIMD,
// timed in this process: scalar f64 (the no-SIMD build's instructions), f64x2 and f32x4, and the
// two vector sets again with fused multiply-adds. Kernels report their GFLOP/s as a share of the
// peak of the instructions they use (formatShare). Both sides are timed in process CPU time
// (cpuMs), not wall time: on a machine shared with other work, time spent waiting for a core
// would otherwise land on whichever of the two happened to wait, and shares above 100% or far
// below the truth come out of the same code. The relaxed figures need an engine with relaxed SIMD (Node 20:
// --experimental-wasm-relaxed-simd, which the bench scripts pass); elsewhere they are null.

import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type InstructionSet = "f64" | "f64x2" | "f32x4" | "f64x2 fma" | "f32x4 fma";
export type Ceiling = Record<InstructionSet, number | null>;

interface ChainExports {
  chainsF64(iterations: number, seed: number): number;
  chainsF32(iterations: number, seed: number): number;
  chainsScalarF64(iterations: number, seed: number): number;
  flopsPerIteration(lanes: number): number;
}

function compileChains(repoRoot: URL, relaxed: boolean): Uint8Array<ArrayBuffer> {
  const outDir = new URL("bench/.build/", repoRoot);
  mkdirSync(outDir, { recursive: true });
  const out = fileURLToPath(new URL(`ceiling.${relaxed ? "relaxed" : "simd"}.wasm`, outDir));
  const asc = fileURLToPath(new URL("node_modules/assemblyscript/bin/asc.js", repoRoot));
  const source = fileURLToPath(new URL("bench/ceiling/chains.ts", repoRoot));
  const run = spawnSync(process.execPath, [asc, source, "-O3", "--runtime", "stub", "--noAssert", "--enable", relaxed ? "simd,relaxed-simd" : "simd", "-o", out], {
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`compiling bench/ceiling/chains.ts failed: ${run.stderr}`);
  return new Uint8Array(readFileSync(out));
}

/**
 * Milliseconds of CPU time this process has used (user + system, all its threads): single-threaded
 * compute loops are timed with it, so that a loaded machine slows the figures down less.
 */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e3;
}

/**
 * CPU milliseconds of each run per round, over `rounds` rounds that alternate the runs' order
 * (forward, then reversed) so that a drift in the machine's load falls on every run alike; the
 * meter samples the ceiling after each round.
 */
export function alternatingCpuRounds(runs: (() => unknown)[], rounds: number, meter: CeilingMeter): number[][] {
  const times: number[][] = runs.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? runs.map((_, i) => i) : runs.map((_, i) => runs.length - 1 - i);
    for (const i of order) {
      const t0 = cpuMs();
      runs[i]!();
      times[i]!.push(cpuMs() - t0);
    }
    meter.sample();
  }
  return times;
}

/** One chain kernel, its iteration count calibrated to about `seconds` of CPU time per call. */
function calibrated(run: (iterations: number) => number, flopsPerIteration: number, seconds: number): () => number {
  // Warm-up calls long enough for the engine to tier the loop up to its optimizing compiler.
  for (let k = 0; k < 3; k++) run(1e6);
  let iterations = 1e5;
  for (;;) {
    const t0 = cpuMs();
    run(iterations);
    const elapsed = (cpuMs() - t0) / 1e3;
    if (elapsed > seconds / 4) {
      iterations = Math.ceil((iterations * seconds) / elapsed);
      break;
    }
    iterations *= 4;
  }
  return () => {
    const t0 = cpuMs();
    run(iterations);
    return (iterations * flopsPerIteration) / ((cpuMs() - t0) / 1e3) / 1e9;
  };
}

/**
 * The ceiling as the best GFLOP/s seen so far per instruction set. sample() times each set once
 * more (about 30 ms each): callers interleave samples with the kernels they compare, so that on
 * a shared machine the peak and the kernels get the same chances of a quiet moment.
 */
export class CeilingMeter {
  readonly ceiling: Ceiling = { f64: null, f64x2: null, f32x4: null, "f64x2 fma": null, "f32x4 fma": null };
  private constructor(private readonly timers: [InstructionSet, () => number][]) {}

  static async start(repoRoot: URL, rounds = 15): Promise<CeilingMeter> {
    const timers: [InstructionSet, () => number][] = [];
    for (const relaxed of [false, true]) {
      const bytes = compileChains(repoRoot, relaxed);
      if (!WebAssembly.validate(bytes)) continue;
      const { instance } = await WebAssembly.instantiate(bytes, { env: { abort: () => {} } });
      const ex = instance.exports as unknown as ChainExports;
      const suffix = relaxed ? " fma" : "";
      if (!relaxed) timers.push(["f64", calibrated((k) => ex.chainsScalarF64(k, 0.5), ex.flopsPerIteration(1), 0.03)]);
      timers.push([`f64x2${suffix}` as InstructionSet, calibrated((k) => ex.chainsF64(k, 0.5), ex.flopsPerIteration(2), 0.03)]);
      timers.push([`f32x4${suffix}` as InstructionSet, calibrated((k) => ex.chainsF32(k, 0.5), ex.flopsPerIteration(4), 0.03)]);
    }
    const meter = new CeilingMeter(timers);
    for (let r = 0; r < rounds; r++) meter.sample();
    return meter;
  }

  sample(): void {
    for (const [set, time] of this.timers) this.ceiling[set] = Math.max(this.ceiling[set] ?? 0, time());
  }
}

export function printCeiling(ceiling: Ceiling, previous: Ceiling | null): void {
  console.log("\nWasm ceiling: independent multiply-add chains, no memory traffic (GFLOP/s of CPU time, 1 thread; f64 is scalar)");
  for (const [set, value] of Object.entries(ceiling)) {
    const before = previous?.[set as InstructionSet];
    const was = before === undefined || before === null ? "" : `   (previous ${before.toFixed(1)})`;
    console.log(`  ${set.padEnd(10)} ${value === null ? "n/a (engine without relaxed SIMD)" : value.toFixed(1)}${was}`);
  }
}

/** gflops as a percentage of peak; "-" when either is missing (a peak not measured, an old result). */
export function formatShare(gflops: number | null | undefined, peak: number | null | undefined): string {
  return gflops === null || gflops === undefined || peak === null || peak === undefined ? "-" : `${((100 * gflops) / peak).toFixed(0)}%`;
}
