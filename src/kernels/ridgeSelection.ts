// Choosing the ridge of a kernel baseline without looking at its test set: each lambda of a grid is
// fitted on the first n - v training samples and scored on the last v (their labels as the
// training set has them, label noise included), and the lambda with the least validation loss is
// the one refitted on all n. Picking the ridge by test loss instead would report the best of the
// grid on the very samples that measure it, an optimistic baseline.

import { ConfigError } from "../config.js";
import type { WasmF64Array } from "../wasm/arena.js";
import type { FitContext, Fitted } from "./ridgeFits.js";

/** Validation points predicted per block (as the test set's blocks). */
const BLOCK_ROWS = 256;

/** One lambda of the grid with its validation loss 1/2 mean (f - y)^2 on the held-out samples. */
export interface RidgeTrial {
  ridge: number;
  validationLoss: number;
}

/** The grid's trials, the chosen lambda (least validation loss, the first on ties) and the split. */
export interface RidgeSelection {
  ridge: number;
  trials: RidgeTrial[];
  /** Training samples of each trial fit (n - validation). */
  fitSamples: number;
  /** Held-out samples, the last of the n. */
  validationSamples: number;
}

/**
 * Fits every lambda of `ridges` on the first n - round(fraction n) samples of `base` (penalty
 * lambda (n - v), as (K + lambda n I) alpha = y at that size) and scores it on the rest; `fitWith`
 * is the solver the final fit uses, given how many points it will predict per call.
 */
export function selectRidge(base: FitContext, ridges: readonly number[], fraction: number, fitWith: (c: FitContext, predictRows: number) => Fitted): RidgeSelection {
  const d = base.config.task.d;
  const held = Math.round(fraction * base.n);
  const kept = base.n - held;
  if (held < 1 || kept < 1) throw new ConfigError(`kernel.validation: ${fraction} of n = ${base.n} leaves no validation or no fitting sample; raise n or change kernel.validation`);
  const xv = base.x.subarray(kept * d, base.n * d);
  // A copy: the fits grow Wasm memory, which detaches views taken before them.
  const yv = base.y.subarray(kept, base.n).toArray();
  const trials = ridges.map((ridge): RidgeTrial => {
    const owned: { free(): void }[] = [];
    const alloc = (length: number): WasmF64Array => {
      const a = base.rt.arena.f64(length);
      owned.push(a);
      return a;
    };
    try {
      base.stage(`ridge ${ridge}: fitting on ${kept} samples, validating on ${held}`);
      const result = { degree: null, features: null, truncationBound: null, iterations: null, relativeResidual: null, preconditionerDegree: null };
      const c: FitContext = { ...base, x: base.x.subarray(0, kept * d), y: base.y.subarray(0, kept), n: kept, lambda: ridge * kept, alloc, owned, result };
      const rows = Math.min(held, BLOCK_ROWS);
      const fitted = fitWith(c, rows);
      const f = alloc(rows);
      let sum = 0;
      for (let start = 0; start < held; start += rows) {
        const count = Math.min(rows, held - start);
        fitted.predict(xv.subarray(start * d, (start + count) * d), count, f);
        for (let b = 0; b < count; b++) sum += 0.5 * (f.view[b]! - yv[start + b]!) ** 2;
      }
      return { ridge, validationLoss: sum / held };
    } finally {
      for (const a of owned.reverse()) a.free();
    }
  });
  let best = trials[0]!;
  for (const t of trials) if (Number.isFinite(t.validationLoss) && !(t.validationLoss >= best.validationLoss)) best = t;
  return { ridge: best.ridge, trials, fitSamples: kept, validationSamples: held };
}
