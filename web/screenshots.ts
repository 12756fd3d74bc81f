// Screenshots of the demo, one per preset after a run at its defaults (1440 x 900, the first
// screen), and one of a phone (390 x 844), into docs/images/demo-<preset>.png; then the README's
// demo gallery (between its demo-screenshots markers) is rewritten from the presets, so the
// images and their captions always come from the code they show.
//
//   npm run screenshots

import { readFileSync, writeFileSync } from "node:fs";
import { buildDemo, launchChromium, serveStatic, waitForRun } from "../test/browserHarness.js";
import { citationOf, TASKS, type TaskId } from "./src/presets.ts";

const IMAGES = new URL("../docs/images/", import.meta.url);
const README = new URL("../README.md", import.meta.url);
const START = "<!-- demo-screenshots:start (written by npm run screenshots) -->";
const END = "<!-- demo-screenshots:end -->";

const server = await serveStatic(await buildDemo());
const browser = await launchChromium();
const { page } = browser;
const shots: { file: string; alt: string }[] = [];
try {
  const shoot = async (task: TaskId, file: string, viewport: { width: number; height: number }) => {
    await page.setViewportSize(viewport);
    await page.goto(`${server.url}?task=${task}&autorun`);
    const state = await waitForRun(page, 600_000);
    await page.waitForFunction(() => window.meanfieldDemo.limit?.done === true || window.meanfieldDemo.limitMessage !== null, null, { timeout: 600_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: new URL(file, IMAGES).pathname });
    console.log(`docs/images/${file}: ${TASKS[task].label}, ${state.summary?.steps} steps`);
  };
  for (const [task, preset] of Object.entries(TASKS) as [TaskId, (typeof TASKS)[TaskId]][]) {
    const file = `demo-${task}.png`;
    await shoot(task, file, { width: 1440, height: 900 });
    shots.push({ file, alt: `The demo after a run of the preset "${preset.label}" (${citationOf(preset.paper).text}) at its default settings` });
  }
  await shoot("bmz23", "demo-phone.png", { width: 390, height: 844 });
} finally {
  await browser.close();
  await server.close();
}

const gallery = [
  START,
  ...shots.map((s) => `![${s.alt}](docs/images/${s.file})`),
  "",
  `On a phone (390 x 844), the preset and Run come first and the plots follow on the same screen:`,
  "",
  `<img src="docs/images/demo-phone.png" width="260" alt="The demo on a phone after a run of the BMZ23 preset: the preset, Run and the loss plot on the first screen">`,
  END,
].join("\n");
const readme = readFileSync(README, "utf8");
const from = readme.indexOf(START);
const to = readme.indexOf(END);
if (from < 0 || to < from) throw new Error(`README.md has no ${START} ... ${END} block`);
writeFileSync(README, readme.slice(0, from) + gallery + readme.slice(to + END.length));
console.log("README.md: demo gallery rewritten");
