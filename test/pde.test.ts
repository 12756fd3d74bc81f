import { describe, expect, it } from "vitest";
import { ConfigError, type ConfigInput } from "../src/config.js";
import { FiniteVolumeSolver, type Integrator } from "../src/pde/grid/finiteVolume.js";
import { pdeFromConfig } from "../src/pde/fromConfig.js";
import { sphereFaces, type Limiter } from "../src/pde/grid/grid.js";
import { coarsen, cumulativeMasses, gridCdf, gridQuantile, quantileDistance, wasserstein1 } from "../src/pde/grid/gridDensity.js";
import { chiDensity, sphereUniformDensity } from "../src/pde/grid/initialDensity.js";
import { RadialModel } from "../src/pde/radial/radialModel.js";
import { radialGrid } from "../src/pde/radial/radialPde.js";
import { SphereModel } from "../src/pde/sphere/sphereModel.js";
import { transportTable, velocityNonlinearity } from "../src/pde/sphere/phases.js";
import { solveSpherePde, solveSphereQuantiles, sphereUniformQuantiles } from "../src/pde/sphere/spherePde.js";
import { simulate } from "../src/run/simulate.js";
import { sphericalHarmonicsDim } from "../src/special/gegenbauer.js";
import { linkToActivation, type Link } from "../src/activation/link.js";
import { BUILDS, runtimeFor } from "./helpers.js";
import { ReferenceFiniteVolume } from "./reference/pde.js";

/**
 * Mahankali et al.'s (2023) quartic setting, sigma = s2 P2bar + s4 P4bar and h = e2 P2bar + e4 P4bar in the
 * orthonormal Legendre polynomials P_kbar = sqrt(N(d,k)) P_{k,d}, so the dynamics happen in time
 * O(1) at every d (the coefficients of P_{k,d} itself are s_k sqrt(N(d,k))).
 */
function quartic(d: number, s2: number, s4: number): Link {
  return { kind: "legendre", coefficients: [0, 0, s2 * Math.sqrt(sphericalHarmonicsDim(d, 2)), 0, s4 * Math.sqrt(sphericalHarmonicsDim(d, 4))] };
}

function mahankaliSetting(d: number) {
  return {
    d,
    activation: linkToActivation(quartic(d, 0.5, 0.5), d),
    link: linkToActivation(quartic(d, 0.3, 0.6), d),
  };
}

function massOf(faces: Float64Array, values: Float64Array): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m += values[i]! * (faces[i + 1]! - faces[i]!);
  return m;
}

describe("initial laws integrated over cells", () => {
  it("sphere-uniform law of w: exact cell masses for d = 2, 3, 5; moments for d = 1e5", () => {
    const faces = sphereFaces({ cells: 300, ends: true, centerWidth: 0.001 });
    const exact: Record<number, (w: number) => number> = {
      2: (w) => Math.asin(w) / Math.PI,
      3: (w) => w / 2,
      5: (w) => (3 / 4) * (w - w ** 3 / 3),
    };
    for (const [d, cdf] of Object.entries(exact)) {
      const rho = sphereUniformDensity(faces, Number(d));
      let error = 0;
      for (let i = 0; i < 300; i++) error = Math.max(error, Math.abs(rho[i]! * (faces[i + 1]! - faces[i]!) - (cdf(faces[i + 1]!) - cdf(faces[i]!))));
      expect(error, `d = ${d}`).toBeLessThanOrEqual(1e-15);
    }
    // d = 1e5: the law has width 1/sqrt(d) ~ 0.003; the grid clusters there.
    const d = 100_000;
    const fine = sphereFaces({ cells: 4096, ends: true, centerWidth: 1 / (40 * Math.sqrt(d)) });
    const rho = sphereUniformDensity(fine, d);
    expect(Math.abs(massOf(fine, rho) - 1)).toBeLessThanOrEqual(1e-14);
    let second = 0;
    for (let i = 0; i < 4096; i++) second += (rho[i]! * (fine[i + 1]! ** 3 - fine[i]! ** 3)) / 3;
    // E[w^2] = 1/d; the piecewise-constant density adds Sheppard's width^2 / 12: 5e-5 of 1/d with
    // the centre cells 1/40 of the law's width, a few times that where the sinh map widens them.
    expect(Math.abs(second * d - 1)).toBeLessThanOrEqual(3e-4);
  });

  it("law of |w| for w ~ N(0, kappa^2/d I): Rayleigh cell masses at d = 2, E r^2 = kappa^2 at d = 320", () => {
    const kappa = 0.4;
    const faces = radialGrid(2, { kind: "gaussian", kappa }, { cells: 500, rMax: 3 });
    const rho = chiDensity(faces, 2, kappa);
    const cdf = (r: number) => 1 - Math.exp(-(r * r) / (kappa * kappa));
    let error = 0;
    for (let i = 0; i < 500; i++) error = Math.max(error, Math.abs(rho[i]! * (faces[i + 1]! - faces[i]!) - (cdf(faces[i + 1]!) - cdf(faces[i]!))));
    expect(error).toBeLessThanOrEqual(1e-15);
    const wide = radialGrid(320, { kind: "gaussian", kappa });
    const chi = chiDensity(wide, 320, kappa);
    let second = 0;
    for (let i = 0; i < chi.length; i++) second += (chi[i]! * (wide[i + 1]! ** 3 - wide[i]! ** 3)) / 3;
    expect(Math.abs(second / (kappa * kappa) - 1)).toBeLessThanOrEqual(1e-5);
  });
});

