// The configuration of a run, `meanfield run <config.json>`: one zod schema with defaults, units
// and ranges. Parsing fills every default, so the resolved config (written to config.json) says
// exactly what ran.

import { z } from "zod";
import { ConfigError, describeIssue } from "./configError.js";
import { linkSchema } from "./activation/link.js";
import { kernelSchema } from "./configSchemas/kernel.js";
import { taskSchema } from "./configSchemas/task.js";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const positive = z.number().positive();

const firstLayerInit = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("sphere").describe("w_i uniform on the unit sphere") }).strict(),
  z
    .object({
      kind: z.literal("gaussian").describe("w_i ~ N(0, kappa^2/d I_d)"),
      kappa: z.number().min(1e-6).max(1e6).describe("kappa (below 1e-6 the squared weights underflow)"),
    })
    .strict(),
  z.object({ kind: z.literal("given"), weights: z.array(z.array(z.number())).describe("N rows of d (d+1 with bias) numbers") }).strict(),
]);

const secondLayerInit = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("constant"), value: z.number().default(1) }).strict(),
  z.object({ kind: z.literal("gaussian"), std: positive.default(1).describe("a_i ~ N(0, std^2)") }).strict(),
  z.object({ kind: z.literal("rademacher"), value: positive.default(1).describe("a_i = +-value") }).strict(),
  z.object({ kind: z.literal("given"), values: z.array(z.number()).describe("N numbers") }).strict(),
]);

export const modelSchema = z
  .object({
    width: z.number().int().min(1).max(1_000_000).describe("N neurons"),
    activation: linkSchema
      .default({ kind: "relu" })
      .describe("sigma: any activation, or a polynomial in the Hermite/Legendre basis like a link"),
    scaling: z
      .union([z.enum(["meanfield", "ntk", "committee"]), z.number().min(0).max(2)], {
        error: () => 'expected "meanfield", "ntk", "committee" or a number q in [0, 2] (output scale N^-q)',
      })
      .default("meanfield")
      .describe("output scale gamma: 1/N (meanfield), 1/sqrt(N) (ntk), 1 (committee), or N^-q for a number q"),
    train: z.enum(["both", "first", "second"]).default("both").describe("which layers move"),
    bias: z.boolean().default(false).describe("f = scale sum_i a_i sigma(<w_i, x> + b_i); b_i trains with w_i"),
    init: z
      .object({
        firstLayer: firstLayerInit.default({ kind: "sphere" }),
        secondLayer: secondLayerInit.default({ kind: "constant", value: 1 }),
      })
      .strict()
      .default({ firstLayer: { kind: "sphere" }, secondLayer: { kind: "constant", value: 1 } }),
  })
  .strict();

const dataSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("population").describe("exact expectations") }).strict(),
  z
    .object({
      kind: z.literal("samples"),
      n: z.number().int().min(1).max(10_000_000).describe("n fixed training samples"),
      labelNoise: z.number().min(0).max(1e6).default(0).describe("sigma: training labels y + eps, eps ~ Unif[-sigma, sigma] (TS24)"),
    })
    .strict(),
  z.object({ kind: z.literal("online"), batch: z.number().int().min(1).max(1_000_000).describe("fresh batch B per step") }).strict(),
]);

const noiseSchema = z
  .object({
    lambda: z.number().min(0).default(0).describe("weight decay lambda"),
    beta: positive.optional().describe("inverse temperature beta; absent: no diffusion (beta = infinity), plain GD with weight decay lambda"),
  })
  .strict()
  .describe("noisy GD (mean-field Langevin): theta <- (1 - lambda h) theta + h velocity + N(0, 2h/beta), velocity the noiseless one; stationary law exp(-beta Psi_lambda) (docs/conventions.md)");

const common = {
  steps: z.number().int().min(1).max(1e9).describe("number of steps"),
  stepSize: positive.max(1e6).describe("h, mean-field time per step (velocity -N grad_theta_i L)"),
  projected: z.boolean().default(false).describe("keep every w_i on the unit sphere (projected GD)"),
  noise: noiseSchema.optional(),
  linearize: z.boolean().default(false).describe("train the linearized model f_0 + J_0 (theta - theta_0)"),
  firstLayerStepRatio: positive
    .max(1e6)
    .default(1)
    .describe("epsilon: the first layer (w, b) moves with step epsilon h, the second (a) with h (Berthier, Montanari, Zhou 2023)"),
};

