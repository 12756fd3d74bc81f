// `meanfield list [--json]`: the example configs and the paper experiments.

import type { Command } from "commander";

/** `meanfield list`: the example configs and the experiments, each with its paper cited. */
export function registerListCommand(program: Command): void {
  program
    .command("list")
    .description("list the example configs and paper experiments")
    .option("--json", "print the list as JSON")
    .action(async (opts: { json?: boolean }) => {
      const { listCatalog } = await import("../catalog.js");
      const catalog = listCatalog();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(catalog, null, 2)}\n`);
        return;
      }
      process.stdout.write("Examples (examples/*.json):\n");
      for (const e of catalog.examples) process.stdout.write(`  ${e.name.padEnd(28)} ${e.description}\n`);
      process.stdout.write("Experiments (meanfield reproduce <id>):\n");
      for (const e of catalog.experiments) process.stdout.write(`  ${e.id.padEnd(28)} ${e.description}\n  ${"".padEnd(28)} ${e.cites}\n`);
    });
}
