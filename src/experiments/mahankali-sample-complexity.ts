// Mahankali, HaoChen, Dong, Glasgow, Ma (2023), the headline: projected GD on n fixed samples reaches
// a loss that inner-product kernels need far more samples for. For d over several values, the
// smallest n at which each method's exact population loss falls below epsilon (a fixed fraction of
// the null loss), on the same samples: the network (projected empirical GD of N unit-norm quartic
// neurons, the realizable instance of mahankali-phases), and kernel ridge with the model's NNGP, its
// NTK and the best of a small family of degree-<=4 inner-product kernels. log n* against log d gives
// each exponent with its 95% interval: the kernels need the degree-4 harmonics, N(d,4) ~ d^4 / 24 of
// them, the network only to find q*.

import { parseConfig, type Config } from "../config.js";
import { modelKernel } from "../kernels/modelKernel.js";
import { fitSphereKernels } from "../kernels/sphereKernelRidge.js";
import { simulate } from "../run/simulate.js";
import { sphericalHarmonicsDim } from "../special/gegenbauer.js";
import { createTask } from "../tasks/createTask.js";
import type { Task } from "../tasks/task.js";
import { linkToActivation } from "../activation/link.js";
import { lineChart } from "../report/charts.js";
import { check, type Experiment, type ExperimentContext, type ExperimentResult } from "./experiment.js";
import { MAHANKALI_2023 } from "./papers.js";
import { fitPowerLaw } from "./powerLaw.js";
import { REALIZABLE, sphereQuarticConfig } from "./sphereQuartic.js";
import { exp, log } from "../special/portableMath.js";

const SIZES = {
  test: { dims: [4, 6, 8, 10, 12], width: 64, time: 12, stepSize: 0.1 },
  quick: { dims: [4, 6, 8, 10, 12, 14], width: 128, time: 12, stepSize: 0.1 },
  paper: { dims: [4, 6, 8, 10, 12, 14, 16, 18], width: 256, time: 12, stepSize: 0.05 },
};

/**
 * The target error as a fraction of the null loss 1/2 E[y^2]: well below the degree-4 part's share
 * (0.2025 / 0.4525 = 0.45), so reaching it needs most of the degree-4 part; well above the network's
 * floor at these widths and times (about 0.01).
 */
const EPSILON = 0.1;
/** Network runs (data and initialization seeds) per d; n* is their geometric mean. */
const NETWORK_SEEDS = 3;
/** The network's n grid is capped at this multiple of d. */
const NETWORK_MAX_PER_D = 100;
/** The kernels' grid walk starts at this fraction of N(d,4). */
const KERNEL_START = 0.6;
/** Ratio of consecutive sample sizes in the search grid. */
const GRID_RATIO = 1.25;
/** Kernel ridge lambda = RIDGE n K(1) (near-interpolation: the target is noiseless). */
const RIDGE = 1e-6;
/**
 * Largest n the kernels solve densely. Near interpolation (n close to N(d,4), lambda = 1e-6 n K(1))
 * conjugate gradients need hundreds of Gram products (5x the Cholesky time at n = 1000, d = 12), so
 * the dense solve is used through the kernels' crossing at paper scale (n about 5000 at d = 18).
 */
const DENSE_MAX = 8000;
/** kappa_4 / kappa_2 of the extra degree-{2,4} kernels, relative to the NNGP's. */
const BEST_RATIOS = [10];

interface Curve {
  n: number[];
  loss: number[];
}

/**
 * The smallest n with loss <= epsilon on a grid, log-interpolated between the last grid point above
 * and the first at or below it; NaN when no grid point reaches it or the first one already does.
 */
function crossing(curve: Curve, epsilon: number): number {
  const j = curve.loss.findIndex((l) => l <= epsilon);
  if (j <= 0) return NaN;
  const [n0, n1] = [log(curve.n[j - 1]!), log(curve.n[j]!)];
  const [l0, l1] = [log(curve.loss[j - 1]!), log(curve.loss[j]!)];
  return exp(n0 + ((log(epsilon) - l0) / (l1 - l0)) * (n1 - n0));
}

