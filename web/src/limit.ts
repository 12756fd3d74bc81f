// The mean-field limit the demo draws next to a run: the sphere PDE for the sphere task, reduced
// particles (DF-PDE) otherwise. The page's worker runs it, and the end-to-end test runs the same
// function in Node to check that the page drew the same bits.

import { parseConfig, pdeFromConfig, solveReducedParticles, type ConfigInput, type ReducedParticleState } from "meanfield";
import type { LimitRecord } from "./protocol.ts";

/** Reduced particles at least this many, so their histogram is a fair picture of the limit law. */
const MIN_REDUCED_PARTICLES = 1024;
const HISTOGRAM_BINS = 60;

/** The histogram (as a density) of w_S1 / |w| over reduced particles, |w|^2 = |w_S|^2 + r^2. */
function overlapDensity(state: ReducedParticleState, coordinates: number): LimitRecord["density"] {
  const m = state.r.length;
  const counts = new Float64Array(HISTOGRAM_BINS);
  for (let i = 0; i < m; i++) {
    let norm2 = state.r[i]! ** 2;
    for (let p = 0; p < coordinates; p++) norm2 += state.wS[i * coordinates + p]! ** 2;
    const overlap = norm2 > 0 ? state.wS[i * coordinates]! / Math.sqrt(norm2) : 0;
    counts[Math.min(HISTOGRAM_BINS - 1, Math.floor(((overlap + 1) / 2) * HISTOGRAM_BINS))]!++;
  }
  const width = 2 / HISTOGRAM_BINS;
  return {
    faces: Array.from({ length: HISTOGRAM_BINS + 1 }, (_, j) => -1 + j * width),
    values: Array.from(counts, (c) => c / (m * width)),
  };
}

/** Solves the limit of a run config, handing each batch of records (with the limit's name) to `emit` as it comes. */
export async function solveDemoLimit(config: ConfigInput, emit: (kind: string, records: LimitRecord[]) => void): Promise<void> {
  const resolved = parseConfig(config);
  if (resolved.task.kind === "sphereSingleIndex") {
    // The run's own initial particles, so the comparison carries no initial sampling error.
    const limit = await pdeFromConfig(resolved, { initial: "particles", cells: 1024, density: { cells: 160 } });
    if (limit.kind !== "sphere") throw new Error(`expected the sphere PDE, got ${limit.kind}`);
    const { stepSize } = resolved.algorithm;
    const records: LimitRecord[] = limit.result.records.map((r) => ({
      step: Math.round(r.time / stepSize),
      loss: r.loss,
      residuals: Array.from(r.residuals),
      ...(r.density ? { density: r.density } : {}),
    }));
    emit("sphere PDE (finite volumes)", records);
    return;
  }
  const particles = Math.max(resolved.model.width, MIN_REDUCED_PARTICLES);
  const kind = `reduced particles (DF-PDE, M = ${particles})`;
  let density: LimitRecord["density"];
  await solveReducedParticles(resolved, {
    particles,
    // Euler with the run's step size is the network's own time discretization, so the gap
    // between the curves is the finite-N one; it also costs half of Heun, which matters on
    // machines where this worker and the network's share few cores.
    scheme: "euler",
    observe: (_step, _time, state) => (density = overlapDensity(state, state.wS.length / state.r.length)),
    onRecord: (r) => emit(kind, [{ step: r.step, loss: r.loss, coefficients: r.coefficients, projections: r.projections, density }]),
  });
}
