// Steps per second of the demo page in headless Chromium for online SGD at N = 1024, d = 100,
// B = 128 (BMZ23 task, ReLU, test loss on 1000 samples at 40 log-spaced steps, as the page runs
// it), against the same config through simulate() in Node, in one process. Writes
// bench/results/browser.json. (Screenshots of the page: npm run screenshots, web/screenshots.ts.)
//
//   npm run measure:web [-- --steps 1000 --rounds 3 --threads 1]

import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { simulate } from "../dist/index.js";
import { buildDemo, launchChromium, runDemo, serveStatic } from "../test/browserHarness.js";
import { configOf, defaultSettings, type DemoSettings } from "./src/presets.ts";

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "1000" },
    rounds: { type: "string", default: "3" },
    threads: { type: "string", default: "1" },
  },
});
const steps = Number(values.steps);
const rounds = Number(values.rounds);
const settings: DemoSettings = { ...defaultSettings("bmz23"), width: 1024, d: 100, batch: 128, steps, threads: Number(values.threads) };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const server = await serveStatic(await buildDemo());
const browser = await launchChromium();
try {
  const browserRates: number[] = [];
  const nodeRates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const state = await runDemo(browser.page, server.url, settings, 600_000);
    browserRates.push(state.summary!.stepsPerSecond);
    nodeRates.push((await simulate(configOf(settings))).summary.stepsPerSecond);
    console.log(`round ${round + 1}: Chromium ${browserRates[round]!.toFixed(1)} steps/s, Node ${nodeRates[round]!.toFixed(1)} steps/s`);
  }
  const result = {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    browser: browser.context.browser()?.version() ?? (await browser.page.evaluate(() => navigator.userAgent)),
    node: process.version,
    method: `median of ${rounds} rounds; steps/s = steps / wall time of simulate() in the page's worker (metrics included), same config in Node`,
    settings,
    chromiumStepsPerSecond: median(browserRates),
    nodeStepsPerSecond: median(nodeRates),
    chromiumOverNode: median(browserRates) / median(nodeRates),
    rounds: { chromium: browserRates, node: nodeRates },
  };
  const file = settings.threads > 1 ? `browser-threads${settings.threads}.json` : "browser.json";
  writeFileSync(new URL(`../bench/results/${file}`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `N = 1024, d = 100, B = 128 online SGD, ${settings.threads} thread(s): ${result.chromiumStepsPerSecond.toFixed(1)} steps/s in Chromium, ` +
      `${result.nodeStepsPerSecond.toFixed(1)} in Node (ratio ${result.chromiumOverNode.toFixed(2)})`,
  );
} finally {
  await browser.close();
  await server.close();
}
