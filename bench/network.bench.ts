// `npm run bench`: one forward + one backward pass of the two-layer network (ReLU, mean-field
// scale 1/N) in the Wasm SIMD build, the Wasm no-SIMD build, the plain TypeScript reference
// and native C, at two shapes; then whole online-SGD steps with 1 and 2 threads at the same
// shapes (bench/sgdThroughput.ts). Wasm rows report their share of the measured Wasm ceiling
// (bench/ceiling.ts) of the instructions they run on (scalar f64 for the no-SIMD build), the
// relaxed-SIMD build and the f32 kernels get their own table (bench/kernelRates.ts), and so does
// drawing the batch x ~ N(0, I_d) (bench/gaussianRates.ts). Prints a table per shape with the
// previous run's figures beside the new ones, writes bench/results/latest.json.

import Benchmark from "benchmark";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { WasmActivation, type NetworkShape } from "../src/wasm/networkKernels.js";
import { loadRuntime, type WasmRuntime } from "../src/wasm/runtime.js";
import { referenceActivation } from "../test/reference/activation.js";
import { referenceBackwardFromPreactivations, referenceForward } from "../test/reference/network.js";
import { compileNative, runNative, type PassInputs, type PassOutputs } from "./nativeRunner.js";
import { measureSgdThroughput, printThroughput, type ThroughputReport } from "./sgdThroughput.js";
import { CeilingMeter, formatShare, printCeiling, type Ceiling, type InstructionSet } from "./ceiling.js";
import { measureKernelRates, printKernelRates, type KernelRate } from "./kernelRates.js";
import { measureGaussianRates, printGaussianRates, type GaussianRate } from "./gaussianRates.js";
import { printColumns } from "./textTable.js";

// This file runs as bench/.build/bench/network.bench.js (bench/tsconfig.json), where the
// loader's default URL for the Wasm modules would point inside bench/.build.
const repoRoot = new URL("../../../", import.meta.url);

const SHAPES: NetworkShape[] = [
  { d: 50, n: 256, b: 64 },
  { d: 100, n: 1000, b: 256 },
];
// Each round runs every implementation, the order reversed every other round so slow drift
// (heat, clock) does not favour one; the faster round counts, as load from elsewhere on the
// machine only ever slows a round down.
const ROUNDS = 2;
// Two threads need both cores, and here (a VM) the second core's availability varies more from
// moment to moment than one core's, so the thread comparison takes more rounds to find a quiet one.
const THROUGHPUT_ROUNDS = 4;
const TOLERANCE = 1e-12;
const SEED = 2024;
// Seconds per benchmark.js measurement; set globally because @types/benchmark's Options lacks it.
Object.assign(Benchmark.options, { maxTime: 2 });

type Impl = "wasmSimd" | "wasmNoSimd" | "plainTs" | "nativeC";
const LABELS: Record<Impl, string> = {
  wasmSimd: "Wasm SIMD",
  wasmNoSimd: "Wasm no-SIMD",
  plainTs: "plain TypeScript",
  nativeC: "native C (gcc -O3 -march=native)",
};

interface Measurement {
  ms: number;
  /** benchmark.js's relative margin of error; the C program reports a mean only. */
  rmePercent: number | null;
}

interface JsCase {
  impl: Impl;
  step: () => void;
  /** Runs one step and returns copies of its outputs. */
  result: () => PassOutputs;
}

async function loadBuild(file: string, expected: WasmRuntime["build"]): Promise<WasmRuntime> {
  const runtime = await loadRuntime({ url: new URL(`build/${file}`, repoRoot) });
  if (runtime.build !== expected) throw new Error(`build/${file} is a ${runtime.build} build, expected ${expected}`);
  return runtime;
}

function gaussianInputs(runtime: WasmRuntime, { n, d, b }: NetworkShape): PassInputs {
  const draw = (name: string, count: number, sd: number) => runtime.random.gaussian(SEED, name, count).map((t) => sd * t);
  return {
    x: draw("x", b * d, 1),
    // w_i ~ N(0, I/d) keeps the pre-activations of order one, about half of them positive.
    w: draw("w", n * d, 1 / Math.sqrt(d)),
    a: draw("a", n, 1),
    // The size of the mean squared loss's residuals (f_b - y_b) / B.
    r: draw("r", b, 1 / b),
  };
}

