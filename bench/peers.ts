// `npm run bench:peers`: samples per second of the same online-SGD loop (fresh Gaussian batch,
// f(x) = (1/N) sum_i a_i relu(<w_i, x>), squared loss against y = relu(<q, x>), both layers
// updated) in meanfield (SIMD and relaxed-SIMD builds, f64 and f32) and in PyTorch and NumPy, on
// one thread each, at two shapes. Every implementation is a long-lived process (set up and warmed
// once) that times whole steps for SLICE seconds on request; the requests go round robin, the
// order reversed every other round, and each figure is the median of ROUNDS slices, so drift and
// other load on the machine fall on every implementation alike. Prints the figures with the
// ratios meanfield / peer and the previous run's figures (bench/results/peers.json) beside them,
// then rewrites that file. The Python peers run only where `import torch` / `import numpy` work.

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";
import { CeilingMeter, printCeiling, type Ceiling } from "./ceiling.js";
import { measureKernelRates, printKernelRates, type KernelRate } from "./kernelRates.js";

// This file runs as bench/.build/bench/peers.js.
const repoRoot = new URL("../../../", import.meta.url);
const peersDir = fileURLToPath(new URL("bench/peers/", repoRoot));

interface Shape {
  d: number;
  n: number;
  b: number;
}
const SHAPES: Shape[] = [
  { d: 100, n: 1000, b: 256 },
  { d: 50, n: 256, b: 64 },
];
const ROUNDS = 7;
const SLICE_SECONDS = 0.5;
const STEP_SIZE = 0.05;
const SEED = 2024;
const PRECISIONS = ["f64", "f32"] as const;
type Precision = (typeof PRECISIONS)[number];
type Impl = "meanfield simd" | "meanfield relaxed" | "pytorch" | "numpy";

interface Case {
  impl: Impl;
  precision: Precision;
  command: string;
  args: string[];
}

interface Slice {
  samplesPerSecond: number;
}

/** A running implementation answering one JSON line per request. */
class Server {
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  private stderr = "";

