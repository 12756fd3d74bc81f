// Builds DIR/report.html (and DIR/plots/*.svg) from what a run directory holds: summary.json,
// the Vega-Lite specs in plots/*.vl.json and the configs. The runner calls it at the end of a run;
// `meanfield report DIR` calls it again, e.g. after editing a spec.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderSvg } from "./renderSvg.js";
import { reportHtml } from "./reportHtml.js";
import type { ExperimentSummary } from "./summary.js";

export class RunDirectoryError extends RangeError {
  override name = "RunDirectoryError";
}

export function readSummary(dir: string): ExperimentSummary {
  const path = join(dir, "summary.json");
  if (!existsSync(path)) throw new RunDirectoryError(`${dir}: no summary.json here; is it a directory written by meanfield reproduce?`);
  const summary = JSON.parse(readFileSync(path, "utf8")) as ExperimentSummary;
  if (typeof summary.id !== "string" || !Array.isArray(summary.checks) || !Array.isArray(summary.plots)) {
    throw new RunDirectoryError(`${path}: not an experiment summary (expected id, checks and plots)`);
  }
  return summary;
}

/** Renders every plot and writes report.html; returns its path. */
export async function writeReport(dir: string): Promise<string> {
  const summary = readSummary(dir);
  const svgs: Record<string, string> = {};
  for (const plot of summary.plots) {
    const specPath = join(dir, plot.spec);
    if (!existsSync(specPath)) throw new RunDirectoryError(`${specPath}: the spec of plot ${plot.name} is missing`);
    const svg = await renderSvg(JSON.parse(readFileSync(specPath, "utf8")) as Record<string, unknown>, plot.name);
    writeFileSync(join(dir, plot.svg), svg);
    svgs[plot.name] = svg;
  }
  const configs: Record<string, string> = {};
  for (const path of summary.configs) {
    const full = join(dir, path);
    if (existsSync(full)) configs[path] = readFileSync(full, "utf8");
  }
  const out = join(dir, "report.html");
  writeFileSync(out, reportHtml({ summary, svgs, configs }));
  return out;
}
