// `npm run bench:gram [-- OTHER.wasm ...]`: the CG Gram product (K + ridge I) v of
// assembly/gramProduct.ts, timed on its own at the kernel bench's CG size (n = 30000, d = 10; GRAM_D,
// sphere relu NNGP, Mahankali et al. 2023's task), in this checkout's SIMD build and, given
// other modules (say the main branch's build/meanfield.wasm), in those too, alternating calls
// so all see the same load. Prints CPU ms per product, GFLOP/s by bench/gramFlops.ts,
// the share of the f64x2 ceiling (bench/ceiling.ts; of the f64x2 fma one for relaxed builds, say
// build/meanfield.relaxed.wasm) and the load average before and after.

import { loadavg } from "node:os";
import { parseConfig, type ConfigInput } from "../src/config.js";
import { modelKernel, TABLE_SIZE } from "../src/kernels/modelKernel.js";
import { loadRuntime, type WasmRuntime } from "../src/wasm/runtime.js";
import { alternatingCpuRounds, CeilingMeter, formatShare } from "./ceiling.js";
import { gramProductFlops } from "./gramFlops.js";
import { printColumns } from "./textTable.js";

const repoRoot = new URL("../../../", import.meta.url);
const n = Number(process.env.GRAM_N ?? 30_000);
const d = Number(process.env.GRAM_D ?? 10);
const rounds = Number(process.env.GRAM_ROUNDS ?? 3);

const input: ConfigInput = {
  seed: 0,
  task: { kind: "sphereSingleIndex", d, link: { kind: "legendre", coefficients: [0, 0, 0.3, 0, 1] } },
  model: { width: 64, activation: "relu" },
  algorithm: { kind: "empiricalGd", steps: 1, stepSize: 1, samples: 100 },
};
const kernel = modelKernel(parseConfig(input), "nngp");
const fullTable = kernel.table!;

/**
 * One product on unit points as a closure; the module's own cubics and its own scratch size (older
 * builds took 2 ceil(n / 4) * 4) and table (builds without tableUniformNodes read only the table's
 * square-root part).
 */
function productFor(rt: WasmRuntime): () => void {
  const { arena, exports: ex } = rt;
  const table = "tableUniformNodes" in ex ? fullTable : fullTable.subarray(0, TABLE_SIZE);
  const x = rt.random.gaussian(11, "gram", n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[i * d + k]! ** 2;
    for (let k = 0; k < d; k++) x[i * d + k]! /= Math.sqrt(s);
  }
  const quads = 4 * Math.ceil(n / 4);
  const wx = arena.f64From(x), ones = arena.f64From(new Float64Array(n).fill(1)), wt = arena.f64From(table);
  const v = arena.f64From(rt.random.gaussian(12, "v", n)), out = arena.f64(n);
  const packed = arena.f64(quads * d), cubics = arena.f64(4 * table.length);
  const work = arena.f64("tableKernelSymvWork" in ex ? ex.tableKernelSymvWork(n) : 2 * quads);
  ex.packScaledQuads(wx.ptr, n, d, ones.ptr, packed.ptr);
  ex.tableCubics(wt.ptr, table.length, cubics.ptr);
  return () => ex.tableKernelSymvPacked(packed.ptr, n, d, ones.ptr, cubics.ptr, table.length, table[0]!, 1e-3, v.ptr, out.ptr, work.ptr);
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const loadBefore = load();
const modules = [{ name: "this checkout", url: new URL("build/meanfield.wasm", repoRoot) }];
for (const path of process.argv.slice(2)) modules.push({ name: path, url: new URL(path, `file://${process.cwd()}/`) });
const cases = [];
for (const m of modules) {
  const rt = await loadRuntime({ url: m.url });
  cases.push({ name: m.name, relaxed: rt.build === "relaxed", product: productFor(rt) });
}
const meter = await CeilingMeter.start(repoRoot);
const times = alternatingCpuRounds(cases.map((c) => c.product), rounds, meter);
const best = times.map((t) => Math.min(...t));
const median = times.map((t) => [...t].sort((a, b) => a - b)[t.length >> 1]!);
const flops = gramProductFlops(n, d);
console.log(`Gram product (K + ridge I) v, n = ${n}, d = ${d}, sphere relu NNGP table of ${TABLE_SIZE} + ${fullTable.length - TABLE_SIZE}: fastest and median of ${rounds} alternating rounds, CPU time`);
console.log(`load average before ${loadBefore}, after ${load()}; f64x2 ceiling ${meter.ceiling.f64x2!.toFixed(1)}, f64x2 fma ${meter.ceiling["f64x2 fma"]?.toFixed(1) ?? "n/a"} GFLOP/s (relaxed builds' share)`);
const rows = [["module", "CPU ms", "median", "GFLOP/s", "% of peak", "median %", "speed vs first"]];
for (const [i, c] of cases.entries()) {
  const gflops = flops / (best[i]! * 1e6);
  const medianGflops = flops / (median[i]! * 1e6);
  const ceiling = c.relaxed ? meter.ceiling["f64x2 fma"] : meter.ceiling.f64x2;
  rows.push([c.name, best[i]!.toFixed(0), median[i]!.toFixed(0), gflops.toFixed(2), formatShare(gflops, ceiling), formatShare(medianGflops, ceiling), `${(best[0]! / best[i]!).toFixed(2)}x`]);
}
printColumns(rows);
