// Builds and runs the native C baseline (bench/native/network.c). The program times itself,
// so process start-up and the file exchange below stay out of its figure.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { NetworkShape } from "../src/wasm/networkKernels.js";

export interface PassInputs {
  x: Float64Array;
  w: Float64Array;
  a: Float64Array;
  r: Float64Array;
}

export interface PassOutputs {
  f: Float64Array;
  gradW: Float64Array;
  gradA: Float64Array;
}

export interface NativeRun {
  outputs: PassOutputs;
  /** Seconds per forward + backward. */
  seconds: number;
  iterations: number;
}

/** Compiles the C program into bench/.native/; null when gcc is not installed. */
export function compileNative(repoRoot: URL): string | null {
  const source = fileURLToPath(new URL("bench/native/network.c", repoRoot));
  const outDir = fileURLToPath(new URL("bench/.native/", repoRoot));
  mkdirSync(outDir, { recursive: true });
  const exe = join(outDir, "network");
  const gcc = spawnSync("gcc", ["-O3", "-march=native", "-o", exe, source], { encoding: "utf8" });
  if ((gcc.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") return null;
  if (gcc.error) throw gcc.error;
  if (gcc.status !== 0) throw new Error(`gcc could not compile ${source}:\n${gcc.stderr}`);
  return exe;
}

function bytesOf(...arrays: Float64Array[]): Buffer {
  return Buffer.concat(arrays.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)));
}

export function runNative(exe: string, shape: NetworkShape, inputs: PassInputs): NativeRun {
  const { n, d, b } = shape;
  const dir = mkdtempSync(join(tmpdir(), "meanfield-bench-"));
  try {
    const input = join(dir, "input.f64");
    const output = join(dir, "output.f64");
    writeFileSync(input, bytesOf(inputs.x, inputs.w, inputs.a, inputs.r));
    const run = spawnSync(exe, [d, n, b, input, output].map(String), { encoding: "utf8" });
    if (run.error) throw run.error;
    if (run.status !== 0) throw new Error(`${exe} failed (exit status ${run.status}):\n${run.stderr}`);
    // Copied into a fresh buffer: a Float64Array view needs an 8-byte aligned offset.
    const values = new Float64Array(new Uint8Array(readFileSync(output)).buffer);
    if (values.length !== b + n * d + n) {
      throw new Error(`${exe} wrote ${values.length} values, expected B + N d + N = ${b + n * d + n}`);
    }
    const { seconds, iterations } = JSON.parse(run.stdout) as { seconds: number; iterations: number };
    return {
      outputs: { f: values.slice(0, b), gradW: values.slice(b, b + n * d), gradA: values.slice(b + n * d) },
      seconds,
      iterations,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