  constructor(
    readonly label: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    this.lines = createInterface({ input: child.stdout });
    this.lines.on("line", (line) => this.pending.shift()?.(line));
    child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  private next(): Promise<string> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${this.label} exited (${code}): ${this.stderr.trim()}`));
      this.child.once("exit", onExit);
      this.pending.push((line) => {
        this.child.off("exit", onExit);
        resolve(line);
      });
    });
  }

  async ready(): Promise<void> {
    const line = await this.next();
    if (!JSON.parse(line).ready) throw new Error(`${this.label}: unexpected first line ${line}`);
  }

  async time(seconds: number): Promise<Slice> {
    const answer = this.next();
    this.child.stdin.write(`${seconds}\n`);
    return JSON.parse(await answer) as Slice;
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** A Python interpreter that imports the module, or null. */
function pythonWith(module: string): string | null {
  for (const python of ["python3", "/usr/bin/python3"]) {
    const probe = spawnSync(python, ["-c", `import ${module}`], { stdio: "ignore" });
    if (probe.status === 0) return python;
  }
  return null;
}

function casesFor(shape: Shape, torch: string | null, numpy: string | null): Case[] {
  const cases: Case[] = [];
  const script = fileURLToPath(new URL("bench/.build/bench/peers/meanfieldSgd.js", repoRoot));
  for (const precision of PRECISIONS) {
    const args = [String(shape.d), String(shape.n), String(shape.b), precision, String(STEP_SIZE), String(SEED)];
    cases.push({ impl: "meanfield simd", precision, command: process.execPath, args: [script, ...args, "simd"] });
    cases.push({
      impl: "meanfield relaxed",
      precision,
      command: process.execPath,
      args: ["--experimental-wasm-relaxed-simd", script, ...args, "relaxed"],
    });
    if (torch) cases.push({ impl: "pytorch", precision, command: torch, args: [`${peersDir}online_sgd_torch.py`, ...args] });
    if (numpy) cases.push({ impl: "numpy", precision, command: numpy, args: [`${peersDir}online_sgd_numpy.py`, ...args] });
  }
  return cases;
}

const key = (impl: Impl, precision: Precision) => `${impl} ${precision}`;
const sameShape = (p: Shape, q: Shape) => p.d === q.d && p.n === q.n && p.b === q.b;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface ShapeResult {
  shape: Shape;
  /** Median samples/s and the spread of the slices, per "impl precision". */
  samplesPerSecond: Record<string, { median: number; min: number; max: number }>;
  /** meanfield's faster build over each peer, same precision. */
  ratios: Record<string, number>;
}

async function measure(shape: Shape, cases: Case[]): Promise<ShapeResult> {
  const env = { ...process.env, OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" };
  const servers = cases.map((c) => new Server(key(c.impl, c.precision), spawn(c.command, c.args, { env, cwd: peersDir })));
  try {
    await Promise.all(servers.map((s) => s.ready()));
    const slices = new Map<string, number[]>(servers.map((s) => [s.label, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const server of round % 2 === 1 ? [...servers].reverse() : servers) {
        slices.get(server.label)!.push((await server.time(SLICE_SECONDS)).samplesPerSecond);
      }
    }
    const samplesPerSecond: ShapeResult["samplesPerSecond"] = {};
    for (const [label, values] of slices) samplesPerSecond[label] = { median: median(values), min: Math.min(...values), max: Math.max(...values) };
    const ratios: Record<string, number> = {};
    for (const precision of PRECISIONS) {
      const ours = Math.max(...(["meanfield simd", "meanfield relaxed"] as const).map((i) => samplesPerSecond[key(i, precision)]?.median ?? 0));
      for (const peer of ["pytorch", "numpy"] as const) {
        const theirs = samplesPerSecond[key(peer, precision)];
        if (theirs) ratios[`meanfield / ${peer} ${precision}`] = ours / theirs.median;
      }
    }
    return { shape, samplesPerSecond, ratios };
  } finally {
    for (const s of servers) s.close();
  }
}

function printShape(result: ShapeResult, previous: ShapeResult | undefined): void {
  const { d, n, b } = result.shape;
  console.log(`\nd = ${d}, N = ${n}, B = ${b}: online SGD samples/s (median of ${ROUNDS} slices of ${SLICE_SECONDS} s, 1 thread)`);
  const rows = [["implementation", "samples/s", "min", "max", "steps/s", "previous"]];
  for (const [label, m] of Object.entries(result.samplesPerSecond)) {
    const before = previous?.samplesPerSecond[label]?.median;
    rows.push([label, m.median.toFixed(0), m.min.toFixed(0), m.max.toFixed(0), (m.median / b).toFixed(0), before === undefined ? "-" : before.toFixed(0)]);
  }
  for (const [label, r] of Object.entries(result.ratios)) {
    const before = previous?.ratios[label];
    rows.push([label, `${r.toFixed(2)}x`, "", "", "", before === undefined ? "-" : `${before.toFixed(2)}x`]);
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: string[]) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join("  ");
  console.log(line(rows[0]!));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows.slice(1)) console.log(line(row));
}

async function main(): Promise<void> {
  const torch = pythonWith("torch");
  const numpy = pythonWith("numpy");
  if (!torch) console.warn("PyTorch not importable (apt-get install python3-torch): skipping the PyTorch peer.");
  if (!numpy) console.warn("NumPy not importable (apt-get install python3-numpy): skipping the NumPy peer.");
  const file = new URL("bench/results/peers.json", repoRoot);
  const previous = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as { shapes: ShapeResult[]; ceiling?: Ceiling; kernels?: { shape: Shape; rates: KernelRate[] }[] })
    : null;
  const meter = await CeilingMeter.start(repoRoot);
  const kernels: { shape: Shape; rates: KernelRate[] }[] = [];
  for (const shape of SHAPES) kernels.push({ shape, rates: await measureKernelRates(repoRoot, shape, meter) });
  const ceiling = meter.ceiling;
  printCeiling(ceiling, previous?.ceiling ?? null);
  for (const { shape, rates } of kernels) printKernelRates(shape, rates, previous?.kernels?.find((k) => sameShape(k.shape, shape))?.rates);
  const results: ShapeResult[] = [];
  for (const shape of SHAPES) {
    const result = await measure(shape, casesFor(shape, torch, numpy));
    printShape(result, previous?.shapes.find((p) => sameShape(p.shape, shape)));
    results.push(result);
  }
  const versions = (python: string | null, code: string) =>
    python ? spawnSync(python, ["-c", code], { encoding: "utf8" }).stdout.trim() : null;
  mkdirSync(new URL("bench/results/", repoRoot), { recursive: true });
  const out = {
    date: new Date().toISOString(),
    node: process.version,
    torch: versions(torch, "import torch; print(torch.__version__, torch.__config__.parallel_info().splitlines()[0])"),
    numpy: versions(numpy, "import numpy; print(numpy.__version__)"),
    ceiling,
    kernels,
    method: `median of ${ROUNDS} slices of ${SLICE_SECONDS} s per implementation, round robin, order reversed every other round; 1 thread`,
    shapes: results,
  };
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote ${fileURLToPath(file)}`);
}

await main();
