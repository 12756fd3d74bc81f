// `meanfield ode <config> [--compare] [--out DIR] [--json]`: the high-dimensional limit of a
// teacher-student run config (the order-parameter ODEs of src/ode/), written like `meanfield pde`
// writes a mean-field limit; --compare also trains the network at the config's d.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { ConfigError } from "../configError.js";
import { badInput } from "./exitCodes.js";

const ndjson = (rows: unknown[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join("");

/**
 * Adds `meanfield ode`: the d → ∞ order-parameter ODEs of a teacher-student config, in time
 * t = steps / d (docs/conventions.md), optionally beside the network trained at the config's d.
 */
export function registerOdeCommand(program: Command): void {
  program
    .command("ode")
    .argument("<config>", "a run config of online SGD (or population GD) on a Gaussian teacher-student task (gaussianSingleIndex, teacherAbs, teacherNetwork)")
    .description("solve the order-parameter ODEs of the config's SGD (the d -> infinity limit at fixed width); --compare also trains the network")
    .option("--out <dir>", "output directory (default runs/<name>-ode-<timestamp>)")
    .option("--compare", "also run online SGD at the config's d and report the overlap and loss gaps over time")
    .option("--json", "print the records as JSON on stdout")
    .action(async (configPath: string, opts: { out?: string; compare?: boolean; json?: boolean }) => {
      const say = (line: string) => {
        if (!opts.json) process.stdout.write(`${line}\n`);
      };
      try {
        // Loaded here, not at start-up: `meanfield --help` should not pay for the solvers.
        const [{ parseConfig }, { compareOdeWithNetwork }, { solveOde }, { defaultRunDirectory }] = await Promise.all([
          import("../config.js"),
          import("../ode/compare.js"),
          import("../ode/solveOde.js"),
          import("../run/runDirectory.js"),
        ]);
        let raw: unknown;
        try {
          raw = JSON.parse(readFileSync(configPath, "utf8"));
        } catch (err) {
          throw new ConfigError(`cannot read ${configPath}: ${(err as Error).message}`);
        }
        const config = parseConfig(raw);
        const dir = opts.out ?? defaultRunDirectory(`${config.name}-ode`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
        const started = performance.now();
        if (opts.compare) {
          const result = await compareOdeWithNetwork(config);
          writeFileSync(join(dir, "ode.ndjson"), ndjson(result.ode));
          writeFileSync(join(dir, "compare.ndjson"), ndjson(result.records));
          say(`${result.setup.ode.spec.integrals.method}; eta = ${result.setup.ode.spec.learningRate.toPrecision(4)}, eta_v = ${result.setup.ode.spec.secondLayerRate.toPrecision(4)}`);
          for (const r of result.records) {
            say(`t_ode ${r.odeTime.toPrecision(4).padStart(10)}  ODE loss ${r.odeLoss.toExponential(4)}  network ${r.networkLoss === null ? "—" : r.networkLoss.toExponential(4)}  overlap gap ${r.overlapGap.toExponential(2)}`);
          }
          say(`max overlap gap ${result.maxOverlapGap.toExponential(3)}, max loss gap ${result.maxLossGap.toExponential(3)} in ${((performance.now() - started) / 1000).toFixed(2)} s; outputs in ${dir}`);
          if (opts.json) process.stdout.write(`${JSON.stringify(result.records)}\n`);
        } else {
          const { setup, records, evaluations } = await solveOde(config);
          writeFileSync(join(dir, "ode.ndjson"), ndjson(records));
          say(`${setup.ode.spec.integrals.method}; eta = ${setup.ode.spec.learningRate.toPrecision(4)}, eta_v = ${setup.ode.spec.secondLayerRate.toPrecision(4)}`);
          for (const r of records) say(`t_ode ${r.odeTime.toPrecision(4).padStart(10)}  loss ${r.populationLoss.toExponential(4)}`);
          say(`${evaluations} right-hand sides in ${((performance.now() - started) / 1000).toFixed(2)} s; outputs in ${dir}`);
          if (opts.json) process.stdout.write(`${JSON.stringify(records)}\n`);
        }
      } catch (err) {
        if (err instanceof ConfigError) badInput("ode", err.message);
        throw err;
      }
    });
}
