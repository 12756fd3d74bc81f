// The entry point of an escape-pool thread (piscina): overlap-chain escape runs of one problem,
// on this thread's own Wasm module of the caller's build (so a run gives the same bits here as on
// the caller's thread).

import { loadRuntime, type WasmRuntime } from "../wasm/runtime.js";
import { OverlapChain, type OverlapChainProblem } from "./overlapChain.js";

/** One escape run: the seed, the step and the step cap (OverlapChain.escapeSteps). */
export interface EscapeRun {
  seed: number;
  eta: number;
  cap: number;
}

/** A pool thread's input: the Wasm build to load, the chain's problem and the runs on it. */
export interface EscapeTask {
  build: "simd" | "relaxed" | "scalar";
  problem: OverlapChainProblem;
  runs: EscapeRun[];
}

const runtimes = new Map<string, Promise<WasmRuntime>>();

/** The pool thread's entry point (piscina calls the default export): the escape steps of each run, null where it did not escape. */
export default async function runEscapeTask(task: EscapeTask): Promise<(number | null)[]> {
  let runtime = runtimes.get(task.build);
  if (!runtime) {
    runtime = loadRuntime({ build: task.build });
    runtimes.set(task.build, runtime);
  }
  const chain = new OverlapChain(await runtime, task.problem);
  return task.runs.map((r) => chain.escapeSteps(r.seed, r.eta, r.cap));
}