describe("grid densities: CDF, quantiles, W1", () => {
  const faces = Float64Array.of(-1, -0.5, 0, 1);
  const density = { faces, values: Float64Array.of(0.2, 0.6, 0.6) };

  it("the quantile function inverts the CDF; coarsening keeps masses", () => {
    const levels = Float64Array.of(0, 0.05, 0.1, 0.25, 0.4, 0.7, 1);
    const q = gridQuantile(density, levels);
    levels.forEach((m, k) => expect(gridCdf(density, q[k]!)).toBeCloseTo(m, 14));
    expect(Array.from(q)).toEqual([-1, -0.75, -0.5, -0.25, 0, 0.5, 1].map((x) => expect.closeTo(x, 14)));
    const coarse = coarsen(density, 2);
    expect(Array.from(coarse.faces)).toEqual([-1, 0, 1]);
    expect(Array.from(cumulativeMasses(coarse))).toEqual([0, 0.4, 1].map((x) => expect.closeTo(x, 15)));
  });

  it("W1 to samples: closed forms for one and two atoms", () => {
    const uniform = { faces: Float64Array.of(-1, 0, 1), values: Float64Array.of(0.5, 0.5) };
    // One atom at a against U(-1, 1): E|X - a| = (1 + a^2) / 2.
    for (const a of [0, 0.3, -1, 2]) expect(wasserstein1(uniform, [a])).toBeCloseTo(a > 1 ? a : (1 + a * a) / 2, 14);
    // Atoms at the quartiles +-1/2: each half of the mass moves a mean distance of 1/4.
    expect(wasserstein1(uniform, [-0.5, 0.5])).toBeCloseTo(0.25, 14);
    // The quantile distance of the exact quantile function is 0.
    const M = 1000;
    expect(quantileDistance(uniform, Float64Array.from({ length: M }, (_, j) => -1 + (2 * (j + 0.5)) / M))).toBeLessThanOrEqual(1e-15);
  });
});

describe("finite-volume solver against the plain-TypeScript scheme", () => {
  const d = 12;
  const model = new SphereModel(mahankaliSetting(d));
  const faces = sphereFaces({ cells: 201, ends: true, centerWidth: 0.004 });
  const rho = sphereUniformDensity(faces, d);
  const cases: [Limiter, Integrator][] = [["mc", "ssp2"], ["minmod", "ssp3"]];

  for (const [limiter, integrator] of cases) {
    it(`${limiter} + ${integrator}, 201 non-uniform cells, 60 steps: both builds bit-identical, reference to 1e-13`, async () => {
      const reference = new ReferenceFiniteVolume(model, faces, rho, limiter === "mc" ? 2 : 1, integrator === "ssp2" ? [0, 0.5] : [0, 0.75, 1 / 3], 0.4);
      const solvers = await Promise.all(BUILDS.map(async (b) => new FiniteVolumeSolver(await runtimeFor(b), model, faces, rho, { limiter, integrator })));
      try {
        for (let s = 0; s < 60; s++) {
          // A fixed step inside every CFL bound, so all three take the same dt.
          const dt = 0.02;
          reference.step(dt);
          for (const solver of solvers) expect(solver.step(dt)).toBe(dt);
        }
        const [simd, scalar] = solvers.map((s) => s.density());
        expect(Array.from(simd!)).toEqual(Array.from(scalar!));
        let error = 0;
        let size = 0;
        reference.rho.forEach((r, i) => {
          error = Math.max(error, Math.abs(simd![i]! - r));
          size = Math.max(size, Math.abs(r));
        });
        expect(error / size).toBeLessThanOrEqual(1e-13);
        const moments = solvers[0]!.moments();
        reference.moments().forEach((m, j) => expect(Math.abs(moments[j]! - m)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(m))));
      } finally {
        for (const solver of solvers) solver.free();
      }
    });
  }
});

