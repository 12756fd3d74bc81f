// A report page for every reader, in Debian's headless Chromium (or the one npm ci brings): axe-core
// finds no serious or critical violation (nor a moderate one) on report.html of an experiment run
// at test scale, with its figures exported as PNG too, of a broken variant (failing checks, red
// badges) and of a run whose experiment threw; at desktop and phone widths. Each figure is an image
// named by its title and described by its caption.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Experiment } from "../src/experiments/experiment.js";
import { findExperiment } from "../src/experiments/registry.js";
import { runExperiment } from "../src/experiments/runExperiment.js";
import { axeViolations, launchChromium, type AxeViolation, type Chromium } from "./browserHarness.js";
import { runtimeFor } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "meanfield-report-axe-"));
const notMinor = (violations: AxeViolation[]) => violations.filter((v) => v.impact !== "minor");

async function violationsAt(browser: Chromium, dir: string, width: number, height: number): Promise<AxeViolation[]> {
  await browser.page.setViewportSize({ width, height });
  await browser.page.goto(pathToFileURL(join(dir, "report.html")).href);
  const violations = await axeViolations(browser.page);
  console.log(`axe-core on ${dir} at ${width}x${height}: ${JSON.stringify(violations)}`);
  return violations;
}

describe("report.html for every reader (axe-core)", () => {
  let browser: Chromium;

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("an experiment's report, with PNG figures, has no serious, critical or moderate violation at 1440x900 and 390x844", async () => {
    const dir = join(root, "lazy");
    const { summary } = await runExperiment(findExperiment("lazy-vs-meanfield")!, { scale: "test", out: dir, runtime: await runtimeFor("simd"), formats: ["svg", "png"], dpi: 96 });
    expect(summary.plots.length).toBeGreaterThan(0);
    expect(notMinor(await violationsAt(browser, dir, 1440, 900))).toEqual([]);
    expect(notMinor(await violationsAt(browser, dir, 390, 844))).toEqual([]);
    // Each figure is an image named by its title and described by its caption.
    const figures = await browser.page.$$eval("figure", (nodes) =>
      nodes.map((f) => ({ label: f.querySelector("svg")?.getAttribute("aria-label") ?? "", role: f.querySelector("svg")?.getAttribute("role"), caption: f.querySelector("figcaption")?.textContent ?? "" })),
    );
    expect(figures.length).toBe(summary.plots.length);
    for (const f of figures) {
      expect(f.role).toBe("img");
      expect(f.label).toMatch(/^Figure \d+: \S/);
      expect(f.caption.length).toBeGreaterThan(40);
    }
  }, 120_000);

  it("a broken variant's report (failing checks) and a failed run's report have none either", async () => {
    const variantDir = join(root, "variant");
    const variant = await runExperiment(findExperiment("lazy-vs-meanfield")!, { scale: "test", out: variantDir, runtime: await runtimeFor("simd"), variant: "linearized-network" });
    expect(variant.summary.pass).toBe(false);
    expect(notMinor(await violationsAt(browser, variantDir, 1440, 900))).toEqual([]);
    const throwing: Experiment = {
      id: "throws",
      papers: [{ authors: "Doe, Roe", year: 2020, title: "A paper", arxiv: "2001.00001", figure: "Figure 1" }],
      title: "An experiment that throws",
      description: "For the test of a failed run's report.",
      brokenVariants: [],
      run: () => Promise.reject(new RangeError("deliberately broken")),
    };
    const failedDir = join(root, "failed");
    expect((await runExperiment(throwing, { scale: "test", out: failedDir, runtime: await runtimeFor("simd") })).summary.status).toBe("failed");
    expect(notMinor(await violationsAt(browser, failedDir, 1440, 900))).toEqual([]);
  }, 120_000);
});
