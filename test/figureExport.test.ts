import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { category, plotSpec, quantity } from "../src/report/charts.js";
import { PRINT_DPI, renderPng } from "../src/report/renderPng.js";
import { renderSvg } from "../src/report/renderSvg.js";
import { styleFigure } from "../src/report/figureStyle.js";
import { parseFormats } from "../src/report/writeReport.js";
import { textWidth } from "../src/report/textWidth.js";
import { decodePng, inkFraction, type DecodedPng } from "./pngDecode.js";

/** The rightmost column with ink (a non-white pixel), or -1. */
function lastInkColumn(image: DecodedPng): number {
  let last = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = last + 1; x < image.width; x++) {
      const i = (y * image.width + x) * image.channels;
      if (image.pixels[i]! < 200 || image.pixels[i + 1]! < 200 || image.pixels[i + 2]! < 200) last = x;
    }
  }
  return last;
}

const values = [1, 2, 4, 8, 16].flatMap((x) => [
  { x, y: 1 / x, series: "network" },
  { x, y: 2 / x, series: "mean-field limit" },
]);
const spec = styleFigure(
  plotSpec({
    title: "Export test",
    values,
    layers: [{ mark: "line", encoding: { x: quantity("x", "steps", { log: true }), y: quantity("y", "loss", { log: true }), color: category("series", "method") } }],
  }),
  0,
);

describe("text widths for the layout", () => {
  it("match the ink resvg draws with the bundled DejaVu Sans, regular and bold, to 3 px", async () => {
    const cases = [
      { text: "kernel floor at n: orders a kernel cannot resolve", size: 13, weight: "normal" },
      { text: "(c) Loss at the budget n(d) against d", size: 16, weight: "bold" },
      { text: "10⁻³ ≤ κ θ_T − θ_0 ×", size: 20, weight: "normal" },
      { text: "WMW iii 0123456789", size: 24, weight: "bold" },
    ];
    for (const c of cases) {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="60"><text x="0" y="40" font-family="Helvetica, Arial, sans-serif" font-size="${c.size}" font-weight="${c.weight}">${c.text}</text></svg>`;
      const inkEnd = lastInkColumn(decodePng((await renderPng(svg, 96)).png)) + 1;
      const width = textWidth({ fontSize: c.size, fontWeight: c.weight }, c.text);
      console.log(`${c.text}: advance ${width.toFixed(1)} px, ink to ${inkEnd} px`);
      // The advance ends a glyph's right side bearing (0 to 2 px at these sizes) past its ink.
      expect(width - inkEnd, c.text).toBeGreaterThanOrEqual(-1);
      expect(width - inkEnd, c.text).toBeLessThanOrEqual(3);
    }
  });
});

describe("PNG export (resvg)", () => {
  it("draws text with the bundled font, whatever fonts the machine has", async () => {
    const text = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"><text x="10" y="35" font-family="Helvetica, Arial, sans-serif" font-size="24">loss 10⁻³</text></svg>';
    const blank = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"></svg>';
    expect(inkFraction(decodePng((await renderPng(text)).png))).toBeGreaterThan(0.02);
    expect(inkFraction(decodePng((await renderPng(blank)).png))).toBe(0);
  });

  it("a figure becomes a non-blank PNG of its CSS size times 300/96, stating 300 dpi", async () => {
    const svg = await renderSvg(spec, "export");
    const [, w, h] = /width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svg)!.map(Number);
    const image = await renderPng(svg);
    const decoded = decodePng(image.png);
    expect(decoded.width).toBe(image.width);
    expect(Math.abs(decoded.width - w! * (PRINT_DPI / 96))).toBeLessThanOrEqual(1);
    expect(Math.abs(decoded.height - h! * (PRINT_DPI / 96))).toBeLessThanOrEqual(1);
    expect(decoded.dpi).toBeCloseTo(300, 0);
    // Lines, axes, ticks and labels: some ink, mostly white paper.
    const ink = inkFraction(decoded);
    expect(ink).toBeGreaterThan(0.01);
    expect(ink).toBeLessThan(0.5);
    // Every corner of the page is white: the background is painted, not transparent.
    expect([...decoded.pixels.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
  });

  it("refuses a resolution outside [24, 1200] dpi and unknown formats, naming the option", async () => {
    await expect(renderPng("<svg/>", 5000)).rejects.toThrow(/--dpi: must be in \[24, 1200\]/);
    expect(parseFormats("svg,PNG")).toEqual(["svg", "png"]);
    expect(() => parseFormats("jpg")).toThrow(/--format: must be a comma-separated list of svg, png, got "jpg"/);
  });
});

describe("meanfield report / reproduce --format png (the built CLI)", () => {
  const cli = new URL("../dist/cli.js", import.meta.url).pathname;
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });

  it("reproduce --format png writes a PNG beside every SVG; report --format png rewrites them at --dpi; bad options exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "meanfield-png-"));
    try {
      const out = run("reproduce", "bmz23-timescales", "--scale", "test", "--out", dir, "--format", "png", "--json");
      expect(out.status, out.stderr).toBe(0);
      const summary = JSON.parse(out.stdout) as { plots: { name: string; svg: string }[] };
      expect(summary.plots.length).toBeGreaterThan(0);
      const html = readFileSync(join(dir, "report.html"), "utf8");
      for (const p of summary.plots) {
        const png = join(dir, p.svg.replace(/\.svg$/, ".png"));
        expect(existsSync(png), png).toBe(true);
        expect(inkFraction(decodePng(readFileSync(png)))).toBeGreaterThan(0.005);
        expect(html).toContain(`href="${p.svg.replace(/\.svg$/, ".png")}"`);
      }
      const first = join(dir, summary.plots[0]!.svg.replace(/\.svg$/, ".png"));
      const at300 = decodePng(readFileSync(first)).width;
      const again = run("report", dir, "--format", "png", "--dpi", "150");
      expect(again.status, again.stderr).toBe(0);
      expect(Math.abs(decodePng(readFileSync(first)).width - at300 / 2)).toBeLessThanOrEqual(1);
      const bad = run("report", dir, "--format", "gif");
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/^meanfield report: --format: must be a comma-separated list of svg, png, got "gif"\n$/);
      const badDpi = run("reproduce", "bmz23-timescales", "--dpi", "0");
      expect(badDpi.status).toBe(2);
      expect(badDpi.stderr).toMatch(/--dpi: must be a number in \[24, 1200\], got "0"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
