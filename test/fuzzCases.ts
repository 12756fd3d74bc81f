// Seeded fuzz cases for the command line (issue 18): run configs, sweep specs and corrupted
// checkpoints, each with the files it needs, and the rule every outcome must satisfy: exit 0, 2 or
// 3 only; exit 2 with one line naming the field or the file; exit 0 never with a non-finite number
// (or the null JSON writes for one) in any output, and a resume that succeeds gives the metrics of
// the uninterrupted run. Used by test/fuzz.test.ts (in process) and runnable against any build.

import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { testRandom } from "./helpers.js";

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

export interface FuzzCase {
  kind: "config" | "sweep" | "checkpoint";
  name: string;
  /** Writes the case's inputs under dir and returns the command-line arguments (after `meanfield`). */
  prepare(dir: string, pristine: string): string[];
  /** Output files to scan for non-finite numbers on exit 0, relative to dir. */
  outputs: string[];
  /** For checkpoint cases: the run directory whose metrics must equal the pristine ones on exit 0. */
  resumed?: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const WILD: Json[] = [0, -1, 1, 2, 1.5, 1e-300, 1e300, -1e300, 1e20, 2 ** 53, "3", null, true, [], {}, "relu", 0.999999999, -0.5];

const TASKS: Json[] = [
  { kind: "gaussianSingleIndex", d: 4, link: "relu" },
  { kind: "sphereSingleIndex", d: 4, link: { kind: "legendre", coefficients: [0, 1, 0.5] } },
  { kind: "gaussianMultiIndex", d: 4, terms: [{ coefficient: 1, degrees: [1, 0] }, { coefficient: 0.5, degrees: [1, 1] }] },
  { kind: "staircase", d: 4, degree: 2 },
  { kind: "teacherAbs", d: 4, width: 2 },
  { kind: "isotropicGaussians", d: 4, delta: 0.5 },
];

const ALGORITHMS: Json[] = [
  { kind: "onlineSgd", batch: 8, steps: 12, stepSize: 0.1 },
  { kind: "empiricalGd", samples: 16, steps: 12, stepSize: 0.1 },
  { kind: "twoTimescale", data: { kind: "samples", n: 16 }, steps: 12, stepSize: 0.1 },
  { kind: "layerwise", data: { kind: "online", batch: 8 }, steps: 6, stepSize: 0.1, trajectories: 2, secondStageSteps: 4 },
  { kind: "populationGd", steps: 12, stepSize: 0.1 },
];

/** The run every checkpoint case corrupts: 12 steps, a checkpoint every 4, a record every 2. */
export const PRISTINE_CONFIG = {
  name: "fuzz",
  seed: 5,
  checkpointEvery: 4,
  task: { kind: "gaussianSingleIndex", d: 4, link: "tanh" },
  model: { width: 6, activation: "tanh" },
  algorithm: { kind: "onlineSgd", batch: 8, steps: 12, stepSize: 0.1 },
  metrics: { include: ["testLoss"], schedule: { kind: "every", steps: 2 }, testSamples: 64 },
};

/** Paths (dotted) of the fields a mutation may set. */
const FIELDS = [
  "seed",
  "threads",
  "precision",
  "checkpointEvery",
  "task.d",
  "task.link",
  "task.delta",
  "task.width",
  "task.degree",
  "model.width",
  "model.activation",
  "model.scaling",
  "model.bias",
  "model.init.firstLayer",
  "model.init.secondLayer",
  "algorithm.steps",
  "algorithm.stepSize",
  "algorithm.batch",
  "algorithm.samples",
  "algorithm.noise",
  "algorithm.projected",
  "algorithm.linearize",
  "metrics.include",
  "metrics.schedule",
  "metrics.testSamples",
  "metrics.degrees",
];

const SPECIAL: Record<string, Json[]> = {
  "task.link": [{ kind: "relu", slope: 0.1 }, { kind: "He", k: 3 }, { kind: "hermite", coefficients: [0, 1e200] }, { kind: "polynomial", coefficients: [0, 0, 0, 1e100] }, "softplus", { kind: "bmz23" }],
  "model.activation": [{ kind: "relu", slope: 0.1 }, "erf", { kind: "polynomial", coefficients: [1e300, 1] }, { kind: "piecewiseLinear", breakpoints: [0], slopes: [0, 1] }, { kind: "piecewiseLinear", breakpoints: [1, 0], slopes: [0, 1, 2] }],
  "model.init.firstLayer": [{ kind: "gaussian", kappa: 1e6 }, { kind: "gaussian", kappa: 1e-300 }, { kind: "given", weights: [[0, 0, 0, 0]] }, { kind: "sphere", radius: 2 }],
  "model.init.secondLayer": [{ kind: "constant", value: 1e200 }, { kind: "gaussian", std: 1e-300 }, { kind: "rademacher" }, { kind: "given", values: [1] }],
  "algorithm.noise": [{ beta: 1e-300 }, { beta: 1e300, lambda: 1e300 }, { beta: 1 }, { lambda: 0.1 }],
  "metrics.include": [["testLos"], ["populationLoss"], ["trainLoss"], ["overlaps", "phiSpread", "movement"], ["alignment"], ["coefficients"], []],
  "metrics.schedule": [{ kind: "every", steps: 1 }, { kind: "logSpaced", points: 2 }, { kind: "every", steps: 0 }, { kind: "logSpaced" }],
  "algorithm.stepSize": [1e6, 1e3, 1e-300, 0],
  "task.delta": [0.999999999, 1e-300, 1],
};

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

function setPath(target: Record<string, Json>, path: string, value: Json | undefined): void {
  const keys = path.split(".");
  let node = target;
  for (const k of keys.slice(0, -1)) {
    if (node[k] === null || typeof node[k] !== "object" || Array.isArray(node[k])) node[k] = {};
    node = node[k] as Record<string, Json>;
  }
  if (value === undefined) delete node[keys[keys.length - 1]!];
  else node[keys[keys.length - 1]!] = value;
}

function mutate(rand: () => number, config: Record<string, Json>): string[] {
  const notes: string[] = [];
  const count = 1 + Math.floor(rand() * 3);
  for (let k = 0; k < count; k++) {
    const r = rand();
    const field = pick(rand, FIELDS);
    if (r < 0.45) {
      const value = SPECIAL[field] && rand() < 0.7 ? pick(rand, SPECIAL[field]!) : pick(rand, WILD);
      setPath(config, field, structuredClone(value));
      notes.push(`${field}=${JSON.stringify(value)}`);
    } else if (r < 0.6) {
      setPath(config, field, undefined);
      notes.push(`-${field}`);
    } else if (r < 0.8) {
      const parent = pick(rand, ["", "task", "model", "model.init", "algorithm", "metrics", "metrics.schedule"]);
      const key = pick(rand, ["extra", "__proto__", "constructor", "Steps", "stepsize"]);
      const holder = parent === "" ? config : (parent.split(".").reduce<Json>((n, p) => (n && typeof n === "object" && !Array.isArray(n) ? (n[p] ?? null) : null), config) as Record<string, Json> | null);
      if (holder && typeof holder === "object" && !Array.isArray(holder)) Object.defineProperty(holder, key, { value: pick(rand, WILD), enumerable: true, writable: true, configurable: true });
      notes.push(`+${parent}.${key}`);
    } else {
      config.task = structuredClone(pick(rand, TASKS));
      config.algorithm = structuredClone(pick(rand, ALGORITHMS));
      notes.push(`task ${(config.task as { kind: string }).kind}, ${(config.algorithm as { kind: string }).kind}`);
    }
  }
  return notes;
}

function baseConfig(rand: () => number): Record<string, Json> {
  return {
    name: "fuzz",
    seed: Math.floor(rand() * 100),
    task: structuredClone(pick(rand, TASKS)),
    model: { width: 6 },
    algorithm: structuredClone(pick(rand, ALGORITHMS)),
    metrics: { include: ["testLoss"], schedule: { kind: "every", steps: 4 }, testSamples: 64 },
    checkpointEvery: pick(rand, [0, 4]),
  };
}

function jsonText(rand: () => number, value: Json): string {
  const text = JSON.stringify(value);
  return rand() < 0.1 ? `\uFEFF${text}` : text;
}

function configCase(rand: () => number, index: number): FuzzCase {
  const config = baseConfig(rand);
  const notes = mutate(rand, config);
  const command = pick(rand, ["run", "run", "run", "demo", "kernel"]);
  const bom = rand();
  return {
    kind: "config",
    name: `config ${index} (${command}): ${notes.join(", ")}`,
    outputs: command === "run" ? ["out/metrics.ndjson", "out/summary.json"] : [],
    prepare: (dir) => {
      writeFileSync(join(dir, "config.json"), jsonText(() => bom, config));
      if (command === "run") return ["run", join(dir, "config.json"), "--out", join(dir, "out"), "--json"];
      if (command === "demo") return ["demo", join(dir, "config.json"), "--json"];
      return ["kernel", join(dir, "config.json"), "--n", "24", "--test", "40", "--json"];
    },
  };
}

function sweepCase(rand: () => number, index: number): FuzzCase {
  const base = baseConfig(rand);
  if (rand() < 0.3) mutate(rand, base);
  const spec: Record<string, Json> = { name: "fz", base };
  const notes: string[] = [];
  const axes = Math.floor(rand() * 3);
  const list: Json[] = [];
  for (let a = 0; a < axes; a++) {
    const path = pick(rand, ["algorithm.stepSize", "model.width", "seed", "task.d", "algorithm.steps", "model.activation", "nothing.here", "algorithm..x"]);
    const shape = rand();
    if (shape < 0.5) list.push({ path, values: [pick(rand, WILD), pick(rand, WILD)] });
    else list.push({ path, [shape < 0.75 ? "log" : "linear"]: { from: pick(rand, WILD), to: pick(rand, WILD), points: pick(rand, [2, 3, 10_000, 0, 1.5]) } });
    notes.push(path);
  }
  if (list.length > 0) spec.axes = list;
  const r = rand();
  if (r < 0.3) spec.seeds = pick(rand, [{ count: 2 }, { count: 10_001 }, [1, 1], [-1], { count: 2, start: 2 ** 53 }]);
  if (rand() < 0.4) spec.metrics = pick(rand, [["testLos"], ["trainLoss"], ["testLoss", "ridge"], [], ["populationLoss"]]);
  if (rand() < 0.3) spec.methods = pick(rand, [["network", "nngp"], ["ntk"], ["network", "network"], ["gp"]]);
  if (rand() < 0.15) spec.extra = 1;
  const dry = rand() < 0.7;
  return {
    kind: "sweep",
    name: `sweep ${index}${dry ? " (dry run)" : ""}: axes ${notes.join(", ")}; ${JSON.stringify({ seeds: spec.seeds, metrics: spec.metrics, methods: spec.methods })}`,
    outputs: dry ? [] : ["out/sweep.csv", "out/sweep.json"],
    prepare: (dir) => {
      writeFileSync(join(dir, "sweep.json"), jsonText(rand, spec));
      return ["sweep", join(dir, "sweep.json"), "--out", join(dir, "out"), "--workers", "1", "--json", ...(dry ? ["--dry-run"] : [])];
    },
  };
}

type Corruption = (run: string, rand: () => number) => string;

function flipByte(path: string, rand: () => number): void {
  const bytes = readFileSync(path);
  if (bytes.length === 0) return;
  const at = Math.floor(rand() * bytes.length);
  bytes[at] ^= 1 << Math.floor(rand() * 8);
  writeFileSync(path, bytes);
}

function filesLike(run: string, pattern: RegExp): string[] {
  return readdirSync(run).filter((f) => pattern.test(f));
}

const CORRUPTIONS: Corruption[] = [
  (run, rand) => {
    const f = pick(rand, filesLike(run, /\.bin$/));
    flipByte(join(run, f), rand);
    return `flip a bit of ${f}`;
  },
  (run, rand) => {
    flipByte(join(run, "checkpoint.json"), rand);
    return "flip a bit of checkpoint.json";
  },
  (run, rand) => {
    const f = pick(rand, filesLike(run, /\.bin$|checkpoint\.json|metrics\.ndjson|config\.json/));
    const bytes = readFileSync(join(run, f));
    writeFileSync(join(run, f), bytes.subarray(0, Math.floor(rand() * bytes.length)));
    return `truncate ${f}`;
  },
  (run, rand) => {
    const f = pick(rand, filesLike(run, /\.bin$|checkpoint\.json|metrics\.ndjson/));
    rmSync(join(run, f));
    return `delete ${f}`;
  },
  (run, rand) => {
    const manifest = JSON.parse(readFileSync(join(run, "checkpoint.json"), "utf8")) as Record<string, Json>;
    const key = pick(rand, ["step", "records", "file", "arrays"]);
    manifest[key] = key === "step" || key === "records" ? pick(rand, [0, 2, 4, 8, 100, -1, 1.5]) : key === "file" ? pick(rand, ["checkpoint-4.bin", "../config.json", "nope.bin"]) : [{ name: "w", length: 1 }];
    writeFileSync(join(run, "checkpoint.json"), JSON.stringify(manifest));
    return `checkpoint.json ${key}=${JSON.stringify(manifest[key])}`;
  },
  (run, rand) => {
    const lines = readFileSync(join(run, "metrics.ndjson"), "utf8").split("\n");
    const k = Math.floor(rand() * (lines.length - 1));
    lines[k] = pick(rand, ["", "{", '{"step":0,"time":0,"testLoss":null}', lines[k]!.replace(/\d/, "7")]);
    writeFileSync(join(run, "metrics.ndjson"), lines.join("\n"));
    return `metrics.ndjson line ${k} edited`;
  },
  (run) => {
    const config = JSON.parse(readFileSync(join(run, "config.json"), "utf8")) as Record<string, Json>;
    config.seed = 6;
    writeFileSync(join(run, "config.json"), JSON.stringify(config));
    return "config.json seed changed";
  },
  (run) => {
    writeFileSync(join(run, "checkpoint.json"), "garbage");
    return "checkpoint.json garbage";
  },
];

function checkpointCase(rand: () => number, index: number): FuzzCase {
  const corruption = pick(rand, CORRUPTIONS);
  const seed = Math.floor(rand() * 2 ** 31);
  let note = "";
  const c: FuzzCase = {
    kind: "checkpoint",
    name: `checkpoint ${index}`,
    outputs: ["run/metrics.ndjson", "run/summary.json"],
    resumed: "run",
    prepare: (dir, pristine) => {
      const run = join(dir, "run");
      cpSync(pristine, run, { recursive: true });
      // Killed after its last checkpoint: no summary.json yet.
      rmSync(join(run, "summary.json"), { force: true });
      note = corruption(run, testRandom(seed));
      c.name = `checkpoint ${index}: ${note}`;
      return ["run", "--resume", run, "--json"];
    },
  };
  return c;
}

/** The seeded cases: configs, sweep specs and corrupted checkpoints. */
export function fuzzCases(seed: number, counts = { config: 260, sweep: 50, checkpoint: 40 }): FuzzCase[] {
  const rand = testRandom(seed);
  return [
    ...Array.from({ length: counts.config }, (_, i) => configCase(rand, i)),
    ...Array.from({ length: counts.sweep }, (_, i) => sweepCase(rand, i)),
    ...Array.from({ length: counts.checkpoint }, (_, i) => checkpointCase(rand, i)),
  ];
}

/** Writes the pristine run directory with the CLI under test (run) into dir; returns its metrics. */
export async function preparePristine(dir: string, run: (args: string[]) => Promise<Outcome>): Promise<string> {
  writeFileSync(join(dir, "pristine.json"), JSON.stringify(PRISTINE_CONFIG));
  const out = await run(["run", join(dir, "pristine.json"), "--out", join(dir, "pristine"), "--json"]);
  if (out.code !== 0) throw new Error(`the pristine run failed: ${out.stderr}`);
  return readFileSync(join(dir, "pristine", "metrics.ndjson"), "utf8");
}

const NON_FINITE = /\bNaN\b|-?\bInfinity\b/;

/** The rule violations of one outcome (empty when it is fine). */
export function violations(c: FuzzCase, out: Outcome, dir: string, pristineMetrics: string): string[] {
  const found: string[] = [];
  if (![0, 2, 3].includes(out.code)) found.push(`exit ${out.code}`);
  if (out.code === 2) {
    const lines = out.stderr.split("\n").filter((l) => l.length > 0);
    if (lines.length !== 1) found.push(`exit 2 with ${lines.length} stderr lines`);
    // A field (a dotted path with indices, or a flag) before a colon, or a file under the case's directory.
    else if (!/(\(config\)|\(sweep\)|[A-Za-z_$][\w$]*(\.[\w$]+|\[\d+\])*): |--[a-z][\w-]*|\/tmp\//.test(lines[0]!.replace(/^meanfield( [a-z]+)?(: )?/, ""))) {
      found.push(`exit 2 naming no field or file`);
    }
  }
  if (out.code === 0) {
    if (NON_FINITE.test(out.stdout)) found.push("exit 0 with a non-finite number on stdout");
    for (const f of c.outputs) {
      const path = join(dir, f);
      if (!existsSync(path)) continue;
      const text = readFileSync(path, "utf8");
      if (NON_FINITE.test(text)) found.push(`exit 0 with a non-finite number in ${f}`);
      if (f.endsWith(".ndjson") && /:null[,}]/.test(text)) found.push(`exit 0 with null (a non-finite number) in ${f}`);
      if (f.endsWith("summary.json") && /"final": null/.test(text)) found.push(`exit 0 with "final": null in ${f}`);
    }
    if (c.resumed && readFileSync(join(dir, c.resumed, "metrics.ndjson"), "utf8") !== pristineMetrics) found.push("exit 0 with metrics that differ from the uninterrupted run");
  }
  return found;
}