// Each runtime is a fresh instance used for one shape only, so its buffers are never freed.
function wasmCase(impl: Impl, runtime: WasmRuntime, shape: NetworkShape, inputs: PassInputs): JsCase {
  const { arena, network } = runtime;
  const act = new WasmActivation(runtime, "relu");
  const buf = {
    x: arena.f64From(inputs.x),
    w: arena.f64From(inputs.w),
    a: arena.f64From(inputs.a),
    r: arena.f64From(inputs.r),
    z: arena.f64(shape.b * shape.n),
    f: arena.f64(shape.b),
    g: arena.f64(shape.b * shape.n),
    gradW: arena.f64(shape.n * shape.d),
    gradA: arena.f64(shape.n),
  };
  const scale = 1 / shape.n;
  const step = () => {
    network.forwardInto(shape, scale, act, buf, { checkFinite: false });
    network.backwardInto(shape, scale, act, buf, { checkFinite: false });
  };
  const result = () => {
    step();
    return { f: buf.f.toArray(), gradW: buf.gradW.toArray(), gradA: buf.gradA.toArray() };
  };
  return { impl, step, result };
}

function plainTsCase(shape: NetworkShape, inputs: PassInputs): JsCase {
  const act = referenceActivation("relu");
  const scale = 1 / shape.n;
  const { x, w, a, r } = inputs;
  const result = () => {
    const { z, f } = referenceForward(x, w, a, shape, scale, act);
    return { f, ...referenceBackwardFromPreactivations(x, a, z, r, shape, scale, act) };
  };
  return { impl: "plainTs", step: result, result };
}

/** max |got - ref| / max |ref|. */
function relativeError(got: Float64Array, ref: Float64Array): number {
  let diff = 0;
  let size = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(got[i]! - ref[i]!));
    size = Math.max(size, Math.abs(ref[i]!));
  }
  return diff / size;
}

function checkAgainstSimd(simd: PassOutputs, impl: Impl, got: PassOutputs): void {
  for (const key of ["f", "gradW", "gradA"] as const) {
    const err = got[key].length === simd[key].length ? relativeError(got[key], simd[key]) : NaN;
    if (!(err <= TOLERANCE)) {
      throw new Error(`${LABELS[impl]} disagrees with Wasm SIMD on ${key}: relative error ${err} > ${TOLERANCE}`);
    }
  }
}

function measureJs(cases: JsCase[]): Map<Impl, Measurement> {
  const benches = cases.map((c) => new Benchmark(LABELS[c.impl], c.step));
  const suite = new Benchmark.Suite();
  for (const bench of benches) suite.push(bench);
  suite.on("cycle", (event: Benchmark.Event) => console.log(`  ${String(event.target)}`));
  suite.run();
  const out = new Map<Impl, Measurement>();
  cases.forEach((c, i) => {
    const bench = benches[i]!;
    if (bench.error) throw bench.error;
    out.set(c.impl, { ms: bench.stats.mean * 1e3, rmePercent: bench.stats.rme });
  });
  return out;
}

function cpuModel(): string | null {
  if (!existsSync("/proc/cpuinfo")) return null;
  return /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? null;
}

interface ShapeReport {
  shape: NetworkShape;
  flopsPerPass: number;
  implementations: Partial<Record<Impl, Measurement & { gflops: number }>>;
  /** Wasm SIMD's speed over each implementation: its time / SIMD's time. */
  simdSpeedup: Record<"plainTs" | "nativeC" | "noSimd", number | null>;
}

function summarize(shape: NetworkShape, best: Map<Impl, Measurement>): ShapeReport {
  const flopsPerPass = 4 * shape.b * shape.n * shape.d;
  const implementations: ShapeReport["implementations"] = {};
  for (const [impl, m] of best) implementations[impl] = { ...m, gflops: flopsPerPass / (m.ms * 1e6) };
  const simdMs = best.get("wasmSimd")!.ms;
  const over = (impl: Impl) => {
    const m = best.get(impl);
    return m ? m.ms / simdMs : null;
  };
  return {
    shape,
    flopsPerPass,
    implementations,
    simdSpeedup: { plainTs: over("plainTs"), nativeC: over("nativeC"), noSimd: over("wasmNoSimd") },
  };
}

/** The Wasm instructions each implementation runs on; the TypeScript and C rows have no Wasm ceiling. */
const PEAK_SET: Record<Impl, InstructionSet | null> = { wasmSimd: "f64x2", wasmNoSimd: "f64", plainTs: null, nativeC: null };

function printTable(report: ShapeReport, ceiling: Ceiling, previous: ShapeReport | undefined): void {
  const { d, n, b } = report.shape;
  const simdMs = report.implementations.wasmSimd!.ms;
  const rows = [["implementation", "ms / fwd+bwd", "± %", "GFLOP/s", "peak set", "% of peak", "SIMD speed-up", "previous GFLOP/s"]];
  for (const impl of Object.keys(LABELS) as Impl[]) {
    const m = report.implementations[impl];
    if (!m) continue;
    const before = previous?.implementations[impl]?.gflops;
    rows.push([
      LABELS[impl],
      m.ms.toFixed(3),
      m.rmePercent === null ? "-" : m.rmePercent.toFixed(1),
      m.gflops.toFixed(2),
      PEAK_SET[impl] ?? "-",
      formatShare(m.gflops, PEAK_SET[impl] === null ? null : ceiling[PEAK_SET[impl]]),
      `${(m.ms / simdMs).toFixed(2)}x`,
      before === undefined ? "-" : before.toFixed(2),
    ]);
  }
  console.log(`\nd = ${d}, N = ${n}, B = ${b}: ${(report.flopsPerPass / 1e6).toFixed(1)} MFLOP per forward + backward`);
  printColumns(rows);
}

