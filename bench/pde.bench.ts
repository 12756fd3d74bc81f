// `npm run bench` (second part): one finite-volume time step of the sphere PDE, all stages, on
// 4096 cells with K = 8 Legendre degrees, in the Wasm SIMD build, the Wasm no-SIMD build and the
// plain TypeScript reference, for SSP-RK2 (the default) and SSP-RK3, with GFLOP/s by the count of
// finiteVolumeStepFlops and the Wasm rows' share of the Wasm ceiling of their instructions (f64x2
// for the SIMD build, scalar f64 for the no-SIMD build; bench/ceiling.ts), beside the previous
// run's figures. Writes bench/results/pde.json.

import Benchmark from "benchmark";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FiniteVolumeSolver, type Integrator } from "../src/pde/grid/finiteVolume.js";
import { sphereFaces } from "../src/pde/grid/grid.js";
import { sphereUniformDensity } from "../src/pde/grid/initialDensity.js";
import { SphereModel } from "../src/pde/sphere/sphereModel.js";
import { loadRuntime, type WasmRuntime } from "../src/wasm/runtime.js";
import { ReferenceFiniteVolume } from "../test/reference/pde.js";
import { CeilingMeter, formatShare, printCeiling, type Ceiling, type InstructionSet } from "./ceiling.js";
import { printColumns } from "./textTable.js";

// This file runs as bench/.build/bench/pde.bench.js (bench/tsconfig.json).
const repoRoot = new URL("../../../", import.meta.url);

const CELLS = 4096;
const DEGREE = 8;
const D = 32;
const TARGET_US = 50;
// As in network.bench.ts: rounds in alternating order, the faster one counts (load from elsewhere
// on the machine only ever slows a round down).
const ROUNDS = 2;
Object.assign(Benchmark.options, { maxTime: 2 });

/** Degree-8 activation and link with every even and odd degree present (the table's full width). */
function model(): SphereModel {
  const activation = { kind: "polynomial" as const, coefficients: [0.1, 0.5, 0.8, 0.3, 1, 0.2, 0.6, 0.1, 0.4] };
  const link = { kind: "polynomial" as const, coefficients: [0, 0.3, 1, 0, 0.8, 0.1, 0.2, 0, 0.5] };
  return new SphereModel({ d: D, activation, link, degree: DEGREE });
}

/**
 * Flops of one FiniteVolumeSolver step (assembly/pde.ts) on n cells with `count` moment and
 * velocity tables: additions, subtractions, multiplications and divisions; min, max, abs,
 * comparisons and selects are not counted. Every stage runs
 *   the face velocities   count multiply-adds at each of the n - 1 interior faces   2 count (n - 1)
 *   the sweep             18 per cell: the two jumps (2), the limiter's dm dp, gm dm, gp dp,
 *                         gc (dm + dp) (5), both face values (2), the upwind flux (1), the CFL
 *                         rate (1), the Euler update (4), the combination with the base (3)  18 n
 *   the moments           count multiply-adds per cell                              2 count n
 * The O(count) residuals between stages (JavaScript) are left out. The plain TypeScript
 * reference runs the same algorithm and is credited with the same count.
 */
function finiteVolumeStepFlops(n: number, count: number, stages: number): number {
  return stages * (2 * count * (n - 1) + 18 * n + 2 * count * n);
}

const STAGES: Record<Integrator, number> = { ssp2: 2, ssp3: 3 };

interface Case {
  label: string;
  integrator: Integrator;
  /** The Wasm instructions the case runs on; null for plain TypeScript. */
  peakSet: InstructionSet | null;
  step: () => void;
}

interface CaseResult {
  us: number;
  rmePercent: number;
  gflops: number;
  peakSet: InstructionSet | null;
  shareOfPeak: number | null;
}

interface PreviousResults {
  ceiling?: Ceiling;
  /** gflops is missing in results from before it was recorded. */
  microsecondsPerStep?: Record<string, { us: number; gflops?: number }>;
}

async function loadBuild(file: string): Promise<WasmRuntime> {
  return loadRuntime({ url: new URL(`build/${file}`, repoRoot) });
}

function measure(cases: Case[]): Map<string, { us: number; rmePercent: number }> {
  const benches = cases.map((c) => new Benchmark(c.label, c.step));
  const suite = new Benchmark.Suite();
  for (const bench of benches) suite.push(bench);
  suite.on("cycle", (event: Benchmark.Event) => console.log(`  ${String(event.target)}`));
  suite.run();
  const out = new Map<string, { us: number; rmePercent: number }>();
  benches.forEach((bench, k) => {
    if (bench.error) throw bench.error;
    out.set(cases[k]!.label, { us: bench.stats.mean * 1e6, rmePercent: bench.stats.rme });
  });
  return out;
}

