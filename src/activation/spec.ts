// Activation functions as users write them, validated, and encoded for the Wasm kernels.

import { describeIssue } from "../configError.js";
import { z } from "zod";

/** Wasm kind codes; must match assembly/activation.ts. */
export const ACTIVATION_CODES = {
  polynomial: 0,
  relu: 1,
  abs: 2,
  tanh: 3,
  erf: 4,
  sigmoid: 5,
  piecewiseLinear: 6,
} as const;

export const MAX_POLYNOMIAL_DEGREE = 12;
export const MAX_BREAKPOINTS = 64;

export const namedKinds = ["relu", "abs", "tanh", "erf", "sigmoid"] as const;
/** The activations known by name (no parameters); the Wasm kernels have a code for each. */
export type NamedActivation = (typeof namedKinds)[number];

export const polynomialSchema = z.object({
  kind: z.literal("polynomial"),
  coefficients: z
    .array(z.number())
    .min(1)
    .max(MAX_POLYNOMIAL_DEGREE + 1)
    .describe("c_0, c_1, ..., c_k of sigma(t) = sum_k c_k t^k; degree k <= 12"),
}).strict();

export const piecewiseSchema = z
  .object({
    kind: z.literal("piecewiseLinear"),
    breakpoints: z
      .array(z.number())
      .min(1)
      .max(MAX_BREAKPOINTS)
      .describe("kinks b_1 < b_2 < ... < b_m"),
    slopes: z.array(z.number()).describe("m + 1 slopes: left of b_1, between kinks, right of b_m"),
    valueAtZero: z.number().default(0).describe("sigma(0)"),
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (let j = 1; j < spec.breakpoints.length; j++) {
      if (!(spec.breakpoints[j]! > spec.breakpoints[j - 1]!)) {
        ctx.addIssue({ code: "custom", path: ["breakpoints", j], message: "breakpoints must be strictly increasing" });
        return;
      }
    }
    if (spec.slopes.length !== spec.breakpoints.length + 1) {
      ctx.addIssue({
        code: "custom",
        path: ["slopes"],
        message: `expected ${spec.breakpoints.length + 1} slopes (one more than breakpoints), got ${spec.slopes.length}`,
      });
    }
  });

export const namedSchema = z.object({ kind: z.enum(namedKinds) }).strict();

const allKinds = [...namedKinds, "polynomial", "piecewiseLinear"] as const;

/** An activation: a name, or an object with `kind` and its parameters. */
export const activationSchema = z.preprocess(
  (value) => (typeof value === "string" ? { kind: value } : value),
  z.discriminatedUnion("kind", [polynomialSchema, piecewiseSchema, namedSchema], {
    error: (issue) =>
      issue.code === "invalid_union" ? `kind must be one of ${allKinds.join(", ")}` : undefined,
  }),
);

/** An activation as a user writes it (config, API): a name or a parameterized object, before defaults. */
export type ActivationSpec = z.input<typeof activationSchema>;
/** An activation after parsing, with defaults filled: what every evaluator switches on. */
export type Activation = z.output<typeof activationSchema>;

/** The Wasm form: a kind code and the canonical parameter vector of assembly/activation.ts. */
export interface EncodedActivation {
  code: number;
  params: Float64Array;
}

/** Validates an activation spec; throws an Error naming the offending field. */
export function parseActivation(spec: unknown, field = "activation"): Activation {
  const result = activationSchema.safeParse(spec);
  if (!result.success) {
    throw new RangeError(`meanfield: ${describeIssue(result.error.issues.map((issue) => ({ ...issue, path: [field, ...issue.path] })), field)}`);
  }
  return result.data;
}

/**
 * Parses and encodes in one step, so the Wasm side never sees an unchecked spec; `field` names the config field
 * in the one-line error.
 */
export function encodeActivation(spec: ActivationSpec, field = "activation"): EncodedActivation {
  const act = parseActivation(spec, field);
  switch (act.kind) {
    case "polynomial":
      return { code: ACTIVATION_CODES.polynomial, params: Float64Array.from(act.coefficients) };
    case "piecewiseLinear": {
      // sigma(z) = K + s_0 z + sum_j delta_j max(z - b_j, 0) with delta_j = s_j - s_{j-1};
      // K makes sigma(0) = valueAtZero.
      const m = act.breakpoints.length;
      const params = new Float64Array(2 + 2 * m);
      let constant = act.valueAtZero;
      for (let j = 0; j < m; j++) {
        const b = act.breakpoints[j]!;
        const delta = act.slopes[j + 1]! - act.slopes[j]!;
        params[2 + 2 * j] = b;
        params[3 + 2 * j] = delta;
        constant -= delta * Math.max(-b, 0);
      }
      params[0] = constant;
      params[1] = act.slopes[0]!;
      return { code: ACTIVATION_CODES.piecewiseLinear, params };
    }
    default:
      return { code: ACTIVATION_CODES[act.kind], params: new Float64Array(0) };
  }
}
