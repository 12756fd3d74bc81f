// All the relu averages of one right-hand side of the committee ODE (committeeOde.ts) at once:
//   drift(a, b)  = E[relu'(x_a) x_b Δ]          = Σ_c w_c E[1{x_a > 0} x_b relu(x_c)]
//   square(a, b) = E[relu'(x_a) relu'(x_b) Δ²]  = Σ_{c,e} w_c w_e E[1_a 1_b 1_c 1_e x_c x_e]
// with Δ = Σ_c w_c relu(x_c), from the same Stein reductions as reluIntegrals.ts (its reference)
// written out once. Stein's lemma on x_b, then on x_c, gives for a student field a
//   E[1_a x_b relu(x_c)] = C_bc P(x_a, x_c > 0) + C_ab sqrt(C_aa C_cc - C_ac²) / (2π C_aa),
// and for the set U = {a, b, c, e} of distinct fields (indicators idempotent)
//   E[x_c x_e 1_U] = C_ce P(U) + Σ_{j ∈ U \ e} Σ_{k ∈ U \ j} C_cj C^(j)_ek G_U(j, k),
//   G_U(j, k) = φ2(0, 0; C_jk) P(U \ {j, k} > 0 | x_j = x_k = 0),
// C^(j) the covariance given x_j = 0. P(U) and the six G_U of a set are shared by every average
// whose fields make up U, so each is computed once per right-hand side (about 130 sets for
// K = M = 4, instead of 616 recursions). The conditional covariances are double-double Schur
// complements, as in the reference; fields with 1 - ρ² < 1e-16 are merged (x_i = f x_j) as there.
// This is the reference of the Wasm kernel assembly/reluCommitteeTerms.ts, which the ODE uses (the
// same bits, test/reluTermsKernel.test.ts); here it serves the tests and bench:ode.

import { atan } from "../special/portableMath.js";
import { ddAdd, ddMul, ddSchurEntry, type DoubleDouble } from "../special/doubleDouble.js";

const INV_TWO_PI = 1 / (2 * Math.PI);
const HALF_PI = Math.PI / 2;
const COLLINEAR = 1e-16;
/** Most fields the tables are sized for (K + M). */
const MAX_FIELDS = 16;

const dd: DoubleDouble = { hi: 0, lo: 0 };
const dd2: DoubleDouble = { hi: 0, lo: 0 };

/** atan(c / root) as the asin of a correlation, ±π/2 when the discriminant's root vanishes. */
function angleOf(c: number, root: number): number {
  if (!(root > 0)) return c > 0 ? HALF_PI : c < 0 ? -HALF_PI : 0;
  return atan(c / root);
}

/** a b - c², double-double inputs, rounded. */
function minorOf(ah: number, al: number, bh: number, bl: number, ch: number, cl: number): number {
  ddMul(ah, al, bh, bl, dd);
  const h = dd.hi;
  const l = dd.lo;
  ddMul(ch, cl, ch, cl, dd2);
  return ddAdd(h, l, -dd2.hi, -dd2.lo, dd).hi;
}

/**
 * The drift and square terms of the relu committee ODE for a field covariance (F x F, students
 * first) and the output weights of Δ. `p4` gives the 4-variate orthant probability of a 4 x 4
 * double covariance (the Wasm kernel through its memo).
 */
export class ReluCommitteeTerms {
  private f = 0;
  private cov: Float64Array = new Float64Array(0);
  /** C^(j)_pq (hi, lo) at [(j F + p) F + q]. */
  private condHi = new Float64Array(0);
  private condLo = new Float64Array(0);
  /** asin ρ_pq and sqrt(C_pp C_qq - C_pq²) per pair (F x F). */
  private angle = new Float64Array(0);
  private root = new Float64Array(0);
  private rep = new Int32Array(MAX_FIELDS);
  private factor = new Float64Array(MAX_FIELDS);
  /** Per set (bitmask of representatives): P(U), then G_U(j, k) at [mask * 16 + j' * 4 + k'] (positions in U). */
  private setDone = new Uint8Array(0);
  private setP = new Float64Array(0);
  private setG = new Float64Array(0);
  private zero = 0;
  private readonly c4 = new Float64Array(16);
  private readonly members = new Int32Array(4);

  constructor(private readonly p4: (c: Float64Array) => number) {}

