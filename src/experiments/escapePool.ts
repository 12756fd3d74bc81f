// Overlap-chain escape runs spread over worker threads (piscina), one run per task. Every run is
// a pure function of (problem, seed, step, cap) on one Wasm build, so the answers, and everything
// the experiment decides from them, are the same bits with any number of threads; a pool of one
// runs everything on the caller's thread and runtime.

import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { WasmRuntime } from "../wasm/runtime.js";
import type { EscapeRun, EscapeTask } from "./escapeTask.js";
import { OverlapChain, type OverlapChainProblem } from "./overlapChain.js";

// Threads load compiled JavaScript; under vitest this module is the TypeScript source, so the
// thread entry comes from dist/ (built by npm run build) instead.
function threadEntry(): string {
  const beside = fileURLToPath(new URL("./escapeTask.js", import.meta.url));
  if (existsSync(beside)) return beside;
  const built = fileURLToPath(new URL("../../dist/experiments/escapeTask.js", import.meta.url));
  if (existsSync(built)) return built;
  throw new Error("meanfield: dist/experiments/escapeTask.js is missing; run npm run build");
}

/** Escape runs of the overlap chain on `threads` threads (1: the caller's), answers in the order asked. */
export class EscapePool {
  private readonly pool: Piscina<EscapeTask, (number | null)[]> | null;

  constructor(
    private readonly runtime: WasmRuntime,
    readonly threads: number = availableParallelism(),
  ) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`meanfield: escape pool threads must be an integer >= 1, got ${threads}`);
    this.pool = threads > 1 ? new Piscina<EscapeTask, (number | null)[]>({ filename: threadEntry(), minThreads: threads, maxThreads: threads, idleTimeout: Infinity }) : null;
  }

  /** Steps to escape of each run (null: no escape within its cap, or a jump), in the order of runs. */
  async run(problem: OverlapChainProblem, runs: readonly EscapeRun[]): Promise<(number | null)[]> {
    if (this.pool === null || runs.length === 1) {
      const chain = new OverlapChain(this.runtime, problem);
      return runs.map((r) => chain.escapeSteps(r.seed, r.eta, r.cap));
    }
    const build = this.runtime.build;
    const answers = await Promise.all(runs.map((r) => this.pool!.run({ build, problem, runs: [r] })));
    return answers.map((a) => a[0]!);
  }

  close(): Promise<void> {
    return this.pool?.destroy() ?? Promise.resolve();
  }
}
