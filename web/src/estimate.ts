// How long a run will take, said before it starts. Online SGD costs about B · N · d multiply-adds
// per step (forward and backward), so seconds ≈ steps · B · N · d / rate. The rate starts at what
// `npm run measure:web` measured in headless Chromium on 2 cores (85 steps/s at N = 1024, d = 100,
// B = 128, about 1.1e9 per second, rounded down) and then follows this machine's finished runs.

import type { DemoSettings } from "./presets.ts";

let rate = 1e9;

/** Runs longer than this ask for a second press of Run. */
export const LONG_RUN_SECONDS = 120;

const work = (s: Pick<DemoSettings, "batch" | "width" | "d">) => s.batch * s.width * s.d;

/** Learns this machine's rate from a run that finished (short runs say little: start-up dominates). */
export function calibrate(settings: DemoSettings, steps: number, stepsPerSecond: number): void {
  if (steps * work(settings) < 1e9 || !(stepsPerSecond > 0)) return;
  rate = stepsPerSecond * work(settings);
}

/** Estimated seconds of the network's run, or NaN for settings that cannot run. */
export function estimateSeconds(s: DemoSettings): number {
  const seconds = (s.steps * work(s)) / rate;
  return Number.isFinite(seconds) ? seconds : Number.NaN;
}

/** "under a second", "about 40 s", "about 3 min", "about 26 h", "about 9 days". */
export function durationText(seconds: number): string {
  if (seconds < 1) return "under a second";
  const units: [number, string][] = [[86_400, "days"], [3600, "h"], [60, "min"], [1, "s"]];
  const [size, unit] = units.find(([size]) => seconds >= size * (size === 1 ? 1 : 2)) ?? [1, "s"];
  return `about ${Number((seconds / size).toPrecision(2)).toLocaleString("en-US")} ${unit}`;
}