/** The config's network trained by projected GD on the first n samples, only its exact population loss recorded (at the end). */
function empiricalGd(config: Config, n: number): Config {
  const { steps, stepSize } = config.algorithm as { steps: number; stepSize: number };
  return parseConfig({
    ...config,
    algorithm: { kind: "empiricalGd", steps, stepSize, projected: true, samples: n },
    metrics: { ...config.metrics, include: ["populationLoss"], schedule: { kind: "every", steps } },
  });
}

/**
 * Losses on a geometric grid (ratio GRID_RATIO) through `start`, walked down from it while every
 * loss is <= epsilon and up while some loss is above it, within [min, max]: the grid points that
 * bracket each model's crossing. Returns every n in `seen` (points evaluated before, kept) and the
 * grid, sorted by n, with one loss per model.
 */
async function bracket(start: number, min: number, max: number, epsilon: number, evaluate: (n: number) => Promise<number[]> | number[], seen = new Map<number, number[]>()) {
  const at = async (n: number) => {
    if (!seen.has(n)) seen.set(n, await evaluate(n));
    return seen.get(n)!;
  };
  let n = Math.max(min, Math.min(max, Math.round(start)));
  const first = await at(n);
  if (first.some((l) => l <= epsilon)) {
    while (n > min && (await at(n)).some((l) => l <= epsilon)) n = Math.max(min, Math.min(n - 1, Math.round(n / GRID_RATIO)));
    await at(n);
    n = Math.round(start);
  }
  while (n < max && (await at(n)).some((l) => !(l <= epsilon))) n = Math.min(max, Math.max(n + 1, Math.round(n * GRID_RATIO)));
  await at(n);
  const ns = [...seen.keys()].sort((a, b) => a - b);
  return { ns, losses: ns.map((k) => seen.get(k)!) };
}

async function run(ctx: ExperimentContext): Promise<ExperimentResult> {
  const size = SIZES[ctx.scale];
  const steps = Math.round(size.time / size.stepSize);
  const swapped = ctx.variant === "kernel and network swapped";
  const rows: Record<string, number | string | null>[] = [];
  const found: Found[] = [];
  let nullLoss = NaN;
  let previousNetwork: { d: number; n: number } | null = null;
  for (const d of size.dims) {
    // Config and task at this d; the null loss 1/2 E[y^2] sets epsilon.
    const quartic = sphereQuarticConfig({ name: "mahankali-sample-complexity", seed: ctx.seed + d, d, width: size.width, steps, stepSize: size.stepSize, every: steps, instance: REALIZABLE });
    const base = parseConfig({ ...quartic, metrics: { include: ["populationLoss"], schedule: { kind: "every", steps }, degrees: 4 } });
    const config = ctx.variant === "frozen first layer" ? parseConfig({ ...base, model: { ...base.model, train: "second" } }) : base;
    const task = createTask(ctx.runtime, config.task, config.seed, linkToActivation(config.model.activation, d));
    const link = task.linkCoefficients(4)!;
    const q = task.directions.slice();
    let energy = 0;
    for (let k = 0; k <= 4; k++) energy += link[k]! ** 2 / sphericalHarmonicsDim(d, k);
    nullLoss = 0.5 * energy;
    const epsilon = EPSILON * nullLoss;
    const scale: Scale = { d, epsilon, nullLoss, rows };
    // Measurements: the network's n*, then the kernels' on the same samples.
    const { networkStars, networkNs } = await networkCrossings(ctx, config, scale, previousNetwork);
    const networkStar = exp(networkStars.reduce((s, v) => s + log(v), 0) / networkStars.length);
    if (Number.isFinite(networkStar)) previousNetwork = { d, n: networkStar };
    const curves = await kernelCurves(ctx, base, config.seed, task, q, link, networkNs, scale);
    const best = curves[curves.length - 1]!;
    const entry = { d, network: networkStar, nngp: crossing(curves[0]!, epsilon), ntk: crossing(curves[1]!, epsilon), best: crossing(best, epsilon) };
    if (swapped) [entry.network, entry.best] = [entry.best, entry.network];
    found.push(entry);
    ctx.log(`d = ${d}: n* network ${entry.network.toFixed(0)}, NNGP ${entry.nngp.toFixed(0)}, NTK ${entry.ntk.toFixed(0)}, best kernel ${entry.best.toFixed(0)}, N(d,4) = ${sphericalHarmonicsDim(d, 4)}`);
  }
  ctx.saveTable("loss-vs-n", rows);
  const table = found.map((f) => ({ ...f, harmonics4: sphericalHarmonicsDim(f.d, 4) }));
  ctx.saveTable("n-star", table);

  return complexityResult(size, found, rows);
}

