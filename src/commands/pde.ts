// `meanfield pde <config>`: the config's mean-field limit by solvePde (a 1-D finite-volume PDE or
// reduced particles), written as DIR/pde.ndjson and DIR/summary.json; --compare also runs the
// finite-N network, --sweep-n fits W1 against N (propagation of chaos).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { ConfigError } from "../configError.js";
import type { PdeSolution } from "../pde/solvePde.js";
import { exitOnBadInput } from "./exitCodes.js";

interface PdeOptions {
  out?: string;
  compare?: boolean;
  sweepN?: string;
  seeds?: number;
  cells?: number;
  initial?: string;
  solver?: string;
  json?: boolean;
}

/** Writes DIR/pde.ndjson and DIR/summary.json; returns the lines to print (warnings included) and the summary. */
function writeLimit(solution: PdeSolution, dir: string): { text: string; json: unknown } {
  writeFileSync(join(dir, "pde.ndjson"), solution.records.map((r) => `${JSON.stringify(r)}\n`).join(""));
  writeFileSync(join(dir, "summary.json"), `${JSON.stringify(solution.summary, null, 2)}\n`);
  const last = solution.records[solution.records.length - 1]!;
  const lines = solution.records.map((r) => `t ${r.time.toPrecision(4).padStart(9)}  loss ${r.loss.toExponential(4)}`);
  for (const warning of solution.warnings) lines.push(`warning: ${warning}`);
  lines.push(`${solution.kind} limit: loss ${last.loss.toExponential(4)} at t = ${last.time}; outputs in ${dir}`);
  return { text: lines.join("\n"), json: solution.summary };
}

/** `meanfield pde <config>`: the config's mean-field limit (its PDE or reduced particles) in mean-field time t = step · h, against the finite-N network (--compare) or W1 over N (--sweep-n). */
export function registerPdeCommand(program: Command): void {
  program
    .command("pde")
    .argument("<config>", "a run config whose mean-field limit is a reduced PDE (sphere, isotropic Gaussians, or a reduced-particle task)")
    .description("solve the config's mean-field limit; --compare also runs the finite-N network; --sweep-n fits W1 against N")
    .option("--out <dir>", "output directory (default runs/<name>-pde-<timestamp>)")
    .option("--compare", "also run the network and report W1 to the PDE density and the loss gap over time")
    .option("--sweep-n <list>", "comma-separated widths N for a propagation-of-chaos sweep (implies --compare)")
    .option("--seeds <int>", "with --sweep-n: average W1 over this many consecutive seeds", Number)
    .option("--cells <int>", "PDE grid cells (default 4096)", Number)
    .option("--initial <law>", "\"law\" (default): start from the init's law; \"particles\": from the empirical law of the run's exact initial weights (sphere and radial PDEs)")
    .option("--solver <name>", "\"finite-volume\" (default) or \"quantile\": the radial PDE moving the run's N initial radii as quantiles (needs --initial particles)")
    .option("--json", "print the result summary as JSON on stdout")
    .action(async (configPath: string, opts: PdeOptions) => {
      const [{ parseConfig }, { readJsonFile, ensureDirectory }, { defaultRunDirectory }, { compareWithNetwork, sweepWidths }, { solvePde }] = await Promise.all([
        import("../config.js"),
        import("../run/runFiles.js"),
        import("../run/runDirectory.js"),
        import("../pde/compare.js"),
        import("../pde/solvePde.js"),
      ]);
      const config = await exitOnBadInput("pde", () => parseConfig(readJsonFile(configPath)));
      const dir = opts.out ?? defaultRunDirectory(`${config.name}-pde`);
      await exitOnBadInput("pde", () => ensureDirectory(dir), [Error]);
      writeFileSync(join(dir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
      const say = (line: string) => {
        if (!opts.json) process.stdout.write(`${line}\n`);
      };
      const cells = opts.cells !== undefined ? { cells: opts.cells } : {};
      await exitOnBadInput("pde", async () => {
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
            if (opts.initial !== undefined && opts.initial !== "law" && opts.initial !== "particles") throw new ConfigError(`--initial: expected law or particles, got ${opts.initial}`);
            const initial = opts.initial === "particles" ? { initial: "particles" as const } : {};
            if (opts.solver !== undefined && opts.solver !== "finite-volume" && opts.solver !== "quantile") throw new ConfigError(`--solver: expected finite-volume or quantile, got ${opts.solver}`);
            if (opts.solver === "quantile" && opts.initial !== "particles") throw new ConfigError("--solver quantile: moves the run's N initial radii; add --initial particles");
            const method = opts.solver === "quantile" ? { method: "quantile" as const } : {};
            const summary = writeLimit(await solvePde(config, { ...cells, ...initial, ...method }), dir);
            say(summary.text);
            if (opts.json) process.stdout.write(`${JSON.stringify(summary.json)}\n`);
          }
      });
    });
}
