// `meanfield pde <config>`: the config's mean-field limit, whichever solver its symmetry allows —
// the 1-D finite-volume PDEs (sphere single-index, isotropic Gaussians) or the reduced-coordinate
// particles (Gaussian single/multi-index, hypercube staircase) — written as DIR/pde.ndjson and
// DIR/summary.json. The same dispatch is the library's `solvePde(config)`.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.js";
import { solvePde, type PdeSolution } from "./solvePde.js";

/** Solves the config's limit (solvePde), writes DIR/pde.ndjson and DIR/summary.json, and returns the lines to print (warnings included) and the summary. */
export async function solveLimit(config: Config, dir: string, options: { cells?: number } = {}): Promise<{ text: string; json: unknown }> {
  const solution: PdeSolution = await solvePde(config, options);
  writeFileSync(join(dir, "pde.ndjson"), solution.records.map((r) => `${JSON.stringify(r)}\n`).join(""));
  writeFileSync(join(dir, "summary.json"), `${JSON.stringify(solution.summary, null, 2)}\n`);
  const last = solution.records[solution.records.length - 1] as { time: number; loss: number };
  const lines = solution.records.map((r) => {
    const rec = r as { time: number; loss: number };
    return `t ${rec.time.toPrecision(4).padStart(9)}  loss ${rec.loss.toExponential(4)}`;
  });
  for (const warning of solution.warnings) lines.push(`warning: ${warning}`);
  lines.push(`${solution.kind} limit: loss ${last.loss.toExponential(4)} at t = ${last.time}; outputs in ${dir}`);
  return { text: lines.join("\n"), json: solution.summary };
}
