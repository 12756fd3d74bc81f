// An independent solution of the sphere PDE of Mahankali et al. (2023) for a polynomial activation
// and target, sharing no code with src/: the flow map pushed forward from Gauss nodes in the
// initial position. Nothing in src/pde, src/special or src/population is imported: the Legendre
// polynomials P_{k,d} are expanded in monomials here, N(d,k) is the difference of two binomials,
// the Gauss–Legendre nodes come from Newton's method, and the time stepper is classical RK4.
//
// Why it is independent of both solvers under test: the finite-volume scheme bins the density
// into cells and the quantile solver follows equal-mass particles with the midpoint rule in the
// level; here each particle starts at a Gauss–Legendre node w0_i of [-1, 1] and carries the weight
// g_i (1 - w0_i^2)^{(d-3)/2} (the sphere-uniform law of w = <q*, u>, normalized to total mass 1).
// Characteristics never cross in one dimension, so E[P_k(w_t)] = int P_k(X_t(w0)) rho_0(w0) dw0
// exactly, and the quadrature error is that of Gauss–Legendre on an analytic integrand: it falls
// geometrically in the number of nodes.
//
// Normalizations (docs/conventions.md): P_{k,d}(1) = 1, E_u[P_{k,d}(u_1)^2] = 1/N(d,k);
// sigma = sum_k sigma_k P_{k,d}, h = sum_k h_k P_{k,d}, D_k = c sigma_k E[P_{k,d}(w)] - h_k,
// loss = 1/2 sum_k D_k^2 / N(d,k), v(w) = -(1 - w^2) sum_{k>=1} c sigma_k D_k P'_{k,d}(w) / N(d,k).

/** C(n, k) in floating point by the product formula (exact for the small arguments used here). */
function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let out = 1;
  for (let j = 1; j <= k; j++) out = (out * (n - k + j)) / j;
  return out;
}

/** N(d, k) as the dimension of degree-k homogeneous harmonic polynomials: C(d+k-1, k) - C(d+k-3, k-2). */
export function harmonicDimension(d: number, k: number): number {
  return binomial(d + k - 1, k) - binomial(d + k - 3, k - 2);
}

/**
 * Monomial coefficients of P_{0,d} .. P_{K,d}: row k holds a_0 .. a_k with P_{k,d}(w) = sum_j a_j w^j,
 * from the recurrence (k + d - 2) P_{k+1} = (2k + d - 2) w P_k - k P_{k-1}, in exact polynomial form.
 */
export function legendreMonomials(d: number, K: number): number[][] {
  const rows: number[][] = [[1], [0, 1]];
  for (let k = 1; k < K; k++) {
    const next = new Array<number>(k + 2).fill(0);
    rows[k]!.forEach((a, j) => (next[j + 1]! += ((2 * k + d - 2) * a) / (k + d - 2)));
    rows[k - 1]!.forEach((a, j) => (next[j]! -= (k * a) / (k + d - 2)));
    rows.push(next);
  }
  return rows.slice(0, K + 1);
}

/** Gauss–Legendre nodes and weights on [-1, 1] by Newton's method on the Legendre recurrence. */
export function gaussNodes(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
      derivative = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / derivative;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes[i] = x;
    weights[i] = 2 / ((1 - x * x) * derivative * derivative);
  }
  return { nodes, weights };
}

export interface FlowMapProblem {
  d: number;
  /** sigma_k and h_k, k = 0..K, in the basis P_{k,d}. */
  activation: number[];
  link: number[];
  /** c, the second-layer weight. */
  secondLayer?: number;
}

/**
 * Panel end points for the initial positions: geometric toward w0 = 0 (ratio 2, down to
 * `smallest`) and uniform elsewhere, mirrored to [-1, 0]. Particles starting near the unstable
 * point w = 0 of a symmetric law leave it like w0 e^{lambda t}, so at time t the flow map varies on
 * the scale e^{-lambda t} there; geometric panels resolve every such scale with the same number
 * of nodes, and the mass below `smallest` (about smallest * rho_0(0)) is what they leave out.
 */
export function flowMapPanels(smallest: number, outer: number): number[] {
  const positive: number[] = [];
  for (let a = 1 / outer; a > smallest; a /= 2) positive.push(a);
  positive.reverse();
  for (let j = 1; j <= outer; j++) positive.push(j / outer);
  return [...positive.map((a) => -a).reverse(), 0, ...positive];
}

