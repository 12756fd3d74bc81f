// The three phases of the population dynamics of Mahankali, HaoChen, Dong, Glasgow, Ma (2023),
// arXiv 2306.16361, detected from the dynamics of the law of w = <q*, u>.
//
// The paper's picture from the sphere-uniform start: (1) a burn-in in which every overlap is at
// the 1/sqrt(d) scale, so the velocity v(w) = -(1 - w^2) sum_k c sigma_k D_k P'_k(w) / N(d,k) is
// linear in w on the bulk and the law only dilates (w grows like exp(rate t), D_k* barely moves);
// (2) a phase in which the overlaps are of order one, the cubic terms of v (the degree-4 part and
// the projection's -w^2) matter and the neurons accelerate towards +-q* until the leading
// residual D_k* is fitted; (3) a phase in which D_k* is small (its part of the loss below the
// target error epsilon) and the remaining loss decays, in the paper's Case 1 when D_4 <= 0 at its
// start, Case 2 otherwise. So:
//   phase 2 starts at the first time the nonlinear part of the velocity reaches a quarter of its
//     linear part on the law, E|v(w) - v(0) - v'(0) w| >= E|v(0) + v'(0) w| / 4 (velocityNonlinearity;
//     for the degree-2 term alone the ratio is about E|w|^3 / E|w|, so typical overlaps near 1/2),
//     which from a start at the 1/sqrt(d) scale takes a time growing like log d;
//   phase 3 starts at the first time D_k*^2 / (2 N(d,k*)) <= epsilon.
// The two boundaries are crossings of different quantities, so their order is a property of the
// run, not of the definition. Crossings are linearly interpolated between observations.

/** Where the phase boundaries of the sphere PDE are drawn; the defaults follow Mahankali et al. 2023. */
export interface PhaseOptions {
  /** Nonlinearity of the velocity at which phase 2 starts (default 1/4). */
  nonlinearity?: number;
  /** The target error: phase 3 starts when the leading degree's part of the loss falls below it (default 1e-3 of its initial value). */
  epsilon?: number;
}

/**
 * The three phases of single-index learning on the sphere (burn-in, escape, convergence; Mahankali et al. 2023)
 * located in one run, in mean-field time.
 */
export interface SpherePhases {
  /** k*, or null when no degree drives the dynamics (then no phase starts). */
  leadingDegree: number | null;
  /** Start of phase 2 (end of the burn-in), null when not reached by the end of the run. */
  phase2: number | null;
  /** Start of phase 3, null when not reached. */
  phase3: number | null;
  /** D_1 .. D_K at the start of phase 3. */
  residualsAtPhase3: number[] | null;
  /** The paper's Phase-3 case: 1 when D_4 <= 0 at its start, 2 otherwise; null when K < 4 or not reached. */
  phase3Case: 1 | 2 | null;
  /** The epsilon used (absolute loss) and the nonlinearity level of phase 2. */
  epsilon: number;
  nonlinearity: number;
}

/** Below this fraction of the largest velocity weight a degree does not count as leading. */
const NEGLIGIBLE = 1e-8;
/** Step of the central difference giving v'(0): the transport is a low-degree polynomial, so the error is ~ step^2 (plus round-off ~ 1e-16 / step). */
const DIFFERENCE_STEP = 1e-6;

/** The transports T_k (k = 1..K) at fixed points, and their value and slope at w = 0. */
export interface TransportTable {
  points: Float64Array;
  /** T_k(points[i]) at i * K + k - 1. */
  values: Float64Array;
  atZero: Float64Array;
  slopeAtZero: Float64Array;
}

/** Tabulates the model's transport (sphereModel.ts: c sigma_k (1 - w^2) P'_k(w) / N(d,k), k = 1..K) at the points. */
export function transportTable(transport: (w: number, out: Float64Array) => void, K: number, points: ArrayLike<number>): TransportTable {
  const n = points.length;
  const values = new Float64Array(n * K);
  const t = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    transport(points[i]!, t);
    values.set(t, i * K);
  }
  const atZero = new Float64Array(K);
  transport(0, atZero);
  const plus = new Float64Array(K);
  const minus = new Float64Array(K);
  transport(DIFFERENCE_STEP, plus);
  transport(-DIFFERENCE_STEP, minus);
  const slopeAtZero = plus.map((p, k) => (p - minus[k]!) / (2 * DIFFERENCE_STEP));
  return { points: Float64Array.from(points), values, atZero, slopeAtZero };
}

