// report.html: one self-contained page per run (inline CSS and SVG, no scripts, no fetches), so it
// opens from disk without a network: what the run reproduces (paper, figure), the verdict, the
// checks, the plots with their captions, the commands that rerun the whole run or each part, the
// resolved configs and the metric files.

import { ALL_PAPERS } from "../experiments/papers.js";
import type { ExperimentSummary } from "./summary.js";
import { inlineSvg } from "./renderSvg.js";
import { AbbreviationExpander, formatNumber, formatRange, formatTimestamp, fullCitation } from "./reportText.js";

export { formatNumber } from "./reportText.js";

/**
 * What report.html is built from: summary.json, the SVG of each plot, the saved configs, and which
 * plots also have a PNG.
 */
export interface ReportInput {
  summary: ExperimentSummary;
  /** SVG markup by plot name. */
  svgs: Record<string, string>;
  /** Config file path (relative to the run directory) -> its JSON text. */
  configs: Record<string, string>;
  /** Names of the plots exported as PNG beside their SVG. */
  pngs?: string[];
}

/** Escapes &, <, > and " so any text can go into element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
.meta { color: #4a4a4a; }
.badge { display: inline-block; padding: 0.1rem 0.6rem; border-radius: 0.3rem; font-weight: bold; color: white; }
.pass { background: #22662a; } .fail { background: #a3221b; } p.fail { color: #a3221b; background: none; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num { font-family: ui-monospace, monospace; text-align: right; white-space: nowrap; }
pre, code { background: #f6f8fa; } pre { padding: 0.6rem; overflow-x: auto; } pre.command { white-space: pre-wrap; overflow-wrap: anywhere; }
.table-scroll { overflow-x: auto; max-width: 100%; }
:focus-visible { outline: 2px solid #0059b3; outline-offset: 2px; }
cite { font-style: normal; }
figure { margin: 2rem 0; } figcaption { color: #222; font-size: 1rem; margin-top: 0.4rem; }
.plots svg { width: 100%; height: auto; }
`;

/**
 * A table that scrolls sideways inside its own box on a narrow screen (a phone) instead of widening
 * the page; the box takes the keyboard focus so the scroll is reachable without a mouse (axe-core's
 * scrollable-region-focusable) and is named for screen readers.
 */
function scrollingTable(label: string, rows: string): string {
  return `<div class="table-scroll" role="region" aria-label="${escapeHtml(label)}" tabindex="0">\n<table>\n${rows}\n</table>\n</div>`;
}

function checksTable(s: ExperimentSummary, text: (t: string) => string): string {
  const rows = s.checks.map(
    (c) =>
      `<tr><td><span class="badge ${c.pass ? "pass" : "fail"}">${c.pass ? "pass" : "fail"}</span></td><td>${text(c.name)}</td><td>${text(c.description)}</td><td class="num">${formatNumber(c.measured)}</td><td class="num">${escapeHtml(formatRange(c.expected))}</td></tr>`,
  );
  return scrollingTable("checks", `<tr><th scope="col">verdict</th><th scope="col">check</th><th scope="col">claim</th><th scope="col">measured</th><th scope="col">expected</th></tr>\n${rows.join("\n")}`);
}

function plotFigures(s: ExperimentSummary, svgs: Record<string, string>, pngs: Set<string>, text: (t: string) => string): string {
  return s.plots
    .map((p, i) => {
      const svg = svgs[p.name];
      const label = `Figure ${i + 1}: ${p.title}`;
      const body = svg ? inlineSvg(svg).replace(/^<svg/, `<svg role="img" aria-label="${escapeHtml(label)}"`) : `<p class="fail">plot ${escapeHtml(p.name)} could not be rendered</p>`;
      const png = p.svg.replace(/\.svg$/, ".png");
      const files = [`<a href="${escapeHtml(p.svg)}">SVG</a>`, ...(pngs.has(p.name) ? [`<a href="${escapeHtml(png)}">PNG</a>`] : []), `<a href="${escapeHtml(p.spec)}">Vega-Lite spec with its data</a>`];
      return `<figure id="plot-${escapeHtml(p.name)}">${body}<figcaption><b>Figure ${i + 1}. ${text(p.title)}.</b> ${text(p.caption)} <span class="meta">Files: ${files.join(" · ")}.</span></figcaption></figure>`;
    })
    .join("\n");
}

