// `npm run bench:peers [-- --shapes 320x800x1,100x1000x256 --rounds 7 --slice 0.5 --threads 1 --no-kernels]`:
// samples per second of the same online-SGD loop (fresh Gaussian batch, f(x) = (1/N) sum_i a_i
// relu(<w_i, x>), squared loss against y = relu(<q, x>), both layers updated) in meanfield (SIMD
// and relaxed-SIMD builds, f64 and f32) and in PyTorch (autograd, and the backward written by hand
// into tensors kept across steps; in f32 also by hand with float64 master weights, meanfield's f32
// contract) and NumPy (by hand, arrays kept), with the same thread count on every side.
//
// Fairness: the peers run as their users would run them, on an optimized BLAS; each prints the
// BLAS library it actually mapped, and no ratio is printed against one on the reference (netlib)
// BLAS. glibc is told to keep freed memory in the peers' heap (MALLOC_TRIM_THRESHOLD_,
// MALLOC_MMAP_THRESHOLD_, their environment only), since on this VM the page faults of arrays
// freed and re-allocated every step would otherwise be part of the peers' time. OpenBLAS settings
// in this process's environment (a core type, cache sizes) are not passed on: the peers' OpenBLAS
// picks its kernels by its own CPU detection (bench/peerServer.ts: peerEnvironment).
//
// Method: every implementation is a long-lived process (set up and warmed once) that times whole
// steps for SLICE seconds on request (longer where that would hold fewer than MIN_STEPS_PER_SLICE
// steps, from an uncounted first slice); the requests go round robin, the order reversed every other
// round, and each figure is the median of ROUNDS slices, so drift and other load fall on every
// implementation alike. Each slice reports the process's CPU time beside the wall time (CPU/wall
// under 1 means the process waited for a core), and the load average is printed with each shape.
// First, in the same process, the Wasm ceiling (bench/ceiling.ts) and each forward + backward
// kernel's share of it at every shape (bench/kernelRates.ts). Prints the previous run's figures
// (bench/results/peers.json) beside the new ones, then rewrites that file.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { CeilingMeter, printCeiling, type Ceiling } from "./ceiling.js";
import { measureKernelRates, printKernelRates, type KernelRate } from "./kernelRates.js";
import { peerEnvironment, pythonWith, Server, type LoadedBlas } from "./peerServer.js";
import { printColumns } from "./textTable.js";

// This file runs as bench/.build/bench/peers.js.
const repoRoot = new URL("../../../", import.meta.url);
const peersDir = fileURLToPath(new URL("bench/peers/", repoRoot));

interface Shape {
  d: number;
  n: number;
  b: number;
}
/** The README's two shapes, batch 1 at the MMN18 size, many neurons at small d, and large d. */
const DEFAULT_SHAPES = "100x1000x256,50x256x64,320x800x1,50x10000x128,1000x4096x512";
/** The step size: 0.05, and 1/d above d = 20, where SGD at the mean-field rate with small batches diverges otherwise. */
const stepSizeFor = (shape: Shape) => Math.min(0.05, 1 / shape.d);
const SEED = 2024;
/** Whole steps a slice holds at least (its length grows past --slice for slow steps). */
const MIN_STEPS_PER_SLICE = 8;
/** glibc keeps up to this much freed memory instead of trimming it, and serves blocks up to its mmap maximum (32 MiB) from the heap. */
const MALLOC_ENV = { MALLOC_TRIM_THRESHOLD_: "4294967296", MALLOC_MMAP_THRESHOLD_: "33554432" };
/** This process's environment without its OpenBLAS tuning (the peers' BLAS detects the CPU itself). */
const PEER_BASE = peerEnvironment();
const PRECISIONS = ["f64", "f32"] as const;
type Precision = (typeof PRECISIONS)[number];
const OURS = ["meanfield simd", "meanfield relaxed"] as const;
const PEERS = ["torch autograd", "torch manual", "torch master", "numpy manual"] as const;
type Impl = (typeof OURS)[number] | (typeof PEERS)[number];

