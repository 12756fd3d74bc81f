// `npm run bench` (kernel baselines): one timed run of each solver at the sizes of issue 6, in
// the Wasm SIMD build, on the seed-000 sphere task:
//   conjugate gradients  n = 30000, d = 10, relu NNGP, to relative residual 1e-6 (Gram never stored)
//   exact KRR (Cholesky) n = 8000,  d = 20, relu NNGP
//   explicit features    n = 200000, d = 10, degree 4 (p = 990), streamed normal equations
// with wall time, CPU time (the wall time on an idle core: the machine may be shared) and memory: the process's peak resident set (CG runs first, so its peak is
// its own) and the Wasm memory reached. Writes bench/results/kernels.json.
// Usage: node bench/.build/bench/kernels.bench.js [cg] [cholesky] [features]

import { mkdirSync, writeFileSync } from "node:fs";
import type { ConfigInput } from "../src/config.js";
import { kernelBaseline, type KernelBaselineResult } from "../src/kernels/kernelRidge.js";
import { formatBytes } from "../src/wasm/arena.js";
import { loadRuntime } from "../src/wasm/runtime.js";

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

const runtime = await loadRuntime({ url: new URL("build/meanfield.wasm", repoRoot) });
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
for (const c of cases) {
  if (wanted.length > 0 && !wanted.includes(c.name)) continue;
  const cpuBefore = process.cpuUsage();
  const r = await c.run();
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
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
  results.push({ ...r, cpuSeconds, case: c.name, limitSeconds: c.limitSeconds, peakRssBytes: peakRss, wasmBytes });
}
mkdirSync(new URL("bench/results/", repoRoot), { recursive: true });
writeFileSync(new URL("bench/results/kernels.json", repoRoot), `${JSON.stringify(results, null, 2)}\n`);