describe("mass and positivity over 10^4 steps", () => {
  it("sphere (Mahankali et al.'s quartic, d = 32, 4096 cells) and radial (MMN18, d = 320, 4096 cells)", async () => {
    const rt = await runtimeFor("simd");
    const sphere = new SphereModel(mahankaliSetting(32));
    const sphereGridFaces = sphereFaces({ cells: 4096, ends: true });
    const activation = { kind: "piecewiseLinear" as const, breakpoints: [0.5, 1.5], slopes: [0, 1.5, 0], valueAtZero: -0.75 };
    const initial = { kind: "gaussian" as const, kappa: 0.4 };
    const radialFaces = radialGrid(320, initial);
    const radial = new RadialModel({ activation, delta: 0.5, rMax: radialFaces[radialFaces.length - 1]! });
    const runs = [
      new FiniteVolumeSolver(rt, sphere, sphereGridFaces, sphereUniformDensity(sphereGridFaces, 32)),
      new FiniteVolumeSolver(rt, radial, radialFaces, chiDensity(radialFaces, 320, 0.4)),
    ];
    try {
      for (const solver of runs) {
        let massError = 0;
        let smallest = Infinity;
        for (let s = 0; s < 10_000; s++) {
          solver.step(Infinity);
          massError = Math.max(massError, Math.abs(solver.mass() - 1));
          for (const v of solver.density()) smallest = Math.min(smallest, v);
        }
        console.log(`${solver.model === sphere ? "sphere" : "radial"}: 10^4 steps to t = ${solver.time.toFixed(3)}, max |mass - 1| = ${massError.toExponential(2)}, min density ${smallest.toExponential(2)}, rejected steps ${solver.rejected}`);
        expect(massError).toBeLessThanOrEqual(1e-12);
        expect(smallest).toBeGreaterThanOrEqual(0);
        expect(solver.time).toBeGreaterThan(1);
      }
    } finally {
      for (const solver of runs) solver.free();
    }
  }, 60_000);
});

