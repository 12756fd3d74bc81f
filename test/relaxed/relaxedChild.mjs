// Run by test/relaxedBuild.test.ts in a child Node started with --experimental-wasm-relaxed-simd
// (Node 20 cannot enable relaxed SIMD from inside a running process). Uses the built package
// (dist/, from `npm run build`) and prints one JSON object: what the loader chose, one forward
// and backward pass on Philox inputs in f64 and in f32, loss trajectories of short runs, each run twice,
// the weights after fused and step-by-step online SGD, and the gradient entries whose bits depend on d
// and the forward outputs whose bits depend on the samples beside them.

import * as api from "../../dist/index.js";
import { forwardSampleMismatches, fusedAndUnfused, FUSED_CASES, gaussianDraw, gradientColumnMismatches, normalGram, passInputs, RUN_CONFIGS, SHAPE } from "./relaxedCases.mjs";

const { defaultBuild, defaultThreadsBuild, loadRuntime, relaxedSimdSupported, simulate } = api;

const rt = await loadRuntime();
const inputs = passInputs(rt);
const pass = rt.network.backward({ ...inputs, d: SHAPE.d, scale: 1 / SHAPE.n, activation: "tanh" });
const forward = rt.network.forward({ ...inputs, d: SHAPE.d, scale: 1 / SHAPE.n, activation: "tanh" });
const pass32 = singlePrecisionPass(rt, inputs);
const columnMismatches = gradientColumnMismatches(rt);
const sampleMismatches = forwardSampleMismatches(rt);
const runs = {};
for (const [name, config] of Object.entries(RUN_CONFIGS)) {
  const losses = [];
  for (let repeat = 0; repeat < 2; repeat++) {
    const result = await simulate(config);
    losses.push(result.records.map((r) => r.testLoss));
  }
  runs[name] = losses;
}
const fused = Object.fromEntries(Object.entries(FUSED_CASES).map(([name, input]) => [name, fusedAndUnfused(rt, api, input)]));
/** forward32 then backward32 (assembly/network32.ts) through the raw exports, on the same inputs. */
function singlePrecisionPass(rt, { x, w, a, r }) {
  const { n, d, b } = SHAPE;
  const { arena, exports: ex } = rt;
  const dp = ex.paddedDim(d);
  const nPad = ex.paddedDim(n);
  const buf = {
    x: arena.f64From(x), w: arena.f64From(w), a: arena.f64From(a), r: arena.f64From(r), z: arena.f64(b * n), f: arena.f64(b),
    gradW: arena.f64(n * d), gradA: arena.f64(n), x32: arena.f64(b * dp), wT32: arena.f64((d * nPad) / 2),
    g32: arena.f64(Math.ceil((b * n) / 2)), gradW32: arena.f64((n * dp) / 2), params: arena.f64(1),
  };
  const tanh = 3;
  ex.narrowRowsToF32(buf.x.ptr, buf.x32.ptr, b, d, dp);
  ex.narrowTransposedToF32(buf.w.ptr, buf.wT32.ptr, n, d, nPad);
  ex.forward32(buf.x32.ptr, buf.wT32.ptr, buf.a.ptr, n, nPad, d, dp, b, 1 / n, tanh, buf.params.ptr, 0, buf.z.ptr, buf.f.ptr);
  ex.backward32(
    buf.x32.ptr, buf.a.ptr, n, d, dp, b, 1 / n, tanh, buf.params.ptr, 0, buf.z.ptr, buf.r.ptr, buf.g32.ptr, buf.gradW32.ptr, buf.gradW.ptr, buf.gradA.ptr,
  );
  // z is f32 in f32 runs (the first half of its buffer).
  const out = { z: Array.from(new Float32Array(ex.memory.buffer, buf.z.ptr, b * n)), f: Array.from(buf.f.view), gradW: Array.from(buf.gradW.view), gradA: Array.from(buf.gradA.view) };
  for (const v of Object.values(buf)) v.free();
  return out;
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
    pass32,
    normal: normalGram(rt),
    runs,
    fused,
    columnMismatches,
    sampleMismatches,
  }),
);