/** n* of each method at one d. */
interface Found {
  d: number;
  network: number;
  nngp: number;
  ntk: number;
  best: number;
}

/** One d of the sweep: its epsilon and null loss 1/2 E[y^2], and the loss-vs-n rows every method adds to. */
interface Scale {
  d: number;
  epsilon: number;
  nullLoss: number;
  rows: Record<string, number | string | null>[];
}

/**
 * The network: projected empirical GD on the first n samples of the task's "train" stream, n
 * bracketed to the crossing of epsilon for each of NETWORK_SEEDS seeds; the first seed's samples
 * are the kernels' samples too.
 */
async function networkCrossings(ctx: ExperimentContext, config: Config, scale: Scale, previousNetwork: { d: number; n: number } | null) {
  const { d, epsilon, nullLoss, rows } = scale;
  const networkStars: number[] = [];
  const networkNs = new Set<number>();
  for (let r = 0; r < NETWORK_SEEDS; r++) {
    const seeded = r === 0 ? config : parseConfig({ ...config, seed: config.seed + 1000 * r });
    // Start from the previous d's n* grown like d^2 (the walk goes down as well as up).
    const guess = previousNetwork ? previousNetwork.n * (d / previousNetwork.d) ** 2 : 10 * d;
    const curve = await bracket(guess, 2 * d, NETWORK_MAX_PER_D * d, epsilon, async (n) => {
      const result = await simulate(empiricalGd(seeded, n), { runtime: ctx.runtime });
      const loss = result.summary.final?.populationLoss as number;
      rows.push({ d, n, model: `network (seed ${r + 1})`, loss: loss / nullLoss });
      return [loss];
    });
    for (const n of curve.ns) networkNs.add(n);
    networkStars.push(crossing({ n: curve.ns, loss: curve.losses.map((l) => l[0]!) }, epsilon));
    // Each d's network and kernels reruns: the model's NNGP and NTK on the same n samples (the config's training set).
    if (r === 0) ctx.saveConfig(`network-d${d}`, empiricalGd(seeded, curve.ns[curve.ns.length - 1]!), ["run", { command: "kernel", options: ["--kernel", "nngp"] }, { command: "kernel", options: ["--kernel", "ntk"] }]);
    // A seed that never reaches epsilon already makes n* undefined at this d.
    if (!Number.isFinite(networkStars[r])) break;
  }
  return { networkStars, networkNs };
}

/**
 * The kernels on the same samples: the model's NNGP and NTK, and degree-{2,4} kernels with other
 * kappa_4 / kappa_2, on every n the network was trained on and then on their own walk to epsilon;
 * exact population losses on the sphere (Legendre P_{k,d}, N(d,k) harmonics).
 */