interface Options {
  shapes: Shape[];
  rounds: number;
  slice: number;
  threads: number;
  kernels: boolean;
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string, fallback: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1]! : fallback;
  };
  const shapes = value("--shapes", DEFAULT_SHAPES).split(",").map((s) => {
    const [d, n, b] = s.split("x").map(Number);
    if (![d, n, b].every((v) => Number.isInteger(v) && v! > 0)) throw new RangeError(`--shapes: expected DxNxB with positive integers, got ${s}`);
    return { d: d!, n: n!, b: b! };
  });
  const rounds = Number(value("--rounds", "7"));
  const slice = Number(value("--slice", "0.5"));
  const threads = Number(value("--threads", "1"));
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw new RangeError(`--rounds: expected a positive integer, got ${rounds}`);
  if (!(slice > 0 && slice <= 10)) throw new RangeError(`--slice: expected seconds in (0, 10], got ${slice}`);
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= 64)) throw new RangeError(`--threads: expected an integer in [1, 64], got ${threads}`);
  return { shapes, rounds, slice, threads, kernels: !argv.includes("--no-kernels") };
}

interface Case {
  impl: Impl;
  precision: Precision;
  command: string;
  args: string[];
}

function casesFor(shape: Shape, threads: number, torch: string | null, numpy: string | null): Case[] {
  const cases: Case[] = [];
  const script = fileURLToPath(new URL("bench/.build/bench/peers/meanfieldSgd.js", repoRoot));
  for (const precision of PRECISIONS) {
    const args = [String(shape.d), String(shape.n), String(shape.b), precision, String(stepSizeFor(shape)), String(SEED), String(threads)];
    const node = [...(threads > 1 ? ["--experimental-wasm-threads"] : []), "--experimental-wasm-relaxed-simd", script, ...args];
    cases.push({ impl: "meanfield simd", precision, command: process.execPath, args: [...node, "simd"] });
    cases.push({ impl: "meanfield relaxed", precision, command: process.execPath, args: [...node, "relaxed"] });
    if (torch) {
      // "master" keeps float64 master weights, meanfield's f32 contract: f32 only.
      for (const variant of precision === "f32" ? (["autograd", "manual", "master"] as const) : (["autograd", "manual"] as const)) {
        cases.push({ impl: `torch ${variant}`, precision, command: torch, args: [`${peersDir}online_sgd_torch.py`, ...args, variant] });
      }
    }
    if (numpy) cases.push({ impl: "numpy manual", precision, command: numpy, args: [`${peersDir}online_sgd_numpy.py`, ...args] });
  }
  return cases;
}

const key = (impl: Impl, precision: Precision) => `${impl} ${precision}`;
const sameShape = (p: Shape, q: Shape) => p.d === q.d && p.n === q.n && p.b === q.b;
const load = () => loadavg().map((v) => v.toFixed(2)).join(" ");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Figure {
  median: number;
  min: number;
  max: number;
  /** Median over slices of process CPU seconds per wall second. */
  cpuPerWall: number;
}

interface ShapeResult {
  shape: Shape;
  loadBefore: number[];
  loadAfter: number[];
  samplesPerSecond: Record<string, Figure>;
  /** The BLAS each Python peer mapped, per "impl precision". */
  blas: Record<string, LoadedBlas>;
  /** meanfield's faster build over each peer on an optimized BLAS, same precision. */
  ratios: Record<string, number>;
  /** Peers with no ratio, and why. */
  refused: string[];
}

