// The README's images, regenerated from the code: every registered experiment run at quick scale,
// its headline plot(s) rendered as PNG into docs/images/<id>-<plot>.png, the README's figure
// gallery (between its figures markers) rewritten from the plots' titles and captions and the
// papers' citations, then the demo screenshots (web/screenshots.ts). Nothing is drawn by hand, so
// the images always show what the landed commit computes.
//
//   npm run figures                      # all experiments, then the demo screenshots
//   npm run figures -- --only chaos,two-limits --no-screenshots
//
// Options: --only <ids> (comma-separated; the others' images and gallery entries are kept),
// --scale <test|quick|paper> (default quick), --dpi <n> (default 144: sharp on a 2x screen, small
// files), --no-screenshots.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ExperimentScale } from "../src/experiments/experiment.js";
import { experiments } from "../src/experiments/registry.js";
import { runExperiment } from "../src/experiments/runExperiment.js";
import { renderPng } from "../src/report/renderPng.js";
import { fullCitation } from "../src/report/reportText.js";
import type { ExperimentSummary } from "../src/report/summary.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const IMAGES = join(ROOT, "docs/images");
const README = join(ROOT, "README.md");
const START = "<!-- figures:start (written by npm run figures) -->";
const END = "<!-- figures:end -->";

/** The plots the README shows per experiment (by plot name); an experiment not listed shows its first plot. */
const HEADLINE: Record<string, string[]> = {
  "bmz23-timescales": ["risk-log"],
  "abam22-staircase": ["fourier-coefficients"],
  "lmz20-tensors": ["orders-proper", "separation-in-d"],
  "kernel-separation": ["teacher-abs"],
};

const { values: args } = parseArgs({
  options: {
    only: { type: "string" },
    scale: { type: "string", default: "quick" },
    dpi: { type: "string", default: "144" },
    "no-screenshots": { type: "boolean", default: false },
  },
});
const scale = args.scale as ExperimentScale;
const dpi = Number(args.dpi);
const only = args.only ? new Set(args.only.split(",").map((s) => s.trim())) : null;
const unknown = [...(only ?? [])].filter((id) => !experiments.some((e) => e.id === id));
if (unknown.length > 0) throw new RangeError(`--only: unknown experiment(s) ${unknown.join(", ")}; one of ${experiments.map((e) => e.id).join(", ")}`);

interface GalleryEntry {
  id: string;
  markdown: string;
}

/** One experiment's gallery entry: its citation line, then each headline plot's image and caption. */
function entryOf(summary: ExperimentSummary, files: { file: string; title: string; caption: string }[]): string {
  const papers = summary.papers.map((p) => `${fullCitation(p)}${p.figure ? `, ${p.figure}` : ""}`).join("; ");
  const figures = files.map((f) => `![${f.title.replace(/[[\]]/g, "")}](docs/images/${f.file})\n\n*${f.title}.* ${f.caption}`);
  return [`#### \`${summary.id}\`: ${summary.title}`, "", `Reproduces: ${papers}.`, "", figures.join("\n\n")].join("\n");
}

/** The gallery entries the README holds now, by experiment id (kept for experiments not rerun with --only). */
function currentEntries(readme: string): Map<string, string> {
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  const entries = new Map<string, string>();
  if (from < 0 || to < from) return entries;
  const block = readme.slice(from + START.length, to);
  for (const part of block.split(/\n(?=#### `)/)) {
    const id = /^#### `([^`]+)`/.exec(part.trim())?.[1];
    if (id) entries.set(id, part.trim());
  }
  return entries;
}

const readme = readFileSync(README, "utf8");
if (readme.indexOf(START) < 0 || readme.indexOf(END) < readme.indexOf(START)) throw new Error(`README.md has no ${START} ... ${END} block`);
const kept = currentEntries(readme);
const work = mkdtempSync(join(tmpdir(), "meanfield-figures-"));
mkdirSync(IMAGES, { recursive: true });
const entries: GalleryEntry[] = [];
try {
  for (const experiment of experiments) {
    if (only && !only.has(experiment.id)) {
      const old = kept.get(experiment.id);
      if (old) entries.push({ id: experiment.id, markdown: old });
      continue;
    }
    const dir = join(work, experiment.id);
    const { summary } = await runExperiment(experiment, { scale, out: dir });
    if (summary.status !== "completed") throw new Error(`${experiment.id}: the run failed (${summary.error}); no images written for it`);
    const names = HEADLINE[experiment.id] ?? [summary.plots[0]!.name];
    for (const stale of readdirSync(IMAGES).filter((f) => f.startsWith(`${experiment.id}-`) && f.endsWith(".png"))) rmSync(join(IMAGES, stale));
    const files = [];
    for (const name of names) {
      const plot = summary.plots.find((p) => p.name === name);
      if (!plot) throw new Error(`${experiment.id}: no plot named ${name} (HEADLINE in scripts/figures.ts); it has ${summary.plots.map((p) => p.name).join(", ")}`);
      const file = `${experiment.id}-${plot.name}.png`;
      const image = await renderPng(readFileSync(join(dir, plot.svg), "utf8"), dpi, plot.name);
      writeFileSync(join(IMAGES, file), image.png);
      files.push({ file, title: plot.title, caption: plot.caption });
    }
    entries.push({ id: experiment.id, markdown: entryOf(summary, files) });
    const failing = summary.checks.filter((c) => !c.pass).map((c) => c.name);
    const verdict = `${summary.checks.length - failing.length}/${summary.checks.length} checks pass${failing.length ? ` (failing: ${failing.join(", ")})` : ""}`;
    console.log(`${experiment.id}: ${summary.wallSeconds.toFixed(1)} s (load average ${loadavg()[0]!.toFixed(1)}), ${verdict}; ${files.map((f) => `docs/images/${f.file}`).join(", ")}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const gallery = [START, `Each experiment's headline figure at \`--scale ${scale}\`, rendered by \`npm run figures\` from the commit it ships with:`, "", entries.map((e) => e.markdown).join("\n\n"), END].join("\n");
const from = readme.indexOf(START);
const to = readme.indexOf(END);
writeFileSync(README, readme.slice(0, from) + gallery + readme.slice(to + END.length));
console.log(`README.md: figure gallery rewritten (${entries.length} experiments)`);

if (!args["no-screenshots"]) {
  const shots = spawnSync("npx", ["tsx", join(ROOT, "web/screenshots.ts")], { cwd: ROOT, stdio: "inherit" });
  if (shots.status !== 0) throw new Error(`web/screenshots.ts exited with ${shots.status}`);
}
const total = readdirSync(IMAGES).reduce((s, f) => s + statSync(join(IMAGES, f)).size, 0);
console.log(`docs/images: ${(total / 1e6).toFixed(2)} MB in ${readdirSync(IMAGES).length} files`);