async function kernelCurves(ctx: ExperimentContext, base: Config, seed: number, task: Task, q: Float64Array, link: Float64Array, networkNs: Set<number>, scale: Scale): Promise<Curve[]> {
  const { d, epsilon, nullLoss, rows } = scale;
  const nngp = modelKernel(base, "nngp").degreeWeights;
  const ntk = modelKernel(base, "ntk").degreeWeights;
  const extra = BEST_RATIOS.map((r) => Float64Array.from({ length: 5 }, (_, k) => (k === 2 ? nngp[2]! : k === 4 ? r * nngp[4]! : 0)));
  const kernels = [nngp, ntk, ...extra];
  let dimension = 0;
  for (let k = 0; k <= 4; k++) dimension += sphericalHarmonicsDim(d, k);
  const samples = Math.max(2 * dimension, NETWORK_MAX_PER_D * d);
  const xs = ctx.runtime.arena.f64(samples * d);
  const ys = ctx.runtime.arena.f64(samples);
  let curves: Curve[];
  try {
    task.sampleInto("train", 0, xs, ys);
    const x = xs.toArray();
    const y = ys.toArray();
    const evaluate = (n: number) => {
      const losses = fitSphereKernels(ctx.runtime, x.subarray(0, n * d), y.subarray(0, n), d, kernels, q, link, { ridge: RIDGE, denseMax: DENSE_MAX, seed }).map((f) => f.loss);
      const all = [...losses, Math.min(...losses)];
      rows.push({ d, n, model: "NNGP", loss: all[0]! / nullLoss }, { d, n, model: "NTK", loss: all[1]! / nullLoss }, { d, n, model: "best degree-4 kernel", loss: all[all.length - 1]! / nullLoss });
      return all;
    };
    // Every n the network was trained on at this d, then the walk to the kernels' own crossing,
    // which stops when every kernel, and so the best of them, is at or below epsilon.
    const seen = new Map<number, number[]>();
    for (const n of networkNs) seen.set(n, evaluate(n));
    const grid = await bracket(KERNEL_START * sphericalHarmonicsDim(d, 4), sphericalHarmonicsDim(d, 2), 2 * dimension, epsilon, evaluate, seen);
    curves = grid.losses[0]!.map((_, i) => ({ n: grid.ns, loss: grid.losses.map((l) => l[i]!) }));
  } finally {
    xs.free();
    ys.free();
    task.free();
  }
  return curves;
}

