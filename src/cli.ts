#!/usr/bin/env node
// The `meanfield` command line.

import { readFileSync } from "node:fs";
import { Command } from "commander";
import { DEMO_DEFAULTS, parseDemoOptions, runDemo } from "./demo.js";
import { listCatalog } from "./catalog.js";
import { ConfigError } from "./config.js";
import { RunProgress } from "./run/progress.js";
import { resumeRun, runToDirectory } from "./run/runDirectory.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const program = new Command();
program
  .name("meanfield")
  .description("Simulate two-layer neural networks: finite-width GD, mean-field limits, kernel baselines.")
  .version(pkg.version)
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

program
  .command("list")
  .description("list the example configs and paper experiments")
  .option("--json", "print the list as JSON")
  .action((opts: { json?: boolean }) => {
    const catalog = listCatalog();
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(catalog, null, 2)}\n`);
      return;
    }
    process.stdout.write("Examples (examples/*.json):\n");
    for (const e of catalog.examples) process.stdout.write(`  ${e.name.padEnd(28)} ${e.description}\n`);
    process.stdout.write("Experiments (meanfield reproduce <id>):\n");
    if (catalog.experiments.length === 0) process.stdout.write("  none registered in this version\n");
    for (const e of catalog.experiments) process.stdout.write(`  ${e.id.padEnd(28)} ${e.description}\n`);
  });

program
  .command("run")
  .argument("[config]", "run configuration (JSON; see examples/)")
  .description("train a network as the config says, writing config.json, metrics.ndjson, checkpoints and summary.json")
  .option("--out <dir>", "output directory (default runs/<name>-<timestamp>)")
  .option("--resume <dir>", "continue the run in DIR from its last checkpoint")
  .option("--json", "print the summary as JSON on stdout")
  .action(async (configPath: string | undefined, opts: { out?: string; resume?: string; json?: boolean }) => {
    if (!configPath && !opts.resume) {
      process.stderr.write("meanfield run: give a config file, or --resume DIR\n");
      process.exit(2);
    }
    let input: unknown = null;
    if (configPath) {
      try {
        input = JSON.parse(readFileSync(configPath, "utf8"));
      } catch (err) {
        process.stderr.write(`meanfield run: cannot read ${configPath}: ${(err as Error).message}\n`);
        process.exit(2);
      }
    }
    const progress = new RunProgress(!opts.json);
    let result;
    try {
      const hooks = { onRecord: progress.record, onProgress: progress.update };
      result = opts.resume ? await resumeRun(opts.resume, hooks) : await runToDirectory(input, { ...hooks, ...(opts.out ? { out: opts.out } : {}) });
    } catch (err) {
      progress.stop();
      if (err instanceof ConfigError) {
        process.stderr.write(`meanfield run: ${err.message}\n`);
        process.exit(2);
      }
      throw err;
    }
    progress.stop();
    const { summary, dir } = result;
    if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else process.stdout.write(`${summary.status}: ${summary.steps} steps in ${summary.wallSeconds.toFixed(2)} s; outputs in ${dir}\n`);
    if (summary.divergence) {
      process.stderr.write(`meanfield run: ${summary.divergence.message}; the metrics logged so far are in ${dir}/metrics.ndjson\n`);
      process.exit(3);
    }
  });

program
  .command("demo")
  .argument("[config]", "a demo settings file (JSON); flags override it")
  .description("online SGD of a mean-field ReLU network on a Gaussian single-index target, printing the test loss")
  .option("--d <int>", `input dimension (default ${DEMO_DEFAULTS.d})`, Number)
  .option("--n <int>", `width N (default ${DEMO_DEFAULTS.n})`, Number)
  .option("--batch <int>", `batch size B (default ${DEMO_DEFAULTS.batch})`, Number)
  .option("--steps <int>", `number of SGD steps (default ${DEMO_DEFAULTS.steps})`, Number)
  .option("--step-size <h>", `step size in mean-field time (default ${DEMO_DEFAULTS.stepSize})`, Number)
  .option("--log-every <int>", `steps between loss reports (default ${DEMO_DEFAULTS.logEvery})`, Number)
  .option("--seed <int>", `random seed (default ${DEMO_DEFAULTS.seed})`, Number)
  .option("--json", "print one JSON record per report")
  .action(async (configPath: string | undefined, opts: Record<string, unknown>) => {
    const { json, ...flags } = opts;
    const fromFile = configPath ? (JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>) : {};
    let options;
    try {
      options = parseDemoOptions({ ...fromFile, ...flags });
    } catch (err) {
      process.stderr.write(`meanfield demo: ${(err as Error).message}\n`);
      process.exit(2);
    }
    if (!json) {
      process.stdout.write(
        `online SGD, ReLU student (mean-field, N=${options.n}) on a single-index target, x ~ N(0, I_${options.d}), ` +
          `B=${options.batch}, h=${options.stepSize}, seed ${options.seed}\n` +
          `${"step".padStart(6)} ${"time".padStart(8)} ${"test loss".padStart(12)} ${"± s.e.".padStart(10)} ${"mean <q*,w>".padStart(12)}\n`,
      );
    }
    const started = performance.now();
    await runDemo(options, (r) => {
      if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else
        process.stdout.write(
          `${String(r.step).padStart(6)} ${r.time.toFixed(2).padStart(8)} ${r.loss.toExponential(4).padStart(12)} ` +
            `${r.standardError.toExponential(1).padStart(10)} ${r.meanOverlap.toFixed(4).padStart(12)}\n`,
        );
    });
    if (!json) process.stdout.write(`done in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const message = (err as Error).message;
  process.stderr.write(`${message.startsWith("meanfield") ? message : `meanfield: ${message}`}\n`);
  process.exit(err instanceof RangeError ? 2 : 1);
}
