// `meanfield escape <config>`: the escape runs of one cell of the information-exponent experiment
// (one single-index problem, one step size, its seeds) on the exact overlap chain, as the
// experiment ran them: the steps per seed and their median with its 95% interval.

import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { ConfigError } from "../configError.js";
import { exitOnBadInput } from "./exitCodes.js";

/**
 * Adds `meanfield escape`: projected online SGD of one neuron on a single-index target, run through
 * its overlap chain (steps to |m| >= threshold per seed, null where a run did not escape).
 */
export function registerEscapeCommand(program: Command): void {
  program
    .command("escape")
    .argument("<config>", "an escape config (d, link, activation, stepSize, cap, seeds, ...), as information-exponent writes under configs/")
    .description("steps to escape the equator of projected online SGD on a single-index target, per seed, through the exact overlap chain")
    .option("--threads <int>", `threads for the runs (the results do not depend on it; default ${availableParallelism()})`, Number)
    .option("--json", "print { steps, median, lower, upper } as JSON")
    .action(async (configPath: string, opts: { threads?: number; json?: boolean }) =>
      exitOnBadInput(
        "escape",
        async () => {
          const [{ readJsonFile }, { parseEscapeConfig, runEscapeConfig }, { loadRuntime }] = await Promise.all([
            import("../run/runFiles.js"),
            import("../experiments/escapeConfig.js"),
            import("../wasm/runtime.js"),
          ]);
          const threads = opts.threads ?? availableParallelism();
          if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new ConfigError(`--threads: expected an integer from 1 to 256, got ${opts.threads}`);
          const config = parseEscapeConfig(readJsonFile(configPath));
          const started = performance.now();
          const { steps, median } = await runEscapeConfig(await loadRuntime(), config, threads);
          if (opts.json) {
            process.stdout.write(`${JSON.stringify({ steps, median: median.median, lower: median.lower, upper: median.upper })}\n`);
            return;
          }
          for (const [i, seed] of config.seeds.entries()) process.stdout.write(`seed ${seed}: ${steps[i] === null ? "no escape" : `${steps[i]} steps`}\n`);
          process.stdout.write(
            `d = ${config.d}, eta = ${config.stepSize.toPrecision(4)}: median ${median.median} steps, 95% interval [${median.lower}, ${median.upper}] over ${config.seeds.length} seeds (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
          );
        },
      ),
    );
}
