// Noisy GD and its Gibbs fixed point (Mei–Montanari–Nguyen 2018, the noisy-SGD theorem): on the
// isotropic-Gaussians task (y = +-1, x | y ~ N(0, (1 + y Delta)^2 I_d), a_i = 1 fixed), online SGD with
// Langevin noise (docs/conventions.md, "Noisy GD") beside its mean-field limit, the radial PDE with
// diffusion (src/pde/radial/radialLangevin.ts), for several inverse temperatures beta. Measured: the free
// energy F(rho_t) = R + (lambda/2) E|w|^2 - (1/beta) Ent(rho_t) along both, and the distance of the
// final law from the self-consistent Gibbs law rho ∝ exp(-beta Psi_lambda(w; rho)).
//
// beta is swept as multiples of d: the entropy of w in R^d pushes |w| outward with force (d - 1)/(beta r),
// so beta ~ d keeps the Gibbs law of |w| at O(1) radii for every d. Entropies leave out the constant
// log |S^{d-1}| (the same for every law, so F's differences and monotonicity are unaffected). The
// network's entropy estimator: rho is rotation invariant, so Ent(rho) = h(law of r) + (d - 1) E log r
// (+ the constant); h by Vasicek's m-spacing estimator on the N radii, m = round(sqrt N).

import { parseConfig, type Config, type ConfigInput } from "../config.js";
import { solveRadialLangevin, type RadialLangevinResult } from "../pde/radial/radialLangevin.js";
import { RadialModel } from "../pde/radial/radialModel.js";
import { simulate } from "../run/simulate.js";
import { lineChart, type ChartRow } from "../report/charts.js";
import { check, type Experiment, type ExperimentCheck, type ExperimentContext, type ExperimentResult } from "./experiment.js";
import { MEI_MONTANARI_NGUYEN_2018 } from "./papers.js";
import { exp, log } from "../special/portableMath.js";

/** The isotropic-Gaussians example's activation: -0.75 below 0.5, slope 1.5 up to 0.75 at 1.5, flat above. */
const ACTIVATION = { kind: "piecewiseLinear" as const, breakpoints: [0.5, 1.5], slopes: [0, 1.5, 0], valueAtZero: -0.75 };
const DELTA = 0.5;
const LAMBDA = 0.1;
const KAPPA = 0.4;

const SIZES = {
  test: { d: 20, width: 120, batch: 50, stepSize: 0.02, time: 16, points: 8, betaOverD: [2, 20] },
  quick: { d: 40, width: 400, batch: 200, stepSize: 0.01, time: 24, points: 12, betaOverD: [2, 5, 20] },
  paper: { d: 60, width: 600, batch: 200, stepSize: 0.01, time: 32, points: 16, betaOverD: [1, 2, 5, 20] },
};

/**
 * The PDE runs on after the network's last record to this time, where its Gibbs residual is taken:
 * the residual measures how far the limit law is from a stationary point, not the network's horizon.
 */
const PDE_HORIZON = 160;

/** Vasicek's m-spacing estimate of the differential entropy of a sample (sorted inside). */
export function vasicekEntropy(values: ArrayLike<number>, m: number): number {
  const x = Float64Array.from(values).sort();
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const spacing = x[Math.min(n - 1, i + m)]! - x[Math.max(0, i - m)]!;
    s += log(Math.max((n / (2 * m)) * spacing, 1e-300));
  }
  return s / n;
}

/** Row norms of an N x d matrix. */
function norms(w: Float64Array, n: number, d: number): Float64Array {
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += w[i * d + k]! ** 2;
    r[i] = Math.sqrt(s);
  }
  return r;
}

/**
 * Kolmogorov-Smirnov distance between the sample `radii` and the self-consistent Gibbs law of its own
 * empirical measure, p(r) ∝ r^{d-1} exp(-beta (psi(r; rho_N) + lambda r^2 / 2)) on [0, rMax].
 */
