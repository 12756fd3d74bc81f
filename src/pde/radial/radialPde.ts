// The MMN18 radial PDE solved by the finite-volume scheme on r in [0, rMax] (zero flux at both
// ends; see radialModel.ts for the equation, the risk and the time scale), recorded at given
// times with the risk, the moments Q_pm = E[q_pm(r)], D_pm, the mean norm and optionally the
// density.

import type { ActivationSpec } from "../../activation/spec.js";
import { loadRuntime, type WasmRuntime } from "../../wasm/runtime.js";
import { checkCount, checkFinite, checkFiniteNumber } from "../../argumentChecks.js";
import { FiniteVolumeSolver, type FiniteVolumeOptions } from "../grid/finiteVolume.js";
import { checkFaces, clusteredFaces } from "../grid/grid.js";
import type { GridDensity } from "../grid/gridDensity.js";
import { chiDensity, histogramDensity } from "../grid/initialDensity.js";
import { checkTimes, densitySnapshots, type DensityOutput, type DensitySnapshot } from "../grid/output.js";
import { RadialModel } from "./radialModel.js";

/** The law of r = |w|: w ~ N(0, kappa^2/d I_d) (r^2 d / kappa^2 ~ chi^2_d), or samples of r. */
export type RadialInitialLaw = { kind: "gaussian"; kappa: number } | { kind: "samples"; samples: ArrayLike<number> };

/** Grid of r in [0, rMax]: rMax must exceed where the mass goes, or mass piles up at the wall. */
export interface RadialGridOptions {
  /** Default 4096. */
  cells?: number;
  /** Default max(4, 2 x the initial law's upper end). */
  rMax?: number;
  /**
   * Width of the cells at the initial law's centre (default its width / 10). Finer cells there
   * would also shorten every time step after the mass has left (the CFL rate is |v| / width).
   */
  centerWidth?: number;
}

/** The radial PDE problem: dimension, Delta, activation, initial law of r and the mean-field record times. */
export interface RadialPdeOptions {
  /** Input dimension (sets the initial law for a gaussian start). */
  d: number;
  delta: number;
  activation: ActivationSpec;
  /** c, the fixed second-layer weight (default 1). */
  secondLayer?: number;
  initial: RadialInitialLaw;
  times: ArrayLike<number>;
  grid?: RadialGridOptions | { faces: ArrayLike<number> };
  solver?: FiniteVolumeOptions;
  density?: DensityOutput | boolean;
  runtime?: WasmRuntime;
}

/** The radial PDE at one time: risk 1/2 E[(y - f)^2] (half MMN18's) and the moments of the law of r. */
export interface RadialPdeRecord {
  time: number;
  /** R(rho) = 1/2 E[(y - f)^2] in the mean-field limit (MMN18's risk is twice this). */
  risk: number;
  /** Q_+, Q_- = E[q_pm(r)]. */
  moments: number[];
  /** D_+ = c Q_+ - 1, D_- = c Q_- + 1. */
  residuals: number[];
  /** E[r]. */
  meanNorm: number;
  density?: DensitySnapshot;
}

/** The risk curve of the radial PDE and its final density, for comparison with finite networks of N neurons. */
export interface RadialPdeResult {
  records: RadialPdeRecord[];
  final: GridDensity;
  rMax: number;
  steps: number;
  rejectedSteps: number;
  massError: number;
  /**
   * The largest mass found in the outer 1% of [0, rMax] at a record: mass that reaches rMax is
   * stopped there by the zero-flux wall, so anything above round-off means rMax is too small.
   */
  edgeMass: number;
  wallSeconds: number;
}

/** Uniform cells resolve the initial law when its width spans this many of them. */
const CELLS_PER_WIDTH = 10;

