// Every registered experiment's figures as a paper would print them, run at test scale: each plot
// has x and y axis titles, a caption saying what to see, a legend whose symbols match the marks
// (test/figureChecks.ts: lines for line series, dots only for dot series, dashes for dashed ones, no
// unexplained mark), and report.html cites each paper by authors, year and arXiv id or DOI, with the figure it reproduces.
// The registry is read at run time, so an experiment added later is covered without editing this file.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { experiments } from "../src/experiments/registry.js";
import { runExperiment } from "../src/experiments/runExperiment.js";
import { styleFigure } from "../src/report/figureStyle.js";
import { category, lineChart, plotSpec, quantity } from "../src/report/charts.js";
import { PALETTE, REFERENCE_GREYS, methodColor } from "../src/report/figureColors.js";
import { COLORS } from "../web/src/plots.ts";
import { renderSvg } from "../src/report/renderSvg.js";
import { figureProblems } from "./figureChecks.js";
import { runtimeFor } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "meanfield-figures-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const unescape = (html: string) => html.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

describe("the figure checks catch what they name", () => {
  const values = [1, 2, 4].flatMap((t) => [
    { t, loss: 1 / t, sgd: 1.1 / t, series: "a" },
    { t, loss: 2 / t, sgd: 2.1 / t, series: "b" },
  ]);
  const x = quantity("t", "time t");
  const problemsOf = async (spec: Record<string, unknown>) => {
    const styled = styleFigure(spec, 0);
    return figureProblems("p", styled, await renderSvg(styled, "p"));
  };

  it("passes titled axes with a line legend; flags a missing axis title, circles for lines, lines for dots, and unexplained dots", async () => {
    const good = plotSpec({ title: "t", values, layers: [{ mark: "line", encoding: { x, y: quantity("loss", "loss"), color: category("series", "run") } }] });
    expect(await problemsOf(good)).toEqual([]);
    const untitled = plotSpec({ title: "t", values, layers: [{ mark: "line", encoding: { x, y: { field: "loss", type: "quantitative", title: null }, color: category("series", "run") } }] });
    expect((await problemsOf(untitled)).join()).toMatch(/no titled Y axis/);
    const circles = plotSpec({ title: "t", values, layers: [{ mark: "line", encoding: { x, y: quantity("loss", "loss"), color: { ...category("series", "run"), legend: { symbolType: "circle" } } } }] });
    expect((await problemsOf(circles)).join()).toMatch(/circle symbols for line series/);
    const dots = plotSpec({ title: "t", values, layers: [{ mark: "point", encoding: { x, y: quantity("loss", "loss"), color: category("series", "run") } }] });
    expect((await problemsOf(dots)).join()).toMatch(/draws lines for a series of dots/);
    const mixed = plotSpec({
      title: "t",
      values,
      layers: [
        { mark: "line", encoding: { x, y: quantity("loss", "loss"), color: category("series", "run") } },
        { mark: "point", encoding: { x, y: quantity("sgd", "loss"), color: category("series", "run") } },
      ],
    });
    expect((await problemsOf(mixed)).join()).toMatch(/no legend says which is which/);
    const floor = plotSpec({
      title: "t",
      values,
      layers: [
        { mark: "line", filter: "datum.series === 'a'", encoding: { x, y: quantity("loss", "loss"), color: category("series", "run") } },
        { mark: "line", filter: "datum.series === 'b'", markProperties: { strokeDash: [6, 4] }, encoding: { x, y: quantity("loss", "loss"), color: category("series", "run") } },
      ],
    });
    expect((await problemsOf(floor)).join()).toMatch(/dashed series drawn with solid legend symbols/);
  });
});

