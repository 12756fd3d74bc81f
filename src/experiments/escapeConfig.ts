// The config of one cell of the information-exponent experiment, as `meanfield escape` reads it:
// a single-index problem (d, link and activation in the package's link spec, the escape rule), one
// step size, a step cap and the seeds to run (Ben Arous, Gheissari, Jagannath 2021, arXiv 2003.10409).
// The experiment writes one per (s, d); rerun, it gives the experiment's escape steps bit for bit.

import { z } from "zod";
import { ConfigError, describeIssue } from "../configError.js";
import { linkSchema, linkToActivation } from "../activation/link.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { EscapePool } from "./escapePool.js";
import { medianInterval, type MedianInterval } from "./medianInterval.js";
import type { OverlapChainProblem } from "./overlapChain.js";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** The schema of an escape config; every field's range is stated so a bad value fails in one line naming it. */
export const escapeConfigSchema = z
  .object({
    d: z.number().int().min(4).max(1e9).describe("dimension (an integer >= 4)"),
    link: linkSchema.describe("h, the target's link (a link spec, e.g. { kind: 'hermite', coefficients: [0, 0, 0, 1] })"),
    activation: linkSchema.describe("sigma, the neuron's activation (a link spec like the link's)"),
    threshold: z.number().gt(0).lt(1).default(0.5).describe("|m| that counts as escaped, in (0, 1)"),
    hold: z.number().int().min(1).max(1e12).describe("steps |m| must stay above the threshold"),
    maxJump: z.number().gt(0).nullable().default(null).describe("a run with one step moving m by more than this does not count (null: no limit)"),
    start: z.enum(["fixed", "uniform"]).default("fixed").describe("fixed: m0 = 1/sqrt(d); uniform: m0 of a uniform start"),
    trainFirstLayer: z.boolean().default(true).describe("false only for a broken variant (w never moves)"),
    stepSize: z.number().gt(0).max(1e3).describe("eta, the step size"),
    cap: z.number().int().min(1).max(1e12).describe("steps a run may take before it counts as not escaped"),
    seeds: z.array(z.number().int().min(0).max(MAX_SAFE)).min(1).max(10_000).describe("one run per seed"),
  })
  .strict();

/** A parsed escape config. */
export type EscapeConfig = z.output<typeof escapeConfigSchema>;

/** The config from JSON input, or a ConfigError naming the first bad field and its allowed range. */
export function parseEscapeConfig(input: unknown): EscapeConfig {
  const result = escapeConfigSchema.safeParse(input);
  if (!result.success) throw new ConfigError(describeIssue(result.error.issues, "(escape config)"));
  return result.data;
}

/** The overlap chain's problem of a config: link and activation as monomials (link.ts). */
export function escapeProblem(config: EscapeConfig): OverlapChainProblem {
  const monomials = (spec: EscapeConfig["link"], field: string) => {
    const poly = linkToActivation(spec, config.d) as string | { kind: string; coefficients?: number[] };
    if (typeof poly === "string" || poly.kind !== "polynomial" || !poly.coefficients) {
      throw new ConfigError(`${field}: the overlap chain needs a polynomial (kind polynomial, hermite, He, legendre or bmz23), got ${typeof poly === "string" ? poly : poly.kind}`);
    }
    return poly.coefficients;
  };
  return {
    d: config.d,
    link: monomials(config.link, "link"),
    activation: monomials(config.activation, "activation"),
    threshold: config.threshold,
    hold: config.hold,
    maxJump: config.maxJump ?? Infinity,
    start: config.start,
    trainFirstLayer: config.trainFirstLayer,
  };
}

/** The escape steps of each seed (null: no escape within the cap, or a jump) and their median with its 95% interval (non-escapes as +Infinity). */
export async function runEscapeConfig(runtime: WasmRuntime, config: EscapeConfig, threads: number): Promise<{ steps: (number | null)[]; median: MedianInterval }> {
  const pool = new EscapePool(runtime, threads);
  try {
    const steps = await pool.run(escapeProblem(config), config.seeds.map((seed) => ({ seed, eta: config.stepSize, cap: config.cap })));
    return { steps, median: medianInterval(steps.map((t) => t ?? Infinity)) };
  } finally {
    await pool.close();
  }
}