function rerunSection(s: ExperimentSummary, configs: Record<string, string>): string {
  const reruns = s.reruns ?? s.configs.map((config) => ({ config, commands: [`meanfield run ${config}`] }));
  const parts = reruns
    .map((r) => `<tr><td>${escapeHtml(r.config)}</td><td>${r.commands.map((c) => `<code>${escapeHtml(c)}</code>`).join("<br>")}</td></tr>`)
    .join("\n");
  const blocks = Object.entries(configs)
    .map(([path, body]) => `<details><summary>${escapeHtml(path)}</summary><pre tabindex="0">${escapeHtml(body)}</pre></details>`)
    .join("\n");
  return `<h2>Run it again</h2>
<p>The whole experiment:</p>
<pre class="command">${escapeHtml(s.command)}</pre>
${parts ? `<p>Each part on its own, from the run directory (edit a config to change a parameter):</p>\n${scrollingTable("commands per part", `<tr><th scope="col">config</th><th scope="col">command</th></tr>\n${parts}`)}` : ""}
<p class="meta"><code>meanfield report DIR</code> rebuilds this page from the run directory; <code>--format png</code> also exports every figure as a 300 dpi PNG.</p>
<h2>Configs</h2>
${blocks || "<p>none</p>"}`;
}

/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts, no fetches) with the
 * verdict, the checks, the plots with captions, the rerun commands and the configs; paper keys
 * are spelled out at their first occurrence.
 */
export function reportHtml({ summary: s, svgs, configs, pngs = [] }: ReportInput): string {
  // Short keys are spelled out where they first occur, in reading order: build the page top down.
  const expander = new AbbreviationExpander([...s.papers, ...ALL_PAPERS]);
  const text = (t: string) => escapeHtml(expander.expand(t));
  const verdict = s.status === "failed" ? "FAILED TO RUN" : s.pass ? "ALL CHECKS PASS" : "SOME CHECKS FAIL";
  const title = text(s.title);
  const description = text(s.description);
  const papers = s.papers
    .map((p) => `<li><cite>${escapeHtml(fullCitation(p))}</cite>${p.abbreviation ? ` (${escapeHtml(p.abbreviation)})` : ""}.${p.figure ? ` This run reproduces: ${escapeHtml(p.figure)}.` : ""}</li>`)
    .join("\n");
  const checks = checksTable(s, text);
  const exponents = Object.entries(s.exponents ?? {})
    .map(([k, e]) => `<tr><td>${text(k)}</td><td class="num">${formatNumber(e.value)}</td><td class="num">[${formatNumber(e.ci95[0])}, ${formatNumber(e.ci95[1])}]</td><td class="num">${e.points}</td></tr>`)
    .join("\n");
  const measured = Object.entries(s.figures)
    .map(([k, v]) => `<tr><td>${text(k)}</td><td class="num">${typeof v === "string" ? text(v) : formatNumber(v)}</td></tr>`)
    .join("\n");
  const plots = plotFigures(s, svgs, new Set(pngs), text);
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
<main>
<h1>${title}</h1>
<p class="meta">experiment <b>${escapeHtml(s.id)}</b>${s.variant ? ` · <b>broken variant ${escapeHtml(s.variant)}</b>` : ""} · scale <b>${escapeHtml(s.scale)}</b> · random seed ${s.seed} · run on ${escapeHtml(formatTimestamp(s.startedAt))}, ${s.wallSeconds.toFixed(1)} s · meanfield ${escapeHtml(s.version)}</p>
<p>${description}</p>
<p>Reproduces:</p>
<ul>
${papers}
</ul>
<p><span class="badge ${s.pass && s.status === "completed" ? "pass" : "fail"}">${verdict}</span> ${s.checks.filter((c) => c.pass).length} of ${s.checks.length} checks pass</p>
${s.error ? `<pre>${escapeHtml(s.error)}</pre>` : ""}
<h2>Checks</h2>
${checks}
${exponents ? `<h2>Fitted exponents</h2>\n${scrollingTable("fitted exponents", `<tr><th scope="col">exponent</th><th scope="col">value</th><th scope="col">95% interval</th><th scope="col">points</th></tr>\n${exponents}`)}` : ""}
${measured ? `<h2>Measured values</h2>\n${scrollingTable("measured values", `<tr><th scope="col">quantity</th><th scope="col">value</th></tr>\n${measured}`)}` : ""}
<h2>Plots</h2>
<div class="plots">
${plots}
</div>
${rerunSection(s, configs)}
<h2>Metrics</h2>
${scrollingTable("metric files", `<tr><th scope="col">table</th><th scope="col">rows</th><th scope="col">columns</th><th scope="col">files</th></tr>\n${tables}`)}
</main>
</body>
</html>
`;
}