interface PreviousResults {
  shapes?: ShapeReport[];
  ceiling?: Ceiling;
  kernelRates?: { shape: NetworkShape; rates: KernelRate[] }[];
  sgdThroughput?: { shapes: ThroughputReport[] };
  gaussianRates?: GaussianRate[];
}

const sameShape = (p: NetworkShape, q: NetworkShape) => p.d === q.d && p.n === q.n && p.b === q.b;

async function main(): Promise<void> {
  const resultsFile = new URL("bench/results/latest.json", repoRoot);
  const previous = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, "utf8")) as PreviousResults) : {};
  const meter = await CeilingMeter.start(repoRoot);
  const native = compileNative(repoRoot);
  if (native === null) console.warn("gcc not found: skipping the native C column.");
  const reports: ShapeReport[] = [];
  for (const shape of SHAPES) {
    console.log(`\nd = ${shape.d}, N = ${shape.n}, B = ${shape.b}`);
    const simd = await loadBuild("meanfield.wasm", "simd");
    const inputs = gaussianInputs(simd, shape);
    const cases = [
      wasmCase("wasmSimd", simd, shape, inputs),
      wasmCase("wasmNoSimd", await loadBuild("meanfield.nosimd.wasm", "scalar"), shape, inputs),
      plainTsCase(shape, inputs),
    ];
    const reference = cases[0]!.result();
    for (const c of cases.slice(1)) checkAgainstSimd(reference, c.impl, c.result());

    const best = new Map<Impl, Measurement>();
    const keepFaster = (impl: Impl, m: Measurement) => {
      const prev = best.get(impl);
      if (prev === undefined || m.ms < prev.ms) best.set(impl, m);
    };
    const timeNative = () => {
      if (native === null) return;
      const run = runNative(native, shape, inputs);
      checkAgainstSimd(reference, "nativeC", run.outputs);
      console.log(`  ${LABELS.nativeC}: ${(run.seconds * 1e3).toFixed(3)} ms per pass (${run.iterations} passes timed)`);
      keepFaster("nativeC", { ms: run.seconds * 1e3, rmePercent: null });
    };
    for (let round = 0; round < ROUNDS; round++) {
      const reversed = round % 2 === 1;
      if (reversed) timeNative();
      for (const [impl, m] of measureJs(reversed ? [...cases].reverse() : cases)) keepFaster(impl, m);
      if (!reversed) timeNative();
      meter.sample();
    }
    reports.push(summarize(shape, best));
  }

  const kernelRates: { shape: NetworkShape; rates: KernelRate[] }[] = [];
  for (const shape of SHAPES) kernelRates.push({ shape, rates: await measureKernelRates(repoRoot, shape, meter) });
  const ceiling = meter.ceiling;
  const gaussianRates = await measureGaussianRates(repoRoot, SHAPES, ceiling["f64x2 fma"] !== null);

  const throughput: ThroughputReport[] = [];
  for (const shape of SHAPES) {
    console.log(`\nonline SGD, d = ${shape.d}, N = ${shape.n}, B = ${shape.b}`);
    throughput.push(await measureSgdThroughput(repoRoot, shape, THROUGHPUT_ROUNDS, SEED));
  }

  printCeiling(ceiling, previous.ceiling ?? null);
  for (const report of reports) printTable(report, ceiling, previous.shapes?.find((p) => sameShape(p.shape, report.shape)));
  for (const { shape, rates } of kernelRates) printKernelRates(shape, rates, previous.kernelRates?.find((k) => sameShape(k.shape, shape))?.rates);
  printGaussianRates(gaussianRates, previous.gaussianRates);
  printThroughput(throughput, ceiling, previous.sgdThroughput?.shapes);
  mkdirSync(new URL("bench/results/", repoRoot), { recursive: true });
  const file = resultsFile;
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpuModel(),
    method: `best of ${ROUNDS} rounds; Wasm and TypeScript timed by benchmark.js, C by itself (1 s after warm-up)`,
    flopsPerPass: "4 B N d",
    ceiling,
    shapes: reports,
    kernelRates,
    gaussianRates,
    sgdThroughput: {
      method: `best of ${THROUGHPUT_ROUNDS} rounds of benchmark.js timing Trainer.advance() (online SGD, ReLU, gaussianSingleIndex task)`,
      shapes: throughput,
    },
  };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${fileURLToPath(file)}`);
}

await main();
