// `npm run bench:passes [-- BASELINE_DIR] [--shapes 1000x4096x512,50x10000x128] [--precision f64|f32]`: GFLOP/s of the
// forward and backward kernels alone and together (ReLU; 2 B N d flops per pass), f64 and f32,
// in the SIMD and relaxed-SIMD builds of build/, each as a share of the Wasm ceiling of the
// instructions it runs on (bench/ceiling.ts), at the shapes of issue 20 (large d, many neurons at
// small d, the README's two) and at odd and small d. The f32 forward includes narrowing x, as a
// training step does; the f32 copy of w is narrowed once, as the fused step keeps it. With
// BASELINE_DIR (another checkout's build/ directory, e.g. main's), its modules are timed in the
// same rounds and the ratio new / baseline printed, so that a change is measured before and after
// in one process. Times are process CPU time (cpuMs); each module is warmed up first (V8 tiers
// Wasm up to its optimizing compiler lazily); the rounds alternate the modules, reversing the
// order every other round, with a sample of the ceiling between rounds, and keep each one's
// fastest time, so that load from other processes, which only ever slows a round down, cancels
// out as far as it can. The relaxed build's shares are against the fused ceiling of its
// instructions; the last column gives every row's forward + backward against the plain
// f64x2/f32x4 ceiling too, the ceiling issue 20 names, so both readings sit side by side.

import { loadavg } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { WasmF64Array } from "../src/wasm/arena.js";
import { WasmActivation, type NetworkShape } from "../src/wasm/networkKernels.js";
import { loadRuntime, type WasmRuntime } from "../src/wasm/runtime.js";
import { CeilingMeter, cpuMs, formatShare, type InstructionSet } from "./ceiling.js";
import { printColumns } from "./textTable.js";

const repoRoot = new URL("../../../", import.meta.url);
const DEFAULT_SHAPES = "1000x4096x512,50x10000x128,100x1000x256,50x256x64,51x256x64,20x256x64,10x256x64";
const FILES = { simd: "meanfield.wasm", relaxed: "meanfield.relaxed.wasm" } as const;
const PASSES = ["forward", "backward", "both"] as const;
type Pass = (typeof PASSES)[number];
type Precision = "f64" | "f32";
const ROUNDS = 9;
/** Warm-up work per module and shape, in flops: about a second of passes, at least 3. */
const WARM_UP_FLOPS = 2e10;

interface Module {
  label: string;
  build: keyof typeof FILES;
  url: URL;
}

/**
 * The three passes over buffers filled with deterministic inputs (drawn alike in every module),
 * and a function freeing the buffers.
 */
function passesFor(rt: WasmRuntime, shape: NetworkShape, precision: Precision): { passes: Record<Pass, () => void>; free: () => void } {
  const { n, d, b } = shape;
  const ex = rt.exports;
  const owned: WasmF64Array[] = [];
  const take = (values: Float64Array | number) => {
    const buf = typeof values === "number" ? rt.arena.f64(values) : rt.arena.f64From(values);
    owned.push(buf);
    return buf;
  };
  const draw = (name: string, count: number, sd: number) => take(rt.random.gaussian(7, name, count).map((t) => sd * t));
  const x = draw("x", b * d, 1), w = draw("w", n * d, 1 / Math.sqrt(d)), a = draw("a", n, 1), r = draw("r", b, 1 / b);
  const z = take(b * n), f = take(b), gradW = take(n * d), gradA = take(n);
  const act = new WasmActivation(rt, "relu");
  const [code, params, np] = [act.code, act.params.ptr, act.params.length];
  let forward: () => void;
  let backward: () => void;
  if (precision === "f64") {
    const g = take(b * n);
    forward = () => ex.forward(x.ptr, w.ptr, a.ptr, n, d, b, 1 / n, code, params, np, z.ptr, f.ptr);
    backward = () => ex.backward(x.ptr, a.ptr, n, d, b, 1 / n, code, params, np, z.ptr, r.ptr, g.ptr, gradW.ptr, gradA.ptr);
  } else {
    const dp = ex.paddedDim(d);
    const nPad = ex.paddedDim(n);
    const x32 = take(b * dp), wT32 = take((d * nPad) / 2), g32 = take(Math.ceil((b * n) / 2)), gradW32 = take((n * dp) / 2);
    ex.narrowTransposedToF32(w.ptr, wT32.ptr, n, d, nPad);
    forward = () => {
      ex.narrowRowsToF32(x.ptr, x32.ptr, b, d, dp);
      ex.forward32(x32.ptr, wT32.ptr, a.ptr, n, nPad, d, dp, b, 1 / n, code, params, np, z.ptr, f.ptr);
    };
    backward = () => ex.backward32(x32.ptr, a.ptr, n, d, dp, b, 1 / n, code, params, np, z.ptr, r.ptr, g32.ptr, gradW32.ptr, gradW.ptr, gradA.ptr);
  }
  const free = () => {
    for (const buf of owned) buf.free();
    act.free();
  };
  return { passes: { forward, backward, both: () => (forward(), backward()) }, free };
}

/** CPU milliseconds per call of `reps` calls. */
function msPerCall(run: () => void, reps: number): number {
  const t0 = cpuMs();
  for (let k = 0; k < reps; k++) run();
  return (cpuMs() - t0) / reps;
}

