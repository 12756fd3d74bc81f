// `meanfield report DIR [--format svg,png] [--dpi 300]`: rebuilds DIR/report.html and the plots
// of a run directory written by `meanfield reproduce`, exporting each figure in the formats asked.

import type { Command } from "commander";
import { badInput } from "./exitCodes.js";

/** --dpi as a number in the renderer's range; throws a one-line RangeError naming the option. */
export function parseDpi(text: string): number {
  const dpi = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(dpi >= 24 && dpi <= 1200)) throw new RangeError(`--dpi: must be a number in [24, 1200], got "${text}"`);
  return dpi;
}

/**
 * Adds `meanfield report`: rebuilds report.html and the figures from a run directory's
 * summary.json and plot specs, so a report can be re-rendered (PNG at any dpi) without rerunning.
 */
export function registerReport(program: Command): void {
  program
    .command("report")
    .argument("<dir>", "a run directory written by meanfield reproduce")
    .description("rebuild report.html and the plots of a run directory from its summary.json and plot specs; --format png also exports each figure as a print-resolution PNG")
    .option("--format <list>", "figure formats to write beside the specs: svg, png or svg,png (SVG is always written)", "svg")
    .option("--dpi <n>", "pixels per inch of PNG figures (a 640 px figure is 6.7 in wide)", "300")
    .action(async (dir: string, opts: { format: string; dpi: string }) => {
      const { parseFormats, writeReport } = await import("../report/writeReport.js");
      try {
        const path = await writeReport(dir, { formats: parseFormats(opts.format), dpi: parseDpi(opts.dpi) });
        process.stdout.write(`${path}\n`);
      } catch (err) {
        if (err instanceof RangeError || err instanceof SyntaxError) badInput("report", (err as Error).message);
        throw err;
      }
    });
}
