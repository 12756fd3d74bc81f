// `npm run bench` (kernel baselines): one timed run of each solver at the sizes of issue 6, in
// the Wasm SIMD build, on Mahankali et al.'s (2023) sphere task:
//   conjugate gradients  n = 30000, d = 10, relu NNGP, to relative residual 1e-6 (Gram never stored)
//   exact KRR (Cholesky) n = 8000,  d = 20, relu NNGP
//   explicit features    n = 200000, d = 10, degree 4 (p = 935), streamed normal equations
// with wall time, CPU time (the wall time on an idle core: the machine may be shared) and memory: the process's peak resident set (CG runs first, so its peak is
// its own) and the Wasm memory reached. Then, per solver, the time spent in each of its Wasm
// kernels, their GFLOP/s by the counts of KERNEL_FLOPS and its share of the f64x2 ceiling
// (bench/ceiling.ts), beside the previous run's figures. Last, the NumPy/SciPy peer on the BLAS it
// loaded (bench/peers/kernel_solvers.py, one thread; OpenBLAS by its own CPU detection,
// bench/peerServer.ts: peerEnvironment) for the Cholesky factorization and the normal
// equations at the same sizes, against the time in choleskyInPlace and accumulateNormal (no ratio
// against a peer on the reference BLAS). Writes bench/results/kernels.json.
// Usage: node bench/.build/bench/kernels.bench.js [cg] [cholesky] [features]

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { ConfigInput } from "../src/config.js";
import { kernelBaseline, type KernelBaselineResult } from "../src/kernels/kernelRidge.js";
import { formatBytes } from "../src/wasm/arena.js";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { peerEnvironment, pythonWith, type LoadedBlas } from "./peerServer.js";
import { loadRuntime } from "../src/wasm/runtime.js";
import { CeilingMeter, formatShare, printCeiling, type Ceiling } from "./ceiling.js";
import { gramProductFlops } from "./gramFlops.js";
import { printColumns } from "./textTable.js";
import { TimedExports, type FlopModel, type KernelTally } from "./timedExports.js";

const repoRoot = new URL("../../../", import.meta.url);

function config(d: number, activation: unknown): ConfigInput {
  return {
    seed: 0,
    task: { kind: "sphereSingleIndex", d, link: { kind: "legendre", coefficients: [0, 0, 0.3, 0, 1] } },
    model: { width: 64, activation },
    algorithm: { kind: "empiricalGd", steps: 1, stepSize: 1, samples: 100 },
    metrics: { testSamples: 2000 },
  } as ConfigInput;
}

interface Case {
  name: string;
  limitSeconds: number;
  run: () => Promise<KernelBaselineResult>;
}

/** Flops of a K(x, y) entry of the tabulated kernels (assembly/gramBlock.ts) less its dot product's 2 d: g's 9 by the uniform table (as in bench/gramFlops.ts, the interval index not counted) and the two scales (2). */
const TABLE_ENTRY_FLOPS = 11;

/**
 * Flops of one call of each timed Wasm kernel (assembly/gram.ts, assembly/features.ts) from its
 * arguments: additions, multiplications, divisions and square roots as the source writes them;
 * min, max, floor and comparisons are not counted. A multiply-add counts 2.
 */
