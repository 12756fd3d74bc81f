// `npm run bench:answer [-- --rows mahankali,bmz23,staircase --staircase-batch 1024]`: time to the
// scientific answer, for each reduction the package offers and a peer does not: the loss curve a
// paper plots, computed by the package's reduced solver and by the finite network a peer would
// train to get the same curve, at a stated matched accuracy. These rows are the package's reason
// to exist, so `npm run bench:answer` prints them first, then the measurements behind them.
//   Mahankali et al. (2023)  1-D sphere PDE against projected GD (bench/answer/sphereQuarticRow.ts)
//   BMZ23, staircase         reduced particles against the network at d = 1000 (bench/answer/reducedRows.ts)
// Times are CPU seconds of this process (one thread: the machine may be shared), with the load
// average. Writes bench/results/answer.json.

import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { loadRuntime } from "../src/wasm/runtime.js";
import { reducedAnswers, type ReducedAnswer } from "./answer/reducedRows.js";
import { sphereQuarticAnswer, type SphereQuarticAnswer } from "./answer/sphereQuarticRow.js";
import { printColumns } from "./textTable.js";

const repoRoot = new URL("../../../", import.meta.url);
const load = () => loadavg().map((v) => v.toFixed(2)).join(" ");

function option(argv: string[], flag: string, fallback: string): string {
  const at = argv.indexOf(flag);
  return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1]! : fallback;
}

const seconds = (s: number) => (s < 1 ? `${(1e3 * s).toFixed(0)} ms` : s < 600 ? `${s.toFixed(1)} s` : `${(s / 3600).toFixed(1)} h`);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const rows = option(argv, "--rows", "mahankali,bmz23,staircase").split(",");
  const staircaseBatch = Number(option(argv, "--staircase-batch", "1024"));
  if (!(Number.isInteger(staircaseBatch) && staircaseBatch >= 1)) throw new RangeError(`--staircase-batch: expected a positive integer, got ${staircaseBatch}`);
  const loadBefore = load();
  const rt = await loadRuntime({ url: new URL("build/meanfield.wasm", repoRoot) });
  const details: string[] = [];
  const log = (line: string) => details.push(line);
  let sphere: SphereQuarticAnswer | null = null;
  if (rows.includes("mahankali")) {
    log("Mahankali et al. (2023), realizable quartic instance, d = 64, t in [0, 20]:");
    sphere = await sphereQuarticAnswer(rt, log);
  }
  const reduced: ReducedAnswer[] = rows.includes("bmz23") || rows.includes("staircase") ? await reducedAnswers(rt, staircaseBatch) : [];

  console.log(`Time to the scientific answer (CPU time, 1 thread, SIMD build; load average ${loadBefore} before, ${load()} after)`);
  const table = [["answer", "package", "CPU", "peer", "CPU", "speed-up", "matched accuracy"]];
  if (sphere) {
    table.push([
      "Mahankali et al. loss curve to t = 20",
      "1-D sphere PDE",
      `${seconds(sphere.pdeCpuMs / 1e3)} (first ${seconds(sphere.pdeFirstCpuMs / 1e3)})`,
      `projected GD, N = ${sphere.width}, eta = ${sphere.stepSize.toPrecision(2)} (extrapolated)`,
      seconds(sphere.gdSeconds),
      `${(sphere.gdSeconds / (sphere.pdeCpuMs / 1e3)).toExponential(1)}x`,
      `1e-3 of L(0); PDE itself ${sphere.pdeError.toExponential(0)}`,
    ]);
  }
  for (const r of reduced) {
    table.push([
      `${r.name} risk curve`,
      `reduced particles, M = ${r.particles}`,
      seconds(r.reducedCpuSeconds),
      r.network,
      seconds(r.networkCpuSeconds),
      `${(r.networkCpuSeconds / r.reducedCpuSeconds).toFixed(0)}x`,
      `M = N; curves ${r.gap.toExponential(1)} apart; M's own error ${r.monteCarlo.toExponential(1)}`,
    ]);
  }
  printColumns(table);
  if (sphere) {
    console.log(
      `\nMahankali row, the error model of projected GD (largest loss gap over L(0) = ${sphere.initialLoss.toFixed(4)}): ` +
        `bias ${sphere.bias.toFixed(2)} / N + Euler ${sphere.euler.toExponential(2)} eta + sampling ${sphere.sampling.toFixed(3)} / sqrt(N); ` +
        `GD per-step CPU ${sphere.stepMs.map((m) => `${m.ms.toFixed(1)} ms at N = ${m.width}`).join(", ")}, extrapolated as N^2`,
    );
  }
  for (const line of details) console.log(line);
  mkdirSync(new URL("bench/results/", repoRoot), { recursive: true });
  const file = new URL("bench/results/answer.json", repoRoot);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, loadBefore, loadAfter: load(), sphere, reduced }, null, 2)}\n`);
  console.log(`\nwrote ${fileURLToPath(file)}`);
}

await main();
