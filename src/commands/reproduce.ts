// `meanfield reproduce <id> [--scale quick|paper] [--out DIR] [--seed S] [--json]`: one paper
// experiment into a run directory. Exit code 0 when every check passes, 1 when one fails (or the
// experiment stops with an error), 2 on bad input.

import type { Command } from "commander";
import type { ExperimentScale } from "../experiments/experiment.js";
import { EXIT, exitWith } from "./exitCodes.js";

function badInput(message: string): never {
  return exitWith("reproduce", message, EXIT.badInput);
}

/**
 * Adds `meanfield reproduce`: one paper experiment into a run directory; exit 0 when every check
 * passes, 1 when one fails or the run errs, 2 on bad input.
 */
export function registerReproduce(program: Command): void {
  program
    .command("reproduce")
    .argument("<id>", "experiment id (meanfield list shows them)")
    .description("run a paper experiment: configs, metrics (CSV), summary.json with its checks, SVG plots and report.html")
    .option("--scale <scale>", "size of the run: test, quick or paper (quick: under a minute; paper: the paper's parameters)", "quick")
    .option("--seed <int>", "base seed of every run in the experiment (default: the experiments' base seed)")
    .option("--out <dir>", "output directory (default runs/<id>-<scale>-<timestamp>)")
    .option("--json", "print summary.json on stdout instead of the table")
    .option("--variant <name>", "run a deliberately broken variant (its checks named in meanfield list must fail)")
    .option("--format <list>", "figure formats: svg, png or svg,png (SVG is always written; PNG at --dpi)", "svg")
    .option("--dpi <n>", "pixels per inch of PNG figures", "300")
    .action(async (id: string, opts: { scale: string; seed?: string; out?: string; json?: boolean; variant?: string; format: string; dpi: string }) => {
      const [{ findExperiment, experiments }, { DEFAULT_SEED, runExperiment, SCALES, variantError }, { citationText }, { formatNumber }, { ensureDirectory }, { parseFormats }, { parseDpi }] = await Promise.all([
        import("../experiments/registry.js"),
        import("../experiments/runExperiment.js"),
        import("../experiments/experiment.js"),
        import("../report/reportText.js"),
        import("../run/runFiles.js"),
        import("../report/writeReport.js"),
        import("./report.js"),
      ]);
      const seedText = opts.seed ?? String(DEFAULT_SEED);
      const experiment = findExperiment(id);
      if (!experiment) badInput(`unknown experiment "${id}"; one of ${experiments.map((e) => e.id).join(", ")}`);
      if (!SCALES.includes(opts.scale as ExperimentScale)) badInput(`--scale: must be one of ${SCALES.join(", ")}, got "${opts.scale}"`);
      const wrongVariant = variantError(experiment, opts.variant ?? null);
      if (wrongVariant) badInput(wrongVariant);
      let formats: ReturnType<typeof parseFormats> = ["svg"];
      let dpi = 300;
      try {
        formats = parseFormats(opts.format);
        dpi = parseDpi(opts.dpi);
      } catch (err) {
        badInput((err as Error).message);
      }
      const seed = Number(seedText);
      if (!/^\d+$/.test(seedText) || !Number.isSafeInteger(seed)) badInput(`--seed: must be an integer >= 0, got "${seedText}"`);
      if (opts.out !== undefined) {
        try {
          ensureDirectory(opts.out);
        } catch (err) {
          badInput((err as Error).message);
        }
      }
      const say = (line: string) => {
        if (!opts.json) process.stdout.write(`${line}\n`);
      };
      say(`${experiment.id} (${experiment.papers.map(citationText).join("; ")}), scale ${opts.scale}, seed ${seed}${opts.variant ? `, broken variant ${opts.variant}` : ""}`);
      const { dir, summary } = await runExperiment(experiment, {
        scale: opts.scale as ExperimentScale,
        seed,
        variant: opts.variant ?? null,
        formats,
        dpi,
        ...(opts.out ? { out: opts.out } : {}),
        log: (m) => say(`  ${m}`),
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      for (const c of summary.checks) {
        const [lo, hi] = c.expected;
        say(`  ${c.pass ? "pass" : "FAIL"}  ${c.name.padEnd(32)} ${formatNumber(c.measured).padStart(11)}  in [${lo === null ? "-inf" : formatNumber(lo)}, ${hi === null ? "inf" : formatNumber(hi)}]`);
      }
      for (const [k, e] of Object.entries(summary.exponents)) {
        say(`  ${k.padEnd(38)} ${formatNumber(e.value).padStart(11)}  95% [${formatNumber(e.ci95[0])}, ${formatNumber(e.ci95[1])}] (${e.points} points)`);
      }
      if (summary.error) process.stderr.write(`meanfield reproduce: ${experiment.id} stopped: ${summary.error}\n`);
      say(`${summary.pass ? "all checks pass" : "some checks fail"} in ${summary.wallSeconds.toFixed(1)} s; report: ${dir}/report.html`);
      process.exit(summary.pass ? EXIT.ok : EXIT.failed);
    });
}
