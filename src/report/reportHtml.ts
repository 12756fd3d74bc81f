// report.html: one self-contained page per run (inline CSS and SVG, no scripts, no fetches), so it
// opens from disk without a network: the verdict, the command that reruns it, the checks, the
// figures, every plot, the resolved configs and the metric files.

import { citationText } from "../experiments/experiment.js";
import type { ExperimentSummary } from "./summary.js";
import { inlineSvg } from "./renderSvg.js";

export interface ReportInput {
  summary: ExperimentSummary;
  /** SVG markup by plot name. */
  svgs: Record<string, string>;
  /** Config file path (relative to the run directory) -> its JSON text. */
  configs: Record<string, string>;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Numbers as a reader wants them: 4 significant digits, exponent form outside [1e-3, 1e5). */
export function formatNumber(x: number | null): string {
  if (x === null) return "—";
  if (x === 0 || Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? String(Number(x.toPrecision(4))) : x.toExponential(3);
}

function range([lo, hi]: [number | null, number | null]): string {
  if (lo === null && hi === null) return "any";
  if (lo === null) return `≤ ${formatNumber(hi)}`;
  if (hi === null) return `≥ ${formatNumber(lo)}`;
  return `[${formatNumber(lo)}, ${formatNumber(hi)}]`;
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
.meta { color: #555; }
.badge { display: inline-block; padding: 0.1rem 0.6rem; border-radius: 0.3rem; font-weight: bold; color: white; }
.pass { background: #2a7d2e; } .fail { background: #b3261e; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num { font-family: ui-monospace, monospace; text-align: right; white-space: nowrap; }
pre { background: #f6f8fa; padding: 0.6rem; overflow-x: auto; }
figure { margin: 2rem 0; } figcaption { color: #333; font-size: 1rem; line-height: 1.45; margin-top: 0.4rem; }
.plots svg { width: 100%; height: auto; }
`;

export function reportHtml({ summary: s, svgs, configs }: ReportInput): string {
  const verdict = s.status === "failed" ? "FAILED TO RUN" : s.pass ? "ALL CHECKS PASS" : "SOME CHECKS FAIL";
  const checks = s.checks
    .map(
      (c) =>
        `<tr><td><span class="badge ${c.pass ? "pass" : "fail"}">${c.pass ? "pass" : "fail"}</span></td><td>${escapeHtml(c.name)}</td><td>${escapeHtml(c.description)}</td><td class="num">${formatNumber(c.measured)}</td><td class="num">${escapeHtml(range(c.expected))}</td></tr>`,
    )
    .join("\n");
  const figures = Object.entries(s.figures)
    .map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td class="num">${typeof v === "string" ? escapeHtml(v) : formatNumber(v)}</td></tr>`)
    .join("\n");
  const exponents = Object.entries(s.exponents ?? {})
    .map(([k, e]) => `<tr><td>${escapeHtml(k)}</td><td class="num">${formatNumber(e.value)}</td><td class="num">[${formatNumber(e.ci95[0])}, ${formatNumber(e.ci95[1])}]</td><td class="num">${e.points}</td></tr>`)
    .join("\n");
  const papers = s.papers.map((p) => `<li>${escapeHtml(p.title)}. ${escapeHtml(citationText(p))}.</li>`).join("\n");
  const plots = s.plots
    .map((p) => {
      const svg = svgs[p.name];
      const body = svg ? inlineSvg(svg) : `<p class="fail">plot ${escapeHtml(p.name)} could not be rendered</p>`;
      return `<figure id="plot-${escapeHtml(p.name)}">${body}<figcaption><b>${escapeHtml(p.title)}.</b> ${escapeHtml(p.caption)} <span class="meta">(${escapeHtml(p.svg)}; Vega-Lite spec with its data: ${escapeHtml(p.spec)})</span></figcaption></figure>`;
    })
    .join("\n");
  const configBlocks = Object.entries(configs)
    .map(([path, text]) => `<details><summary>${escapeHtml(path)}</summary><pre>${escapeHtml(text)}</pre></details>`)
    .join("\n");
  const tables = s.tables
    .map((t) => `<tr><td>${escapeHtml(t.name)}</td><td class="num">${t.rows}</td><td>${escapeHtml(t.columns.join(", "))}</td><td><a href="${escapeHtml(t.csv)}">${escapeHtml(t.csv)}</a> · <a href="${escapeHtml(t.ndjson)}">${escapeHtml(t.ndjson)}</a></td></tr>`)
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(s.id)}: ${escapeHtml(s.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(s.title)}</h1>
<p class="meta">experiment <b>${escapeHtml(s.id)}</b>${s.variant ? ` · <b>broken variant ${escapeHtml(s.variant)}</b>` : ""} · scale <b>${escapeHtml(s.scale)}</b> · seed ${s.seed} · started ${escapeHtml(s.startedAt)} · ${s.wallSeconds.toFixed(1)} s · meanfield ${escapeHtml(s.version)}</p>
<p>${escapeHtml(s.description)}</p>
<p>Reproduces:</p>
<ul>
${papers}
</ul>
<p><span class="badge ${s.pass && s.status === "completed" ? "pass" : "fail"}">${verdict}</span> ${s.checks.filter((c) => c.pass).length} of ${s.checks.length} checks pass</p>
${s.error ? `<pre>${escapeHtml(s.error)}</pre>` : ""}
<h2>Run it again</h2>
<pre>${escapeHtml(s.command)}</pre>
<p class="meta">Change a parameter by editing a config below and running it with <code>meanfield run</code>; <code>meanfield report DIR</code> rebuilds this page from the run directory.</p>
<h2>Checks</h2>
<table>
<tr><th></th><th>check</th><th>claim</th><th>measured</th><th>expected</th></tr>
${checks}
</table>
${exponents ? `<h2>Fitted exponents</h2>\n<table>\n<tr><th>exponent</th><th>value</th><th>95% interval</th><th>points</th></tr>\n${exponents}\n</table>` : ""}
${figures ? `<h2>Measured values</h2>\n<table>\n${figures}\n</table>` : ""}
<h2>Plots</h2>
<div class="plots">
${plots}
</div>
<h2>Configs</h2>
${configBlocks || "<p>none</p>"}
<h2>Metrics</h2>
<table>
<tr><th>table</th><th>rows</th><th>columns</th><th>files</th></tr>
${tables}
</table>
</body>
</html>
`;
}
