// Chi-square draws from named Philox streams, for the perpendicular norm r of reduced particles:
// |w_perp|^2 is chi-square with d - P degrees of freedom (times a scale) under both rotation-
// invariant initializations, so r costs O(1) per particle whatever d is.
//
// Marsaglia–Tsang (ACM TOMS 26, 2000) for Gamma(k/2) with k/2 >= 1, boosted by U^{2/k} below;
// chi-square is twice that. Draw i uses only values i * TRIES .. i * TRIES + TRIES - 1 of its
// streams, so it does not depend on how many draws precede it or how many are made.

import type { RandomStreams } from "../../wasm/random.js";
import { log, pow } from "../../special/portableMath.js";

/** Candidates per draw; each is accepted with probability > 0.95, so 16 never all fail in practice (< 1e-20). */
const TRIES = 16;

/** count chi-square values with dof degrees of freedom (0 gives zeros), from streams `${name}.*` of seed. */
export function chiSquare(random: RandomStreams, seed: number, name: string, count: number, dof: number): Float64Array {
  if (!Number.isInteger(dof) || dof < 0) throw new RangeError(`meanfield: chiSquare: dof must be an integer >= 0, got ${dof}`);
  const out = new Float64Array(count);
  if (dof === 0 || count === 0) return out;
  const half = dof / 2;
  const shape = half < 1 ? half + 1 : half;
  const dd = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * dd);
  const z = random.gaussian(seed, `${name}.z`, count * TRIES);
  const u = random.uniform(seed, `${name}.u`, count * TRIES);
  const boost = half < 1 ? random.uniform(seed, `${name}.boost`, count) : null;
  for (let i = 0; i < count; i++) {
    let gamma = NaN;
    for (let k = i * TRIES; k < (i + 1) * TRIES; k++) {
      const zk = z[k]!;
      const base = 1 + c * zk;
      if (base <= 0) continue;
      const v = base * base * base;
      // 1 - u instead of u: Philox uniforms lie in [0, 1), and the log needs (0, 1].
      const uk = 1 - u[k]!;
      if (log(uk) < 0.5 * zk * zk + dd - dd * v + dd * log(v)) {
        gamma = dd * v;
        break;
      }
    }
    if (Number.isNaN(gamma)) throw new Error(`meanfield: chiSquare: draw ${i} of ${name} rejected ${TRIES} candidates`);
    if (boost) gamma *= pow(1 - boost[i]!, 1 / half);
    out[i] = 2 * gamma;
  }
  return out;
}
