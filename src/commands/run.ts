// `meanfield run <config> | --resume DIR`: one training run into a run directory (config.json,
// metrics.ndjson, checkpoints, summary.json). Exit 2 on bad input, 3 when the run diverged.

import type { Command } from "commander";
import { ConfigError } from "../configError.js";
import { EXIT, badInput, exitWith } from "./exitCodes.js";

interface RunOptions {
  out?: string;
  resume?: string;
  force?: boolean;
  json?: boolean;
}

function fail(message: string): never {
  return badInput("run", message);
}

/** `meanfield run [config] [--out DIR | --resume DIR]`: one training run streamed to disk, resumable from its checkpoint. */
export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .argument("[config]", "run configuration (JSON; see examples/)")
    .description("train a network as the config says, writing config.json, metrics.ndjson, checkpoints and summary.json")
    .option("--out <dir>", "output directory (default runs/<name>-<timestamp>); refused if it holds another run")
    .option("--resume <dir>", "continue the run in DIR from its last checkpoint (its config.json says what runs)")
    .option("--force", "replace the run an --out directory holds; run beyond the memory and time budget")
    .option("--json", "print the summary as JSON on stdout")
    .action(async (configPath: string | undefined, opts: RunOptions) => {
      if (opts.resume !== undefined && configPath) fail(`give a config file or --resume DIR, not both (a resumed run uses DIR/config.json)`);
      if (opts.resume !== undefined && opts.out !== undefined) fail(`--resume continues in its own directory; drop --out`);
      if (opts.resume !== undefined && opts.force) fail(`--force replaces an --out directory; it does not apply to --resume`);
      if (!configPath && opts.resume === undefined) fail("give a config file, or --resume DIR");
      const [{ RunProgress }, { resumeRun, runToDirectory }, { checkBudget, formatBytes, formatSeconds }, { readJsonFile }, { parseConfig }] = await Promise.all([
        import("../run/progress.js"),
        import("../run/runDirectory.js"),
        import("../run/budget.js"),
        import("../run/runFiles.js"),
        import("../config.js"),
      ]);
      const progress = new RunProgress(!opts.json);
      let result;
      try {
        const hooks = { onRecord: progress.record, onProgress: progress.update };
        if (opts.resume !== undefined) result = await resumeRun(opts.resume, hooks);
        else {
          const config = parseConfig(readJsonFile(configPath!));
          const estimate = checkBudget(config, opts.force);
          if (!opts.json) process.stdout.write(`estimated ${formatBytes(estimate.bytes)} of memory and ${formatSeconds(estimate.seconds)}\n`);
          result = await runToDirectory(config, { ...hooks, ...(opts.out ? { out: opts.out } : {}), ...(opts.force ? { force: true } : {}) });
        }
      } catch (err) {
        progress.stop();
        if (err instanceof ConfigError) fail(err.message);
        throw err;
      }
      if (result.alreadyFinished && !opts.json) process.stdout.write(`${result.dir} has already finished; nothing changed\n`);
      progress.stop();
      const { summary, dir } = result;
      if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else process.stdout.write(`${summary.status}: ${summary.steps} steps in ${summary.wallSeconds.toFixed(2)} s; outputs in ${dir}\n`);
      if (summary.divergence) exitWith("run", `${summary.divergence.message}; the metrics logged so far are in ${dir}/metrics.ndjson`, EXIT.diverged);
    });
}
