// The population loss split by Hermite order (Li, Ma, Zhang 2020), for a teacher made of neurons on
// Gaussian input: the teacher a*^T |W* x| (rows of W* = task.directions, a* = config.task.outputs)
// or a single-index target y = h(<q*, x>) as one neuron with activation h. Record key:
//   hermiteOrders  [L_0, .., L_K] (K = config.metrics.degrees) with
//                  L_k = 1/2 |scale sum_i a_i alpha_k(|w_i|) (w_i/|w_i|)^{(x)k} - sum_j b_j beta_k (v_j/|v_j|)^{(x)k}|^2,
//                  so sum_{k <= K} L_k <= L, with equality as K -> infinity.
// Stage-wise learning shows as L_0, L_1, L_2, ... falling in turn; for the abs teacher every odd
// order above 1 vanishes.
//
// The population object is built here from the config rather than taken from the task, so the
// Task interface needs nothing beyond its directions and link.

import { ConfigError } from "../config.js";
import { GaussianNetworkPopulation, type TeacherNeuronsTarget } from "../population/gaussianNetwork.js";
import { teacherActivationOf } from "../tasks/teacherNetwork.js";
import { particles } from "./particles.js";
import type { Metric, MetricContext } from "./metric.js";

function teacher(ctx: MetricContext): TeacherNeuronsTarget {
  const { task, config, net } = ctx;
  const t = config.task;
  const d = net.d;
  if (t.kind === "teacherAbs" || t.kind === "teacherNetwork") {
    const outputs = t.outputs === "ones" ? new Float64Array(t.width).fill(1) : Float64Array.from(t.outputs);
    return { kind: "neurons", activation: teacherActivationOf(t), weights: task.directions.slice(0, t.width * d), outputs };
  }
  if (t.kind === "gaussianSingleIndex" && task.link) {
    return { kind: "neurons", activation: task.link, weights: task.directions.slice(0, d), outputs: Float64Array.of(1) };
  }
  throw new ConfigError(`metrics.include: hermiteOrders needs a teacher (teacherAbs, teacherNetwork or gaussianSingleIndex task), not ${t.kind}`);
}

/**
 * Population loss split by Hermite order, L_k = 1/2 |student's order-k tensor - teacher's|², with
 * normalized h_k, so Σ_{k<=K} L_k <= L = 1/2 E[(f - y)^2]; stage-wise learning shows as L_0, L_1, … falling in turn.
 */
export function createHermiteOrders(ctx: MetricContext): Metric {
  const { net, config } = ctx;
  const population = new GaussianNetworkPopulation({ d: net.d, activation: net.activationSpec, target: teacher(ctx) });
  const kmax = config.metrics.degrees;
  return {
    record(out) {
      out.hermiteOrders = Array.from(population.hermiteOrders(particles(net).w, net.a.toArray(), net.scale, kmax));
    },
    free() {},
  };
}
