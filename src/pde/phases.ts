// The three phases of the analysis of Mahankali et al. (2023), detected on the solution of
// the sphere PDE.
//
// The seed describes the population dynamics from the sphere-uniform start as (1) a burn-in in
// which the signal q*^T u grows at rate ~ 4 sigma_2^2 |D_2,t| while D_2 stays near its initial
// value (the mass near w = 0, at the O(1/sqrt d) scale, starts to move out, linearly in w), (2) a
// power-method-like phase in which the neurons accelerate toward q* and the degree-2 residual is
// fitted, and (3) a phase in which D_2 is small, the particles settle around the root r of the
// velocity and the remaining loss decays, the potential Phi(w) = log(w / sqrt(1 - w^2)) keeping
// them spread so the average velocity stays large (its Case 1 is D_4 <= 0).
//
// With k* the leading degree (the lowest k >= 1 whose velocity weight sigma_k D_k(0) / N(d,k) is
// not negligible: 2 in Mahankali et al. 2023, where D_2(0) = -h_2) and r(t) = |D_k*(t)| / |D_k*(0)|:
//   phase 1 starts when r(t) <= 1 - start      (default start = 1e-3: D_k* has measurably
//                                               started to decrease, the bulk near 0 moves),
//   phase 2 starts when r(t) <= half            (default 1/2: E[P_k*(w)] is half way to its
//                                               target, which needs overlaps of order one, so the
//                                               bulk has left the O(1/sqrt d) scale),
//   phase 3 starts when r(t) <= small           (default 0.1: D_k* is small, the seed's Phase 3),
// each the first crossing, linearly interpolated between solver steps (which the CFL condition
// keeps short). At the start of phase 3 the residuals are reported, with the seed's case
// (1 when D_4 <= 0, else 2) when K >= 4.

export interface PhaseThresholds {
  start?: number;
  half?: number;
  small?: number;
}

export interface SpherePhases {
  /** k*, or null when no degree drives the dynamics (then no phase starts). */
  leadingDegree: number | null;
  /** Start times, null when not reached by the end of the run. */
  phase1: number | null;
  phase2: number | null;
  phase3: number | null;
  /** D_1 .. D_K at the start of phase 3. */
  residualsAtPhase3: number[] | null;
  /** The seed's Phase-3 case: 1 when D_4 <= 0 at its start, 2 otherwise; null when K < 4 or not reached. */
  phase3Case: 1 | 2 | null;
  thresholds: Required<PhaseThresholds>;
}

/** Below this fraction of the largest velocity weight a degree does not count as leading. */
const NEGLIGIBLE = 1e-8;

export class PhaseDetector {
  private readonly leading: number | null;
  private readonly initial: number;
  private readonly levels: number[];
  private readonly times: (number | null)[] = [null, null, null];
  private atPhase3: number[] | null = null;
  private previous: { time: number; ratio: number };
  readonly thresholds: Required<PhaseThresholds>;

  /**
   * residuals: D_1 .. D_K at t = 0; velocityWeights: sigma_k D_k(0) / N(d,k) up to a common factor
   * (k = 1 .. K).
   */
  constructor(residuals: ArrayLike<number>, velocityWeights: ArrayLike<number>, thresholds: PhaseThresholds = {}) {
    this.thresholds = { start: thresholds.start ?? 1e-3, half: thresholds.half ?? 0.5, small: thresholds.small ?? 0.1 };
    const { start, half, small } = this.thresholds;
    if (!(start > 0 && start < 1 - half && half > small && small > 0)) {
      throw new RangeError(`meanfield: phase thresholds must satisfy 0 < start < 1 - half and half > small > 0, got ${start}, ${half}, ${small}`);
    }
    let largest = 0;
    for (let k = 0; k < velocityWeights.length; k++) largest = Math.max(largest, Math.abs(velocityWeights[k]!));
    let leading: number | null = null;
    for (let k = 0; k < velocityWeights.length && largest > 0; k++) {
      if (Math.abs(velocityWeights[k]!) > NEGLIGIBLE * largest) {
        leading = k;
        break;
      }
    }
    this.leading = leading;
    this.initial = leading === null ? 0 : Math.abs(residuals[leading]!);
    this.levels = [1 - start, half, small];
    this.previous = { time: 0, ratio: 1 };
  }

  observe(time: number, residuals: ArrayLike<number>): void {
    if (this.leading === null) return;
    const ratio = Math.abs(residuals[this.leading]!) / this.initial;
    for (let p = 0; p < 3; p++) {
      if (this.times[p] !== null || !(ratio <= this.levels[p]!)) continue;
      const { time: t0, ratio: r0 } = this.previous;
      const level = this.levels[p]!;
      this.times[p] = r0 > ratio ? t0 + ((time - t0) * (r0 - level)) / (r0 - ratio) : time;
      if (p === 2) this.atPhase3 = Array.from(residuals);
    }
    this.previous = { time, ratio };
  }

  result(): SpherePhases {
    const at = this.atPhase3;
    return {
      leadingDegree: this.leading === null ? null : this.leading + 1,
      phase1: this.times[0] ?? null,
      phase2: this.times[1] ?? null,
      phase3: this.times[2] ?? null,
      residualsAtPhase3: at,
      phase3Case: at && at.length >= 4 ? (at[3]! <= 0 ? 1 : 2) : null,
      thresholds: this.thresholds,
    };
  }
}
