// What the browser end-to-end test and web/measure.ts share: building the demo, serving it from
// 127.0.0.1, driving Debian's Chromium through playwright-core, and running the demo's form.

import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { build } from "vite";
import type { DemoState } from "../web/src/main.ts";
import type { DemoSettings } from "../web/src/presets.ts";

/** Debian's Chromium, used when installed (`.ci/run` installs it). */
export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/**
 * The Chromium the browser tests drive: `MEANFIELD_CHROMIUM` when set (a path), else Debian's when
 * installed, else the headless build shipped inside the npm package @sparticuz/chromium (a bare
 * machine with only Node gets a browser from `npm ci`, unpacked into the temp directory).
 */
export async function chromiumExecutable(): Promise<{ path: string; source: string }> {
  const override = process.env.MEANFIELD_CHROMIUM;
  if (override) {
    if (!existsSync(override)) throw new Error(`MEANFIELD_CHROMIUM=${override}: no such file`);
    return { path: override, source: "MEANFIELD_CHROMIUM" };
  }
  if (existsSync(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM, source: "Debian" };
  const { default: packaged } = await import("@sparticuz/chromium");
  return { path: await packaged.executablePath(), source: "@sparticuz/chromium" };
}
export const WEB_ROOT = fileURLToPath(new URL("../web/", import.meta.url));
export const WEB_DIST = join(WEB_ROOT, "dist");

/** Builds the demo into web/dist (the same as `npm run build:web`, without the type check). */
export async function buildDemo(): Promise<string> {
  await build({ configFile: join(WEB_ROOT, "vite.config.ts"), logLevel: "warn" });
  return WEB_DIST;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Serves a directory on 127.0.0.1 at a free port, cross-origin isolated (as `npm run web` does) so threads can share memory. */
export async function serveStatic(root: string): Promise<StaticServer> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
    if (!file.startsWith(normalize(root + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

export interface Chromium {
  context: BrowserContext;
  page: Page;
  /** What the page printed to its console and any uncaught errors, for failure messages. */
  log: string[];
  /** Which Chromium runs: its source and its version, e.g. "Debian, HeadlessChrome/156.0.8078.114". */
  engine: string;
  close(): Promise<void>;
}

/** Headless Chromium (see chromiumExecutable) with a fresh profile and no background traffic. */
export async function launchChromium(): Promise<Chromium> {
  const executable = await chromiumExecutable();
  const profile = mkdtempSync(join(tmpdir(), "meanfield-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: executable.path,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-default-apps",
      "--no-first-run",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const log: string[] = [];
  page.on("console", (m) => log.push(`console.${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
  const userAgent = await page.evaluate(() => navigator.userAgent);
  const engine = `${executable.source}, ${/HeadlessChrome\/[\d.]+|Chrome\/[\d.]+/.exec(userAgent)?.[0] ?? userAgent}`;
  return {
    context,
    page,
    log,
    engine,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Fills the form field by field, as a visitor would (the task first: it resets the others to its defaults). */
export async function fillSettings(page: Page, settings: Partial<DemoSettings>): Promise<void> {
  if (settings.task) await page.selectOption("#task", settings.task);
  for (const [field, value] of Object.entries(settings)) {
    if (field === "task") continue;
    if (field === "scaling" || field === "loss") await page.selectOption(`#${field}`, String(value));
    else await page.fill(`#${field}`, String(value));
  }
}

export const demoState = (page: Page): Promise<DemoState> => page.evaluate(() => window.meanfieldDemo);

/** Waits until the run has finished (or failed, which throws with the page's message). */
export async function waitForRun(page: Page, timeoutMs: number): Promise<DemoState> {
  await page.waitForFunction(() => !["running", "paused"].includes(window.meanfieldDemo.status), null, { timeout: timeoutMs, polling: 100 });
  const state = await demoState(page);
  if (state.status !== "done") throw new Error(`the demo ended with status ${state.status}: ${state.error}`);
  return state;
}

/** Opens the demo, fills the form, presses Run and waits for the end of the run. */
export async function runDemo(page: Page, url: string, settings: Partial<DemoSettings>, timeoutMs: number): Promise<DemoState> {
  await page.goto(url);
  await fillSettings(page, settings);
  await page.click("#run");
  return waitForRun(page, timeoutMs);
}

/** Pixels of a canvas within a small distance of an RGB colour. */
export function countColor(page: Page, selector: string, hex: string): Promise<number> {
  return page.evaluate(
    ([sel, color]) => {
      const canvas = document.querySelector(sel) as HTMLCanvasElement;
      const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      const target = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
      let count = 0;
      for (let p = 0; p < data.length; p += 4) {
        if (Math.abs(data[p]! - target[0]!) + Math.abs(data[p + 1]! - target[1]!) + Math.abs(data[p + 2]! - target[2]!) < 30) count++;
      }
      return count;
    },
    [selector, hex] as const,
  );
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/** axe-core's violations on the page as it is now (every rule axe runs by default: WCAG 2 A and AA and best practice). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: source });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, options: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
  });
}