/** The flow map of the sphere PDE from a sphere-uniform start, followed at Gauss nodes (`order` per panel). */
export class SphereFlowMap {
  readonly positions: Float64Array;
  readonly mass: Float64Array;
  time = 0;
  private readonly K: number;
  private readonly harmonics: number[];
  private readonly values: number[][];
  private readonly slopes: number[][];
  private readonly sigma: number[];
  private readonly h: number[];

  constructor(readonly problem: FlowMapProblem, panels: number[], order: number) {
    const { d } = problem;
    const c = problem.secondLayer ?? 1;
    this.K = Math.max(problem.activation.length, problem.link.length) - 1;
    this.sigma = Array.from({ length: this.K + 1 }, (_, k) => c * (problem.activation[k] ?? 0));
    this.h = Array.from({ length: this.K + 1 }, (_, k) => problem.link[k] ?? 0);
    this.harmonics = Array.from({ length: this.K + 1 }, (_, k) => harmonicDimension(d, k));
    this.values = legendreMonomials(d, this.K);
    this.slopes = this.values.map((row) => row.slice(1).map((a, j) => (j + 1) * a));
    const rule = gaussNodes(order);
    const count = (panels.length - 1) * order;
    this.positions = new Float64Array(count);
    this.mass = new Float64Array(count);
    for (let p = 0; p + 1 < panels.length; p++) {
      const half = 0.5 * (panels[p + 1]! - panels[p]!);
      const mid = 0.5 * (panels[p + 1]! + panels[p]!);
      for (let q = 0; q < order; q++) {
        const w = mid + half * rule.nodes[q]!;
        this.positions[p * order + q] = w;
        this.mass[p * order + q] = half * rule.weights[q]! * Math.pow(1 - w * w, (d - 3) / 2);
      }
    }
    const total = this.mass.reduce((s, m) => s + m, 0);
    this.mass.forEach((m, i) => (this.mass[i] = m / total));
  }

  /** E[P_{k,d}(w)], k = 0..K, at the given positions. */
  moments(positions: Float64Array = this.positions): number[] {
    const out = new Array<number>(this.K + 1).fill(0);
    positions.forEach((w, i) => this.values.forEach((row, k) => (out[k]! += this.mass[i]! * horner(row, w))));
    return out;
  }

  loss(): number {
    const m = this.moments();
    let loss = 0;
    for (let k = 0; k <= this.K; k++) loss += (0.5 * (this.sigma[k]! * m[k]! - this.h[k]!) ** 2) / this.harmonics[k]!;
    return loss;
  }

  /** v at every position. */
  private velocity(positions: Float64Array, out: Float64Array): void {
    const m = this.moments(positions);
    const drive = this.sigma.map((s, k) => (k === 0 ? 0 : (s * (s * m[k]! - this.h[k]!)) / this.harmonics[k]!));
    positions.forEach((w, i) => {
      let v = 0;
      for (let k = 1; k <= this.K; k++) v -= drive[k]! * horner(this.slopes[k]!, w);
      out[i] = (1 - w * w) * v;
    });
  }

  /** `steps` classical RK4 steps of size dt. */
  advance(dt: number, steps: number): void {
    const n = this.positions.length;
    const k = Array.from({ length: 4 }, () => new Float64Array(n));
    const y = new Float64Array(n);
    const x = this.positions;
    for (let s = 0; s < steps; s++) {
      this.velocity(x, k[0]!);
      for (let i = 0; i < n; i++) y[i] = x[i]! + 0.5 * dt * k[0]![i]!;
      this.velocity(y, k[1]!);
      for (let i = 0; i < n; i++) y[i] = x[i]! + 0.5 * dt * k[1]![i]!;
      this.velocity(y, k[2]!);
      for (let i = 0; i < n; i++) y[i] = x[i]! + dt * k[2]![i]!;
      this.velocity(y, k[3]!);
      for (let i = 0; i < n; i++) x[i]! += (dt / 6) * (k[0]![i]! + 2 * k[1]![i]! + 2 * k[2]![i]! + k[3]![i]!);
      this.time += dt;
    }
  }
}

function horner(coefficients: number[], w: number): number {
  let out = 0;
  for (let j = coefficients.length - 1; j >= 0; j--) out = out * w + coefficients[j]!;
  return out;
}
