// `meanfield report DIR`: rebuilds DIR/report.html (and the SVG plots) from a run directory
// written by `meanfield reproduce`.

import type { Command } from "commander";


export function registerReport(program: Command): void {
  program
    .command("report")
    .argument("<dir>", "a run directory written by meanfield reproduce")
    .description("rebuild report.html and the SVG plots of a run directory from its summary.json and plot specs")
    .action(async (dir: string) => {
      const { RunDirectoryError, writeReport } = await import("../report/writeReport.js");
      try {
        const path = await writeReport(dir);
        process.stdout.write(`${path}\n`);
      } catch (err) {
        if (err instanceof RunDirectoryError || err instanceof SyntaxError) {
          process.stderr.write(`meanfield report: ${(err as Error).message}\n`);
          process.exit(2);
        }
        throw err;
      }
    });
}