describe("sphere PDE accuracy (Mahankali et al.'s quartic, d = 32)", () => {
  const options = mahankaliSetting(32);

  it("grid refinement 256 .. 8192 cells: E[P_2(w)] at t = 8 converges at second order", async () => {
    const runtime = await runtimeFor("simd");
    const cells = [256, 512, 1024, 2048, 4096, 8192];
    const values: number[] = [];
    for (const n of cells) {
      const result = await solveSpherePde({ ...options, times: [8], grid: { cells: n }, runtime });
      values.push(result.records[0]!.moments[2]!);
    }
    // e_n = |M_n - M_2n|; the observed order between successive n is log2(e_n / e_2n).
    const differences = values.slice(1).map((v, k) => Math.abs(v - values[k]!));
    const orders = differences.slice(1).map((e, k) => Math.log2(differences[k]! / e));
    console.log(`E[P_2(w)] at t = 8: ${cells.map((n, k) => `${n}: ${values[k]!.toFixed(10)}`).join(", ")}`);
    console.log(`observed orders (256/512/1024, ..., 2048/4096/8192): ${orders.map((p) => p.toFixed(2)).join(", ")}`);
    for (const p of orders) expect(p).toBeGreaterThanOrEqual(1.7);
    expect(orders[orders.length - 1]!).toBeLessThanOrEqual(2.5);
  }, 60_000);

  it("quantile and finite-volume solvers agree to 2e-6 in W1, 4e-7 in loss at 4096 cells / particles (t = 2, 8, 16)", async () => {
    const runtime = await runtimeFor("simd");
    const times = [2, 8, 16];
    const fv = await solveSpherePde({ ...options, times, runtime, density: { cells: 4096 } });
    const quantiles = solveSphereQuantiles({ ...options, times, particles: 4096 });
    for (let k = 0; k < times.length; k++) {
      const snapshot = fv.records[k]!.density!;
      const density = { faces: Float64Array.from(snapshot.faces), values: Float64Array.from(snapshot.values) };
      const positions = quantiles.records[k]!.positions;
      const distance = quantileDistance(density, positions);
      console.log(
        `t = ${times[k]}: W1 (quantile functions) ${distance.toExponential(2)}, W1 to the 4096 atoms ${wasserstein1(density, positions).toExponential(2)}, ` +
          `loss ${fv.records[k]!.loss.toFixed(10)} (FV) vs ${quantiles.records[k]!.loss.toFixed(10)} (quantiles)`,
      );
      // Measured: W1 1.23e-6, 6.1e-7, 3.6e-7; loss gaps 1.45e-7, 2.70e-7, 9.7e-8, of which the
      // quantile solver's M^-1.24 error is 1.8e-7 at t = 8 and the finite volumes' 8.9e-8
      // (test/spherePdeReference.test.ts).
      expect(distance).toBeLessThanOrEqual(2e-6);
      expect(Math.abs(fv.records[k]!.loss - quantiles.records[k]!.loss)).toBeLessThanOrEqual(4e-7);
    }
  }, 60_000);

  it("phases from the dynamics on a realizable instance: phase 3 after phase 2, in Case 1; the burn-in grows with d", async () => {
    const runtime = await runtimeFor("simd");
    const realizable = (d: number) => ({ d, activation: linkToActivation(quartic(d, 1, 1), d), link: linkToActivation(quartic(d, 0.5, 0.45), d) });
    const result = await solveSpherePde({ ...realizable(32), times: [0, 20], runtime });
    const { phases } = result;
    const later = (await solveSpherePde({ ...realizable(128), times: [0, 20], runtime })).phases;
    console.log(`phases (d = 32): 2 at t = ${phases.phase2?.toFixed(3)}, 3 at t = ${phases.phase3?.toFixed(3)} (case ${phases.phase3Case}); d = 128: 2 at ${later.phase2?.toFixed(3)}`);
    expect(phases.leadingDegree).toBe(2);
    expect(phases.phase2!).toBeGreaterThan(0);
    expect(phases.phase3!).toBeGreaterThan(phases.phase2!);
    expect(phases.phase3!).toBeLessThan(20);
    expect(phases.phase3Case).toBe(1);
    // Overlaps grow like exp(v'(0) t), v'(0) ~ 0.9: four times d is about 0.7 later.
    expect(later.phase2! - phases.phase2!).toBeGreaterThan(0.5);
    // The loss at t = 0 is the uniform law's: E[P_k] = 0, so 1/2 sum_k h_k^2 / N(d,k).
    expect(result.records[0]!.loss).toBeCloseTo(0.5 * (0.5 ** 2 + 0.45 ** 2), 7);
    expect(result.records[1]!.loss).toBeLessThan(1e-3 * result.records[0]!.loss);
  }, 30_000);

  it("velocity nonlinearity: w (1 - w^2) on a point mass at w0 gives w0^2", () => {
    const model = new SphereModel({ ...mahankaliSetting(32), activation: linkToActivation(quartic(32, 1, 0), 32), degree: 4 });
    const table = transportTable((w, out) => model.transport(w, out), model.count, [0.5, -0.5]);
    expect(velocityNonlinearity(table, [0, -0.3, 0, 0], [1, 1])).toBeCloseTo(0.25, 8);
    expect(velocityNonlinearity(table, [0, -0.3, 0, 0], [1, 0])).toBeCloseTo(0.25, 8);
  });
});