function gibbsDistance(model: RadialModel, radii: Float64Array, d: number, beta: number, rMax: number): number {
  const c = model.secondLayer;
  let qp = 0;
  let qm = 0;
  for (const r of radii) {
    qp += model.mean(0, r).value / radii.length;
    qm += model.mean(1, r).value / radii.length;
  }
  const [dp, dm] = [c * qp - 1, c * qm + 1];
  const cells = 4000;
  const dr = rMax / cells;
  const logDensity = new Float64Array(cells);
  let top = -Infinity;
  for (let i = 0; i < cells; i++) {
    const r = (i + 0.5) * dr;
    const psi = (c / 2) * (dp * model.mean(0, r).value + dm * model.mean(1, r).value) + (LAMBDA * r * r) / 2;
    logDensity[i] = (d - 1) * log(r) - beta * psi;
    top = Math.max(top, logDensity[i]!);
  }
  const cdf = new Float64Array(cells + 1);
  for (let i = 0; i < cells; i++) cdf[i + 1] = cdf[i]! + exp(logDensity[i]! - top);
  const total = cdf[cells]!;
  const sorted = Float64Array.from(radii).sort();
  const n = sorted.length;
  let worst = 0;
  for (let j = 0; j < n; j++) {
    const u = Math.min(sorted[j]! / dr, cells);
    const k = Math.floor(u);
    const at = (k >= cells ? cdf[cells]! : cdf[k]! + (u - k) * (cdf[k + 1]! - cdf[k]!)) / total;
    worst = Math.max(worst, Math.abs(at - j / n), Math.abs(at - (j + 1) / n));
  }
  return worst;
}

async function run(ctx: ExperimentContext): Promise<ExperimentResult> {
  const size = SIZES[ctx.scale];
  const { d, width } = size;
  const checks: ExperimentCheck[] = [];
  const figures: Record<string, number> = {};
  const energyRows: ChartRow[] = [];
  const lawRows: ChartRow[] = [];
  const rMax = 4;
  const model = new RadialModel({ activation: ACTIVATION, delta: DELTA, rMax });
  for (const [k, b] of size.betaOverD.entries()) {
    // Per inverse temperature: the config, the noisy network, the PDE, the checks, the rows of the figures.
    const beta = b * d;
    const label = `beta = ${b}d`;
    const config = parseConfig(langevinConfig(ctx, size, k, b));
    ctx.saveConfig(config.name, config, ctx.variant ? ["run"] : ["run", "pde"]);
    const { sim, network, finalRadii } = await noisyNetwork(ctx, config, size, beta);
    ctx.log(`${label}: noisy SGD (N = ${width}, d = ${d}, ${Math.round(size.time / size.stepSize)} steps) ${sim.summary.wallSeconds.toFixed(1)} s`);
    const pde = radialLangevinLimit(ctx, size, beta, sim.records.map((r) => r.time), rMax);
    ctx.log(`${label}: radial Langevin PDE ${pde.wallSeconds.toFixed(1)} s, ${pde.steps} steps`);
    const { ks, ksLimit, rise, drop, pdeFinal } = gibbsMeasures(model, pde, sim.records.length, finalRadii, size, beta, rMax);
    const last = network.length - 1;
    checks.push(
      check(`free energy decreases (PDE), ${label}`, "largest rise of F(rho_t) between records over its total decrease", rise / drop, [-Infinity, 1e-9]),
      check(`Gibbs residual (PDE), ${label}`, "int |rho_inf - Gibbs(rho_inf)| dr at the end, Gibbs(rho) ∝ r^{d-1} exp(-beta Psi_lambda(r; rho))", pde.gibbsResidual, [0, 1e-6]),
      check(`Gibbs distance (network), ${label}`, `KS distance of the N radii from the Gibbs law of their own empirical measure over the 1% KS level 1.63/sqrt(N)`, ks / ksLimit, [0, 1]),
      check(`final mean |w| network vs PDE, ${label}`, "relative gap of the network's mean |w| from the PDE's E|w| at the end", Math.abs(network[last]!.meanNorm - pdeFinal.meanNorm) / pdeFinal.meanNorm, [0, 0.03]),
      check(`final free energy network vs PDE, ${label}`, "|F(network) - F(PDE)| at the end (Vasicek entropy for the network)", Math.abs(network[last]!.freeEnergy - pdeFinal.freeEnergy), [0, 0.01]),
    );
    figures[`final risk (PDE), ${label}`] = pdeFinal.risk;
    figures[`final risk (network), ${label}`] = network[last]!.risk;
    figures[`final free energy (PDE), ${label}`] = pdeFinal.freeEnergy;
    figures[`final free energy (network), ${label}`] = network[last]!.freeEnergy;
    figures[`final mean |w| (PDE), ${label}`] = pdeFinal.meanNorm;
    figures[`final mean |w| (network), ${label}`] = network[last]!.meanNorm;
    figures[`Gibbs residual (PDE), ${label}`] = pde.gibbsResidual;
    figures[`KS to Gibbs (network), ${label}`] = ks;
    figures[`edge mass (PDE), ${label}`] = pde.edgeMass;
    pde.records.slice(0, network.length).forEach((p, j) => {
      const net = network[j]!;
      energyRows.push({ time: p.time, freeEnergy: p.freeEnergy, risk: p.risk, meanNorm: p.meanNorm, beta: label, source: "PDE" });
      energyRows.push({ time: net.time, freeEnergy: net.freeEnergy, risk: net.risk, meanNorm: net.meanNorm, beta: label, source: "network" });
    });
    // The final law: the PDE's density, its Gibbs law and the network's histogram (40 bins).
    const stride = Math.max(1, Math.floor(pde.centres.length / 200));
    for (let i = 0; i < pde.centres.length; i += stride) {
      lawRows.push({ r: pde.centres[i]!, density: pde.density[i]!, beta: label, source: "PDE" });
      lawRows.push({ r: pde.centres[i]!, density: pde.gibbs[i]!, beta: label, source: "Gibbs law of the PDE's rho" });
    }
    const bins = 40;
    const histogram = new Float64Array(bins);
    for (const r of finalRadii) histogram[Math.min(bins - 1, Math.floor((r / rMax) * bins))]! += bins / rMax / width;
    for (let i = 0; i < bins; i++) lawRows.push({ r: ((i + 0.5) * rMax) / bins, density: histogram[i]!, beta: label, source: "network" });
  }
  ctx.saveTable("free-energy", energyRows);
  ctx.saveTable("final-law", lawRows);
  return { checks, figures, plots: langevinPlots(size, energyRows, lawRows) };
}

