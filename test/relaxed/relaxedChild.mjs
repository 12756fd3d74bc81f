// Run by test/relaxedBuild.test.ts in a child Node started with --experimental-wasm-relaxed-simd
// (Node 20 cannot enable relaxed SIMD from inside a running process). Uses the built package
// (dist/, from `npm run build`) and prints one JSON object: what the loader chose, one forward
// and backward pass on Philox inputs, and loss trajectories of short runs, each run twice.

import { defaultBuild, defaultThreadsBuild, loadRuntime, relaxedSimdSupported, simulate } from "../../dist/index.js";
import { gaussianDraw, passInputs, RUN_CONFIGS, SHAPE } from "./relaxedCases.mjs";

const rt = await loadRuntime();
const inputs = passInputs(rt);
const pass = rt.network.backward({ ...inputs, d: SHAPE.d, scale: 1 / SHAPE.n, activation: "tanh" });
const forward = rt.network.forward({ ...inputs, d: SHAPE.d, scale: 1 / SHAPE.n, activation: "tanh" });
const runs = {};
for (const [name, config] of Object.entries(RUN_CONFIGS)) {
  const losses = [];
  for (let repeat = 0; repeat < 2; repeat++) {
    const result = await simulate(config);
    losses.push(result.records.map((r) => r.testLoss));
  }
  runs[name] = losses;
}
console.log(
  JSON.stringify({
    supported: relaxedSimdSupported(),
    defaultBuild: defaultBuild(),
    defaultThreadsBuild: defaultThreadsBuild(),
    runtimeBuild: rt.build,
    gaussians: gaussianDraw(rt),
    f: Array.from(forward.f),
    z: Array.from(forward.z),
    gradW: Array.from(pass.gradW),
    gradA: Array.from(pass.gradA),
    runs,
  }),
);
