// `npm run bench` (second part): one finite-volume time step of the sphere PDE, all stages, on
// 4096 cells with K = 8 Legendre degrees, in the Wasm SIMD build, the Wasm no-SIMD build and the
// plain TypeScript reference, for SSP-RK2 (the default) and SSP-RK3. Writes bench/results/pde.json.

import Benchmark from "benchmark";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FiniteVolumeSolver, type Integrator } from "../src/pde/finiteVolume.js";
import { sphereFaces } from "../src/pde/grid.js";
import { sphereUniformDensity } from "../src/pde/initialDensity.js";
import { SphereModel } from "../src/pde/sphereModel.js";
import { loadRuntime, type WasmRuntime } from "../src/wasm/runtime.js";
import { ReferenceFiniteVolume } from "../test/reference/pde.js";

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

interface Case {
  label: string;
  step: () => void;
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
      cases.push({ label: `Wasm ${name === "simd" ? "SIMD" : "no-SIMD"}, ${integrator}`, step: () => solver.step(dt) });
    }
    const reference = new ReferenceFiniteVolume(m, faces, rho, 2, integrator === "ssp2" ? [0, 0.5] : [0, 0.75, 1 / 3], 0.4);
    const dt = 0.25 * (reference.step(Infinity) / 0.4);
    cases.push({ label: `plain TypeScript, ${integrator}`, step: () => reference.step(dt) });
  }
  console.log(`\nsphere PDE, d = ${D}, K = ${DEGREE}, ${CELLS} cells: one time step (all stages)`);
  const results = new Map<string, { us: number; rmePercent: number }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, r] of measure(round % 2 === 1 ? [...cases].reverse() : cases)) {
      const prev = results.get(label);
      if (prev === undefined || r.us < prev.us) results.set(label, r);
    }
  }
  const rows = [["implementation", "us / step", "± %"]];
  for (const { label } of cases) {
    const r = results.get(label)!;
    rows.push([label, r.us.toFixed(1), r.rmePercent.toFixed(1)]);
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  console.log("");
  for (const row of rows) console.log(row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join("  "));
  const simd = results.get("Wasm SIMD, ssp2")!.us;
  console.log(`\nWasm SIMD, ssp2 (the default): ${simd.toFixed(1)} us per step, target < ${TARGET_US} us: ${simd < TARGET_US ? "met" : "NOT met"}`);
  const resultsDir = new URL("bench/results/", repoRoot);
  mkdirSync(resultsDir, { recursive: true });
  const file = new URL("pde.json", resultsDir);
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, method: `best of ${ROUNDS} rounds (benchmark.js)`, cells: CELLS, degree: DEGREE, d: D, targetMicroseconds: TARGET_US, microsecondsPerStep: Object.fromEntries(results) }, null, 2)}\n`,
  );
  console.log(`wrote ${fileURLToPath(file)}`);
}

await main();