function parseArgs(argv: string[]): { baseline: string | undefined; shapes: NetworkShape[]; precisions: Precision[] } {
  const at = argv.indexOf("--shapes");
  const spec = at >= 0 ? argv[at + 1] : undefined;
  if (at >= 0 && spec === undefined) throw new RangeError("--shapes: expected DxNxB,... after the flag");
  const pAt = argv.indexOf("--precision");
  const only = pAt >= 0 ? argv[pAt + 1] : undefined;
  if (pAt >= 0 && only !== "f64" && only !== "f32") throw new RangeError("--precision: expected f64 or f32 after the flag");
  const flags = [at, pAt].filter((i) => i >= 0).flatMap((i) => [i, i + 1]);
  const rest = argv.filter((_, i) => !flags.includes(i));
  const shapes = (spec ?? DEFAULT_SHAPES).split(",").map((s) => {
    const [d, n, b] = s.split("x").map(Number);
    if (![d, n, b].every((v) => Number.isInteger(v) && v! > 0)) throw new RangeError(`--shapes: expected DxNxB with positive integers, got ${s}`);
    return { d: d!, n: n!, b: b! };
  });
  return { baseline: rest[0], shapes, precisions: only ? [only as Precision] : ["f64", "f32"] };
}

/** Fastest CPU time per call of each module's passes at one shape and precision, rounds alternating. */
function timeShape(cases: Record<Pass, () => void>[], flops: number, meter: CeilingMeter): Record<Pass, number>[] {
  const reps = Math.max(1, Math.round(3e8 / flops));
  const warmUp = Math.max(3, Math.round(WARM_UP_FLOPS / (2 * flops)));
  for (const c of cases) for (let k = 0; k < warmUp; k++) c.both();
  const best = cases.map(() => ({ forward: Infinity, backward: Infinity, both: Infinity }));
  for (let round = 0; round < ROUNDS; round++) {
    const order = cases.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) for (const pass of PASSES) best[i]![pass] = Math.min(best[i]![pass], msPerCall(cases[i]![pass], reps));
    meter.sample();
  }
  return best;
}

function printShape(shape: NetworkShape, precision: Precision, modules: Module[], best: Record<Pass, number>[], meter: CeilingMeter, hasBaseline: boolean): void {
  const flops = 2 * shape.b * shape.n * shape.d;
  const gflops = (i: number, pass: Pass) => ((pass === "both" ? 2 : 1) * flops) / (best[i]![pass] * 1e6);
  const plain: InstructionSet = precision === "f64" ? "f64x2" : "f32x4";
  const rows = [["build", ...PASSES.flatMap((p) => [`${p} GFLOP/s`, "% of peak", ...(hasBaseline ? ["x baseline"] : [])]), `both, % of ${plain}`]];
  modules.forEach((m, i) => {
    const set = `${plain}${m.build === "relaxed" ? " fma" : ""}` as InstructionSet;
    const base = m.label === "this" && hasBaseline ? modules.findIndex((o) => o.label === "baseline" && o.build === m.build) : -1;
    const cells = PASSES.flatMap((pass) => [
      gflops(i, pass).toFixed(1),
      formatShare(gflops(i, pass), meter.ceiling[set]),
      ...(hasBaseline ? [base >= 0 ? `x${(gflops(i, pass) / gflops(base, pass)).toFixed(2)}` : ""] : []),
    ]);
    rows.push([`${m.build} ${m.label}`, ...cells, formatShare(gflops(i, "both"), meter.ceiling[plain])]);
  });
  console.log(`\nd = ${shape.d}, N = ${shape.n}, B = ${shape.b}, ${precision} (fastest of ${ROUNDS} alternating rounds, CPU time; load average ${loadavg().map((v) => v.toFixed(2)).join(" ")})`);
  printColumns(rows);
}

async function main(): Promise<void> {
  const { baseline, shapes, precisions } = parseArgs(process.argv.slice(2));
  const meter = await CeilingMeter.start(repoRoot);
  const modules: Module[] = [];
  for (const build of ["simd", "relaxed"] as const) {
    if (build === "relaxed" && meter.ceiling["f64x2 fma"] === null) continue;
    modules.push({ label: "this", build, url: new URL(`build/${FILES[build]}`, repoRoot) });
    if (baseline) modules.push({ label: "baseline", build, url: new URL(FILES[build], pathToFileURL(`${baseline.replace(/\/$/, "")}/`)) });
  }
  console.log(`forward/backward kernels, ReLU, 2 B N d flops per pass; this = ${fileURLToPath(new URL("build/", repoRoot))}${baseline ? `, baseline = ${baseline}` : ""}`);
  const runtimes = await Promise.all(modules.map((m) => loadRuntime({ url: m.url })));
  for (const shape of shapes) {
    for (const precision of precisions) {
      const cases = runtimes.map((rt) => passesFor(rt, shape, precision));
      const best = timeShape(cases.map((c) => c.passes), 2 * shape.b * shape.n * shape.d, meter);
      printShape(shape, precision, modules, best, meter, baseline !== undefined);
      for (const c of cases) c.free();
    }
  }
  console.log(`\nWasm ceiling (GFLOP/s of CPU time, best sample): ${Object.entries(meter.ceiling).map(([k, v]) => `${k} ${v === null ? "n/a" : v.toFixed(1)}`).join(", ")}`);
}

await main();