const KERNEL_FLOPS: Record<string, FlopModel> = {
  // n^3 / 3, the leading term of the right-looking factorization.
  choleskyInPlace: (_a, n) => n ** 3 / 3,
  // n^2 m each: a multiply-add per entry below the diagonal and a division per row, per right-hand side.
  solveLower: (_l, n, _b, m) => n * n * m,
  solveLowerTransposed: (_l, n, _b, m) => n * n * m,
  // Every entry of the rows x n block: its d-long dot product and TABLE_ENTRY_FLOPS.
  tableKernelRows: (_x, rows, d, _s, _inv, _packed, n) => rows * n * (2 * d + TABLE_ENTRY_FLOPS),
  // (K + ridge I) v: bench/gramFlops.ts.
  tableKernelSymvPacked: (_packed, n, d) => gramProductFlops(n, d),
  blockGemv: (_block, rows, cols) => 2 * rows * cols,
  // The lower triangle of Phi^T Phi: a rows-long dot product per entry (the 2x2 tiles' extra entry
  // above the diagonal is not counted).
  accumulateNormal: (_phiT, p, rows) => p * (p + 1) * rows,
  featuresTransposedTimes: (_phiT, p, rows) => 2 * p * rows,
  featuresTimes: (_phiT, p, rows) => 2 * p * rows,
  // A d-long dot product per (feature, sample), and 10 flops per step of the Legendre recurrence
  // (k - 1 steps for degree k): the degrees are read from the module's memory.
  sphereFeatures: (_x, rows, d, _anchors, degrees, count) => {
    const k = new Float64Array(runtime.exports.memory.buffer, degrees, count);
    let steps = 0;
    for (const degree of k) steps += Math.max(degree - 1, 0);
    return rows * (count * 2 * d + 10 * steps);
  },
};

const runtime = await loadRuntime({ url: new URL("build/meanfield.wasm", repoRoot) });
const resultsFile = new URL("bench/results/kernels.json", repoRoot);
interface CaseResult {
  case: string;
  seconds: number;
  wasmKernels?: (KernelTally & { gflops: number | null })[];
}
// Earlier results are an array of cases, later ones { ceiling, cases }.
const previousFile = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, "utf8")) as CaseResult[] | { ceiling: Ceiling; cases: CaseResult[] }) : null;
const previous = previousFile === null ? null : Array.isArray(previousFile) ? { ceiling: null, cases: previousFile } : previousFile;
const meter = await CeilingMeter.start(repoRoot);
const timed = new TimedExports(runtime, KERNEL_FLOPS);
const cases: Case[] = [
  {
    name: "cg",
    limitSeconds: 300,
    run: () => kernelBaseline(config(10, "relu"), { n: 30_000, method: "cg", tolerance: 1e-6, runtime }),
  },
  {
    name: "cholesky",
    limitSeconds: 60,
    run: () => kernelBaseline(config(20, "relu"), { n: 8000, method: "cholesky", runtime }),
  },
  {
    name: "features",
    limitSeconds: 60,
    run: () =>
      kernelBaseline(config(10, { kind: "legendre", coefficients: [0.5, 1, 0.8, 0.6, 0.5] }), { n: 200_000, method: "features", degree: 4, runtime }),
  },
];

const wanted = process.argv.slice(2);
const results: Record<string, unknown>[] = [];
const tables: { name: string; cpu: number; kernels: (KernelTally & { gflops: number | null })[] }[] = [];
for (const c of cases) {
  if (wanted.length > 0 && !wanted.includes(c.name)) continue;
  const cpuBefore = process.cpuUsage();
  const r = await c.run();
  const cpu = process.cpuUsage(cpuBefore);
  const kernels = timed.take().map((t) => ({ ...t, gflops: t.flops === null ? null : t.flops / t.seconds / 1e9 }));
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  tables.push({ name: c.name, cpu: cpuSeconds, kernels });
  meter.sample();
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const wasmBytes = runtime.exports.memory.buffer.byteLength;
  const extra =
    r.iterations !== null
      ? `, ${r.iterations} iterations to relative residual ${r.relativeResidual!.toExponential(2)} (preconditioner degree ${r.preconditionerDegree})`
      : r.features !== null
        ? `, p = ${r.features} features`
        : "";
  console.log(
    `${c.name.padEnd(9)} n = ${String(r.n).padStart(6)}: ${r.seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU (limit ${c.limitSeconds} s)${extra}; ` +
      `peak RSS ${formatBytes(peakRss)}, Wasm memory ${formatBytes(wasmBytes)}; test loss ${r.testLoss.toExponential(3)}`,
  );
  results.push({ ...r, cpuSeconds, case: c.name, limitSeconds: c.limitSeconds, peakRssBytes: peakRss, wasmBytes, wasmKernels: kernels });
}
const ceiling = meter.ceiling;
printCeiling(ceiling, previous?.ceiling ?? null);
for (const { name, cpu, kernels } of tables) {
  console.log(`\n${name}: CPU time in its Wasm kernels (SIMD build), GFLOP/s by KERNEL_FLOPS, share of the f64x2 peak`);
  const before = previous?.cases.find((p) => p.case === name);
  const rows = [["kernel", "calls", "CPU s", "% of run's CPU", "GFLOP", "GFLOP/s", "% of peak", "previous GFLOP/s"]];
  for (const k of kernels) {
    const was = before?.wasmKernels?.find((p) => p.kernel === k.kernel)?.gflops;
    rows.push([
      k.kernel,
      String(k.calls),
      k.seconds.toFixed(2),
      `${((100 * k.seconds) / cpu).toFixed(0)}%`,
      k.flops === null ? "-" : (k.flops / 1e9).toFixed(1),
      k.gflops === null ? "-" : k.gflops.toFixed(2),
      formatShare(k.gflops, ceiling.f64x2),
      was === undefined || was === null ? "-" : was.toFixed(2),
    ]);
  }
  printColumns(rows);
}

