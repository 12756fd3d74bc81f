// The demo page as a teaching tool and for every reader, in Debian's headless Chromium: axe-core
// finds no serious or critical violation before or after a run; the first screen draws no empty
// frame; the loss is drawn against mean-field time on a log axis with 10^k ticks; changing a
// setting greys the plots at once; a link the page cannot follow says so; a very long run asks
// first; the live region speaks at most once a second; every canvas has words and a table; copy
// link, PNG export, the previous run's overlay; Run and the plots on a phone's first screen; no
// select cuts its text at 1440 or 390 px.

import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COLORS } from "../web/src/plots.ts";
import { axeViolations, buildDemo, countColor, demoState, launchChromium, serveStatic, waitForRun, type AxeViolation, type Chromium, type StaticServer } from "./browserHarness.js";

const serious = (violations: AxeViolation[]) => violations.filter((v) => v.impact === "serious" || v.impact === "critical");
const box = async (page: Chromium["page"], selector: string) => (await page.locator(selector).boundingBox())!;
/**
 * Option texts that a select would cut: wider, in the select's own font, than its box less its
 * padding and Chromium's arrow (18 px: a select sized to its widest option leaves it 19 px). The
 * preset labels used to be 380-490 px wide in a 302 px select.
 */
const cutOptions = (page: Chromium["page"]) =>
  page.evaluate(() => {
    const ctx = document.createElement("canvas").getContext("2d")!;
    return [...document.querySelectorAll("select")].flatMap((select) => {
      const style = getComputedStyle(select);
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 18;
      return [...select.options].filter((o) => ctx.measureText(o.text).width > room).map((o) => `#${select.id}: "${o.text}" (${ctx.measureText(o.text).width.toFixed(0)} px in ${room} px)`);
    });
  });