type Size = (typeof SIZES)[keyof typeof SIZES];

/** Noisy online SGD at inverse temperature b d, first layer only, from w_i ~ N(0, kappa^2/d I); the old-temperature variant's pre-fix update. */
function langevinConfig(ctx: ExperimentContext, size: Size, k: number, b: number): ConfigInput {
  const { d, width } = size;
  const beta = b * d;
  const steps = Math.round(size.time / size.stepSize);
  const oldTemperature = ctx.variant === "old-temperature";
  return {
    name: `mmn18-langevin-beta${b}d`,
      seed: ctx.seed + k,
      task: { kind: "isotropicGaussians", d, delta: DELTA },
      model: { width, activation: ACTIVATION, train: "first", init: { firstLayer: { kind: "gaussian", kappa: KAPPA }, secondLayer: { kind: "constant", value: 1 } } },
      algorithm: {
        kind: "onlineSgd",
        batch: size.batch,
        steps,
        stepSize: size.stepSize,
        // The pre-fix update (drift 2h, variance h/beta) has the stationary law exp(-4 beta Psi_lambda).
        noise: { lambda: LAMBDA, beta: oldTemperature ? 4 * beta : beta },
      },
      metrics: { include: ["populationLoss"], schedule: { kind: "logSpaced", points: size.points } },
  };
}

/**
 * The noisy network's risk, free energy F = R + (lambda/2) E|w|^2 - Ent/beta (Vasicek entropy of
 * the radii plus (d - 1) E log r) and mean |w| at every record, and its final radii.
 */
async function noisyNetwork(ctx: ExperimentContext, config: Config, size: Size, beta: number) {
  const { d, width } = size;
  const network: { time: number; risk: number; freeEnergy: number; meanNorm: number }[] = [];
  let finalRadii: Float64Array = new Float64Array(0);
  const radiiAt: Float64Array[] = [];
  const sim = await simulate(config, {
    runtime: ctx.runtime,
    observe: (_s, _t, w) => radiiAt.push(norms(w, width, d)),
  });
  sim.records.forEach((rec, j) => {
    const radii = radiiAt[j]!;
    let second = 0;
    let logs = 0;
    for (const r of radii) {
      second += (r * r) / width;
      logs += log(r) / width;
    }
    const entropy = vasicekEntropy(radii, Math.round(Math.sqrt(width))) + (d - 1) * logs;
    const risk = rec.populationLoss as number;
    network.push({ time: rec.time, risk, freeEnergy: risk + (LAMBDA / 2) * second - entropy / beta, meanNorm: radii.reduce((s, r) => s + r, 0) / width });
    finalRadii = radii;
  });
  return { sim, network, finalRadii };
}

