import { parseConfig } from "../src/config.js";
import { TwoLayerNetwork } from "../src/model/network.js";
import { createTask } from "../src/tasks/createTask.js";
import { loadRuntime } from "../src/wasm/runtime.js";
import { BlockedPasses } from "../src/wasm/blockedPasses.js";
import { ThreadTeam } from "../src/wasm/threadTeam.js";
import { Trainer } from "../src/train/trainer.js";
const repoRoot = new URL("../../../", import.meta.url);
const [d, n, b] = [Number(process.argv[2] ?? 100), Number(process.argv[3] ?? 1000), Number(process.argv[4] ?? 256)];
for (const threads of [1, 2, 1, 2]) {
  const rt = await loadRuntime({ url: new URL(threads > 1 ? "build/meanfield.threads.wasm" : "build/meanfield.wasm", repoRoot) });
  const config = parseConfig({ threads, task: { kind: "gaussianSingleIndex", d, link: "relu" }, model: { width: n }, algorithm: { kind: "onlineSgd", batch: b, steps: 10, stepSize: 0.01 } });
  const task = createTask(rt, config.task, 0, "relu");
  const net = new TwoLayerNetwork(rt, { n, d, activation: "relu", scaling: "meanfield", seed: 0, firstLayer: { kind: "sphere" }, secondLayer: { kind: "constant", value: 1 }, bias: false });
  const team = threads > 1 ? await ThreadTeam.start(rt, threads) : null;
  const passes = new BlockedPasses(rt, n, b);
  const trainer = new Trainer(config, task, net);
  const A = rt.arena;
  const x = A.f64(b * d), y = A.f64(b), z = A.f64(b * n), f = A.f64(b), r = A.f64(b), g = A.f64(b * n), gradW = A.f64(n * d), gradA = A.f64(n);
  r.view.fill(1 / b);
  const act = net.activation;
  const out: string[] = [];
  const time = (label: string, fn: () => void, reps = 2000) => {
    for (let i = 0; i < 200; i++) fn();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    out.push(`${label} ${((performance.now() - t0) / reps * 1000).toFixed(0)}`);
  };
  let step = 0;
  time("sample", () => task.sampleInto("train.batch", (step++) * b, x, y));
  time("fwd", () => passes.forward({ d, b }, 1 / n, act, { x, w: net.w, a: net.a, z, f }));
  time("bwd", () => passes.backward({ d, b }, 1 / n, act, { x, a: net.a, z, r, g, gradW, gradA }));
  time("advance", () => trainer.advance());
  console.log(`threads ${threads}: ${out.join(", ")} us`);
  await team?.close();
}
