// `meanfield kernel <config>`: a kernel baseline on the config's task, or with --sweep-n the
// test loss against n of the trained network and each kernel on the same draws of data.

import { freemem, totalmem } from "node:os";
import type { Command } from "commander";
import type { Config } from "../config.js";
import { ConfigError } from "../configError.js";
import type { BaselineKind, KernelBaselineOptions, KernelBaselineResult } from "../kernels/kernelRidge.js";
import type { SweepRow } from "../sweep/sampleSweep.js";
import type { DegreeFractions } from "../kernels/targetFractions.js";
import { firstNonFinite } from "../run/nonFinite.js";
import { EXIT, badInput, exitWith } from "./exitCodes.js";

interface KernelCliOptions {
  n?: number;
  test?: number;
  kernel: string;
  method: string;
  degree?: number;
  width?: number;
  ridge?: number;
  tolerance?: number;
  sweepN?: string | boolean;
  kernels: string;
  network: boolean;
  json?: boolean;
}

const KINDS = ["nngp", "ntk", "rf"];

function parseKinds(list: string): BaselineKind[] {
  const kinds = list.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  for (const k of kinds) if (!KINDS.includes(k)) throw new ConfigError(`--kernels: expected a comma-separated list of nngp, ntk, rf, got ${k}`);
  return kinds as BaselineKind[];
}

function parseGrid(spec: string | boolean, logGrid: (min: number, max: number, points: number) => number[]): number[] {
  if (spec === true) return logGrid(100, 10_000, 6);
  const parts = String(spec).split(":").map(Number);
  if (parts.length !== 3 || parts.some((v) => !Number.isFinite(v))) {
    throw new ConfigError(`--sweep-n: expected min:max:points (e.g. 100:10000:6), got ${String(spec)}`);
  }
  return logGrid(parts[0]!, parts[1]!, parts[2]!);
}

function formatFractions(fractions: DegreeFractions | null, degrees: number[]): string[] {
  return degrees.map((k) => {
    const v = fractions?.[k];
    return v === null || v === undefined ? "-" : v.toFixed(3);
  });
}