/** The radial Langevin PDE at the network's record times and on to PDE_HORIZON, where it has reached its Gibbs fixed point. */
function radialLangevinLimit(ctx: ExperimentContext, size: Size, beta: number, times: number[], rMax: number): RadialLangevinResult {
  return solveRadialLangevin({
    d: size.d,
    delta: DELTA,
    activation: ACTIVATION,
    lambda: LAMBDA,
    beta,
    kappa: KAPPA,
    times: [...times, Math.max(PDE_HORIZON, size.time)],
    rMax,
    entropicDrift: ctx.variant !== "no-entropic-drift",
  });
}

/** F's largest rise and total decrease on the PDE, and the KS distance of the network's radii from the Gibbs law of their own measure, with its 1% level. */
function gibbsMeasures(model: RadialModel, pde: RadialLangevinResult, records: number, finalRadii: Float64Array, size: Size, beta: number, rMax: number) {
  // F must not rise between records; the scale is its total decrease.
  const energies = pde.records.map((r) => r.freeEnergy);
  const pdeFinal = pde.records[records - 1]!;
  const drop = energies[0]! - Math.min(...energies);
  let rise = 0;
  for (let j = 1; j < energies.length; j++) rise = Math.max(rise, energies[j]! - energies[j - 1]!);
  const ks = gibbsDistance(model, finalRadii, size.d, beta, rMax);
  return { ks, ksLimit: 1.63 / Math.sqrt(size.width), rise, drop, pdeFinal };
}

/** F(rho_t) of network and PDE over time, and the final law of |w| against its Gibbs law. */
function langevinPlots(size: Size, energyRows: ChartRow[], lawRows: ChartRow[]) {
  const { d, width } = size;
  const positive = energyRows.filter((r) => (r.time as number) > 0);
  return [
      {
        name: "free-energy",
        title: "Free energy F(rho_t) of noisy SGD and of the radial Langevin PDE",
        caption: `N = ${width}, d = ${d}, Delta = ${DELTA}, lambda = ${LAMBDA}, online SGD (batch ${size.batch}, step ${size.stepSize}) with Langevin noise from w_i ~ N(0, ${KAPPA}^2/d I). F = R + (lambda/2) E|w|^2 - (1/beta) Ent (Ent without log|S^{d-1}|; the network's by Vasicek spacings of |w|). F falls monotonically to the free energy of the Gibbs law (MMN18's noisy-SGD theorem).`,
        spec: lineChart({
          title: "F(rho_t)",
          rows: positive,
          x: { field: "time", title: "time t", log: true },
          y: { field: "freeEnergy", title: "free energy F" },
          series: { field: "beta", title: "inverse temperature" },
          dash: { field: "source", title: "", dashed: "PDE" },
          points: true,
        }),
      },
      {
        name: "final-law",
        title: "Law of |w| at the end: PDE, its self-consistent Gibbs law, the network",
        caption: "The PDE's final density of r = |w| lies on its Gibbs law r^{d-1} exp(-beta Psi_lambda(r; rho)); the network's histogram scatters around both.",
        spec: lineChart({
          title: "density of |w|",
          rows: lawRows,
          x: { field: "r", title: "r = |w|" },
          y: { field: "density", title: "density" },
          series: { field: "beta", title: "inverse temperature" },
          dash: { field: "source", title: "", dashed: "Gibbs law of the PDE's rho" },
        }),
      },
    ];
}

export const mmn18Langevin: Experiment = {
  id: "mmn18-langevin",
  papers: [{ ...MEI_MONTANARI_NGUYEN_2018, figure: "the noisy-SGD theorem (free energy and Gibbs fixed point)" }],
  brokenVariants: [
    {
      name: "old-temperature",
      description: "the network's noise at the pre-fix scaling (drift 2h, variance h/beta: stationary law exp(-4 beta Psi_lambda)), run as beta -> 4 beta",
      fails: ["Gibbs distance (network), beta = 2d", "final mean |w| network vs PDE, beta = 2d"],
    },
    {
      name: "no-entropic-drift",
      description: "the PDE's drift without the entropy's radial term (d - 1)/(beta r): diffusion in r instead of in w",
      fails: ["Gibbs residual (PDE), beta = 2d", "final mean |w| network vs PDE, beta = 2d"],
    },
  ],
  title: "Noisy GD (MMN18): free energy and the Gibbs fixed point",
  description: "Isotropic Gaussians with Langevin noise at several beta: network and radial Langevin PDE, F(rho_t) decreasing, the final law against the self-consistent Gibbs law exp(-beta Psi_rho).",
  run,
};
