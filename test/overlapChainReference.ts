// The TypeScript reference of the Wasm kernel overlapChainEscape (assembly/overlapChain.ts): the
// overlap chain's escape run step by step from the same three Philox streams, used only by
// test/informationExponent.test.ts to check the kernel.

import { BLOCK, chiSquare, derivative, OverlapChain, overlapStep, StreamReader } from "../src/experiments/overlapChain.js";
import { streamKey } from "../src/wasm/random.js";
import type { WasmRuntime } from "../src/wasm/runtime.js";

/** OverlapChain.escapeSteps, computed in TypeScript: the escape step, or null. */
export function referenceEscapeSteps(rt: WasmRuntime, chain: OverlapChain, seed: number, eta: number, cap: number): number | null {
  const { d, threshold, hold, maxJump, link, activation } = chain.problem;
  let m = chain.initialOverlap(seed);
  if (!chain.problem.trainFirstLayer) return Math.abs(m) >= threshold ? 0 : null;
  const dSigma = derivative(activation);
  const buffers = [0, 1, 2].map(() => rt.arena.f64(BLOCK));
  const [xi, normal, uniform] = (["escape.xi", "escape.chi", "escape.chiU"] as const).map(
    (name, i) => new StreamReader(rt, streamKey(seed, name), name === "escape.chiU" ? "uniform" : "gaussian", buffers[i]!),
  ) as [StreamReader, StreamReader, StreamReader];
  try {
    let since = 0;
    for (let step = 1; step <= cap + hold; step++) {
      const zStar = xi.next();
      const xi2 = xi.next();
      const rest = chiSquare(d - 2, normal, uniform);
      const next = overlapStep(m, eta, link, activation, dSigma, zStar, xi2, rest);
      if (Math.abs(next - m) > maxJump) return null;
      m = next;
      if (Math.abs(m) < threshold) {
        since = 0;
        if (step >= cap) break;
        continue;
      }
      if (since === 0) since = step;
      if (step - since + 1 >= hold) return since;
    }
    return null;
  } finally {
    for (const b of buffers) b.free();
  }
}