async function measure(shape: Shape, options: Options, cases: Case[]): Promise<ShapeResult> {
  const t = String(options.threads);
  const env = { ...PEER_BASE.env, ...MALLOC_ENV, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t };
  const servers = cases.map((c) => new Server(key(c.impl, c.precision), spawn(c.command, c.args, { env, cwd: peersDir })));
  const loadBefore = loadavg();
  try {
    const ready = await Promise.all(servers.map((s) => s.ready()));
    const blas: Record<string, LoadedBlas> = {};
    servers.forEach((s, i) => {
      if (ready[i]!.blas) blas[s.label] = ready[i]!.blas!;
      if (ready[i]!.fused === false) console.warn(`${s.label}: steps not fused (the unfused path is timed)`);
    });
    const slices = new Map<string, { sps: number[]; cpu: number[] }>(servers.map((s) => [s.label, { sps: [], cpu: [] }]));
    // A slice counts whole steps, so one that holds two or three steps of a third of a second
    // each varies with every step's time: an uncounted first slice gives each implementation's
    // step time, and its slices are made long enough for MIN_STEPS_PER_SLICE steps.
    const seconds = new Map<string, number>();
    for (const server of servers) {
      const trial = await server.time(options.slice);
      seconds.set(server.label, Math.max(options.slice, (MIN_STEPS_PER_SLICE * trial.seconds) / trial.steps));
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const server of round % 2 === 1 ? [...servers].reverse() : servers) {
        const slice = await server.time(seconds.get(server.label)!);
        const entry = slices.get(server.label)!;
        entry.sps.push(slice.samplesPerSecond);
        entry.cpu.push(slice.cpuSeconds / slice.seconds);
      }
    }
    const samplesPerSecond: Record<string, Figure> = {};
    for (const [label, { sps, cpu }] of slices) samplesPerSecond[label] = { median: median(sps), min: Math.min(...sps), max: Math.max(...sps), cpuPerWall: median(cpu) };
    const ratios: Record<string, number> = {};
    const refused: string[] = [];
    for (const precision of PRECISIONS) {
      const ours = Math.max(...OURS.map((i) => samplesPerSecond[key(i, precision)]?.median ?? 0));
      for (const peer of PEERS) {
        const label = key(peer, precision);
        const theirs = samplesPerSecond[label];
        if (!theirs) continue;
        const lib = blas[label];
        if (!lib?.optimized) {
          refused.push(`no ratio against ${label}: it runs on the reference BLAS (${lib?.files.join(", ") || "none mapped"}); apt-get install libopenblas0-pthread`);
        } else {
          ratios[`meanfield / ${label}`] = ours / theirs.median;
        }
      }
    }
    return { shape, loadBefore, loadAfter: loadavg(), samplesPerSecond, blas, ratios, refused };
  } finally {
    for (const s of servers) s.close();
  }
}

function printShape(result: ShapeResult, options: Options, previous: ShapeResult | undefined): void {
  const { d, n, b } = result.shape;
  const fmt = (v: number[]) => v.map((x) => x.toFixed(2)).join(" ");
  console.log(
    `\nd = ${d}, N = ${n}, B = ${b}: online SGD samples/s (median of ${options.rounds} slices of ${options.slice} s or ${MIN_STEPS_PER_SLICE} steps, whichever is longer, ${options.threads} thread${options.threads > 1 ? "s" : ""} each;` +
      ` load average ${fmt(result.loadBefore)} before, ${fmt(result.loadAfter)} after)`,
  );
  const rows = [["implementation", "samples/s", "min", "max", "steps/s", "CPU/wall", "previous"]];
  for (const [label, m] of Object.entries(result.samplesPerSecond)) {
    const before = previous?.samplesPerSecond[label]?.median;
    rows.push([label, m.median.toFixed(0), m.min.toFixed(0), m.max.toFixed(0), (m.median / b).toFixed(1), m.cpuPerWall.toFixed(2), before === undefined ? "-" : before.toFixed(0)]);
  }
  for (const [label, r] of Object.entries(result.ratios)) {
    const before = previous?.ratios[label];
    rows.push([label, `${r.toFixed(2)}x`, "", "", "", "", before === undefined ? "-" : `${before.toFixed(2)}x`]);
  }
  printColumns(rows);
  for (const line of result.refused) console.log(line);
}

