import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check, type Experiment, type ExperimentContext } from "../src/experiments/experiment.js";
import { runExperiment } from "../src/experiments/runExperiment.js";
import { toCsv, toNdjson } from "../src/report/csv.js";
import { category, plotSpec, quantity } from "../src/report/charts.js";
import { inlineSvg, renderSvg } from "../src/report/renderSvg.js";
import { writeReport } from "../src/report/writeReport.js";
import type { ExperimentSummary } from "../src/report/summary.js";
import { runtimeFor } from "./helpers.js";

/** Well-formed XML tags: every element opened is closed in order (self-closing allowed). */
function balanced(markup: string): boolean {
  const stack: string[] = [];
  for (const m of markup.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (closing) {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  return stack.length === 0;
}

const values = [1, 2, 3, 4, 5].flatMap((x) => [
  { x, y: x * x, series: "square" },
  { x, y: 2 * x, series: "double" },
]);
const spec = plotSpec({
  title: "Test plot",
  values,
  layers: [
    { mark: "line", encoding: { x: quantity("x", "x axis", { log: true }), y: quantity("y", "y axis"), color: category("series", "series") } },
    { mark: "point", encoding: { x: quantity("x", "x axis", { log: true }), y: quantity("y", "y axis"), color: category("series", "series") } },
  ],
});

describe("SVG rendering (Vega-Lite, headless)", () => {
  it("renders a well-formed SVG with the lines, points, axes and title", async () => {
    const svg = await renderSvg(spec, "test");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(balanced(svg)).toBe(true);
    expect(svg).toMatch(/width="\d+" height="\d+"/);
    // One line path per series, one symbol per point.
    expect((svg.match(/<path[^>]*aria-roledescription="line mark"/g) ?? []).length).toBe(2);
    expect((svg.match(/aria-roledescription="point"/g) ?? []).length).toBe(values.length);
    for (const text of ["Test plot", "x axis", "y axis", "square", "double"]) expect(svg).toContain(text);
  });

  it("inlined in HTML, the SVG has no absolute URL", async () => {
    const svg = inlineSvg(await renderSvg(spec));
    expect(svg).not.toMatch(/https?:\/\//);
    expect(svg.startsWith("<svg")).toBe(true);
  });

  it("a spec vega-lite cannot compile fails naming the plot", async () => {
    await expect(renderSvg({ data: { values: [] }, mark: "no-such-mark" }, "broken")).rejects.toThrow(/plot broken/);
  });
});

describe("CSV and NDJSON export", () => {
  it("quotes what needs quoting, keeps the union of columns in first-seen order, empty cells for null", () => {
    const rows = [
      { a: 1, b: "plain" },
      { a: 2.5, b: 'with, comma "and quotes"', c: null },
      { b: "line\nbreak", c: -Infinity, a: 1e-300 },
    ];
    expect(toCsv(rows)).toBe('a,b,c\n1,plain,\n2.5,"with, comma ""and quotes""",\n1e-300,"line\nbreak",-Infinity\n');
    expect(toNdjson(rows).split("\n").filter(Boolean).map((l) => JSON.parse(l))[1]).toEqual(rows[1]);
  });
});

function fakeExperiment(run: Experiment["run"]): Experiment {
  return { id: "fake", papers: [{ authors: "Doe, Roe", year: 2020, title: "A <fake> paper", arxiv: "2001.00001", figure: "Figure 1" }], brokenVariants: [], title: "A fake experiment", description: "For the tests: <b>escaped</b> & shown.", run };
}

describe("run directory and report.html", () => {
  it("writes configs, metrics, summary.json, plots and a self-contained report; `report` rebuilds it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "meanfield-report-"));
    try {
      const experiment = fakeExperiment(async (ctx) => {
        ctx.saveConfig("run-a", { name: "run-a", seed: ctx.seed });
        ctx.saveTable("curve", values);
        ctx.log("working");
        return {
          checks: [check("bounded", "a claim with a one-sided range", 3, [1, Infinity]), check("exact", "a two-sided one", 0.5, [0, 1])],
          plots: [
            { name: "curve", title: "A curve", caption: "Two series.", spec },
            { name: "second", title: "Another", caption: "Same data.", spec },
          ],
          figures: { answer: 42, missing: NaN, label: "text" },
        };
      });
      const logged: string[] = [];
      const { summary } = await runExperiment(experiment, { scale: "test", seed: 7, out: dir, runtime: await runtimeFor("simd"), log: (m) => logged.push(m) });
      expect(logged).toEqual(["working"]);
      expect(summary.pass).toBe(true);
      for (const file of ["configs/run-a.json", "metrics/curve.csv", "metrics/curve.ndjson", "plots/curve.vl.json", "plots/curve.svg", "plots/second.svg", "summary.json", "report.html"]) {
        expect(existsSync(join(dir, file)), file).toBe(true);
      }
      const onDisk = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as ExperimentSummary;
      expect(onDisk.checks[0]).toEqual({ name: "bounded", description: "a claim with a one-sided range", measured: 3, expected: [1, null], pass: true });
      expect(onDisk.figures).toEqual({ answer: 42, missing: null, label: "text" });
      expect(onDisk.command).toBe(`meanfield reproduce fake --scale test --seed 7 --out ${dir}`);
      expect(readFileSync(join(dir, "metrics/curve.csv"), "utf8").split("\n")[0]).toBe("x,y,series");

      const html = readFileSync(join(dir, "report.html"), "utf8");
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
      expect((html.match(/<svg/g) ?? []).length).toBe(2);
      expect(balanced(html.replace(/<!DOCTYPE html>/, "").replace(/<meta[^>]*>/g, ""))).toBe(true);
      expect(html).toContain("&lt;b&gt;escaped&lt;/b&gt; &amp; shown.");
      expect(html).toContain("<cite>Doe and Roe (2020), A &lt;fake&gt; paper, arXiv 2001.00001</cite>. This run reproduces: Figure 1.");
      expect(html).toContain("<code>meanfield run configs/run-a.json</code>");
      expect(html).not.toMatch(/<h2>Figures<\/h2>|seed paper|\d{4}-\d\d-\d\dT\d\d:/);
      expect(html).toContain("ALL CHECKS PASS");
      expect(html).toContain(onDisk.command);
      expect(html).toContain("≥ 1");

      rmSync(join(dir, "report.html"));
      rmSync(join(dir, "plots/curve.svg"));
      await writeReport(dir);
      expect(readFileSync(join(dir, "report.html"), "utf8")).toBe(html);
      expect(existsSync(join(dir, "plots/curve.svg"))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a failing check fails the run; an experiment that throws leaves a failed summary and report", async () => {
    const runtime = await runtimeFor("simd");
    const dir = mkdtempSync(join(tmpdir(), "meanfield-report-"));
    try {
      const failing = await runExperiment(
        fakeExperiment(async () => ({ checks: [check("off", "outside its range", 2, [0, 1]), check("nan", "not a number", NaN, [-Infinity, Infinity])], plots: [] })),
        { scale: "test", out: join(dir, "a"), runtime },
      );
      expect(failing.summary.pass).toBe(false);
      expect(failing.summary.checks.map((c) => c.pass)).toEqual([false, false]);
      expect(failing.summary.checks[1]!.measured).toBeNull();
      expect(readFileSync(join(dir, "a", "report.html"), "utf8")).toContain("SOME CHECKS FAIL");

      const thrown = await runExperiment(
        fakeExperiment(async () => {
          throw new Error("solver exploded");
        }),
        { scale: "test", out: join(dir, "b"), runtime },
      );
      expect(thrown.summary).toMatchObject({ status: "failed", pass: false, error: "Error: solver exploded" });
      expect(readFileSync(join(dir, "b", "report.html"), "utf8")).toContain("solver exploded");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses file names that would leave the run directory and names saved twice", async () => {
    const runtime = await runtimeFor("simd");
    const dir = mkdtempSync(join(tmpdir(), "meanfield-report-"));
    try {
      const bodies: ((ctx: ExperimentContext) => void)[] = [
        (ctx) => ctx.saveTable("../escape", []),
        (ctx) => {
          ctx.saveConfig("twice", {});
          ctx.saveConfig("twice", {});
        },
      ];
      for (const [k, body] of bodies.entries()) {
        const { summary } = await runExperiment(
          fakeExperiment(async (ctx) => {
            body(ctx);
            return { checks: [], plots: [] };
          }),
          { scale: "test", out: join(dir, String(k)), runtime },
        );
        expect(summary.status).toBe("failed");
        expect(summary.error).toMatch(k === 0 ? /letters, digits/ : /saved twice/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("meanfield reproduce / report / list (the built CLI)", () => {
  const cli = new URL("../dist/cli.js", import.meta.url).pathname;
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });

  it("list shows the registered experiments", () => {
    const out = run("list");
    expect(out.status).toBe(0);
    for (const id of ["mahankali-phases", "lazy-vs-meanfield", "chaos", "mmn18-isotropic", "bmz23-timescales"]) expect(out.stdout).toContain(id);
  }, 30_000);

  it("bad input exits 2 with one line naming what is wrong", () => {
    const unknown = run("reproduce", "no-such-experiment");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown experiment "no-such-experiment"; one of .*chaos/);
    const scale = run("reproduce", "chaos", "--scale", "huge");
    expect(scale.status).toBe(2);
    expect(scale.stderr).toMatch(/--scale: must be one of test, quick, paper/);
    const seed = run("reproduce", "chaos", "--seed", "-3");
    expect(seed.status).toBe(2);
    expect(seed.stderr).toMatch(/--seed/);
    const report = run("report", join(tmpdir(), "meanfield-no-such-run"));
    expect(report.status).toBe(2);
    expect(report.stderr).toMatch(/no summary.json/);
  }, 60_000);

  it("reproduce --scale test writes the run directory and exits 0 when the checks pass", () => {
    const dir = mkdtempSync(join(tmpdir(), "meanfield-cli-"));
    try {
      const out = run("reproduce", "bmz23-timescales", "--scale", "test", "--out", dir, "--json");
      expect(out.status, out.stderr).toBe(0);
      const summary = JSON.parse(out.stdout) as ExperimentSummary;
      expect(summary.pass).toBe(true);
      expect(existsSync(join(dir, "report.html"))).toBe(true);
      expect(run("report", dir).status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