interface SolverPeer {
  blas: LoadedBlas;
  cholesky: { n: number; seconds: number; cpuSeconds: number };
  normal: { rows: number; p: number; seconds: number; cpuSeconds: number };
}

/** The SciPy peer at the sizes the cholesky and features cases ran, or null (no SciPy, or neither case run). */
function solverPeer(): SolverPeer | null {
  const chol = results.find((r) => r.case === "cholesky");
  const feat = results.find((r) => r.case === "features");
  const python = pythonWith("scipy");
  if (!chol || !feat || !python) {
    if (!python) console.warn("SciPy not importable (apt-get install python3-scipy): no peer for Cholesky and the normal equations.");
    return null;
  }
  const script = fileURLToPath(new URL("bench/peers/kernel_solvers.py", repoRoot));
  const run = spawnSync(python, [script, String(chol.n), String(feat.n), String(feat.features)], { encoding: "utf8", cwd: fileURLToPath(new URL("bench/peers/", repoRoot)), env: peerEnvironment().env });
  if (run.status !== 0) throw new Error(`bench/peers/kernel_solvers.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as SolverPeer;
}

const peer = solverPeer();
if (peer) {
  console.log(`\nNumPy/SciPy peer, 1 thread, BLAS ${peer.blas.summary} (fastest of 2; CPU time on both sides, meanfield's in the Wasm kernel)`);
  const kernelSeconds = (name: string, kernel: string) => tables.find((t) => t.name === name)?.kernels.find((k) => k.kernel === kernel)?.seconds ?? NaN;
  const rows = [["kernel", "size", "meanfield CPU s", "peer CPU s", "peer wall s", "meanfield / peer speed"]];
  const lines: [string, string, number, { seconds: number; cpuSeconds: number }][] = [
    ["choleskyInPlace / scipy cholesky", `n = ${peer.cholesky.n}`, kernelSeconds("cholesky", "choleskyInPlace"), peer.cholesky],
    ["accumulateNormal / dsyrk", `${peer.normal.rows} x ${peer.normal.p}`, kernelSeconds("features", "accumulateNormal"), peer.normal],
  ];
  for (const [label, size, ours, theirs] of lines) {
    const ratio = peer.blas.optimized ? `${(theirs.cpuSeconds / ours).toFixed(2)}x` : "refused: reference BLAS";
    rows.push([label, size, ours.toFixed(2), theirs.cpuSeconds.toFixed(2), theirs.seconds.toFixed(2), ratio]);
  }
  printColumns(rows);
}
mkdirSync(new URL("bench/results/", repoRoot), { recursive: true });
writeFileSync(resultsFile, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, ceiling, cases: results, solverPeer: peer }, null, 2)}\n`);