/** Degrees where a single-index target has a part, from a result's fractions. */
function targetDegrees(fractions: DegreeFractions | null): number[] {
  if (!fractions) return [];
  return fractions.flatMap((v, k) => (v === null ? [] : [k]));
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((s, c) => (c === 0 ? s.padStart(widths[c]!) : s.padEnd(widths[c]!))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n") + "\n";
}

function describeSingle(r: KernelBaselineResult): string {
  const lines = [
    `${r.kernel} ${r.method}, n = ${r.n}, ridge ${r.ridge.toExponential(2)}: test loss ${r.testLoss.toExponential(4)} +- ${r.testLossSE.toExponential(2)} (m = ${r.m}, ${r.seconds.toFixed(2)} s)`,
  ];
  if (r.labelNoise > 0) lines.push(`  training labels with noise Unif[-${r.labelNoise}, ${r.labelNoise}] (data.labelNoise); test loss against the clean target`);
  if (r.ridgeSelection) {
    const { trials, fitSamples, validationSamples } = r.ridgeSelection;
    lines.push(`  ridge chosen on ${validationSamples} held-out samples (fits on ${fitSamples}), then refitted on all n:`);
    for (const t of trials) lines.push(`    ${t.ridge.toExponential(2)}: validation loss ${t.validationLoss.toExponential(4)}${t.ridge === r.ridge ? "  (chosen)" : ""}`);
  }
  if (r.degree !== null) lines.push(`  degree K = ${r.degree}, ${r.features} features, truncation bound ${r.truncationBound!.toExponential(2)}`);
  else if (r.features !== null) lines.push(`  width M = ${r.features}`);
  if (r.iterations !== null) {
    lines.push(`  CG: ${r.iterations} iterations, relative residual ${r.relativeResidual!.toExponential(2)}, preconditioner degree ${r.preconditionerDegree ?? "none"}`);
  }
  if (r.degreeFractions && r.targetEnergy) {
    lines.push("  target degree k: energy, fraction learned");
    for (const k of targetDegrees(r.degreeFractions)) {
      const se = r.degreeFractionsSE?.[k];
      lines.push(`    k = ${k}: ${r.targetEnergy[k]!.toExponential(3)}, ${r.degreeFractions[k]!.toFixed(4)}${se != null ? ` +- ${se.toFixed(4)}` : ""}`);
    }
  }
  return lines.join("\n") + "\n";
}

function sweepTable(rows: SweepRow[]): string {
  const degrees = targetDegrees(rows.find((r) => r.degreeFractions)?.degreeFractions ?? null);
  const header = ["n", "model", "method", "test loss", "SE", ...degrees.map((k) => `deg ${k}`), "seconds"];
  const cells = rows.map((r) => [
    String(r.n),
    r.model,
    r.method,
    r.testLoss.toExponential(3),
    r.testLossSE.toExponential(1),
    ...formatFractions(r.degreeFractions, degrees),
    r.seconds.toFixed(1),
  ]);
  return table(header, cells);
}

/** One progress line on stderr, once the fit has run for a second. */
export function progressLine(started: number, stage: string, write: (line: string) => void = (l) => process.stderr.write(l)): void {
  const seconds = (performance.now() - started) / 1000;
  if (seconds >= 1) write(`  ${seconds.toFixed(1)} s: ${stage}\n`);
}

/** A fit that is not finite is a failed fit: exit 3 naming the number, instead of printing Infinity or NaN. */
function refuseNonFinite(result: unknown, what: string): void {
  const bad = firstNonFinite(result);
  if (!bad) return;
  exitWith("kernel", `the ${what}'s ${bad.path} is ${bad.value}; the kernel system is too ill-conditioned or the data too extreme for this solver (raise --ridge or change --method)`, EXIT.diverged);
}

/**
 * Adds `meanfield kernel`: a kernel baseline (NNGP, NTK or random features) on the config's own
 * task and draws, so its test loss compares with the trained network's; exit 3 when a fit is not finite.
 */
export function registerKernelCommand(program: Command): void {
  program
    .command("kernel")
    .argument("<config>", "a run config: its task and model define the data, the kernels and the network")
    .description("fit a kernel baseline (NNGP, NTK or random features) and report its test loss and the target's degrees it learns")
    .option("--n <int>", "training samples (default the config's training set, else 1000)", Number)
    .option("--test <int>", "test samples (default metrics.testSamples)", Number)
    .option("--kernel <kind>", "nngp, ntk or rf (random features)", "nngp")
    .option("--method <method>", "auto, cholesky, cg or features", "auto")
    .option("--degree <int>", "truncation degree K of the feature solver", Number)
    .option("--width <int>", "random features: width M (default model.width)", Number)
    .option("--ridge <number>", "lambda in (K + lambda n I) alpha = y (default: the config's kernel.ridges chosen on held-out samples, else 1e-6 E K(x,x))", Number)
    .option("--tolerance <number>", "CG: relative residual (default 1e-10)", Number)
    .option("--sweep-n [min:max:points]", "test loss vs n on a log grid for the network and each kernel (default 100:10000:6)")
    .option("--kernels <list>", "kernels of the sweep", "nngp,ntk,rf")
    .option("--no-network", "sweep: skip training the network")
    .option("--json", "print the result as JSON")
    .action(async (configPath: string, opts: KernelCliOptions) => {
      try {
        const [{ parseConfig }, { readJsonFile }, { kernelBaseline }, { logGrid, sampleComplexitySweep }] = await Promise.all([
          import("../config.js"),
          import("../run/runFiles.js"),
          import("../kernels/kernelRidge.js"),
          import("../sweep/sampleSweep.js"),
        ]);
        const config: Config = parseConfig(readJsonFile(configPath));
        const started = performance.now();
        const options: KernelBaselineOptions = {
          // A stage beginning after the first second is shown, so long solves report where they are and short ones stay quiet.
          ...(opts.json ? {} : { onStage: (stage: string) => progressLine(started, stage) }),
          method: opts.method as KernelBaselineOptions["method"],
          // Leave room for the rest of the process: the solver may use most of the free memory.
          memoryBytes: Math.max(freemem(), totalmem() / 2),
          ...(opts.test !== undefined ? { m: opts.test } : {}),
          ...(opts.degree !== undefined ? { degree: opts.degree } : {}),
          ...(opts.width !== undefined ? { width: opts.width } : {}),
          ...(opts.ridge !== undefined ? { ridge: opts.ridge } : {}),
          ...(opts.tolerance !== undefined ? { tolerance: opts.tolerance } : {}),
        };
        if (opts.sweepN !== undefined) {
          const ns = parseGrid(opts.sweepN, logGrid);
          const kernels = parseKinds(opts.kernels);
          if (!opts.json) process.stderr.write(`sweep over n = ${ns.join(", ")}\n`);
          const rows = await sampleComplexitySweep(config, {
            ...options,
            ns,
            kernels,
            network: opts.network,
            onRow: (r) => {
              if (!opts.json) process.stderr.write(`  n = ${r.n} ${r.model}: ${r.testLoss.toExponential(3)} (${r.seconds.toFixed(1)} s)\n`);
            },
          });
          refuseNonFinite(rows, "sweep");
          process.stdout.write(opts.json ? `${JSON.stringify({ sweep: rows })}\n` : sweepTable(rows));
          return;
        }
        const result = await kernelBaseline(config, { ...options, kernel: opts.kernel as BaselineKind, ...(opts.n !== undefined ? { n: opts.n } : {}) });
        refuseNonFinite(result, "fit");
        process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : describeSingle(result));
      } catch (err) {
        if (err instanceof ConfigError) badInput("kernel", err.message);
        throw err;
      }
    });
}
