// The coefficients of f on the target's own basis functions, for targets that are sums of
// orthonormal monomials: the staircase monomials chi_k = x1 x2 ... xk on the hypercube (ABAM22's
// Fourier coefficients, Figure 1 right) and the normalized-Hermite monomials of a
// gaussianMultiIndex target, prod_p h_{k_tp}(<u_p, x>), one per term. Monte Carlo on the fixed
// test set (stream "test", config.metrics.testSamples rows, the same rows as testLoss). Record keys:
//   coefficients    [mean_b f(x_b) b_t(x_b) for each basis function t]; the target's own are c_t
//                   (1 for every staircase term), so f has learned term t when this reaches c_t
//   coefficientsSE  their standard errors
// The reduced-particle solver (src/pde/reduced/reducedRun.ts) reports the exact E[f b_t] under the same
// key and in the same order, so finite-N runs and their mean-field limit plot on one axis.

import { ConfigError } from "../config.js";
import { fillHermite } from "../special/hermite.js";
import type { Metric, MetricContext } from "./metric.js";
import { drawSampleSet } from "./samples.js";
import { forwardInChunks } from "../wasm/chunkedForward.js";

/** Basis functions at the sample rows: terms x rows, row-major. */
function basisValues(ctx: MetricContext, x: Float64Array, rows: number): Float64Array {
  const { config, task, net } = ctx;
  const t = config.task;
  const stride = net.inputDim;
  const d = net.d;
  if (t.kind === "staircase") {
    const out = new Float64Array(t.degree * rows);
    for (let b = 0; b < rows; b++) {
      let prefix = 1;
      for (let k = 0; k < t.degree; k++) {
        prefix *= x[b * stride + k]!;
        out[k * rows + b] = prefix;
      }
    }
    return out;
  }
  if (t.kind === "gaussianMultiIndex") {
    const u = task.directions;
    const p = t.terms[0]!.degrees.length;
    const maxDegree = Math.max(...t.terms.flatMap((term) => term.degrees));
    const hermite = new Float64Array(p * (maxDegree + 1));
    const out = new Float64Array(t.terms.length * rows);
    for (let b = 0; b < rows; b++) {
      for (let q = 0; q < p; q++) {
        let z = 0;
        for (let k = 0; k < d; k++) z += u[q * d + k]! * x[b * stride + k]!;
        fillHermite(hermite, q * (maxDegree + 1), maxDegree, z);
      }
      t.terms.forEach((term, j) => {
        let product = 1;
        for (let q = 0; q < p; q++) product *= hermite[q * (maxDegree + 1) + term.degrees[q]!]!;
        out[j * rows + b] = product;
      });
    }
    return out;
  }
  throw new ConfigError(`metrics.include: coefficients needs a target made of monomials (staircase or gaussianMultiIndex), not ${t.kind}`);
}

/**
 * Monte-Carlo coefficients mean_b f(x_b) b_t(x_b) of f on the target's orthonormal monomials
 * (staircase χ_k on the hypercube, normalized-Hermite products Π_p h_k(<u_p, x>)), with standard
 * errors, on the testLoss rows; term t is learned when its coefficient reaches the target's c_t.
 */
export function createCoefficients(ctx: MetricContext): Metric {
  const { task, net, config, runtime } = ctx;
  const m = config.metrics.testSamples;
  const set = drawSampleSet(task, net, "test", m);
  let basis: Float64Array;
  let z: ReturnType<typeof runtime.arena.f64>;
  let f: ReturnType<typeof runtime.arena.f64>;
  const chunk = Math.min(m, 1024);
  try {
    basis = basisValues(ctx, set.x.view, m);
    z = runtime.arena.f64(chunk * net.n);
    try {
      f = runtime.arena.f64(m);
    } catch (err) {
      z.free();
      throw err;
    }
  } catch (err) {
    set.free();
    throw err;
  }
  const terms = basis.length / m;
  const { n, inputDim } = net;
  return {
    record(out) {
      forwardInChunks(runtime, net, n, inputDim, net.scale, set.x, f, z);
      const values = f.view;
      const means: number[] = [];
      const errors: number[] = [];
      for (let t = 0; t < terms; t++) {
        let sum = 0;
        let sumSq = 0;
        for (let b = 0; b < m; b++) {
          const v = values[b]! * basis[t * m + b]!;
          sum += v;
          sumSq += v * v;
        }
        const mean = sum / m;
        means.push(mean);
        errors.push(m > 1 ? Math.sqrt(Math.max(0, (sumSq - m * mean * mean) / (m - 1)) / m) : 0);
      }
      out.coefficients = means;
      out.coefficientsSE = errors;
    },
    free() {
      z.free();
      f.free();
      set.free();
    },
  };
}
