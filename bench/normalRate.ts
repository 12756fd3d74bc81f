// `npm run bench:normal [-- OTHER.wasm ...]`: the normal equations' kernel accumulateNormal of
// assembly/features.ts (lower triangle of gram += phiT phiT^T) timed on its own at the kernel
// bench's features size (p = 935 features, blocks of FEATURE_BLOCK = 512 samples), in this
// checkout's SIMD and relaxed-SIMD builds and, given other modules (say the main branch's
// build/meanfield.wasm), in those too, alternating calls so all see the same load. Prints CPU
// ms per call, GFLOP/s by the kernel bench's count (p (p + 1) rows), the share of the ceiling
// of the instructions each build runs (bench/ceiling.ts) and the load average before and after.

import { loadavg } from "node:os";
import { FEATURE_BLOCK } from "../src/kernels/featureRidge.js";
import { loadRuntime, type WasmRuntime } from "../src/wasm/runtime.js";
import { alternatingCpuRounds, CeilingMeter, formatShare } from "./ceiling.js";
import { printColumns } from "./textTable.js";

const repoRoot = new URL("../../../", import.meta.url);
const p = Number(process.env.NORMAL_P ?? 935);
const rows = Number(process.env.NORMAL_ROWS ?? FEATURE_BLOCK);
/** Blocks per timed call: enough for a few hundred ms of work. */
const blocks = Number(process.env.NORMAL_BLOCKS ?? 20);
const rounds = Number(process.env.NORMAL_ROUNDS ?? 5);

/** The blocks' accumulation on deterministic features as a closure; older builds took no scratch. */
function accumulationFor(rt: WasmRuntime): () => void {
  const { arena, exports: ex } = rt;
  const phiT = arena.f64From(rt.random.gaussian(13, "phiT", p * rows));
  const gram = arena.f64(p * p);
  gram.view.fill(0);
  const scratch = "accumulateNormalScratch" in ex ? arena.f64(ex.accumulateNormalScratch(p)) : null;
  return () => {
    for (let b = 0; b < blocks; b++) ex.accumulateNormal(phiT.ptr, p, rows, gram.ptr, scratch?.ptr ?? 0);
  };
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const loadBefore = load();
const modules = [
  { name: "this checkout (simd)", url: new URL("build/meanfield.wasm", repoRoot) },
  { name: "this checkout (relaxed)", url: new URL("build/meanfield.relaxed.wasm", repoRoot) },
];
for (const path of process.argv.slice(2)) modules.push({ name: path, url: new URL(path, `file://${process.cwd()}/`) });
const cases = [];
for (const m of modules) {
  const rt = await loadRuntime({ url: m.url });
  const run = accumulationFor(rt);
  // A first untimed call, so every module is timed in V8's optimizing tier.
  run();
  cases.push({ name: m.name, build: rt.build, run });
}
const meter = await CeilingMeter.start(repoRoot);
const times = alternatingCpuRounds(cases.map((c) => c.run), rounds, meter);
const flops = blocks * p * (p + 1) * rows;
console.log(`accumulateNormal, p = ${p}, ${blocks} blocks of ${rows} samples: fastest and median of ${rounds} alternating rounds, CPU time`);
const ceilingOf = (build: string) => (build === "relaxed" ? meter.ceiling["f64x2 fma"] : meter.ceiling.f64x2);
console.log(`load average before ${loadBefore}, after ${load()}; f64x2 ceiling ${meter.ceiling.f64x2!.toFixed(1)} GFLOP/s, f64x2 fma ${meter.ceiling["f64x2 fma"]?.toFixed(1) ?? "n/a"}`);
const table = [["module", "build", "CPU ms", "median", "GFLOP/s", "% of its ceiling", "median %", "speed vs first"]];
for (const [i, c] of cases.entries()) {
  const best = Math.min(...times[i]!);
  const median = [...times[i]!].sort((a, b) => a - b)[times[i]!.length >> 1]!;
  const gflops = flops / (best * 1e6);
  const ceiling = ceilingOf(c.build);
  table.push([c.name, c.build, best.toFixed(0), median.toFixed(0), gflops.toFixed(2), formatShare(gflops, ceiling), formatShare(flops / (median * 1e6), ceiling), `${(Math.min(...times[0]!) / best).toFixed(2)}x`]);
}
printColumns(table);
