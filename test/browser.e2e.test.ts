// The demo page in Debian's headless Chromium: the bundle names no Node built-in; a 300-step run
// driven through the form trains (the loss falls, the plots are drawn), its records and those of
// the mean-field limit drawn beside it equal Node's bit for bit (src/ uses no engine-rounded
// Math: test/deterministicMath.test.ts) and its config.json and metrics.ndjson downloads are the bytes
// `meanfield run` writes; Reset clears it and restores the preset's defaults; a diverging run stops with the library's message; NTK
// scaling runs without a limit; the query string sets the form; schema errors appear next to
// their fields; a paused run resumes to the same records. The browser is Debian's Chromium when
// installed (.ci/run installs it), else the one npm ci brings (@sparticuz/chromium): never a skip.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { init, parse } from "es-module-lexer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The page bundles the built package (web/vite.config.ts), so Node runs the built package too.
import { simulate, type ConfigInput, type MetricRecord } from "../dist/index.js";
import { runToDirectory } from "../dist/node.js";
import { solveDemoLimit } from "../web/src/limit.ts";
import { COLORS } from "../web/src/plots.ts";
import type { LimitRecord } from "../web/src/protocol.ts";
import {
  buildDemo,
  countColor,
  demoState,
  fillSettings,
  launchChromium,
  runDemo,
  serveStatic,
  waitForRun,
  type Chromium,
  type StaticServer,
} from "./browserHarness.js";

/** Every number replaced by the hex of its IEEE-754 bits, so equality is bit for bit (and -0 !== 0). */
function bits(value: unknown): unknown {
  if (typeof value === "number") {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value);
    return view.getBigUint64(0).toString(16);
  }
  if (Array.isArray(value)) return value.map(bits);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bits(v)]));
  return value;
}

async function nodeRecords(config: ConfigInput): Promise<MetricRecord[]> {
  return (await simulate(config)).records;
}

/** The limit the page's worker solves (web/src/limit.ts), solved in Node. */
async function nodeLimit(config: ConfigInput): Promise<{ kind: string; records: LimitRecord[] }> {
  const out = { kind: "", records: [] as LimitRecord[] };
  await solveDemoLimit(config, (kind, records) => {
    out.kind = kind;
    out.records.push(...records);
  });
  return out;
}