async function main(): Promise<void> {
  const resultsDir = new URL("bench/results/", repoRoot);
  const file = new URL("pde.json", resultsDir);
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as PreviousResults) : {};
  const meter = await CeilingMeter.start(repoRoot);
  const m = model();
  const faces = sphereFaces({ cells: CELLS, ends: true });
  const rho = sphereUniformDensity(faces, D);
  const runtimes = { simd: await loadBuild("meanfield.wasm"), scalar: await loadBuild("meanfield.nosimd.wasm") };
  if (runtimes.simd.build !== "simd" || runtimes.scalar.build !== "scalar") throw new Error("build/ holds the wrong Wasm builds");
  const cases: Case[] = [];
  for (const integrator of ["ssp2", "ssp3"] as Integrator[]) {
    for (const [name, runtime] of Object.entries(runtimes)) {
      const solver = new FiniteVolumeSolver(runtime, m, faces, rho, { integrator });
      // A fixed dt well inside the CFL bound, so every measured step does the same work (no rejections).
      const dt = 0.25 * (solver.step(Infinity) / 0.4);
      cases.push({
        label: `Wasm ${name === "simd" ? "SIMD" : "no-SIMD"}, ${integrator}`,
        integrator,
        peakSet: name === "simd" ? "f64x2" : "f64",
        step: () => solver.step(dt),
      });
    }
    const reference = new ReferenceFiniteVolume(m, faces, rho, 2, integrator === "ssp2" ? [0, 0.5] : [0, 0.75, 1 / 3], 0.4);
    const dt = 0.25 * (reference.step(Infinity) / 0.4);
    cases.push({ label: `plain TypeScript, ${integrator}`, integrator, peakSet: null, step: () => reference.step(dt) });
  }
  console.log(`\nsphere PDE, d = ${D}, K = ${DEGREE}, ${CELLS} cells: one time step (all stages)`);
  const best = new Map<string, { us: number; rmePercent: number }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, r] of measure(round % 2 === 1 ? [...cases].reverse() : cases)) {
      const prev = best.get(label);
      if (prev === undefined || r.us < prev.us) best.set(label, r);
    }
    meter.sample();
  }
  const ceiling = meter.ceiling;
  const flopsPerStep = Object.fromEntries((["ssp2", "ssp3"] as const).map((k) => [k, finiteVolumeStepFlops(CELLS, m.count, STAGES[k])]));
  const report = new Map<string, CaseResult>();
  for (const c of cases) {
    const r = best.get(c.label)!;
    const gflops = flopsPerStep[c.integrator]! / (r.us * 1e3);
    const peak = c.peakSet === null ? null : ceiling[c.peakSet];
    report.set(c.label, { ...r, gflops, peakSet: c.peakSet, shareOfPeak: peak === null ? null : gflops / peak });
  }
  printCeiling(ceiling, previous.ceiling ?? null);
  console.log(
    `\nsphere PDE step: ${(flopsPerStep.ssp2! / 1e3).toFixed(0)} kflop (ssp2), ${(flopsPerStep.ssp3! / 1e3).toFixed(0)} kflop (ssp3) by finiteVolumeStepFlops`,
  );
  const rows = [["implementation", "us / step", "± %", "GFLOP/s", "peak set", "% of peak", "previous us", "previous GFLOP/s"]];
  for (const { label } of cases) {
    const r = report.get(label)!;
    const before = previous.microsecondsPerStep?.[label];
    rows.push([
      label,
      r.us.toFixed(1),
      r.rmePercent.toFixed(1),
      r.gflops.toFixed(2),
      r.peakSet ?? "-",
      formatShare(r.gflops, r.peakSet === null ? null : ceiling[r.peakSet]),
      before ? before.us.toFixed(1) : "-",
      before?.gflops === undefined ? "-" : before.gflops.toFixed(2),
    ]);
  }
  printColumns(rows);
  const simd = best.get("Wasm SIMD, ssp2")!.us;
  console.log(`\nWasm SIMD, ssp2 (the default): ${simd.toFixed(1)} us per step, target < ${TARGET_US} us: ${simd < TARGET_US ? "met" : "NOT met"}`);
  mkdirSync(resultsDir, { recursive: true });
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    method: `best of ${ROUNDS} rounds (benchmark.js)`,
    cells: CELLS,
    degree: DEGREE,
    d: D,
    targetMicroseconds: TARGET_US,
    flopsPerStep,
    ceiling,
    microsecondsPerStep: Object.fromEntries(report),
  };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${fileURLToPath(file)}`);
}

await main();