  private resize(f: number): void {
    if (f > MAX_FIELDS) throw new RangeError(`meanfield: ode: relu committee terms need K + M <= ${MAX_FIELDS}, got ${f}`);
    if (this.f === f) return;
    this.f = f;
    this.condHi = new Float64Array(f * f * f);
    this.condLo = new Float64Array(f * f * f);
    this.angle = new Float64Array(f * f);
    this.root = new Float64Array(f * f);
    this.setDone = new Uint8Array(1 << f);
    this.setP = new Float64Array(1 << f);
    this.setG = new Float64Array((1 << f) * 16);
  }

  /**
   * drift[a F + b] = E[relu'(x_a) x_b Δ] (a < K, b < F) and square[a K + b] = E[relu'(x_a)
   * relu'(x_b) Δ²] (a, b < K, both triangles) for the field covariance `cov` (F x F, row-major,
   * the K student fields first) and Δ = Σ_c weights[c] relu(x_c).
   */
  compute(cov: Float64Array, f: number, k: number, weights: Float64Array, drift: Float64Array, square: Float64Array): void {
    this.resize(f);
    this.cov = cov;
    this.prepare(f);
    for (let a = 0; a < k; a++) {
      const caa = cov[a * f + a]!;
      for (let b = 0; b < f; b++) {
        let s = 0;
        if (caa > this.zero) {
          let roots = 0;
          for (let c = 0; c < f; c++) {
            s += weights[c]! * cov[b * f + c]! * (0.25 + this.angle[a * f + c]! * INV_TWO_PI);
            roots += weights[c]! * this.root[a * f + c]!;
          }
          s += (cov[a * f + b]! * roots * INV_TWO_PI) / caa;
        }
        drift[a * f + b] = s;
      }
    }
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        let s = 0;
        for (let c = 0; c < f; c++) {
          let row = 0;
          for (let e = 0; e < f; e++) row += weights[e]! * this.moment(a, b, c, e);
          s += weights[c]! * row;
        }
        square[a * k + b] = square[b * k + a] = s;
      }
    }
  }

  /** Pair angles and roots, merged fields, the conditional covariances; clears the set tables. */
  private prepare(f: number): void {
    const c = this.cov;
    let scale = 0;
    for (let i = 0; i < f; i++) scale = Math.max(scale, c[i * f + i]!);
    this.zero = 1e-28 * scale;
    for (let p = 0; p < f; p++) {
      for (let q = p; q < f; q++) {
        const m = minorOf(c[p * f + p]!, 0, c[q * f + q]!, 0, c[p * f + q]!, 0);
        const root = m > 0 ? Math.sqrt(m) : 0;
        this.root[p * f + q] = this.root[q * f + p] = root;
        this.angle[p * f + q] = this.angle[q * f + p] = angleOf(c[p * f + q]!, root);
      }
    }
    for (let i = 0; i < f; i++) {
      this.rep[i] = i;
      this.factor[i] = 1;
      for (let j = 0; j < i; j++) {
        if (this.rep[j] !== j || !(c[j * f + i]! > 0)) continue;
        const r = this.root[j * f + i]!;
        if (r * r <= COLLINEAR * c[j * f + j]! * c[i * f + i]!) {
          this.rep[i] = j;
          this.factor[i] = Math.sqrt(c[i * f + i]! / c[j * f + j]!);
          break;
        }
      }
    }
    for (let j = 0; j < f; j++) {
      const jj = c[j * f + j]!;
      for (let p = 0; p < f; p++) {
        for (let q = p; q < f; q++) {
          ddSchurEntry(c[p * f + q]!, 0, c[p * f + j]!, 0, c[j * f + q]!, 0, jj, 0, dd);
          const at = (j * f + p) * f + q;
          const ta = (j * f + q) * f + p;
          this.condHi[at] = this.condHi[ta] = dd.hi;
          this.condLo[at] = this.condLo[ta] = dd.lo;
        }
      }
    }
    this.setDone.fill(0);
  }

  /** E[1_a 1_b 1_c 1_e x_c x_e] (the fields merged first; 0 when a variance counts as zero). */
  private moment(a: number, b: number, c: number, e: number): number {
    const f = this.f;
    const cov = this.cov;
    const rc = this.rep[c]!;
    const re = this.rep[e]!;
    const mask = (1 << this.rep[a]!) | (1 << this.rep[b]!) | (1 << rc) | (1 << re);
    if (!this.ensureSet(mask)) return 0;
    const members = this.members;
    const n = this.count(mask);
    let s = cov[rc * f + re]! * this.setP[mask]!;
    const g = mask * 16;
    for (let x = 0; x < n; x++) {
      const j = members[x]!;
      if (j === re) continue;
      const cj = cov[rc * f + j]!;
      const cond = (j * f + re) * f;
      for (let y = 0; y < n; y++) if (y !== x) s += cj * this.condHi[cond + members[y]!]! * this.setG[g + x * 4 + y]!;
    }
    return this.factor[c]! * this.factor[e]! * s;
  }

  /** Writes the fields of `mask` (ascending) into members; returns how many. */
  private count(mask: number): number {
    let n = 0;
    for (let i = 0; i < this.f; i++) if (mask & (1 << i)) this.members[n++] = i;
    return n;
  }

  /** P(U) and the G_U of the set `mask`, computed once per right-hand side; false when a variance counts as zero. */
  private ensureSet(mask: number): boolean {
    const f = this.f;
    const cov = this.cov;
    const n = this.count(mask);
    const m = this.members;
    for (let x = 0; x < n; x++) if (!(cov[m[x]! * f + m[x]!]! > this.zero)) return false;
    if (this.setDone[mask]) return true;
    this.setDone[mask] = 1;
    const g = mask * 16;
    if (n === 1) this.setP[mask] = 0.5;
    else if (n === 2) this.setP[mask] = 0.25 + this.angle[m[0]! * f + m[1]!]! * INV_TWO_PI;
    else if (n === 3) this.setP[mask] = 0.125 + (this.angle[m[0]! * f + m[1]!]! + this.angle[m[0]! * f + m[2]!]! + this.angle[m[1]! * f + m[2]!]!) * (INV_TWO_PI / 2);
    else {
      for (let x = 0; x < 4; x++) for (let y = 0; y < 4; y++) this.c4[x * 4 + y] = cov[m[x]! * f + m[y]!]!;
      this.setP[mask] = this.p4(this.c4);
    }
    for (let x = 0; x < n; x++) {
      for (let y = x + 1; y < n; y++) {
        const value = this.pairTerm(m[x]!, m[y]!, n, mask);
        this.setG[g + x * 4 + y] = this.setG[g + y * 4 + x] = value;
      }
    }
    return true;
  }

  /** G_U(j, k) = φ2(0, 0; C_jk) P(U \ {j, k} > 0 | x_j = x_k = 0) for the n fields of `mask`. */
  private pairTerm(j: number, k: number, n: number, mask: number): number {
    const f = this.f;
    const cov = this.cov;
    const zero = this.zero;
    const root = this.root[j * f + k]!;
    // Given x_j = 0 (and given x_k = 0) every other field keeps a variance, else the branch is 0.
    for (let p = 0; p < f; p++) {
      if (!(mask & (1 << p)) || p === j || p === k) continue;
      if (!(this.condHi[(j * f + p) * f + p]! > zero) || !(this.condHi[(k * f + p) * f + p]! > zero)) return 0;
    }
    if (!(root * root > zero * cov[j * f + j]!)) return 0;
    const density = INV_TWO_PI / root;
    if (n === 2) return density;
    let p = -1;
    let q = -1;
    for (let i = 0; i < f; i++) if (mask & (1 << i) && i !== j && i !== k) p < 0 ? (p = i) : (q = i);
    const hi = this.condHi;
    const lo = this.condLo;
    const base = j * f * f;

    ddSchurEntry(hi[base + p * f + p]!, lo[base + p * f + p]!, hi[base + p * f + k]!, lo[base + p * f + k]!, hi[base + k * f + p]!, lo[base + k * f + p]!, hi[base + k * f + k]!, lo[base + k * f + k]!, dd);
    const pph = dd.hi;
    const ppl = dd.lo;
    if (!(pph > zero)) return 0;
    if (n === 3) return 0.5 * density;
    ddSchurEntry(hi[base + q * f + q]!, lo[base + q * f + q]!, hi[base + q * f + k]!, lo[base + q * f + k]!, hi[base + k * f + q]!, lo[base + k * f + q]!, hi[base + k * f + k]!, lo[base + k * f + k]!, dd);
    const qqh = dd.hi;
    const qql = dd.lo;
    if (!(qqh > zero)) return 0;
    ddSchurEntry(hi[base + p * f + q]!, lo[base + p * f + q]!, hi[base + p * f + k]!, lo[base + p * f + k]!, hi[base + k * f + q]!, lo[base + k * f + q]!, hi[base + k * f + k]!, lo[base + k * f + k]!, dd);
    const pqh = dd.hi;
    const pql = dd.lo;
    const minor = minorOf(pph, ppl, qqh, qql, pqh, pql);
    return density * (0.25 + angleOf(pqh + pql, minor > 0 ? Math.sqrt(minor) : 0) * INV_TWO_PI);
  }
}