export const algorithmSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("populationGd"), ...common }).strict(),
    z.object({ kind: z.literal("empiricalGd"), ...common, samples: z.number().int().min(1).max(10_000_000).describe("n") }).strict(),
    z
      .object({
        kind: z.literal("onlineSgd"),
        ...common,
        batch: z.number().int().min(1).max(1_000_000).describe("B"),
        outputNoise: z
          .number()
          .min(0)
          .max(1e6)
          .optional()
          .describe("sigma: each fresh sample's label is y + sigma zeta, zeta ~ N(0, 1) (Goldt et al. 2019's output noise); population and test losses stay against the clean target"),
      })
      .strict(),
    z
      .object({
        kind: z.literal("twoTimescale").describe("second layer re-solved by ridge regression before every first-layer step (Takakura, Suzuki 2024)"),
        ...common,
        data: dataSchema,
        ridge: z.number().min(0).default(1e-3).describe("ridge penalty lambda_a on |a|^2 / 2"),
      })
      .strict(),
    z
      .object({
        kind: z.literal("layerwise").describe("stage 1 trains w with a fixed, averaged over p trajectories; stage 2 trains a (Chen, Ge 2024)"),
        ...common,
        data: dataSchema,
        trajectories: z.number().int().min(1).max(1000).default(1).describe("p independent first-stage runs averaged"),
        secondStageSteps: z.number().int().min(0).max(1e9).default(0).describe("stage-2 steps (after `steps` stage-1 steps)"),
      })
      .strict(),
  ],
  { error: (issue) => (issue.code === "invalid_union" ? "kind must be one of populationGd, empiricalGd, onlineSgd, twoTimescale, layerwise" : undefined) },
);

export const METRICS = [
  "populationLoss",
  "testLoss",
  "trainLoss",
  "components",
  "overlaps",
  "phiSpread",
  "movement",
  "hermiteOrders",
  "projections",
  "alignment",
  "coefficients",
] as const;
/** A metric family config.metrics.include may name (record keys per family in src/metrics/recorder.ts). */
export type MetricName = (typeof METRICS)[number];

export const metricsSchema = z
  .object({
    include: z.array(z.enum(METRICS)).min(1).default(["testLoss"]).describe("metrics logged at every scheduled step"),
    schedule: z
      .discriminatedUnion("kind", [
        z.object({ kind: z.literal("every"), steps: z.number().int().min(1).max(1e9) }).strict(),
        z.object({ kind: z.literal("logSpaced"), points: z.number().int().min(2).max(100_000) }).strict(),
      ])
      .default({ kind: "logSpaced", points: 40 })
      .describe("when metrics are logged (step 0 and the last step always)"),
    testSamples: z.number().int().min(2).max(10_000_000).default(10_000).describe("fixed test sample size"),
    degrees: z.number().int().min(0).max(30).default(6).describe("highest Legendre/Hermite/tensor order reported"),
    histogramBins: z.number().int().min(1).max(1000).default(40),
    alignmentSamples: z.number().int().min(2).max(20_000).default(1000).describe("m samples for the kernel alignment"),
  })
  .strict()
  .default({ include: ["testLoss"], schedule: { kind: "logSpaced", points: 40 }, testSamples: 10_000, degrees: 6, histogramBins: 40, alignmentSamples: 1000 });

export const configSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, "letters, digits, '.', '_' and '-' only")
      .max(100)
      .default("run"),
    description: z.string().max(2000).optional().describe("what the run shows (shown by meanfield list)"),
    seed: z.number().int().min(0).max(MAX_SAFE).default(0).describe("every random stream derives from (seed, stream name)"),
    threads: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(1)
      .describe("threads splitting one network's neurons in sample-based objectives (population objectives ignore it); results are bit-identical for every value"),
    precision: z
      .enum(["f64", "f32"])
      .default("f64")
      .describe("arithmetic of the d-long products in sample-based forward/backward passes: f32 runs them on f32x4 lanes (about twice the speed); weights, sums over neurons and the loss stay f64"),
    checkpointEvery: z.number().int().min(0).max(1e9).default(0).describe("steps between checkpoints (0: none)"),
    task: taskSchema,
    model: modelSchema,
    algorithm: algorithmSchema,
    metrics: metricsSchema,
    kernel: kernelSchema.optional().describe("the kernel baselines of `meanfield kernel`: bias and ridge grid"),
  })
  .strict();

/** A run config as written in a file (defaults not yet filled in); normalizations in docs/conventions.md. */
export type ConfigInput = z.input<typeof configSchema>;
declare const parsedBrand: unique symbol;
/** The schema's output before the cross-field checks. */
type SchemaOutput = z.output<typeof configSchema>;
/** A resolved config as parseConfig returns it: the brand says it went through the schema and the cross-field checks. */
export type Config = SchemaOutput & { readonly [parsedBrand]: true };
/** The task branch of a resolved config (x's law and the target y). */
export type TaskConfig = Config["task"];
/**
 * The model branch: f(x) = scale Σ_i a_i σ(<w_i, x> + b_i) with scale 1/N (meanfield), 1/sqrt(N)
 * (ntk), 1 (committee) or N^-q, its initialization and which layers train.
 */