/**
 * The nonlinearity of the velocity v(w) = -sum_k D_k T_k(w) on a law: E|v - v(0) - v'(0) w| /
 * E|v(0) + v'(0) w| over the table's points with masses m (any normalization; null: equal).
 * residuals: D_1 .. D_K.
 */
export function velocityNonlinearity(table: TransportTable, residuals: ArrayLike<number>, masses: ArrayLike<number> | null): number {
  const K = residuals.length;
  let v0 = 0;
  let slope = 0;
  for (let k = 0; k < K; k++) {
    v0 -= residuals[k]! * table.atZero[k]!;
    slope -= residuals[k]! * table.slopeAtZero[k]!;
  }
  let linear = 0;
  let rest = 0;
  const { points, values } = table;
  for (let i = 0; i < points.length; i++) {
    const m = masses ? masses[i]! : 1;
    if (m === 0) continue;
    let v = 0;
    for (let k = 0; k < K; k++) v -= residuals[k]! * values[i * K + k]!;
    const lin = v0 + slope * points[i]!;
    linear += m * Math.abs(lin);
    rest += m * Math.abs(v - lin);
  }
  return rest / linear;
}

/** Locates the phase transitions online from the records a solver emits, so no run has to be stored to find them. */
export class PhaseDetector {
  private readonly leading: number | null;
  private readonly harmonic: number;
  readonly epsilon: number;
  readonly nonlinearity: number;
  private readonly times: (number | null)[] = [null, null];
  private atPhase3: number[] | null = null;
  private previous: { time: number; nonlinearity: number; loss: number } | null = null;

  /**
   * residuals: D_1 .. D_K at t = 0; velocityWeights: sigma_k D_k(0) / N(d,k) up to a common factor
   * (k = 1 .. K); harmonics: N(d,k), k = 1 .. K.
   */
  constructor(residuals: ArrayLike<number>, velocityWeights: ArrayLike<number>, harmonics: ArrayLike<number>, options: PhaseOptions = {}) {
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
    this.harmonic = leading === null ? 1 : harmonics[leading]!;
    const initial = leading === null ? 0 : residuals[leading]! ** 2 / (2 * this.harmonic);
    const epsilon = options.epsilon ?? 1e-3 * initial;
    if (!(epsilon > 0) && leading !== null) throw new RangeError(`meanfield: phase epsilon must be > 0, got ${epsilon}`);
    this.epsilon = epsilon;
    this.nonlinearity = options.nonlinearity ?? 0.25;
    if (!(this.nonlinearity > 0)) throw new RangeError(`meanfield: phase nonlinearity must be > 0, got ${this.nonlinearity}`);
  }

  /** Whether observe still needs the nonlinearity (phase 2 not yet found); afterwards NaN will do. */
  get wantsNonlinearity(): boolean {
    return this.leading !== null && this.times[0] === null;
  }

  /** residuals: D_1 .. D_K at `time`; nonlinearity: velocityNonlinearity of the law at `time`. */
  observe(time: number, residuals: ArrayLike<number>, nonlinearity: number): void {
    if (this.leading === null) return;
    const loss = residuals[this.leading]! ** 2 / (2 * this.harmonic);
    const crossed = [nonlinearity >= this.nonlinearity, loss <= this.epsilon];
    const values = [nonlinearity, loss];
    const levels = [this.nonlinearity, this.epsilon];
    for (let p = 0; p < 2; p++) {
      if (this.times[p] !== null || !crossed[p]) continue;
      const before = this.previous;
      const from = before ? [before.nonlinearity, before.loss][p]! : NaN;
      const level = levels[p]!;
      this.times[p] =
        before && Number.isFinite(from) && from !== values[p] ? before.time + ((time - before.time) * (level - from)) / (values[p]! - from) : time;
      if (p === 1) this.atPhase3 = Array.from(residuals);
    }
    this.previous = { time, nonlinearity, loss };
  }

  result(): SpherePhases {
    const at = this.atPhase3;
    return {
      leadingDegree: this.leading === null ? null : this.leading + 1,
      phase2: this.times[0] ?? null,
      phase3: this.times[1] ?? null,
      residualsAtPhase3: at,
      phase3Case: at && at.length >= 4 ? (at[3]! <= 0 ? 1 : 2) : null,
      epsilon: this.epsilon,
      nonlinearity: this.nonlinearity,
    };
  }
}
