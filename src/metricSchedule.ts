// The steps at which metrics are logged: always 0 and the last step, plus every k steps or
// `points` log-spaced steps (the papers plot on log time axes).

import type { MetricsConfig } from "./config.js";
import { exp, log } from "./special/portableMath.js";

/**
 * The sorted steps at which metrics are logged: 0 and the last step always, plus every k steps or
 * `points` steps log-spaced over [1, total] (rounded, duplicates merged), since the papers plot on log time.
 */
export function metricSteps(schedule: MetricsConfig["schedule"], total: number): number[] {
  const steps = new Set<number>([0, total]);
  if (schedule.kind === "every") {
    for (let s = schedule.steps; s < total; s += schedule.steps) steps.add(s);
  } else if (total > 1) {
    const m = schedule.points;
    for (let j = 0; j < m; j++) steps.add(Math.round(exp((log(total) * j) / (m - 1))));
  }
  return [...steps].filter((s) => s <= total).sort((a, b) => a - b);
}