export type ModelConfig = Config["model"];
/** The algorithm branch: how the step of size h (mean-field time t = step · h) gets its gradient and noise. */
export type AlgorithmConfig = Config["algorithm"];
/** The metrics branch: which metric families, at which steps, on how many fixed samples. */
export type MetricsConfig = Config["metrics"];
/** The kernel branch: the kernel baselines' bias scale β and ridge grid with its validation fraction. */
export type KernelConfig = NonNullable<Config["kernel"]>;

export { ConfigError, describeIssue, kernelSchema, taskSchema };

/** At most this many metric records per run (they are kept in memory and written as lines). */
export const MAX_RECORDS = 100_000;

/** Steps of the whole run (layer-wise: every trajectory, then the second stage). */
export function totalStepsOf(algorithm: AlgorithmConfig): number {
  return algorithm.kind === "layerwise" ? algorithm.trajectories * algorithm.steps + algorithm.secondStageSteps : algorithm.steps;
}

/**
 * Where an algorithm's gradients come from: the exact population, a fixed set of n samples (with
 * optional label noise), or fresh batches (with optional output noise σ, labels y + σζ).
 */
export type DataConfig = { kind: "population" } | { kind: "samples"; n: number; labelNoise?: number } | { kind: "online"; batch: number; outputNoise?: number };

/** The data an algorithm's gradients come from. */
export function dataOf(algorithm: AlgorithmConfig): DataConfig {
  switch (algorithm.kind) {
    case "populationGd":
      return { kind: "population" };
    case "empiricalGd":
      return { kind: "samples", n: algorithm.samples };
    case "onlineSgd":
      return algorithm.outputNoise ? { kind: "online", batch: algorithm.batch, outputNoise: algorithm.outputNoise } : { kind: "online", batch: algorithm.batch };
    default:
      return algorithm.data;
  }
}

/**
 * What each metric needs of the config: the one-line reason it cannot be logged, or null. The one
 * statement of these rules, checked by parseConfig and again by metrics/recorder.ts (populationLoss
 * shares the rules of population data, checked with them in consistency).
 */
export const METRIC_REQUIREMENTS: Partial<Record<MetricName, (config: SchemaOutput) => string | null>> = {
  hermiteOrders: ({ task, model }) => {
    if (task.kind !== "teacherAbs" && task.kind !== "teacherNetwork" && task.kind !== "gaussianSingleIndex") {
      return `metrics.include: hermiteOrders needs a teacher (teacherAbs, teacherNetwork or gaussianSingleIndex task)`;
    }
    return model.bias ? `model.bias: hermiteOrders is not available with a bias` : null;
  },
  projections: ({ task }) =>
    task.kind !== "gaussianMultiIndex" && task.kind !== "staircase" ? `metrics.include: projections needs a multi-index task (gaussianMultiIndex or staircase)` : null,
  coefficients: ({ task }) =>
    task.kind !== "staircase" && task.kind !== "gaussianMultiIndex" ? `metrics.include: coefficients needs a target made of monomials (staircase or gaussianMultiIndex)` : null,
  components: ({ task }) =>
    task.kind !== "sphereSingleIndex" && task.kind !== "gaussianSingleIndex" ? `metrics.include: components needs a single-index task (sphereSingleIndex or gaussianSingleIndex)` : null,
  overlaps: ({ task }) => (task.kind === "isotropicGaussians" ? `metrics.include: overlaps needs a target direction, which isotropicGaussians has not` : null),
  phiSpread: ({ task }) => (task.kind === "isotropicGaussians" ? `metrics.include: phiSpread needs a target direction, which isotropicGaussians has not` : null),
  trainLoss: ({ algorithm }) =>
    dataOf(algorithm).kind !== "samples" ? `metrics.include: trainLoss needs a fixed training set (algorithm data of kind samples, or empiricalGd)` : null,
};

