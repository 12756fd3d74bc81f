// What `meanfield run` shows while it works: a progress bar on a terminal, one line per metric
// record otherwise (logs, CI), nothing with --json.

import { SingleBar, Presets } from "cli-progress";
import type { MetricRecord } from "./simulate.js";

function describe(record: MetricRecord): string {
  const parts = [`step ${record.step}`, `t ${record.time.toPrecision(4)}`];
  for (const [key, value] of Object.entries(record)) {
    if (key === "step" || key === "time" || typeof value !== "number") continue;
    parts.push(`${key} ${value.toPrecision(4)}`);
  }
  return parts.join("  ");
}

/**
 * What `meanfield run` shows while it works: a bar on a terminal (stderr), one line per metric record
 * otherwise (logs, CI), nothing when disabled (--json keeps stdout machine-readable).
 */
export class RunProgress {
  private bar: SingleBar | null = null;
  private readonly tty: boolean;

  constructor(private readonly enabled: boolean) {
    this.tty = enabled && Boolean(process.stderr.isTTY);
  }

  readonly update = (step: number, total: number): void => {
    if (!this.tty) return;
    if (!this.bar) {
      this.bar = new SingleBar({ format: "{bar} {percentage}% | step {value}/{total} | eta {eta_formatted}", stream: process.stderr }, Presets.shades_classic);
      this.bar.start(total, step);
    }
    this.bar.update(step);
  };

  readonly record = (record: MetricRecord): void => {
    if (this.enabled && !this.tty) process.stdout.write(`${describe(record)}\n`);
  };

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
