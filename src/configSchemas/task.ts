// The task block of a run's configuration (`task` in config.json): the data law and the target,
// with every parameter's range. Kept apart from src/config.ts, which re-exports it, because the
// task kinds are the longest block of the configuration and grow with every experiment.

import { z } from "zod";
import { linkSchema } from "../activation/link.js";
import { activationSchema } from "../activation/spec.js";

const dimension = z.number().int().min(1).max(100_000).describe("input dimension d");

const hermiteTerm = z.object({
  coefficient: z.number().describe("c_t"),
  degrees: z.array(z.number().int().min(0).max(12)).min(1).max(16).describe("degree in each relevant direction"),
}).strict();

/** The task of a run, one kind per data law and target; parsing fills every default. Re-exported by src/config.ts. */
export const taskSchema = z.discriminatedUnion(
  "kind",
  [
    z
      .object({
        kind: z.literal("sphereSingleIndex").describe("x ~ Unif(S^{d-1}), y = h(<q*, x>) (Mahankali et al. 2023)"),
        d: dimension.min(2),
        link: linkSchema.describe("h"),
      })
      .strict(),
    z
      .object({
        kind: z.literal("gaussianSingleIndex").describe("x ~ N(0, I_d), y = h(<q*, x>)"),
        d: dimension,
        link: linkSchema.describe("h"),
      })
      .strict(),
    z
      .object({
        kind: z.literal("gaussianMultiIndex").describe("x ~ N(0, I_d), y = sum_t c_t prod_p h_{k_tp}(<u_p, x>) (Chen, Ge 2024)"),
        d: dimension,
        terms: z.array(hermiteTerm).min(1).max(64).describe("normalized-Hermite monomials in P directions"),
        directions: z
          .enum(["coordinates", "random"])
          .default("coordinates")
          .describe("u_p = e_p (coordinates) or random orthonormal vectors"),
      })
      .strict(),
    z
      .object({
        kind: z.literal("staircase").describe("x ~ Unif({-1,1}^d), y = x1 + x1x2 + ... + x1..xK (ABAM22)"),
        d: dimension,
        degree: z.number().int().min(1).max(16).default(4).describe("K, the number of staircase terms"),
      })
      .strict(),
    z
      .object({
        kind: z.literal("teacherAbs").describe("x ~ N(0, I_d), y = sum_j a*_j |<w*_j, x>| with orthonormal w*_j (Li, Ma, Zhang 2020)"),
        d: dimension,
        width: z.number().int().min(1).max(100_000).describe("M teacher neurons (M <= d)"),
        outputs: z
          .union([z.literal("ones"), z.array(z.number()).min(1)])
          .default("ones")
          .describe("a* (nonnegative in Li, Ma, Zhang 2020)"),
      })
      .strict(),
    z
      .object({
        kind: z.literal("teacherNetwork").describe("x ~ N(0, I_d), y = sum_j a*_j g*(<w*_j, x>) with orthonormal w*_j (soft committee machine)"),
        d: dimension,
        width: z.number().int().min(1).max(100_000).describe("M teacher neurons (M <= d)"),
        activation: activationSchema.describe("g*"),
        outputs: z
          .union([z.literal("ones"), z.array(z.number()).min(1)])
          .default("ones")
          .describe("a*"),
      })
      .strict(),
    z
      .object({
        kind: z.literal("isotropicGaussians").describe("y = +-1, x | y ~ N(0, (1 + y Delta)^2 I_d) (MMN18)"),
        d: dimension,
        delta: z.number().gt(0).lt(1).describe("Delta in (0, 1)"),
      })
      .strict(),
  ],
  { error: (issue) => (issue.code === "invalid_union" ? "kind must be one of sphereSingleIndex, gaussianSingleIndex, gaussianMultiIndex, staircase, teacherAbs, teacherNetwork, isotropicGaussians" : undefined) },
);