describe("the style's scales and colours", () => {
  type Node = Record<string, any>;
  const rows = [1e-6, 1e-3, 1].flatMap((t) => [
    { t, loss: 2 - t, series: "network" },
    { t, loss: 1 - t / 2, series: "mean-field limit" },
    { t, loss: 0.5, series: "degree-4 floor" },
    { t, loss: 0.4, series: "Lemma bound" },
  ]);
  const colorScale = (spec: Node) => (spec.layer as Node[]).find((l) => l.encoding?.color?.scale)!.encoding.color.scale as { domain: string[]; range: string[] };

  it("keeps an axis asked linear linear over decades (BMZ23's linear-time row), and chooses log when nothing was asked", () => {
    const linear = styleFigure(lineChart({ title: "t", rows, x: { field: "t", title: "t", log: false }, y: { field: "loss", title: "loss" }, series: { field: "series", title: "" } }), 0);
    expect((linear.layer as Node[])[0]!.encoding.x.scale.type).toBe("linear");
    const chosen = styleFigure(lineChart({ title: "t", rows, x: { field: "t", title: "t" }, y: { field: "loss", title: "loss" }, series: { field: "series", title: "" } }), 0);
    expect((chosen.layer as Node[])[0]!.encoding.x.scale.type).toBe("log");
    expect(styleFigure(plotSpec({ title: "t", values: rows, layers: [{ mark: "line", encoding: { x: quantity("t", "t", { log: false }), y: quantity("loss", "loss") } }] }), 0).layer[0].encoding.x.scale.type).toBe("linear");
  });

  it("draws reference curves grey, never in a method's colour, and methods in theirs", () => {
    const spec = styleFigure(lineChart({ title: "t", rows, x: { field: "t", title: "t" }, y: { field: "loss", title: "loss" }, series: { field: "series", title: "" }, reference: (s) => /floor|bound/.test(s) }), 0);
    const { domain, range } = colorScale(spec);
    const colorOf = (label: string) => range[domain.indexOf(label)];
    expect(colorOf("network")).toBe(methodColor("network"));
    expect(colorOf("mean-field limit")).toBe(methodColor("mean-field limit"));
    expect([colorOf("degree-4 floor"), colorOf("Lemma bound")].sort()).toEqual(REFERENCE_GREYS.slice(0, 2).sort());
  });

  it("gives a method's colour to one of its series and to no other series (a best-kernel curve is not the network's blue)", () => {
    const seeds = [1, 2, 3].flatMap((n) => [
      { n, loss: 1 / n, series: "network (seed 1)" },
      { n, loss: 2 / n, series: "network (seed 2)" },
      { n, loss: 3 / n, series: "best degree-4 kernel" },
      { n, loss: 4 / n, series: "NNGP" },
    ]);
    const { domain, range } = colorScale(styleFigure(lineChart({ title: "t", rows: seeds, x: { field: "n", title: "n" }, y: { field: "loss", title: "loss" }, series: { field: "series", title: "" } }), 0));
    const colorOf = (label: string) => range[domain.indexOf(label)];
    expect(colorOf("network (seed 1)")).toBe(methodColor("network"));
    expect(colorOf("NNGP")).toBe(methodColor("NNGP"));
    expect(new Set(range).size).toBe(range.length);
  });

  it("writes the ticks of a short log axis far from 1 as 2×10^k beside 10^k, never 2e-7", async () => {
    const small = [1.5e-7, 3e-7, 8e-7].map((loss, i) => ({ t: i + 1, loss }));
    const svg = await renderSvg(styleFigure(plotSpec({ title: "t", values: small, layers: [{ mark: "line", encoding: { x: quantity("t", "t"), y: quantity("loss", "loss", { log: true }) } }] }), 0), "p");
    const labels = [...svg.matchAll(/role-axis-label[\s\S]*?<\/g>/g)].flatMap((m) => [...m[0].matchAll(/>([^<]+)<\/text>/g)].map((t) => t[1]!));
    expect(labels).toContain("2×10⁻⁷");
    expect(labels.join(" ")).not.toMatch(/\de-\d/);
    // Near 1 every label is plain: 50, 100, 200 (not "50, 10², 200", the burn-in plot's d axis).
    const near = [16, 64, 256].map((d, i) => ({ d, t: i + 1 }));
    const nearSvg = await renderSvg(styleFigure(plotSpec({ title: "t", values: near, layers: [{ mark: "line", encoding: { x: quantity("d", "d", { log: true }), y: quantity("t", "t") } }] }), 0), "p");
    const nearLabels = [...nearSvg.matchAll(/role-axis-label[\s\S]*?<\/g>/g)].flatMap((m) => [...m[0].matchAll(/>([^<]+)<\/text>/g)].map((t) => t[1]!));
    expect(nearLabels).toEqual(expect.arrayContaining(["20", "50", "100", "200"]));
    expect(nearLabels.join(" ")).not.toMatch(/10[⁰¹²³]/);
    // Across 10³ every label is a power: 5×10², 10³, 2×10³ (not "500, 10³, 2×10³").
    const across = [400, 900, 2100].map((n, i) => ({ n, t: i + 1 }));
    const acrossSvg = await renderSvg(styleFigure(plotSpec({ title: "t", values: across, layers: [{ mark: "line", encoding: { x: quantity("n", "n", { log: true }), y: quantity("t", "t") } }] }), 0), "p");
    const acrossLabels = [...acrossSvg.matchAll(/aria-label="X-axis[^"]*"[\s\S]*?role-axis-label[\s\S]*?<\/g>/g)].flatMap((m) => [...m[0].matchAll(/>([^<]+)<\/text>/g)].map((t) => t[1]!));
    expect(acrossLabels).toEqual(["5×10²", "10³", "2×10³"]);
  });

  it("keeps a fixed log y domain, labels it 10^k over that domain and clips what leaves it (mmn18's risk from 1e-5)", async () => {
    const falling = [1, 10, 100, 400].map((t, i) => ({ t, loss: [3, 4e-3, 1e-4, 1e-9][i]!, curve: "PDE" }));
    const spec = styleFigure(lineChart({ title: "t", rows: falling, x: { field: "t", title: "t", log: true }, y: { field: "loss", title: "loss", log: true, domain: [1e-5, 5] }, series: { field: "curve", title: "" } }), 0);
    const line = (spec.layer as Node[]).find((l) => l.mark.type === "line")!;
    expect(line.encoding.y.scale).toMatchObject({ type: "log", domain: [1e-5, 5] });
    expect(line.mark.clip).toBe(true);
    const svg = await renderSvg(spec, "p");
    const yLabels = [...svg.matchAll(/aria-label="Y-axis[^"]*"[\s\S]*?role-axis-label[\s\S]*?<\/g>/g)].flatMap((m) => [...m[0].matchAll(/>([^<]+)<\/text>/g)].map((t) => t[1]!));
    expect(yLabels).toEqual(["10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "1"]);
  });

  it("ticks a count axis at whole numbers only (the reflective trap's p = 1..4, once 1.0, 1.2, 1.4)", async () => {
    const counts = [1, 2, 3, 4].map((p) => ({ p, loss: 1 / p, curve: "loss" }));
    const svg = await renderSvg(styleFigure(lineChart({ title: "t", rows: counts, x: { field: "p", title: "p", integer: true }, y: { field: "loss", title: "loss" }, series: { field: "curve", title: "" } }), 0), "p");
    const xLabels = [...svg.matchAll(/aria-label="X-axis[^"]*"[\s\S]*?role-axis-label[\s\S]*?<\/g>/g)].flatMap((m) => [...m[0].matchAll(/>([^<]+)<\/text>/g)].map((t) => t[1]!));
    expect(xLabels).toEqual(["1", "2", "3", "4"]);
  });

  it("lists series in natural order in the legend (d = 200 before d = 1600), filtered layers too", async () => {
    const dims = [100, 1600, 200, 400].flatMap((d) => [1, 2].map((t) => ({ t, loss: d / t, series: `d = ${d}` })));
    const legendOrder = (svg: string) => [...svg.matchAll(/role-legend-label[\s\S]*?<\/g>/g)].flatMap((m) => [...m[0].matchAll(/>([^<]+)<\/text>/g)].map((t) => t[1]!));
    const plain = await renderSvg(styleFigure(lineChart({ title: "t", rows: dims, x: { field: "t", title: "t" }, y: { field: "loss", title: "loss" }, series: { field: "series", title: "" } }), 0), "p");
    expect(legendOrder(plain)).toEqual(["d = 100", "d = 200", "d = 400", "d = 1600"]);
    const filtered = plotSpec({ title: "t", values: dims, layers: [{ mark: "line", filter: "datum.series !== 'd = 400'", encoding: { x: quantity("t", "t"), y: quantity("loss", "loss"), color: category("series", "") } }] });
    expect(legendOrder(await renderSvg(styleFigure(filtered, 0), "p"))).toEqual(["d = 100", "d = 200", "d = 1600"]);
  });

  it("keeps yellow (1.1:1 on white) for an eighth series only, and the demo draws each method in the reports' colour", () => {
    expect(PALETTE.indexOf("#F0E442")).toBe(PALETTE.length - 1);
    expect(COLORS.network).toBe(methodColor("network"));
    expect(COLORS.limit).toBe(methodColor("mean-field limit"));
  });
});

describe("a line hidden under another is named in the caption", () => {
  it("kernel-separation: where the NNGP and NTK losses agree within 1%, the caption says the NTK's line covers the NNGP's", async () => {
    const experiment = experiments.find((e) => e.id === "kernel-separation")!;
    const dir = join(root, "hidden-lines");
    const { summary } = await runExperiment(experiment, { scale: "test", out: dir, runtime: await runtimeFor("simd") });
    for (const plot of summary.plots) {
      const rows = (JSON.parse(readFileSync(join(dir, plot.spec), "utf8")) as { data: { values: { model: string; n: number; loss: number }[] } }).data.values;
      const of = (kind: string) => new Map(rows.filter((r) => r.model.includes(kind)).map((r) => [r.n, r.loss]));
      const [nngp, ntk] = [of("NNGP"), of("NTK")];
      const same = [...nngp].every(([n, v]) => ntk.has(n) && Math.abs(v - ntk.get(n)!) <= 0.01 * Math.max(v, ntk.get(n)!));
      expect(plot.caption.includes("the NTK's line covers the NNGP's"), plot.name).toBe(same && nngp.size > 0);
    }
  }, 240_000);
});

describe("every experiment's figures and citations", () => {
  for (const experiment of experiments) {
    it(`${experiment.id}: axis titles, captions, legends matching marks, paper cited with its id`, async () => {
      const dir = join(root, experiment.id);
      const { summary } = await runExperiment(experiment, { scale: "test", out: dir, runtime: await runtimeFor("simd") });
      expect(summary.error).toBeNull();
      expect(summary.plots.length).toBeGreaterThan(0);
      const problems: string[] = [];
      for (const plot of summary.plots) {
        const spec = JSON.parse(readFileSync(join(dir, plot.spec), "utf8")) as Record<string, unknown>;
        problems.push(...figureProblems(plot.name, spec, readFileSync(join(dir, plot.svg), "utf8")));
        if (plot.caption.trim().length < 40) problems.push(`${plot.name}: caption too short to say what to see (${JSON.stringify(plot.caption)})`);
        if (plot.title.trim().length === 0) problems.push(`${plot.name}: no title`);
      }
      expect(problems).toEqual([]);
      const html = unescape(readFileSync(join(dir, "report.html"), "utf8"));
      expect((html.match(/<figcaption>/g) ?? []).length).toBe(summary.plots.length);
      for (const paper of summary.papers) {
        const id = paper.arxiv ? `arXiv ${paper.arxiv}` : `doi ${paper.doi ?? "(none)"}`;
        expect(paper.arxiv ?? paper.doi, `${experiment.id}: ${paper.title} has an arXiv id or DOI`).toMatch(/^(\d{4}\.\d{4,5}|10\.\d{4,9}\/\S+)$/);
        expect(html, `${experiment.id}: the report cites ${paper.title} with ${id}`).toContain(id);
        expect(html).toContain(`(${paper.year})`);
        expect(html).toContain(`This run reproduces: ${paper.figure}`);
      }
    }, 240_000);
  }
});
