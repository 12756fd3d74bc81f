// `npm run bench:passes [-- BASELINE_DIR]`: GFLOP/s of the f64 forward and backward kernels
// alone and together (ReLU; 2 B N d flops per pass) at the online-SGD sizes of issue 10 and at
// odd and small d, in the SIMD and relaxed-SIMD builds of build/. With BASELINE_DIR (another
// checkout's build/ directory, e.g. main's), its modules are timed in the same rounds and the
// ratio new / baseline printed. Each module gets 3000 warm-up passes first (V8 tiers Wasm up to
// its optimizing compiler lazily); the rounds alternate the modules, reversing the order every
// other round, and keep each one's fastest time, so that load from other processes on a shared
// machine, which only ever slows a round down, cancels out as far as it can.

import { fileURLToPath, pathToFileURL } from "node:url";
import { WasmActivation, type NetworkShape } from "../src/wasm/networkKernels.js";
import { loadRuntime } from "../src/wasm/runtime.js";

const repoRoot = new URL("../../../", import.meta.url);
const SHAPES: NetworkShape[] = [
  { d: 50, n: 256, b: 64 },
  { d: 100, n: 1000, b: 256 },
  { d: 51, n: 256, b: 64 },
  { d: 20, n: 256, b: 64 },
  { d: 10, n: 256, b: 64 },
];
const FILES = { simd: "meanfield.wasm", relaxed: "meanfield.relaxed.wasm" } as const;
const PASSES = ["forward", "backward", "both"] as const;
type Pass = (typeof PASSES)[number];
const ROUNDS = 15;
const WARM_UP = 3000;

interface Module {
  label: string;
  build: keyof typeof FILES;
  url: URL;
}

async function passesFor(url: URL, shape: NetworkShape): Promise<Record<Pass, () => void>> {
  const rt = await loadRuntime({ url });
  const { n, d, b } = shape;
  const { arena } = rt;
  const draw = (name: string, count: number, sd: number) => arena.f64From(rt.random.gaussian(7, name, count).map((t) => sd * t));
  const buf = {
    x: draw("x", b * d, 1), w: draw("w", n * d, 1 / Math.sqrt(d)), a: draw("a", n, 1), r: draw("r", b, 1 / b),
    z: arena.f64(b * n), f: arena.f64(b), g: arena.f64(b * n), gradW: arena.f64(n * d), gradA: arena.f64(n),
  };
  const act = new WasmActivation(rt, "relu");
  const options = { checkFinite: false };
  const forward = () => rt.network.forwardInto(shape, 1 / n, act, buf, options);
  const backward = () => rt.network.backwardInto(shape, 1 / n, act, buf, options);
  return { forward, backward, both: () => (forward(), backward()) };
}

function msPerCall(run: () => void, reps: number): number {
  const t0 = performance.now();
  for (let k = 0; k < reps; k++) run();
  return (performance.now() - t0) / reps;
}

const baseline = process.argv[2];
const modules: Module[] = [];
for (const build of ["simd", "relaxed"] as const) {
  modules.push({ label: "this", build, url: new URL(`build/${FILES[build]}`, repoRoot) });
  if (baseline) modules.push({ label: "baseline", build, url: new URL(FILES[build], pathToFileURL(`${baseline.replace(/\/$/, "")}/`)) });
}
console.log(`f64 forward/backward, ReLU, GFLOP/s (2 B N d flops per pass), fastest of ${ROUNDS} alternating rounds`);
console.log(`this = ${fileURLToPath(new URL("build/", repoRoot))}${baseline ? `, baseline = ${baseline}` : ""}; timings on a shared machine are noisy`);
for (const shape of SHAPES) {
  const { n, d, b } = shape;
  const flops = 2 * b * n * d;
  const reps = Math.max(10, Math.round(1e8 / flops));
  const cases = await Promise.all(modules.map((m) => passesFor(m.url, shape)));
  for (const c of cases) for (let k = 0; k < WARM_UP; k++) c.both();
  const best = cases.map(() => ({ forward: Infinity, backward: Infinity, both: Infinity }));
  for (let round = 0; round < ROUNDS; round++) {
    const order = cases.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) for (const pass of PASSES) best[i]![pass] = Math.min(best[i]![pass], msPerCall(cases[i]![pass], reps));
  }
  console.log(`\nd = ${d}, N = ${n}, B = ${b}`);
  const gflops = (i: number, pass: Pass) => ((pass === "both" ? 2 : 1) * flops) / (best[i]![pass] * 1e6);
  modules.forEach((m, i) => {
    const cells = PASSES.map((pass) => {
      const base = m.label === "this" && baseline ? modules.findIndex((o) => o.label === "baseline" && o.build === m.build) : -1;
      const ratio = base >= 0 ? ` (x${(gflops(i, pass) / gflops(base, pass)).toFixed(2)})` : "";
      return `${pass} ${(best[i]![pass] * 1e3).toFixed(1)} us ${gflops(i, pass).toFixed(1)}${ratio}`.padEnd(34);
    });
    console.log(`  ${`${m.build} ${m.label}`.padEnd(18)}${cells.join("")}`);
  });
}