/** Centre, width and upper end of the initial law (upper end: 10 widths above the centre). */
function initialExtent(d: number, initial: RadialInitialLaw): { center: number; width: number; upper: number } {
  if (initial.kind === "gaussian") {
    const { kappa } = initial;
    checkFiniteNumber("initial.kappa", kappa);
    if (!(kappa > 0)) throw new RangeError(`meanfield: initial.kappa must be > 0, got ${kappa}`);
    const center = kappa * Math.sqrt(Math.max(d - 1, 0.5) / d);
    const width = kappa / Math.sqrt(2 * d);
    return { center, width, upper: center + 10 * width };
  }
  checkCount("initial.samples.length", initial.samples.length);
  checkFinite("initial.samples", initial.samples);
  const sorted = Float64Array.from(initial.samples).sort();
  const n = sorted.length;
  if (!(sorted[0]! >= 0)) throw new RangeError(`meanfield: initial.samples must be norms >= 0, got ${sorted[0]}`);
  const center = sorted[n >> 1]!;
  const spread = sorted[Math.floor(0.75 * (n - 1))]! - sorted[Math.floor(0.25 * (n - 1))]!;
  const width = spread > 0 ? spread / 1.35 : Math.max(center, 1) * 1e-3;
  return { center, width, upper: sorted[n - 1]! };
}

/** Faces of the radial grid: given ones (checked to start at 0), or a grid wide enough for the initial law of r. */
export function radialGrid(d: number, initial: RadialInitialLaw, grid: RadialPdeOptions["grid"] = {}): Float64Array {
  if ("faces" in grid) {
    const faces = checkFaces(grid.faces);
    if (faces[0] !== 0) throw new RangeError(`meanfield: radial grid faces must start at 0, got ${faces[0]}`);
    return faces;
  }
  const extent = initialExtent(d, initial);
  const rMax = grid.rMax ?? Math.max(4, 2 * extent.upper);
  return clusteredFaces(0, rMax, grid.cells ?? 4096, {
    center: Math.min(extent.center, rMax),
    centerWidth: grid.centerWidth ?? extent.width / CELLS_PER_WIDTH,
  });
}

/**
 * Solves the radial mean-field PDE (Mei, Montanari, Nguyen 2018) at the given mean-field times: the N ->
 * infinity limit of mean-field GD with scaling 1/N on isotropic Gaussians.
 */
export async function solveRadialPde(options: RadialPdeOptions): Promise<RadialPdeResult> {
  const started = performance.now();
  checkCount("d (input dimension)", options.d);
  const times = checkTimes(options.times);
  const faces = radialGrid(options.d, options.initial, options.grid);
  const n = faces.length - 1;
  const rMax = faces[n]!;
  const model = new RadialModel({ activation: options.activation, delta: options.delta, secondLayer: options.secondLayer, rMax });
  const initial = options.initial;
  const density = initial.kind === "gaussian" ? chiDensity(faces, options.d, initial.kappa) : histogramDensity(faces, initial.samples);
  const runtime = options.runtime ?? (await loadRuntime());
  const solver = new FiniteVolumeSolver(runtime, model, faces, density, options.solver);
  try {
    const snapshot = densitySnapshots(options.density, times.length);
    const edgeFrom = rMax * 0.99;
    const records: RadialPdeRecord[] = [];
    let massError = 0;
    let edgeMass = 0;
    for (let k = 0; k < times.length; k++) {
      solver.advanceTo(times[k]!);
      const rho = solver.density();
      let mass = 0;
      let first = 0;
      let edge = 0;
      for (let i = 0; i < n; i++) {
        const m = rho[i]! * (faces[i + 1]! - faces[i]!);
        mass += m;
        first += 0.5 * rho[i]! * (faces[i + 1]! ** 2 - faces[i]! ** 2);
        if (faces[i + 1]! > edgeFrom) edge += m;
      }
      massError = Math.max(massError, Math.abs(mass - 1));
      edgeMass = Math.max(edgeMass, edge);
      const record: RadialPdeRecord = {
        time: times[k]!,
        risk: solver.loss(),
        moments: Array.from(solver.moments()),
        residuals: Array.from(solver.residuals()),
        meanNorm: first,
      };
      const shot = snapshot(k, () => ({ faces, values: rho }));
      if (shot) record.density = shot;
      records.push(record);
    }
    return {
      records,
      final: { faces: faces.slice(), values: solver.density() },
      rMax,
      steps: solver.steps,
      rejectedSteps: solver.rejected,
      massError,
      edgeMass,
      wallSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    solver.free();
  }
}
