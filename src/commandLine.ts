// The `meanfield` command line as a function of its arguments (src/cli.ts is the executable), so
// tests can run many invocations in one process.

// Startup loads only commander: every command imports what it needs when it runs, so `--version`
// and `--help` do not pay for zod, the Wasm runtime, the queue or the plotting libraries.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { ConfigError } from "./configError.js";
import { registerKernelCommand } from "./commands/kernel.js";
import { registerOdeCommand } from "./commands/ode.js";
import { registerReport } from "./commands/report.js";
import { registerReproduce } from "./commands/reproduce.js";
import { registerSweepCommand } from "./commands/sweep.js";
import { registerWorkerCommand } from "./commands/worker.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

/**
 * Runs one invocation (argv as process.argv: node, script, arguments...) and resolves to the exit
 * code of an error that escaped the commands: 2 for bad input (RangeError), 1 otherwise; commands
 * that end otherwise call process.exit themselves.
 */
export async function runCommandLine(argv: readonly string[]): Promise<number> {
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
    .action(async (opts: { json?: boolean }) => {
      const { listCatalog } = await import("./catalog.js");
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

  program
    .command("run")
    .argument("[config]", "run configuration (JSON; see examples/)")
    .description("train a network as the config says, writing config.json, metrics.ndjson, checkpoints and summary.json")
    .option("--out <dir>", "output directory (default runs/<name>-<timestamp>); refused if it holds another run")
    .option("--resume <dir>", "continue the run in DIR from its last checkpoint (its config.json says what runs)")
    .option("--force", "replace the run an --out directory holds; run beyond the memory and time budget")
    .option("--json", "print the summary as JSON on stdout")
    .action(async (configPath: string | undefined, opts: { out?: string; resume?: string; force?: boolean; json?: boolean }) => {
      const fail = (message: string): never => {
        process.stderr.write(`meanfield run: ${message}\n`);
        process.exit(2);
      };
      if (opts.resume !== undefined && configPath) fail(`give a config file or --resume DIR, not both (a resumed run uses DIR/config.json)`);
      if (opts.resume !== undefined && opts.out !== undefined) fail(`--resume continues in its own directory; drop --out`);
      if (opts.resume !== undefined && opts.force) fail(`--force replaces an --out directory; it does not apply to --resume`);
      if (!configPath && opts.resume === undefined) fail("give a config file, or --resume DIR");
      const [{ RunProgress }, { resumeRun, runToDirectory }, { checkBudget, formatBytes, formatSeconds }, { readJsonFile }, { parseConfig }] = await Promise.all([
        import("./run/progress.js"),
        import("./run/runDirectory.js"),
        import("./run/budget.js"),
        import("./run/runFiles.js"),
        import("./config.js"),
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
      if (summary.divergence) {
        process.stderr.write(`meanfield run: ${summary.divergence.message}; the metrics logged so far are in ${dir}/metrics.ndjson\n`);
        process.exit(3);
      }
    });

  program
    .command("demo")
    .argument("[config]", "a run config (default examples/demo-relu-single-index.json)")
    .description("run a config in memory and print the test loss as it falls (npm run demo)")
    .option("--steps <int>", "override algorithm.steps", Number)
    .option("--seed <int>", "override seed", Number)
    .option("--force", "run beyond the memory and time budget")
    .option("--json", "print one JSON record per line instead of a table")
    .action(async (configPath: string | undefined, opts: { steps?: number; seed?: number; force?: boolean; json?: boolean }) => {
      const [{ DEMO_CONFIG, demoConfig, demoHeader, demoLine }, { checkBudget }, { simulate }] = await Promise.all([import("./demo.js"), import("./run/budget.js"), import("./run/simulate.js")]);
      let config;
      try {
        config = demoConfig(configPath ?? DEMO_CONFIG, { ...(opts.steps !== undefined ? { steps: opts.steps } : {}), ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
        checkBudget(config, opts.force);
      } catch (err) {
        process.stderr.write(`meanfield demo: ${(err as Error).message}\n`);
        process.exit(2);
      }
      if (!opts.json) process.stdout.write(`${demoHeader(config)}\n`);
      const shown = config;
      const { summary } = await simulate(config, { onRecord: (r) => process.stdout.write(`${opts.json ? JSON.stringify(r) : demoLine(r, shown)}\n`) });
      if (!opts.json) process.stdout.write(`${summary.status} in ${summary.wallSeconds.toFixed(2)} s\n`);
      if (summary.divergence) {
        process.stderr.write(`meanfield demo: ${summary.divergence.message}\n`);
        process.exit(3);
      }
    });

  program
    .command("pde")
    .argument("<config>", "a run config whose mean-field limit is a reduced PDE (sphere, isotropic Gaussians, or a reduced-particle task)")
    .description("solve the config's mean-field limit; --compare also runs the finite-N network; --sweep-n fits W1 against N")
    .option("--out <dir>", "output directory (default runs/<name>-pde-<timestamp>)")
    .option("--compare", "also run the network and report W1 to the PDE density and the loss gap over time")
    .option("--sweep-n <list>", "comma-separated widths N for a propagation-of-chaos sweep (implies --compare)")
    .option("--seeds <int>", "with --sweep-n: average W1 over this many consecutive seeds", Number)
    .option("--cells <int>", "PDE grid cells (default 4096)", Number)
    .option("--json", "print the result summary as JSON on stdout")
    .action(async (configPath: string, opts: { out?: string; compare?: boolean; sweepN?: string; seeds?: number; cells?: number; json?: boolean }) => {
      const [{ parseConfig }, { readJsonFile, ensureDirectory }, { defaultRunDirectory }, { compareWithNetwork, sweepWidths }, { solveLimit }] = await Promise.all([
        import("./config.js"),
        import("./run/runFiles.js"),
        import("./run/runDirectory.js"),
        import("./pde/compare.js"),
        import("./pde/solveLimit.js"),
      ]);
      let config;
      try {
        config = parseConfig(readJsonFile(configPath));
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(`meanfield pde: ${err.message}\n`);
        process.exit(2);
      }
      const dir = opts.out ?? defaultRunDirectory(`${config.name}-pde`);
      try {
        ensureDirectory(dir);
      } catch (err) {
        process.stderr.write(`meanfield pde: ${(err as Error).message}\n`);
        process.exit(2);
      }
      writeFileSync(join(dir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
      const say = (line: string) => {
        if (!opts.json) process.stdout.write(`${line}\n`);
      };
      const cells = opts.cells !== undefined ? { cells: opts.cells } : {};
      try {
        if (opts.sweepN) {
          const widths = opts.sweepN.split(",").map(Number);
          if (widths.some((n) => !Number.isInteger(n) || n < 1)) throw new ConfigError(`--sweep-n: expected comma-separated integers >= 1, got ${opts.sweepN}`);
          say(`${"N".padStart(7)} ${"W1 (last t)".padStart(12)} ${"mean W1".padStart(12)} ${"loss gap".padStart(12)} ${"seconds".padStart(8)}`);
          const sweep = await sweepWidths(config, widths, {
            ...cells,
            ...(opts.seeds !== undefined ? { seeds: opts.seeds } : {}),
            onPoint: (p) =>
              say(`${String(p.width).padStart(7)} ${p.w1.toExponential(3).padStart(12)} ${p.meanW1.toExponential(3).padStart(12)} ${p.lossGap.toExponential(2).padStart(12)} ${p.wallSeconds.toFixed(1).padStart(8)}`),
          });
          writeFileSync(join(dir, "sweep.json"), `${JSON.stringify(sweep, null, 2)}\n`);
          say(`slope of log W1 against log N: ${sweep.slope.toFixed(3)} (propagation of chaos: -0.5); outputs in ${dir}`);
          if (opts.json) process.stdout.write(`${JSON.stringify(sweep)}\n`);
        } else if (opts.compare) {
          const result = await compareWithNetwork(config, cells);
          writeFileSync(join(dir, "compare.ndjson"), result.records.map((r) => `${JSON.stringify(r)}\n`).join(""));
          for (const r of result.records) say(`t ${r.time.toPrecision(4)}  PDE loss ${r.limitLoss.toExponential(4)}  network ${r.networkLoss.toExponential(4)}  W1 ${r.w1.toExponential(3)}`);
          say(`outputs in ${dir}`);
          if (opts.json) process.stdout.write(`${JSON.stringify(result.records)}\n`);
        } else {
          const summary = await solveLimit(config, dir, cells);
          say(summary.text);
          if (opts.json) process.stdout.write(`${JSON.stringify(summary.json)}\n`);
        }
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`meanfield pde: ${err.message}\n`);
          process.exit(2);
        }
        throw err;
      }
    });

  registerKernelCommand(program);
  registerOdeCommand(program);

  registerSweepCommand(program);
  registerWorkerCommand(program);

  program
    .command("bench")
    .description("run the benchmark suite of the source tree (npm run bench): kernels, steps, ratios to native C")
    .action(() => {
      const root = fileURLToPath(new URL("../", import.meta.url));
      if (!existsSync(join(root, "bench", "network.bench.ts"))) {
        process.stderr.write("meanfield bench: the benchmarks ship with the source repository, not the installed package\n");
        process.exit(2);
      }
      const result = spawnSync("npm", ["run", "bench"], { cwd: root, stdio: "inherit" });
      process.exit(result.status ?? 1);
    });

  registerReproduce(program);
  registerReport(program);

  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (err) {
    // One line, whatever the error: the first line of its message.
    const message = (err as Error).message.split("\n")[0]!;
    process.stderr.write(`${message.startsWith("meanfield") ? message : `meanfield: ${message}`}\n`);
    return err instanceof RangeError ? 2 : 1;
  }
}