/** Fitted exponents of n* against d per method, the checks of the paper's separation, and the figures. */
function complexityResult(size: (typeof SIZES)[keyof typeof SIZES], found: Found[], rows: Record<string, number | string | null>[]): ExperimentResult {
  const dims = found.map((f) => f.d);
  const fit = (key: "network" | "nngp" | "ntk" | "best") => {
    const ok = found.filter((f) => Number.isFinite(f[key]));
    return ok.length === found.length ? fitPowerLaw(ok.map((f) => f.d), ok.map((f) => f[key])).exponent : null;
  };
  const exps = { network: fit("network"), nngp: fit("nngp"), ntk: fit("ntk"), best: fit("best") };
  const paired = found.filter((f) => Number.isFinite(f.network) && Number.isFinite(f.best));
  const gap = paired.length === found.length ? fitPowerLaw(dims, paired.map((f) => f.best / f.network)).exponent : { value: NaN, ci95: [NaN, NaN] as [number, number], points: 0 };
  const harmonicSlope = fitPowerLaw(dims, dims.map((d) => sphericalHarmonicsDim(d, 4))).exponent.value;
  const nan = { value: NaN, ci95: [NaN, NaN] as [number, number] };
  const e = (key: keyof typeof exps) => exps[key] ?? nan;
  const ratios = found.map((f) => f.best / sphericalHarmonicsDim(f.d, 4));
  const checks = [
    check("network reaches epsilon at every d", "number of d at which the network's loss fell below epsilon within the n grid, over the number of d", found.filter((f) => Number.isFinite(f.network)).length / found.length, [1, 1]),
    check("network exponent", "fitted exponent of n*(network) against d; the paper proves n = O(d^3.1) suffices", e("network").value, [0.5, 3.1]),
    check("best kernel exponent near 4", `fitted exponent of n*(best degree-4 kernel) against d; N(d,4) has slope ${harmonicSlope.toFixed(2)} over these d (-> 4 as d grows)`, e("best").value, [harmonicSlope - 0.6, 4.5]),
    check("NNGP exponent near 4", "fitted exponent of n*(NNGP) against d", e("nngp").value, [harmonicSlope - 0.6, 4.5]),
    check("NTK exponent near 4", "fitted exponent of n*(NTK) against d", e("ntk").value, [harmonicSlope - 0.6, 4.5]),
    check("network exponent below kernels'", "lower end of the 95% interval of the exponent of n*(best kernel) / n*(network) against d (> 0: the kernels' exponent is the larger)", gap.ci95[0], [0, Infinity]),
    check("kernels track N(d,4)", "max / min over d of n*(best kernel) / N(d,4) (a constant fraction of the degree-4 harmonics)", Math.max(...ratios) / Math.min(...ratios), [1, 2.5]),
    check("network below kernels at the largest d", "n*(network) / n*(best kernel) at the largest d", found[found.length - 1]!.network / found[found.length - 1]!.best, [0, 0.5]),
  ];

  const nStarRows = found.flatMap((f) => [
    { d: f.d, method: "network", n: f.network },
    { d: f.d, method: "NNGP", n: f.nngp },
    { d: f.d, method: "NTK", n: f.ntk },
    { d: f.d, method: "best degree-4 kernel", n: f.best },
    { d: f.d, method: "N(d,4)", n: sphericalHarmonicsDim(f.d, 4) },
  ]);
  const exponents: ExperimentResult["exponents"] = {};
  for (const [key, value] of Object.entries(exps)) if (value) exponents[`${key}Exponent`] = value;
  if (Number.isFinite(gap.value)) exponents["kernelOverNetworkExponent"] = gap;
  return {
    checks,
    exponents,
    plots: [
      {
        name: "n-star",
        title: "Samples needed to reach epsilon against d",
        caption: `Smallest n at which the exact population loss falls below epsilon = ${EPSILON} x (1/2 E y^2), log-log: projected GD of N = ${size.width} quartic neurons against kernel ridge on the same samples, with N(d,4) for reference. Fitted exponents: network ${e("network").value.toFixed(2)} [${e("network").ci95.map((v) => v.toFixed(2)).join(", ")}], best kernel ${e("best").value.toFixed(2)} [${e("best").ci95.map((v) => v.toFixed(2)).join(", ")}]. The paper's separation (its main theorem: n = O(d^3.1) for GD against n >> d^4 for inner-product kernels).`,
        spec: lineChart({ title: "n* against d", rows: nStarRows, x: { field: "d", title: "d", log: true }, y: { field: "n", title: "n* (samples)", log: true }, series: { field: "method", title: "method" }, points: true }),
      },
      {
        name: "loss-vs-n",
        title: "Population loss against n at the largest d",
        caption: `Exact population loss over the null loss against n at d = ${dims[dims.length - 1]}, log-log; the horizontal level is epsilon = ${EPSILON}.`,
        spec: lineChart({ title: `Loss against n, d = ${dims[dims.length - 1]}`, rows: rows.filter((r) => r.d === dims[dims.length - 1]), x: { field: "n", title: "n (samples)", log: true }, y: { field: "loss", title: "loss / null loss", log: true }, series: { field: "model", title: "method" }, points: true }),
      },
    ],
    figures: Object.fromEntries([
      ["epsilon / null loss", EPSILON],
      ["N(d,4) slope over these d", harmonicSlope],
      ...found.flatMap((f) => [[`n* network, d = ${f.d}`, f.network] as const, [`n* best kernel, d = ${f.d}`, f.best] as const]),
    ]),
  };
}

export const mahankaliSampleComplexity: Experiment = {
  id: "mahankali-sample-complexity",
  papers: [{ ...MAHANKALI_2023, figure: "main theorem: sample complexity of projected GD against inner-product kernels" }],
  brokenVariants: [
    {
      name: "kernel and network swapped",
      description: "The network's n* and the best kernel's are exchanged before the fits: the network's exponent is then the kernels' (about 4) and the separation reverses.",
      fails: ["network exponent", "network exponent below kernels'", "network below kernels at the largest d"],
    },
    {
      name: "frozen first layer",
      description: "Only the second layer of the network is trained (random features of width N): it never learns the degree-4 part, so it reaches epsilon at no d.",
      fails: ["network reaches epsilon at every d", "network exponent below kernels'"],
    },
  ],
  title: "Sample complexity in d: projected GD against NNGP, NTK and the best degree-4 kernel",
  description: "Smallest n reaching a target loss against d for the network (projected empirical GD) and for kernel ridge on the same samples, with fitted exponents and 95% intervals.",
  run,
};