/** Cross-field rules zod cannot see field by field. */
function consistency(config: SchemaOutput): string | null {
  const { task, model, algorithm, metrics } = config;
  const inputDim = task.d + (model.bias ? 1 : 0);
  if (metrics.schedule.kind === "every") {
    const total = totalStepsOf(algorithm);
    const records = Math.floor(total / metrics.schedule.steps) + 2;
    if (records > MAX_RECORDS) {
      return `metrics.schedule.steps: logging every ${metrics.schedule.steps} of ${total} steps makes ${records} records; at most ${MAX_RECORDS} (every >= ${Math.ceil(total / (MAX_RECORDS - 2))})`;
    }
  }
  const first = model.init.firstLayer;
  if (first.kind === "given") {
    if (first.weights.length !== model.width) return `model.init.firstLayer.weights: expected ${model.width} rows (model.width), got ${first.weights.length}`;
    const bad = first.weights.findIndex((row) => row.length !== inputDim);
    if (bad >= 0) return `model.init.firstLayer.weights[${bad}]: expected ${inputDim} numbers (d${model.bias ? " + 1 for the bias" : ""}), got ${first.weights[bad]!.length}`;
  }
  if (first.kind === "given" && (dataOf(algorithm).kind === "population" || metrics.include.includes("populationLoss"))) {
    const zero = first.weights.findIndex((row) => row.slice(0, task.d).every((v) => v === 0));
    if (zero >= 0) return `model.init.firstLayer.weights[${zero}]: a zero row; exact population losses need every w_i nonzero`;
  }
  const second = model.init.secondLayer;
  if (second.kind === "given" && second.values.length !== model.width) {
    return `model.init.secondLayer.values: expected ${model.width} numbers (model.width), got ${second.values.length}`;
  }
  if (task.kind === "teacherAbs" || task.kind === "teacherNetwork") {
    if (task.width > task.d) return `task.width: at most d = ${task.d} orthonormal teacher neurons, got ${task.width}`;
    if (Array.isArray(task.outputs) && task.outputs.length !== task.width) {
      return `task.outputs: expected ${task.width} numbers (task.width), got ${task.outputs.length}`;
    }
  }
  if (task.kind === "gaussianMultiIndex") {
    const p = task.terms[0]!.degrees.length;
    if (p > task.d) return `task.terms[0].degrees: ${p} directions exceed d = ${task.d}`;
    const bad = task.terms.findIndex((t) => t.degrees.length !== p);
    if (bad >= 0) return `task.terms[${bad}].degrees: expected ${p} degrees like task.terms[0], got ${task.terms[bad]!.degrees.length}`;
  }
  if (task.kind === "staircase" && task.degree > task.d) return `task.degree: at most d = ${task.d}, got ${task.degree}`;
  const data = dataOf(algorithm).kind;
  if (data === "population" || metrics.include.includes("populationLoss")) {
    if (task.kind === "staircase") return `${data === "population" ? "algorithm" : "metrics.include"}: the hypercube staircase has no exact population loss; use samples or online data and testLoss`;
    if (model.bias) return `model.bias: exact population losses are not available with a bias; set it false or use sampled data`;
    if (algorithm.linearize) return `algorithm.linearize: the linearized model has no exact population loss here; use sampled data`;
  }
  for (const name of METRICS) {
    const problem = metrics.include.includes(name) ? METRIC_REQUIREMENTS[name]?.(config) : null;
    if (problem) return problem;
  }
  if (algorithm.projected && model.bias) return `algorithm.projected: projection onto the sphere is not defined with a bias`;
  if (task.kind === "sphereSingleIndex" && (data === "population" || metrics.include.includes("populationLoss"))) {
    const unitNorm = algorithm.projected || (model.train === "second" && model.init.firstLayer.kind === "sphere");
    if (!unitNorm) return `algorithm.projected: the sphere task's exact population loss needs unit-norm w_i; set projected true (or train only the second layer from a sphere init)`;
  }
  if (config.precision === "f32") {
    if (data === "population") return `precision: f32 applies to sample-based objectives (samples or online data); population objectives compute in f64`;
    if (algorithm.linearize) return `precision: f32 is not available for the linearized model; use f64`;
  }
  if (algorithm.kind === "twoTimescale" && algorithm.ridge === 0 && algorithm.data.kind !== "population") {
    return `algorithm.ridge: must be > 0 so the second-layer system is positive definite`;
  }
  return null;
}

// The configs parseConfig returned, which it returns as they are: a config is parsed once, at the
// edge, however often the layers below pass it on to parseConfig (a spread of one is new input).
const parsedConfigs = new WeakSet<object>();

/** Parses and resolves a config; throws ConfigError with one line naming the field. */
export function parseConfig(input: unknown): Config {
  if (typeof input === "object" && input !== null && parsedConfigs.has(input)) return input as Config;
  const result = configSchema.safeParse(input);
  if (!result.success) throw new ConfigError(describeIssue(result.error.issues, "(config)"));
  const problem = consistency(result.data);
  if (problem) throw new ConfigError(problem);
  parsedConfigs.add(result.data);
  return result.data as Config;
}
