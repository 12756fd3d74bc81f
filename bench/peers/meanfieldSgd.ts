// meanfield's side of bench/peers.ts: the same online-SGD loop as the Python peers, through the
// library's own Trainer (a fresh N(0, I_d) batch per step, y = relu(<q*, x>) from the
// gaussianSingleIndex task, loss 1/(2B) sum (f - y)^2, both layers at the mean-field rate).
// Speaks protocol.py's protocol: argv D N B PRECISION STEP_SIZE SEED THREADS BUILD, then one JSON
// line per number of seconds read from stdin, with the process's CPU time beside the wall time.
// With THREADS > 1 the shared-memory build of the same instruction set runs a thread team.

import { createInterface } from "node:readline";
import { parseConfig } from "../../src/config.js";
import { networkOptionsOf, TwoLayerNetwork } from "../../src/model/network.js";
import { createTask } from "../../src/tasks/createTask.js";
import { linkToActivation } from "../../src/activation/link.js";
import { Trainer } from "../../src/train/trainer.js";
import type { WasmBuild } from "../../src/wasm/loader.js";
import { loadRuntime } from "../../src/wasm/runtime.js";
import { ThreadTeam } from "../../src/wasm/threadTeam.js";

const WARM_UP_STEPS = 20;
// This file runs as bench/.build/bench/peers/meanfieldSgd.js, where the loader's default URLs
// would point inside bench/.build.
const repoRoot = new URL("../../../../", import.meta.url);
const FILES: Partial<Record<WasmBuild, string>> = {
  simd: "meanfield.wasm",
  relaxed: "meanfield.relaxed.wasm",
  threads: "meanfield.threads.wasm",
  threadsRelaxed: "meanfield.threads.relaxed.wasm",
};

async function main(): Promise<void> {
  const [d, n, b] = process.argv.slice(2, 5).map(Number) as [number, number, number];
  const precision = process.argv[5] as "f32" | "f64";
  const stepSize = Number(process.argv[6]);
  const seed = Number(process.argv[7]);
  const threads = Number(process.argv[8]);
  const kind = process.argv[9] as "simd" | "relaxed";
  const build: WasmBuild = threads > 1 ? (kind === "simd" ? "threads" : "threadsRelaxed") : kind;
  const runtime = await loadRuntime({ url: new URL(`build/${FILES[build]}`, repoRoot) });
  if (runtime.build !== build) throw new Error(`asked for the ${build} build, loaded ${runtime.build}`);
  const team = threads > 1 ? await ThreadTeam.start(runtime, threads) : null;
  const config = parseConfig({
    seed,
    precision,
    threads,
    task: { kind: "gaussianSingleIndex", d, link: "relu" },
    model: { width: n, activation: "relu", init: { secondLayer: { kind: "gaussian", std: 1 } } },
    algorithm: { kind: "onlineSgd", batch: b, steps: 1e9, stepSize },
  });
  const activation = linkToActivation(config.model.activation, d);
  const task = createTask(runtime, config.task, seed, activation);
  const net = new TwoLayerNetwork(runtime, networkOptionsOf(config, activation));
  const trainer = new Trainer(config, task, net);
  for (let t = 0; t < WARM_UP_STEPS; t++) trainer.advance();
  console.log(JSON.stringify({ ready: true, fused: trainer.fused }));
  for await (const line of createInterface({ input: process.stdin })) {
    const seconds = Number(line);
    let steps = 0;
    let loss = 0;
    let elapsed = 0;
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    do {
      loss = trainer.advance();
      steps++;
      elapsed = (performance.now() - start) / 1e3;
    } while (elapsed < seconds);
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(JSON.stringify({ steps, seconds: elapsed, cpuSeconds, samplesPerSecond: (steps * b) / elapsed, loss }));
  }
  trainer.free();
  net.free();
  task.free();
  await team?.close();
}

await main();
