// The sphere PDE of Mahankali et al. (2023) solved: the law of w = <q*, u> under projected mean-field gradient flow
// (sphereModel.ts), by the finite-volume scheme (solveSpherePde) or by the quantile solver
// (solveSphereQuantiles), recorded at given times with the loss, D_k, E[P_k(w)], optionally the
// density, and the three phases of Mahankali et al. 2023 (phases.ts).

import { loadRuntime, type WasmRuntime } from "../../wasm/runtime.js";
import { FiniteVolumeSolver, type FiniteVolumeOptions } from "../grid/finiteVolume.js";
import { checkFaces, sphereFaces, type SphereGridOptions } from "../grid/grid.js";
import { gridQuantile, type GridDensity } from "../grid/gridDensity.js";
import { histogramDensity, sphereUniformDensity } from "../grid/initialDensity.js";
import { checkTimes, densitySnapshots, type DensityOutput, type DensitySnapshot } from "../grid/output.js";
import { PhaseDetector, transportTable, velocityNonlinearity, type PhaseOptions, type SpherePhases } from "./phases.js";
import { QuantileSolver, type QuantileSolverOptions } from "./quantileSolver.js";
import { SphereModel, type SphereModelOptions } from "./sphereModel.js";

/** The initial law of w: sphere-uniform (density proportional to (1 - w^2)^{(d-3)/2}) or samples of w. */
export type SphereInitialLaw = { kind: "uniform" } | { kind: "samples"; samples: ArrayLike<number> };

/**
 * The sphere PDE problem (Mahankali et al. 2023 setting): model, initial law of w = <u, q>, mean-field record
 * times t = step h, grid.
 */
export interface SpherePdeOptions extends SphereModelOptions {
  /** Record times (mean-field time), non-decreasing, >= 0. */
  times: ArrayLike<number>;
  initial?: SphereInitialLaw;
  /**
   * The grid: options for sphereFaces (default 4096 cells, clustered at w = +-1 where aligned
   * neurons pile up, and at w = 0 when the law's
   * width 1/sqrt(d) spans fewer than 40 uniform cells), or explicit faces from -1 to 1.
   */
  grid?: Partial<SphereGridOptions> | { faces: ArrayLike<number> };
  solver?: FiniteVolumeOptions;
  /** Include the density in the records. */
  density?: DensityOutput | boolean;
  phases?: PhaseOptions;
  runtime?: WasmRuntime;
}

/** The sphere PDE at one time: loss 1/2 E[(f - y)^2] and the Legendre moments D_k = E[P_{k,d}(w)]. */
export interface SpherePdeRecord {
  time: number;
  loss: number;
  /** D_0 .. D_K. */
  residuals: number[];
  /** E[P_{k,d}(w)], k = 0..K (k = 0 is the mass). */
  moments: number[];
  density?: DensitySnapshot;
}

/** What the model was built from: K, the coefficients and what truncation at K leaves out. */
export interface SphereModelSummary {
  d: number;
  degree: number;
  activationCoefficients: number[];
  linkCoefficients: number[];
  activationTail: number;
  linkTail: number;
  secondLayer: number;
  /** Truncations that miss the requested tolerance (SphereModel.warnings); empty when none. */
  warnings: string[];
}

/** The sphere PDE's records, phases and final density, for comparison with finite networks. */
export interface SpherePdeResult {
  model: SphereModelSummary;
  records: SpherePdeRecord[];
  phases: SpherePhases;
  /** The density at the last record time. */
  final: GridDensity;
  steps: number;
  rejectedSteps: number;
  /** max |mass - 1| over the records. */
  massError: number;
  wallSeconds: number;
}

function summary(model: SphereModel): SphereModelSummary {
  return {
    d: model.d,
    degree: model.degree,
    activationCoefficients: Array.from(model.activationCoefficients),
    linkCoefficients: Array.from(model.linkCoefficients),
    activationTail: model.activationTail,
    linkTail: model.linkTail,
    secondLayer: model.secondLayer,
    warnings: [...model.warnings],
  };
}

/** Uniform cells resolve the law of w when its width 1/sqrt(d) spans this many of them. */
const CELLS_PER_WIDTH = 40;

/**
 * Faces on [-1, 1] for the sphere PDE: given ones (checked to span [-1, 1]) or cells clustered at w = 0 where
 * the uniform law on S^{d-1} concentrates with width ~ 1/sqrt(d).
 */
export function sphereGrid(d: number, grid: SpherePdeOptions["grid"] = {}): Float64Array {
  if ("faces" in grid) {
    const faces = checkFaces(grid.faces);
    if (faces[0] !== -1 || faces[faces.length - 1] !== 1) throw new RangeError("meanfield: sphere grid faces must run from -1 to 1");
    return faces;
  }
  const cells = grid.cells ?? 4096;
  return sphereFaces({ cells, ends: grid.ends ?? true, centerWidth: grid.centerWidth ?? 1 / (CELLS_PER_WIDTH * Math.sqrt(d)) });
}

