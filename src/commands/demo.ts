// `meanfield demo [config]`: a run in memory, printing the test loss as it falls (npm run demo).

import type { Command } from "commander";
import { EXIT, badInput, exitWith } from "./exitCodes.js";

/** `meanfield demo [config]`: a run kept in memory, its test loss printed as it falls (the README's first command). */
export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .argument("[config]", "a run config (default examples/demo-relu-single-index.json)")
    .description("run a config in memory and print the test loss as it falls (npm run demo)")
    .option("--steps <int>", "override algorithm.steps", Number)
    .option("--seed <int>", "override seed", Number)
    .option("--force", "run beyond the memory and time budget")
    .option("--json", "print one JSON record per line instead of a table")
    .action(async (configPath: string | undefined, opts: { steps?: number; seed?: number; force?: boolean; json?: boolean }) => {
      const [{ DEMO_CONFIG, demoConfig, demoHeader, demoLine }, { checkBudget }, { simulate }] = await Promise.all([import("../demo.js"), import("../run/budget.js"), import("../run/simulate.js")]);
      let config;
      try {
        config = demoConfig(configPath ?? DEMO_CONFIG, { ...(opts.steps !== undefined ? { steps: opts.steps } : {}), ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
        checkBudget(config, opts.force);
      } catch (err) {
        badInput("demo", (err as Error).message);
      }
      if (!opts.json) process.stdout.write(`${demoHeader(config)}\n`);
      const shown = config;
      const { summary } = await simulate(config, { onRecord: (r) => process.stdout.write(`${opts.json ? JSON.stringify(r) : demoLine(r, shown)}\n`) });
      if (!opts.json) process.stdout.write(`${summary.status} in ${summary.wallSeconds.toFixed(2)} s\n`);
      if (summary.divergence) exitWith("demo", summary.divergence.message, EXIT.diverged);
    });
}
