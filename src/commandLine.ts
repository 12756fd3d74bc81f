// The `meanfield` command line as a function of its arguments (src/cli.ts is the executable), so
// tests can run many invocations in one process.

// Startup loads only commander: every command imports what it needs when it runs, so `--version`
// and `--help` do not pay for zod, the Wasm runtime, the queue or the plotting libraries.

import { readFileSync } from "node:fs";
import { Command } from "commander";
import { registerBenchCommand } from "./commands/bench.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerEscapeCommand } from "./commands/escape.js";
import { EXIT, escapedError } from "./commands/exitCodes.js";
import { registerKernelCommand } from "./commands/kernel.js";
import { registerListCommand } from "./commands/list.js";
import { registerOdeCommand } from "./commands/ode.js";
import { registerPdeCommand } from "./commands/pde.js";
import { registerReport } from "./commands/report.js";
import { registerReproduce } from "./commands/reproduce.js";
import { registerRunCommand } from "./commands/run.js";
import { registerSweepCommand } from "./commands/sweep.js";
import { registerWorkerCommand } from "./commands/worker.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

/**
 * Runs one invocation (argv as process.argv: node, script, arguments...) and resolves to the exit
 * code of an error that escaped the commands (commands/exitCodes.ts: 2 for bad input, a
 * RangeError, 1 otherwise); commands that end otherwise exit through exitCodes.ts themselves.
 */
export async function runCommandLine(argv: readonly string[]): Promise<number> {
  const program = new Command();
  program
    .name("meanfield")
    .description("Simulate two-layer neural networks: finite-width GD, mean-field limits, kernel baselines.")
    .version(pkg.version)
    .showHelpAfterError()
    .exitOverride((err) => process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.badInput));

  registerListCommand(program);
  registerRunCommand(program);
  registerDemoCommand(program);
  registerPdeCommand(program);
  registerKernelCommand(program);
  registerOdeCommand(program);
  registerEscapeCommand(program);

  registerSweepCommand(program);
  registerWorkerCommand(program);

  registerBenchCommand(program);
  registerReproduce(program);
  registerReport(program);

  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (err) {
    // One line, whatever the error: the first line of its message.
    const { line, code } = escapedError(err);
    process.stderr.write(`${line}\n`);
    return code;
  }
}