/** D_0 .. D_K and E[P_0] .. E[P_K] from the moments E[P_1] .. E[P_K]. */
function fullRecord(model: SphereModel, moments: Float64Array, residuals: Float64Array, mass: number) {
  return {
    residuals: [model.constantResidual, ...residuals],
    moments: [mass, ...moments],
  };
}

function detector(model: SphereModel, residuals: Float64Array, options: PhaseOptions | undefined): PhaseDetector {
  const weights = residuals.map((r, k) => (model.weights[k]! * r) / model.harmonics[k + 1]!);
  return new PhaseDetector(residuals, weights, model.harmonics.subarray(1), options);
}

/** The finite-volume solution of the sphere PDE. */
export async function solveSpherePde(options: SpherePdeOptions): Promise<SpherePdeResult> {
  const started = performance.now();
  const times = checkTimes(options.times);
  const model = new SphereModel(options);
  const faces = sphereGrid(model.d, options.grid);
  const initial = options.initial ?? { kind: "uniform" };
  const density = initial.kind === "uniform" ? sphereUniformDensity(faces, model.d) : histogramDensity(faces, initial.samples);
  const runtime = options.runtime ?? (await loadRuntime());
  const solver = new FiniteVolumeSolver(runtime, model, faces, density, options.solver);
  try {
    const phases = detector(model, solver.residuals(), options.phases);
    const centres = Float64Array.from(solver.widths, (w, i) => faces[i]! + w / 2);
    const table = transportTable((w, out) => model.transport(w, out), model.count, centres);
    const observe = (s: FiniteVolumeSolver) => {
      const residuals = s.residuals();
      const nonlinearity = phases.wantsNonlinearity ? velocityNonlinearity(table, residuals, s.density().map((rho, i) => rho * s.widths[i]!)) : NaN;
      phases.observe(s.time, residuals, nonlinearity);
    };
    observe(solver);
    const snapshot = densitySnapshots(options.density, times.length);
    const records: SpherePdeRecord[] = [];
    let massError = 0;
    for (let k = 0; k < times.length; k++) {
      solver.advanceTo(times[k]!, observe);
      const mass = solver.mass();
      massError = Math.max(massError, Math.abs(mass - 1));
      const record: SpherePdeRecord = { time: times[k]!, loss: solver.loss(), ...fullRecord(model, solver.moments(), solver.residuals(), mass) };
      const shot = snapshot(k, () => ({ faces: solver.faces, values: solver.density() }));
      if (shot) record.density = shot;
      records.push(record);
    }
    return {
      model: summary(model),
      records,
      phases: phases.result(),
      final: { faces: solver.faces.slice(), values: solver.density() },
      steps: solver.steps,
      rejectedSteps: solver.rejected,
      massError,
      wallSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    solver.free();
  }
}

/** The sphere PDE solved by the quantile method: M levels instead of grid cells. */
export interface SphereQuantileOptions extends SphereModelOptions {
  times: ArrayLike<number>;
  initial?: SphereInitialLaw;
  /** M, the number of quantile levels for a sphere-uniform start (default 4096). */
  particles?: number;
  solver?: QuantileSolverOptions;
}

/** The quantile solver's state at one time: loss 1/2 E[(f - y)^2] and the moment residuals. */
export interface SphereQuantileRecord {
  time: number;
  loss: number;
  residuals: number[];
  moments: number[];
  /** X_t(m_j), m_j = (j + 1/2) / M, ascending. */
  positions: Float64Array;
}

/** The quantile solution's records and step count, to compare against the finite-volume solution. */
export interface SphereQuantileResult {
  model: SphereModelSummary;
  records: SphereQuantileRecord[];
  steps: number;
  wallSeconds: number;
}

/** Cells of the fine grid whose quantile function starts the quantile solver (error ~ cell width^2). */
const QUANTILE_GRID_CELLS = 1 << 16;

/** The quantile-function positions X_0(m_j) of the sphere-uniform law. */
export function sphereUniformQuantiles(d: number, particles: number): Float64Array {
  const faces = sphereGrid(d, { cells: QUANTILE_GRID_CELLS });
  const levels = Float64Array.from({ length: particles }, (_, j) => (j + 0.5) / particles);
  return gridQuantile({ faces, values: sphereUniformDensity(faces, d) }, levels);
}

/** The quantile (Lagrangian) solution of the same PDE, the cross-check of solveSpherePde. */
export function solveSphereQuantiles(options: SphereQuantileOptions): SphereQuantileResult {
  const started = performance.now();
  const times = checkTimes(options.times);
  const model = new SphereModel(options);
  const initial = options.initial ?? { kind: "uniform" };
  const positions =
    initial.kind === "uniform"
      ? sphereUniformQuantiles(model.d, options.particles ?? 4096)
      : Float64Array.from(initial.samples).sort();
  const solver = new QuantileSolver(model, positions, options.solver);
  const records: SphereQuantileRecord[] = [];
  for (const t of times) {
    solver.advanceTo(t);
    const moments = solver.moments();
    records.push({
      time: t,
      loss: solver.loss(),
      ...fullRecord(model, moments, solver.residuals(), 1),
      positions: solver.positions.slice(),
    });
  }
  return { model: summary(model), records, steps: solver.steps, wallSeconds: (performance.now() - started) / 1000 };
}