/** One line per shape: meanfield's best build over each peer, and the kernels' shares of the ceiling. */
function printSummary(results: ShapeResult[], kernels: { shape: Shape; rates: KernelRate[] }[]): void {
  console.log("\nsummary: meanfield (faster build) / peer, samples/s; kernel share of the Wasm ceiling (best build)");
  const columns = PRECISIONS.flatMap((p) => PEERS.map((peer, i) => (i === 0 ? `${p} / ${peer}` : `/ ${peer}`)));
  const rows = [["d, N, B", ...columns, "kernel f64", "kernel f32", "load"]];
  const ratio = (r: ShapeResult, peer: string) => (r.ratios[`meanfield / ${peer}`] === undefined ? "-" : `${r.ratios[`meanfield / ${peer}`]!.toFixed(2)}x`);
  for (const r of results) {
    const rates = kernels.find((k) => sameShape(k.shape, r.shape))?.rates ?? [];
    const share = (p: string) => {
      const best = rates.filter((x) => x.precision === p).sort((x, y) => y.gflops - x.gflops)[0];
      return best?.shareOfPeak ? `${(100 * best.shareOfPeak).toFixed(0)}% ${best.build}` : "-";
    };
    const cells = PRECISIONS.flatMap((p) => PEERS.map((peer) => ratio(r, `${peer} ${p}`)));
    rows.push([`${r.shape.d}, ${r.shape.n}, ${r.shape.b}`, ...cells, share("f64"), share("f32"), r.loadAfter[0]!.toFixed(2)]);
  }
  printColumns(rows);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  console.log(`load average at start: ${load()}`);
  if (PEER_BASE.removed.length > 0) console.log(`not passed to the peers (OpenBLAS detects the CPU itself): ${PEER_BASE.removed.join(" ")}`);
  const torch = pythonWith("torch");
  const numpy = pythonWith("numpy");
  if (!torch) console.warn("PyTorch not importable (apt-get install python3-torch): skipping the PyTorch peers.");
  if (!numpy) console.warn("NumPy not importable (apt-get install python3-numpy): skipping the NumPy peer.");
  const file = new URL("bench/results/peers.json", repoRoot);
  const previous = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as { shapes: ShapeResult[]; ceiling?: Ceiling; kernels?: { shape: Shape; rates: KernelRate[] }[] })
    : null;
  let ceiling: Ceiling | null = null;
  const kernels: { shape: Shape; rates: KernelRate[] }[] = [];
  if (options.kernels) {
    const meter = await CeilingMeter.start(repoRoot);
    for (const shape of options.shapes) {
      // One pass at the largest shapes takes a third of a second: fewer rounds there.
      const rounds = 4 * shape.b * shape.n * shape.d > 1e9 ? 3 : 7;
      kernels.push({ shape, rates: await measureKernelRates(repoRoot, shape, meter, rounds) });
    }
    ceiling = meter.ceiling;
    printCeiling(ceiling, previous?.ceiling ?? null);
    for (const { shape, rates } of kernels) printKernelRates(shape, rates, previous?.kernels?.find((k) => sameShape(k.shape, shape))?.rates);
    console.log(`load average after the kernels: ${load()}`);
  }
  const results: ShapeResult[] = [];
  for (const shape of options.shapes) {
    const result = await measure(shape, options, casesFor(shape, options.threads, torch, numpy));
    if (results.length === 0) for (const [label, lib] of Object.entries(result.blas)) console.log(`${label}: BLAS ${lib.summary} [${lib.files.join(", ")}]`);
    printShape(result, options, previous?.shapes.find((p) => sameShape(p.shape, shape)));
    results.push(result);
  }
  printSummary(results, kernels);
  const versions = (python: string | null, code: string) => (python ? spawnSync(python, ["-c", code], { encoding: "utf8" }).stdout.trim() : null);
  mkdirSync(new URL("bench/results/", repoRoot), { recursive: true });
  const out = {
    date: new Date().toISOString(),
    node: process.version,
    torch: versions(torch, "import torch; print(torch.__version__)"),
    numpy: versions(numpy, "import numpy; print(numpy.__version__)"),
    threads: options.threads,
    ceiling: ceiling ?? previous?.ceiling ?? null,
    kernels: options.kernels ? kernels : (previous?.kernels ?? []),
    method: `median of ${options.rounds} slices of ${options.slice} s or ${MIN_STEPS_PER_SLICE} steps (whichever is longer) per implementation, round robin, order reversed every other round; ${options.threads} thread(s) on every side; peers with ${Object.entries(MALLOC_ENV).map(([k, v]) => `${k}=${v}`).join(" ")}`,
    shapes: results,
  };
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote ${fileURLToPath(file)}`);
}

await main();