describe("PDE against population-GD particles (N = 4000, d = 16, t = 1)", () => {
  // The Euler steps of the particle run (h = 0.05) put it about 4e-4 above the gradient flow at
  // t = 1 (4.9e-4 at h = 0.05, 2.7e-4 at h = 0.025), and its self-interaction terms, absent from the
  // N -> infinity limit, about 6e-5 (sum_k s_k^2 / (2N)); the PDE's own error is below 1e-6.
  const d = 16;
  const n = 4000;
  const seed = 3;
  type FirstLayer = NonNullable<NonNullable<ConfigInput["model"]["init"]>["firstLayer"]>;
  const config = (firstLayer: FirstLayer): ConfigInput => ({
    name: "pde-vs-particles",
    seed,
    task: { kind: "sphereSingleIndex", d, link: quartic(d, 0.3, 0.6) },
    model: { width: n, activation: quartic(d, 0.5, 0.5), train: "first", init: { firstLayer, secondLayer: { kind: "constant", value: 1 } } },
    algorithm: { kind: "populationGd", steps: 20, stepSize: 0.05, projected: true },
    metrics: { include: ["populationLoss"], schedule: { kind: "every", steps: 10 } },
  });

  async function compare(input: ConfigInput, initial: "law" | "particles"): Promise<number[]> {
    const runtime = await runtimeFor("simd");
    const sim = await simulate(input, { runtime });
    const pde = await pdeFromConfig(input, { runtime, initial });
    expect(sim.records.map((r) => r.time)).toEqual([0, 0.5, 1]);
    expect(pde.times).toEqual([0, 0.5, 1]);
    const gaps = sim.records.map((r, k) => (r.populationLoss as number) - (pde.kind === "sphere" ? pde.result.records[k]!.loss : NaN));
    const losses = sim.records.map((r) => (r.populationLoss as number).toFixed(6)).join(", ");
    console.log(`particles (${initial === "law" ? "stratified sphere-uniform, PDE from the law" : "i.i.d. sphere init, PDE from their overlaps"}): losses ${losses}; gaps ${gaps.map((g) => g.toExponential(2)).join(", ")}`);
    // The comparison means something: the loss moves far more than the tolerance by t = 1.
    expect((sim.records[0]!.populationLoss as number) - (sim.records[2]!.populationLoss as number)).toBeGreaterThan(0.01);
    return gaps;
  }

  it("sphere-uniform particles (overlaps at the law's quantiles, random orthogonal parts) vs the PDE from the law", async () => {
    // Stratified, so the comparison measures the limit rather than the O(N^-1/2) noise of one i.i.d.
    // draw of the initial overlaps (which this seed's i.i.d. draw, below, shows to be ~5e-4 by t = 1).
    const runtime = await runtimeFor("simd");
    const q = runtime.random.sphere(seed, "task.q", 1, d);
    const overlaps = sphereUniformQuantiles(d, n);
    const g = runtime.random.gaussian(seed, "test.orthogonal", n * d);
    const weights = Array.from({ length: n }, (_, i) => {
      const xi = Array.from(g.subarray(i * d, (i + 1) * d));
      const along = xi.reduce((s, v, k) => s + v * q[k]!, 0);
      const perp = xi.map((v, k) => v - along * q[k]!);
      const norm = Math.hypot(...perp);
      const m = overlaps[i]!;
      return perp.map((v, k) => m * q[k]! + (Math.sqrt(1 - m * m) * v) / norm);
    });
    const gaps = await compare(config({ kind: "given", weights }), "law");
    for (const gap of gaps) expect(Math.abs(gap)).toBeLessThanOrEqual(1e-3);
  }, 120_000);

  it("i.i.d. sphere-uniform particles (the config's init) vs the PDE started from their overlaps", async () => {
    const gaps = await compare(config({ kind: "sphere" }), "particles");
    for (const gap of gaps) expect(Math.abs(gap)).toBeLessThanOrEqual(1e-3);
  }, 120_000);
});

describe("pdeFromConfig", () => {
  const base: ConfigInput = {
    task: { kind: "sphereSingleIndex", d: 8, link: { kind: "legendre", coefficients: [0, 0, 1] } },
    model: { width: 10, activation: { kind: "legendre", coefficients: [0, 0, 1] }, train: "first" },
    algorithm: { kind: "onlineSgd", batch: 8, steps: 100, stepSize: 0.1, projected: true },
    metrics: { include: ["testLoss"], schedule: { kind: "every", steps: 25 } },
  };

  it("records at the metric schedule's times, t = step * stepSize", async () => {
    const out = await pdeFromConfig(base, { runtime: await runtimeFor("simd"), cells: 512 });
    expect(out.kind).toBe("sphere");
    expect(out.times).toEqual([0, 2.5, 5, 7.5, 10]);
    if (out.kind === "sphere") expect(out.result.records.map((r) => r.time)).toEqual(out.times);
  });

  it("refuses configs whose limit is not a one-dimensional PDE, naming the field", async () => {
    const runtime = await runtimeFor("simd");
    const bad: [string, ConfigInput][] = [
      ["model.train", { ...base, model: { ...base.model, train: "both" } }],
      ["algorithm.projected", { ...base, algorithm: { ...base.algorithm, projected: false } as ConfigInput["algorithm"], metrics: { include: ["testLoss"] } }],
      ["model.init.secondLayer", { ...base, model: { ...base.model, init: { secondLayer: { kind: "gaussian", std: 1 } } } }],
      ["algorithm.kind", { ...base, algorithm: { kind: "empiricalGd", samples: 10, steps: 10, stepSize: 0.1, projected: true } }],
      ["task.kind", { ...base, task: { kind: "gaussianSingleIndex", d: 8, link: "relu" }, algorithm: { ...base.algorithm, projected: false } as ConfigInput["algorithm"] }],
    ];
    for (const [field, input] of bad) {
      const attempt = pdeFromConfig(input, { runtime, cells: 64 });
      await expect(attempt, field).rejects.toThrow(ConfigError);
      await expect(attempt, field).rejects.toThrow(new RegExp(`^${field.replace(/\./g, "\\.")}:`));
    }
  });
});
