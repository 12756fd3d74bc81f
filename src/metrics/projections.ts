// For multi-index targets (gaussianMultiIndex: u_1..u_P; staircase: e_1..e_K), how much of the
// first layer lies in each relevant direction, which shows a trap: a direction the neurons never
// pick up keeps its projection at the initial O(1/sqrt d) while the others grow. Data columns of
// w only. Record keys:
//   projections     [sqrt(mean_i <u_p, w_i>^2) for p = 1..P]
//   orthogonalNorm  mean_i |w_i - sum_p <u_p, w_i> u_p|, the part outside span(u_p) (orthonormal u_p)

import { particles } from "./particles.js";
import type { Metric, MetricContext } from "./metric.js";

/**
 * RMS projections sqrt(mean_i <u_p, w_i>²) on each relevant direction (orthonormal u_p) and the mean
 * norm outside their span: a direction stuck at its initial O(1/sqrt d) shows a trap.
 */
export function createProjections(ctx: MetricContext): Metric {
  const { task, net } = ctx;
  const d = net.d;
  const u = task.directions;
  const count = u.length / d;
  return {
    record(out) {
      const { n, w } = particles(net);
      const squares = new Float64Array(count);
      const dots = new Float64Array(count);
      let orthogonal = 0;
      for (let i = 0; i < n; i++) {
        for (let p = 0; p < count; p++) {
          let s = 0;
          for (let k = 0; k < d; k++) s += u[p * d + k]! * w[i * d + k]!;
          dots[p] = s;
          squares[p]! += s * s;
        }
        // The residual itself, not |w|^2 - |Pw|^2, which cancels when w lies almost in the span.
        let rest = 0;
        for (let k = 0; k < d; k++) {
          let r = w[i * d + k]!;
          for (let p = 0; p < count; p++) r -= dots[p]! * u[p * d + k]!;
          rest += r * r;
        }
        orthogonal += Math.sqrt(rest);
      }
      out.projections = Array.from(squares, (s) => Math.sqrt(s / n));
      out.orthogonalNorm = orthogonal / n;
    },
    free() {},
  };
}
