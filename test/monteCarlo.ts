// Monte-Carlo estimates of population losses and directional derivatives with standard
// errors, using the Wasm kernels, for testing exact formulas.

import type { ActivationSpec } from "../src/activation/spec.js";
import { WasmActivation } from "../src/wasm/networkKernels.js";
import type { WasmRuntime } from "../src/wasm/runtime.js";

export interface Estimate {
  mean: number;
  standardError: number;
}

export interface Network {
  w: Float64Array;
  a: Float64Array;
  scale: number;
  activation: ActivationSpec;
}

/** A perturbation direction of (w, a). */
export interface Direction {
  w: Float64Array;
  a: Float64Array;
}

export interface McProblem {
  d: number;
  /** Fills x (rows x d) and y (rows) for samples start .. start + rows - 1. */
  sample(start: number, rows: number, x: Float64Array, y: Float64Array): void;
}

class Accumulator {
  private n = 0;
  private sum = 0;
  private sumSq = 0;
  add(v: number): void {
    this.n++;
    this.sum += v;
    this.sumSq += v * v;
  }
  estimate(): Estimate {
    const mean = this.sum / this.n;
    const variance = Math.max(0, (this.sumSq - this.n * mean * mean) / (this.n - 1));
    return { mean, standardError: Math.sqrt(variance / this.n) };
  }
}

/** 1/2 E[(f - y)^2] and E[(f - y) <grad_theta f, v>] for each direction v. */
export function monteCarlo(
  rt: WasmRuntime, problem: McProblem, net: Network, directions: Direction[], samples: number, chunk = 20_000,
): { loss: Estimate; directional: Estimate[] } {
  const { d } = problem;
  const n = net.a.length;
  const act = new WasmActivation(rt, net.activation);
  const arena = rt.arena;
  const x = arena.f64(chunk * d);
  const w = arena.f64From(net.w);
  const z = arena.f64(chunk * n);
  const s = arena.f64(chunk * n);
  const ds = arena.f64(chunk * n);
  const vw = directions.map((v) => arena.f64From(v.w));
  const zv = arena.f64(chunk * n);
  const loss = new Accumulator();
  const dirs = directions.map(() => new Accumulator());
  const xs = new Float64Array(chunk * d);
  const ys = new Float64Array(chunk);
  try {
    for (let start = 0; start < samples; start += chunk) {
      const rows = Math.min(chunk, samples - start);
      problem.sample(start, rows, xs, ys);
      x.view.set(xs);
      const xv = x.subarray(0, rows * d);
      rt.exports.preactivations(xv.ptr, w.ptr, n, d, rows, z.ptr);
      rt.exports.activationValues(act.code, act.params.ptr, act.params.length, z.ptr, s.ptr, rows * n);
      rt.exports.activationDerivatives(act.code, act.params.ptr, act.params.length, z.ptr, ds.ptr, rows * n);
      const sv = s.view;
      const dsv = ds.view;
      const residual = new Float64Array(rows);
      for (let b = 0; b < rows; b++) {
        let f = 0;
        for (let i = 0; i < n; i++) f += net.a[i]! * sv[b * n + i]!;
        f *= net.scale;
        residual[b] = f - ys[b]!;
        loss.add(0.5 * residual[b]! ** 2);
      }
      directions.forEach((v, m) => {
        rt.exports.preactivations(xv.ptr, vw[m]!.ptr, n, d, rows, zv.ptr);
        const zvv = zv.view;
        for (let b = 0; b < rows; b++) {
          let df = 0;
          for (let i = 0; i < n; i++) df += net.a[i]! * dsv[b * n + i]! * zvv[b * n + i]! + v.a[i]! * sv[b * n + i]!;
          dirs[m]!.add(residual[b]! * net.scale * df);
        }
      });
    }
  } finally {
    for (const buf of [x, w, z, s, ds, zv, ...vw]) buf.free();
    act.free();
  }
  return { loss: loss.estimate(), directional: dirs.map((acc) => acc.estimate()) };
}
