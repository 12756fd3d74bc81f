// A sweep file, `meanfield sweep <sweep.json>`: a base run config, axes that change fields of it
// (named by dotted paths), the seeds every grid point is run with and the methods (the network
// itself, or kernel ridge baselines on the same task). Only the shape is checked here; each
// resolved run config is checked by the run schema when the grid is expanded.

import { z } from "zod";
import { ConfigError, describeIssue } from "../config.js";
import { SWEEP_METRICS } from "./sweepMetrics.js";
import { pow } from "../special/portableMath.js";

const path = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*|\.\d+)*$/, "a dotted config path like algorithm.samples or model.init.firstLayer.kappa")
  .refine((p) => p !== "seed", "seeds are set by the sweep's seeds field, not an axis")
  .describe("the config field the axis sets");

const scalar = z.union([z.number(), z.string(), z.boolean()]);

const range = z
  .object({
    from: z.number().describe("first value"),
    to: z.number().describe("last value"),
    points: z.number().int().min(2).max(10_000).describe("number of values, ends included"),
  })
  .strict();

export const axisSchema = z.union([
  z
    .object({
      path,
      values: z.array(z.union([scalar, z.record(z.string(), z.unknown()), z.array(z.unknown())])).min(1).max(10_000).describe("the values, in order"),
    })
    .strict(),
  z
    .object({
      path,
      log: range.refine((r) => r.from > 0 && r.to > 0, "a log range needs from > 0 and to > 0").describe("geometric grid from..to"),
      integer: z.boolean().default(false).describe("round to integers, dropping repeats (sample sizes, widths)"),
    })
    .strict(),
  z
    .object({
      path,
      linear: range.describe("evenly spaced grid from..to"),
      integer: z.boolean().default(false).describe("round to integers, dropping repeats"),
    })
    .strict(),
]);

export const METHODS = ["network", "nngp", "ntk"] as const;
/** What a sweep run computes: the trained network, or a kernel ridge baseline (NNGP, NTK) on the same task. */
export type SweepMethod = (typeof METHODS)[number];

export const sweepSpecSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, "letters, digits, '.', '_' and '-' only")
      .max(100)
      .default("sweep"),
    description: z.string().max(2000).optional(),
    base: z.record(z.string(), z.unknown()).describe("a run config (as for meanfield run) every point starts from"),
    axes: z.array(axisSchema).max(8).default([]).describe("the grid is the product of the axes, first axis outermost"),
    seeds: z
      .union([
        z.array(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)).min(1).max(10_000),
        z.object({ count: z.number().int().min(1).max(10_000), start: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER - 10_000).default(0) }).strict(),
      ])
      .default({ count: 1, start: 0 })
      .describe("config.seed of the runs at each point: a list, or count consecutive seeds from start"),
    methods: z
      .array(z.enum(METHODS))
      .min(1)
      .default(["network"])
      .describe("network: train the config; nngp / ntk: kernel ridge with that infinite-width kernel on the same task and n"),
    metrics: z
      .array(z.string().refine((m) => SWEEP_METRICS.includes(m), { error: (issue) => `unknown metric "${String(issue.input)}"; one of ${SWEEP_METRICS.join(", ")}` }))
      .min(1)
      .max(32)
      .default(["testLoss"])
      .describe("final-record metrics aggregated per point"),
  })
  .strict();

/** A sweep file as written (defaults not yet filled in). */
export type SweepSpecInput = z.input<typeof sweepSpecSchema>;
/** A parsed sweep file, defaults filled in. */
export type SweepSpec = z.output<typeof sweepSpecSchema>;
/** One axis: a dotted config path and its values (listed, or a linear or geometric grid). */
export type SweepAxis = SweepSpec["axes"][number];

/** Parses a sweep file; throws ConfigError with one line naming the field. */
export function parseSweepSpec(input: unknown): SweepSpec {
  const result = sweepSpecSchema.safeParse(input);
  if (!result.success) throw new ConfigError(`sweep ${describeIssue(result.error.issues, "(sweep)")}`);
  const spec = result.data;
  const seen = new Set<string>();
  for (const [i, axis] of spec.axes.entries()) {
    if (seen.has(axis.path)) throw new ConfigError(`sweep axes[${i}].path: ${axis.path} is already an axis`);
    seen.add(axis.path);
  }
  if (new Set(spec.methods).size !== spec.methods.length) throw new ConfigError(`sweep methods: each method at most once`);
  return spec;
}

/** The values of an axis, in order. */
export function axisValues(axis: SweepAxis): unknown[] {
  if ("values" in axis) return axis.values;
  const { from, to, points } = "log" in axis ? axis.log : axis.linear;
  const raw = Array.from({ length: points }, (_, k) => {
    if (k === points - 1) return to;
    const s = k / (points - 1);
    return "log" in axis ? from * pow(to / from, s) : from + (to - from) * s;
  });
  if (!axis.integer) return raw;
  return [...new Set(raw.map((v) => Math.round(v)))];
}
