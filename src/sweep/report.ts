// The aggregate of a sweep on disk: sweep.csv (one row per method and grid point: mean, sd and
// 95% interval of every aggregated metric), runs.csv (one row per finished run), sweep.json (the
// same as data), sweep.md and sweep.html (a self-contained table).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MetricStats, SweepAggregate } from "./aggregate.js";
import type { SweepRun } from "./expand.js";
import type { RunResult } from "./runResult.js";

function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : typeof value === "number" ? String(value) : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(fields: readonly unknown[]): string {
  return `${fields.map(csvField).join(",")}\n`;
}

/**
 * sweep.csv: one row per method and grid point, with mean, sd, 95% interval bounds and count of
 * every aggregated metric.
 */
export function sweepCsv(agg: SweepAggregate): string {
  const statColumns = agg.metrics.flatMap((m) => [`${m}_mean`, `${m}_sd`, `${m}_ci95_low`, `${m}_ci95_high`, `${m}_count`]);
  let out = csvLine(["method", ...agg.axes, "runs", "done", "diverged", ...statColumns]);
  for (const p of agg.points) {
    const stats = agg.metrics.flatMap((m) => {
      const s = p.metrics[m];
      return s ? [s.mean, s.sd, s.ciLow, s.ciHigh, s.count] : [null, null, null, null, 0];
    });
    out += csvLine([p.method, ...agg.axes.map((a) => p.point[a]), p.runs, p.done, p.diverged, ...stats]);
  }
  return out;
}

/**
 * runs.csv: one row per finished run (runs without a result are left out) with its seed, status,
 * final metrics and wall time.
 */
export function runsCsv(agg: SweepAggregate, runs: readonly SweepRun[], results: ReadonlyMap<string, RunResult>): string {
  let out = csvLine(["id", "method", ...agg.axes, "seed", "status", ...agg.metrics, "wallSeconds"]);
  for (const run of runs) {
    const r = results.get(run.id);
    if (!r) continue;
    out += csvLine([r.id, r.method, ...agg.axes.map((a) => run.point[a]), r.seed, r.status, ...agg.metrics.map((m) => r.metrics[m] ?? null), r.wallSeconds]);
  }
  return out;
}

function number(v: number | null): string {
  return v === null ? "" : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toPrecision(4) : v.toExponential(3);
}

function cell(s: MetricStats | null): string {
  if (!s) return "—";
  return s.ciLow === null || s.ciHigh === null ? `${number(s.mean)} (1 run)` : `${number(s.mean)} [${number(s.ciLow)}, ${number(s.ciHigh)}]`;
}

function value(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function tableRows(agg: SweepAggregate): string[][] {
  return agg.points.map((p) => [p.method, ...agg.axes.map((a) => value(p.point[a])), `${p.done}/${p.runs}${p.diverged ? ` (${p.diverged} diverged)` : ""}`, ...agg.metrics.map((m) => cell(p.metrics[m] ?? null))]);
}

function header(agg: SweepAggregate): string[] {
  return ["method", ...agg.axes, "runs done", ...agg.metrics.map((m) => `${m}: mean [95% CI]`)];
}

function status(agg: SweepAggregate): string {
  return `${agg.doneRuns} of ${agg.totalRuns} runs done${agg.doneRuns < agg.totalRuns ? " (partial: the missing runs are not in the statistics)" : ""}; ${agg.seeds} seed(s) per point; intervals are Student-t 95% over seeds.`;
}

/** sweep.md: the per-point table, with how many runs are done and what the intervals are. */
export function sweepMarkdown(agg: SweepAggregate): string {
  const escape = (s: string) => s.replace(/\|/g, "\\|");
  const head = header(agg);
  const lines = [`# Sweep ${agg.name}`, ""];
  if (agg.description) lines.push(agg.description, "");
  lines.push(status(agg), "", `| ${head.map(escape).join(" | ")} |`, `|${head.map(() => " --- ").join("|")}|`);
  for (const row of tableRows(agg)) lines.push(`| ${row.map(escape).join(" | ")} |`);
  return `${lines.join("\n")}\n`;
}

/** sweep.html: the same table as sweep.md in a self-contained page (no external assets). */
export function sweepHtml(agg: SweepAggregate): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const head = header(agg)
    .map((h) => `<th>${esc(h)}</th>`)
    .join("");
  const body = tableRows(agg)
    .map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sweep ${esc(agg.name)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; }
th, td { padding: 0.3em 0.8em; border-bottom: 1px solid #ddd; text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f4f4f4; }
td:first-child, th:first-child { text-align: left; }
</style>
</head>
<body>
<h1>Sweep ${esc(agg.name)}</h1>
${agg.description ? `<p>${esc(agg.description)}</p>\n` : ""}<p>${esc(status(agg))}</p>
<table>
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>
</body>
</html>
`;
}

/** Writes sweep.csv, runs.csv, sweep.json, sweep.md and sweep.html into out. */
export function writeSweepReport(out: string, agg: SweepAggregate, runs: readonly SweepRun[], results: ReadonlyMap<string, RunResult>): void {
  writeFileSync(join(out, "sweep.csv"), sweepCsv(agg));
  writeFileSync(join(out, "runs.csv"), runsCsv(agg, runs, results));
  writeFileSync(join(out, "sweep.json"), `${JSON.stringify(agg, null, 2)}\n`);
  writeFileSync(join(out, "sweep.md"), sweepMarkdown(agg));
  writeFileSync(join(out, "sweep.html"), sweepHtml(agg));
}
