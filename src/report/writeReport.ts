// Builds DIR/report.html (and DIR/plots/*.svg, and *.png when asked) from what a run directory
// holds: summary.json, the Vega-Lite specs in plots/*.vl.json and the configs. The runner calls it
// at the end of a run; `meanfield report DIR` calls it again, e.g. after editing a spec or to
// export the figures as PNG.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderSvg } from "./renderSvg.js";
import { reportHtml } from "./reportHtml.js";
import type { ExperimentSummary } from "./summary.js";

/** A directory that is not a run directory written by `meanfield reproduce` (e.g. no summary.json). */
export class RunDirectoryError extends RangeError {
  override name = "RunDirectoryError";
}

/** Figure file formats: SVG is always written (the report inlines it); PNG is rendered from it at print resolution. */
export const FIGURE_FORMATS = ["svg", "png"] as const;
/** A figure file format: svg (always written, inlined in the report) or png. */
export type FigureFormat = (typeof FIGURE_FORMATS)[number];

/** Figure formats to write besides the spec (SVG by default) and the PNG resolution (300 dpi by default). */
export interface WriteReportOptions {
  /** Formats to write beside each plot's spec (default svg only). */
  formats?: readonly FigureFormat[];
  /** Pixels per inch of the PNGs (default 300). */
  dpi?: number;
}

/** "png" or "svg,png" -> the formats; throws naming --format and the choices. */
export function parseFormats(text: string): FigureFormat[] {
  const parts = text.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = parts.filter((p) => !(FIGURE_FORMATS as readonly string[]).includes(p));
  if (parts.length === 0 || bad.length > 0) throw new RangeError(`--format: must be a comma-separated list of ${FIGURE_FORMATS.join(", ")}, got "${text}"`);
  return [...new Set(parts)] as FigureFormat[];
}

/** The summary.json of a run directory; a RunDirectoryError when it has none. */
export function readSummary(dir: string): ExperimentSummary {
  const path = join(dir, "summary.json");
  if (!existsSync(path)) throw new RunDirectoryError(`${dir}: no summary.json here; is it a directory written by meanfield reproduce?`);
  const summary = JSON.parse(readFileSync(path, "utf8")) as ExperimentSummary;
  if (typeof summary.id !== "string" || !Array.isArray(summary.checks) || !Array.isArray(summary.plots)) {
    throw new RunDirectoryError(`${path}: not an experiment summary (expected id, checks and plots)`);
  }
  return summary;
}

/** The path of a plot's PNG beside its SVG. */
export function pngPath(svgPath: string): string {
  return svgPath.replace(/\.svg$/, ".png");
}

/** Renders every plot (SVG, and PNG when asked) and writes report.html; returns its path. */
export async function writeReport(dir: string, options: WriteReportOptions = {}): Promise<string> {
  const summary = readSummary(dir);
  const png = options.formats?.includes("png") ?? false;
  const renderPng = png ? (await import("./renderPng.js")).renderPng : null;
  const svgs: Record<string, string> = {};
  for (const plot of summary.plots) {
    const specPath = join(dir, plot.spec);
    if (!existsSync(specPath)) throw new RunDirectoryError(`${specPath}: the spec of plot ${plot.name} is missing`);
    const svg = await renderSvg(JSON.parse(readFileSync(specPath, "utf8")) as Record<string, unknown>, plot.name);
    writeFileSync(join(dir, plot.svg), svg);
    svgs[plot.name] = svg;
    if (renderPng) writeFileSync(join(dir, pngPath(plot.svg)), (await renderPng(svg, options.dpi, plot.name)).png);
  }
  const configs: Record<string, string> = {};
  for (const path of summary.configs) {
    const full = join(dir, path);
    if (existsSync(full)) configs[path] = readFileSync(full, "utf8");
  }
  const pngs = summary.plots.filter((p) => existsSync(join(dir, pngPath(p.svg)))).map((p) => p.name);
  const out = join(dir, "report.html");
  writeFileSync(out, reportHtml({ summary, svgs, configs, pngs }));
  return out;
}