describe("the demo page in Chromium", () => {
  let dist: string;
  let server: StaticServer;
  let browser: Chromium;

  beforeAll(async () => {
    browser = await launchChromium();
    console.log(`browser tests drive ${browser.engine}`);
    dist = await buildDemo();
    server = await serveStatic(dist);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("bundles no Node built-in on the browser path", async () => {
    await init;
    const assets = join(dist, "assets");
    const scripts = readdirSync(assets).filter((f) => f.endsWith(".js"));
    expect(scripts.some((f) => f.startsWith("worker"))).toBe(true);
    for (const file of scripts) {
      const source = readFileSync(join(assets, file), "utf8");
      const [imports] = parse(source);
      const builtins = imports.map((i) => i.n).filter((n) => n !== undefined && (n.startsWith("node:") || n.includes("__vite-browser-external")));
      expect(builtins, file).toEqual([]);
    }
    expect(readdirSync(assets).some((f) => /^meanfield-.*\.wasm$/.test(f))).toBe(true);
  });

  it("runs 300 steps: the loss falls, the plots are drawn, the records and the limit's equal Node's bit for bit and the downloads are meanfield run's files", async () => {
    const { page, log } = browser;
    const state = await runDemo(page, server.url, { task: "bmz23", width: 256, d: 30, steps: 300, seed: 7 }, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${log.join("\n")}`);
    });
    expect(state.summary?.steps).toBe(300);
    expect(state.build).not.toBe("scalar");
    const losses = state.records.map((r) => r.testLoss as number);
    expect(state.records.length).toBeGreaterThan(20);
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
    expect(await countColor(page, "#loss-plot", COLORS.network)).toBeGreaterThan(200);
    expect(await countColor(page, "#components-plot", COLORS.network)).toBeGreaterThan(200);
    await page.waitForFunction(() => window.meanfieldDemo.limit?.done === true, null, { timeout: 30_000 });
    await page.waitForTimeout(200);
    expect(await countColor(page, "#histogram-plot", COLORS.limit)).toBeGreaterThan(100);
    const limit = (await demoState(page)).limit!;
    expect(limit.kind).toMatch(/^reduced particles/);
    expect(bits(limit.records)).toEqual(bits((await nodeLimit(state.config!)).records));
    const out = mkdtempSync(join(tmpdir(), "meanfield-e2e-"));
    const node = await runToDirectory(state.config, { out });
    expect(bits(state.records)).toEqual(bits(node.records));
    // What the page offers for download is byte for byte what `meanfield run` writes.
    for (const file of ["config.json", "metrics.ndjson"]) {
      const [download] = await Promise.all([page.waitForEvent("download"), page.click(`#download-${file.split(".")[0]}`)]);
      expect(download.suggestedFilename()).toBe(file);
      expect(readFileSync(await download.path(), "utf8"), file).toBe(readFileSync(join(out, file), "utf8"));
    }
    rmSync(out, { recursive: true, force: true });
    await page.click("#reset");
    const cleared = await demoState(page);
    expect([cleared.status, cleared.records.length, cleared.config]).toEqual(["idle", 0, null]);
    // Reset restores the preset's defaults, not the last values typed.
    expect([await page.inputValue("#width"), await page.inputValue("#d"), await page.inputValue("#seed")]).toEqual(["512", "50", "1"]);
  }, 120_000);

  it("splits a run over 2 Web Workers sharing Wasm memory, with the records of one thread in Node", async () => {
    const { page, log } = browser;
    const state = await runDemo(page, server.url, { task: "bmz23", width: 256, d: 30, steps: 100, seed: 3, threads: 2 }, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${log.join("\n")}`);
    });
    expect(state.build).toMatch(/, 2 threads$/);
    expect(bits(state.records)).toEqual(bits(await nodeRecords({ ...state.config!, threads: 1 })));
  }, 60_000);

  it("runs NTK scaling without a mean-field limit and says why", async () => {
    const { page } = browser;
    const state = await runDemo(page, server.url, { task: "bmz23", width: 64, d: 10, steps: 20, scaling: "ntk" }, 60_000);
    expect(state.records.length).toBeGreaterThan(5);
    await page.waitForFunction(() => window.meanfieldDemo.limitMessage !== null, null, { timeout: 30_000 });
    expect(await page.textContent("#limit-status")).toMatch(/^no mean-field limit drawn: model\.scaling: .*NTK/);
  }, 60_000);

  it("stops a diverging run with the library's message and keeps its records", async () => {
    const { page } = browser;
    await page.goto(`${server.url}?task=bmz23&width=64&d=10&steps=50&stepSize=1000&autorun`);
    await page.waitForFunction(() => window.meanfieldDemo.status === "diverged", null, { timeout: 30_000 });
    const state = await demoState(page);
    expect(state.records.length).toBeGreaterThan(0);
    expect(await page.textContent("#status")).toMatch(/^diverged: (the loss exploded|metric \w+ is \S+ at step [1-9]\d*).*lower algorithm\.stepSize/);
    expect(await page.isDisabled("#run")).toBe(false);
  });

  it("takes its settings from the query string, runs with autorun, and keeps a run's settings in the address bar", async () => {
    const { page } = browser;
    await page.goto(`${server.url}?task=sphere&width=100&d=12&steps=30&stepSize=2&autorun`);
    const state = await waitForRun(page, 60_000);
    expect(state.settings).toMatchObject({ task: "sphere", width: 100, d: 12, steps: 30, stepSize: 2, batch: 256 });
    expect(state.records.at(-1)!.step).toBe(30);
    const query = new URLSearchParams(new URL(page.url()).search);
    expect([query.get("task"), query.get("width"), query.get("loss")]).toEqual(["sphere", "100", "population"]);
    await page.goto(`${server.url}?width=-5`);
    await expect.poll(() => page.textContent("#error-width")).toBe("width N must be a whole number from 1 to 1,000,000; got -5");
    expect(await page.isDisabled("#run")).toBe(true);
  }, 60_000);

  it("shows a schema error next to the field and keeps Run disabled until it is fixed", async () => {
    const { page } = browser;
    await page.goto(server.url);
    await fillSettings(page, { width: 0 });
    await expect.poll(() => page.textContent("#error-width")).toBe("width N must be a whole number from 1 to 1,000,000; got 0");
    expect(await page.getAttribute("#width", "aria-describedby")).toContain("error-width");
    expect(await page.getAttribute("#width", "aria-invalid")).toBe("true");
    expect(await page.isDisabled("#run")).toBe(true);
    await fillSettings(page, { width: 64, stepSize: -1 });
    expect(await page.textContent("#error-width")).toBe("");
    await expect.poll(() => page.textContent("#error-stepSize")).toBe("step size h must be a number above 0 and at most 1,000,000; got -1");
    await fillSettings(page, { stepSize: 0.05 });
    expect(await page.isDisabled("#run")).toBe(false);
    // The cross-field checks of parseConfig too: the staircase has no exact population loss.
    await fillSettings(page, { task: "staircase", loss: "population" });
    await expect.poll(() => page.textContent("#error-loss")).toMatch(/^loss: .*no exact population loss/);
    expect(await page.isDisabled("#run")).toBe(true);
  });

  it("pauses and resumes a sphere run, whose histogram is drawn against the PDE density, with Node's records and PDE solution", async () => {
    const { page } = browser;
    await page.goto(server.url);
    await fillSettings(page, { task: "sphere", width: 128, d: 16, steps: 400, stepSize: 5 });
    // Pause in the same task as Run: the worker takes it at its first yield (after ~30 ms of steps),
    // long before the 400th step, however fast or loaded the machine.
    await page.evaluate(() => {
      document.getElementById("run")!.click();
      document.getElementById("pause")!.click();
    });
    await page.waitForFunction(() => window.meanfieldDemo.step > 0, null, { timeout: 30_000, polling: 20 });
    await page.waitForTimeout(200);
    const pausedAt = (await demoState(page)).step;
    await page.waitForTimeout(300);
    const later = await demoState(page);
    expect(later.status).toBe("paused");
    expect(later.step).toBe(pausedAt);
    expect(pausedAt).toBeLessThan(400);
    await page.click("#pause");
    const state = await waitForRun(page, 60_000);
    await page.waitForFunction(() => window.meanfieldDemo.limit?.done === true, null, { timeout: 30_000 });
    await page.waitForTimeout(200);
    expect(await countColor(page, "#histogram-plot", COLORS.limit)).toBeGreaterThan(100);
    expect(bits(state.records)).toEqual(bits(await nodeRecords(state.config!)));
    const limit = (await demoState(page)).limit!;
    expect(limit.kind).toMatch(/^sphere PDE/);
    expect(bits(limit.records)).toEqual(bits((await nodeLimit(state.config!)).records));
  }, 120_000);
});