describe("the demo page for teaching and for every reader", () => {
  let server: StaticServer;
  let browser: Chromium;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await serveStatic(await buildDemo());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("opens on a preset per paper figure, with its paper, no empty frames, the status in view and no serious axe violation", async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(server.url);
    expect(await page.locator("#task option").count()).toBe(3);
    for (const label of await page.locator("#task option").allTextContents()) expect(label).toMatch(/\b(19|20)\d\d\b/);
    expect(await cutOptions(page)).toEqual([]);
    expect(await page.getAttribute("#task-paper", "href")).toMatch(/^https:\/\/arxiv\.org\/abs\/\d{4}\.\d{5}$/);
    expect(await page.textContent("body")).not.toMatch(/seed\s*\d{3}/i);
    expect(await page.isVisible("#plots-empty")).toBe(true);
    for (const id of ["loss-plot", "histogram-plot", "components-plot"]) expect(await page.isVisible(`#${id}`), id).toBe(false);
    const status = await box(page, "#status");
    expect(status.y + status.height).toBeLessThan(900);
    const violations = await axeViolations(page);
    console.log(`axe-core on first load: ${JSON.stringify(violations)}`);
    expect(serious(violations)).toEqual([]);
    // The config box takes the keyboard focus (it scrolls).
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => document.activeElement?.id === "config-json");
    }
    expect(reached).toBe(true);
  }, 60_000);

  it("draws the loss on a log time axis, greys the plots when a setting changes, overlays the previous run, and exports a link and a PNG", async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${server.url}?task=bmz23&width=128&d=20&steps=400&stepSize=0.1&autorun`);
    // The live region: at most one announcement a second, however fast the records come.
    await page.evaluate(() => {
      const times: number[] = [];
      (window as unknown as { announced: number[] }).announced = times;
      new MutationObserver(() => times.push(performance.now())).observe(document.getElementById("announcer")!, { childList: true, characterData: true, subtree: true });
    });
    await waitForRun(page, 60_000);
    await page.waitForFunction(() => window.meanfieldDemo.limit?.done === true, null, { timeout: 60_000 });
    await page.waitForTimeout(1200);
    const announced = await page.evaluate(() => (window as unknown as { announced: number[] }).announced);
    expect(announced.length).toBeGreaterThan(0);
    for (let i = 1; i < announced.length; i++) expect(announced[i]! - announced[i - 1]!).toBeGreaterThan(900);

    const violations = await axeViolations(page);
    console.log(`axe-core after a run: ${JSON.stringify(violations)}`);
    expect(serious(violations)).toEqual([]);

    // BMZ23's preset opens on log time: ticks at decades, from t = h, log-spaced records spread out.
    let layout = (await page.evaluate(() => window.meanfieldPlots.loss))!;
    expect(layout.axis).toBe("log");
    expect(layout.domain).toEqual([0.1, 40]);
    expect(layout.xLabel).toMatch(/^mean-field time t = step · h/);
    expect(layout.yLabel).toBe("test loss");
    expect(layout.xTicks).toEqual(["10⁻¹", "1", "10"]);
    for (const label of layout.yTicks) expect(label).toMatch(/^(\d+(\.\d+)?|(\d(\.\d)?×)?10[⁻¹²³⁴⁵⁶⁷⁸⁹⁰]*)$/);
    const spread = (xs: number[]) => (xs[9]! - xs[0]!) / (xs.at(-1)! - xs[0]!);
    const logSpread = spread(layout.xPixels);
    await page.click("#axis-linear");
    await page.waitForTimeout(100);
    layout = (await page.evaluate(() => window.meanfieldPlots.loss))!;
    expect(layout.axis).toBe("linear");
    // The first ten log-spaced records: a third of the log axis, a sliver of the linear one.
    expect(logSpread).toBeGreaterThan(0.2);
    expect(spread(layout.xPixels)).toBeLessThan(0.05);

    // Words and a table for every canvas.
    expect(await page.textContent("#loss-summary")).toMatch(/^test loss against mean-field time\. network, N = 128: /);
    expect(await page.textContent("#histogram-summary")).toMatch(/^Histogram of the overlaps m of 128 neurons in 40 bins/);
    expect(await page.locator("#loss-table tr").count()).toBeGreaterThan(20);
    expect(await page.locator("#components-table tr").count()).toBeGreaterThan(3);

    // A changed setting greys the plots, the legend and the config at once, and says so.
    await page.fill("#width", "64");
    expect(await page.evaluate(() => window.meanfieldDemo.stale)).toBe(true);
    expect(await page.isVisible("#stale-note")).toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.getElementById("loss-plot")!).filter)).toMatch(/grayscale/);
    expect(await page.evaluate(() => getComputedStyle(document.getElementById("config-json")!).backgroundColor)).toBe("rgb(233, 233, 233)");
    expect(serious(await axeViolations(page))).toEqual([]);

    // A second run overlays the first; copy link gives this run's exact address; the PNG is a PNG.
    await page.click("#run");
    await waitForRun(page, 60_000);
    await page.waitForTimeout(300);
    const state = await demoState(page);
    expect(state.stale).toBe(false);
    expect(state.previous?.label).toBe("previous run, N = 128");
    expect(await countColor(page, "#loss-plot", COLORS.previous)).toBeGreaterThan(50);
    await page.click("#copy-link");
    await expect.poll(async () => (await demoState(page)).link).toMatch(/\?task=bmz23&width=64&d=20&scaling=meanfield&stepSize=0\.1&batch=128&steps=400&seed=1&threads=1&loss=test&autorun$/);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-png")]);
    expect(download.suggestedFilename()).toBe("meanfield-bmz23-N64.png");
    expect(readFileSync(await download.path()).subarray(1, 4).toString()).toBe("PNG");
  }, 120_000);

  it("says when a link asks for a preset it does not have, and does not run another one", async () => {
    const { page } = browser;
    await page.goto(`${server.url}?task=foo&autorun`);
    await expect.poll(() => page.textContent("#error-query")).toMatch(/preset "foo", which this page does not have/);
    expect(await page.isVisible("#error-query")).toBe(true);
    await page.waitForTimeout(500);
    expect((await demoState(page)).status).toBe("idle");
    expect(await page.inputValue("#task")).toBe("bmz23");
    // A choice the page does not offer: said next to the link, the preset's kept, no schema words.
    await page.goto(`${server.url}?task=sphere&scaling=xx`);
    await expect.poll(() => page.textContent("#error-query")).toMatch(/scaling "xx" is not one this page offers \(meanfield or ntk\); it uses meanfield/);
    expect(await page.inputValue("#scaling")).toBe("meanfield");
    expect(await page.textContent("#error-scaling")).toBe("");
  });

  it("estimates the run time and asks before a very long run", async () => {
    const { page } = browser;
    await page.goto(server.url);
    expect(await page.textContent("#estimate")).toMatch(/^Estimated run time: (under a second|about [\d.]+ s)\.$/);
    await page.fill("#steps", "1000000000");
    expect(await page.getAttribute("#estimate", "class")).toBe("warn");
    expect(await page.textContent("#estimate")).toMatch(/^This run would take about [\d,.]+ days on this machine/);
    await page.click("#run");
    expect(await page.textContent("#run")).toBe("Run anyway");
    expect((await demoState(page)).status).toBe("idle");
    await page.fill("#steps", "");
    expect(await page.textContent("#error-steps")).toBe("steps must be a whole number from 1 to 1,000,000,000; the box is empty or not a number");
    expect(await page.textContent("#run")).toBe("Run");
  });

  it("puts Run and the plots on a phone's first screen", async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}?task=bmz23&width=64&d=10&steps=50&autorun`);
    await waitForRun(page, 60_000);
    await page.waitForTimeout(200);
    const run = await box(page, "#run");
    const plot = await box(page, "#loss-plot");
    expect(run.y + run.height).toBeLessThan(844);
    expect(plot.y + plot.height / 2).toBeLessThan(844);
    expect(await cutOptions(page)).toEqual([]);
    expect(serious(await axeViolations(page))).toEqual([]);
    await page.setViewportSize({ width: 1360, height: 900 });
  }, 60_000);
});
