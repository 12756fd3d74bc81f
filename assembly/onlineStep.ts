// One whole online-SGD step in a single call: draw the step's batch (Gaussian or spherical
// inputs from a Philox stream), label it with the task's teacher network, run the forward and
// backward passes, and move the weights. At small shapes a step is a few hundred microseconds,
// so the crossings between JavaScript and Wasm and the JavaScript loops between kernels
// (residuals, updates) would otherwise be a visible share of it.
//
// The step runs the operations of the unfused path in src/train/sampleObjective.ts and
// src/train/trainer.ts (fillGaussian/fillSphere, or fillUniform + fillGaussian for the MMN18
// isotropic Gaussians, forward with scale 1 for the labels, forward or forward32, the residual
// loop, backward or backward32, axpy) with the same arithmetic on every entry, so a run gives the
// same bits whichever path takes its steps. Two things differ in where work happens, not in what
// it computes: the first layer's update is applied as backwardUpdate/backward32Update form each
// group's gradient (gradW is left holding scratch), and in f32 the transposed f32 copy of w is
// narrowed in full only when the plan marks it stale (the first step, or after the TypeScript side
// changed w: OnlineStepPlan.weightsChanged), the update keeping it in step otherwise. A step at
// batch 1 (SIMD builds) also draws the next step's sample before its update and forms its
// pre-activations in the update's pass (batchOneForward64.ts, batchOneForward32.ts); the next
// call, finding them for its step, skips its draw and forward pass. In f32 the copy of w is then
// left stale (nothing reads it until a step without that head start narrows it in full).
//
// Everything a run fixes (dimensions, buffers, stream key, activations) is written once by the
// TypeScript side into a plan: an array of f64 slots at the indices below, which
// src/train/onlineStepPlan.ts mirrors.

import { fillGaussian, fillSphere, fillUniform } from "./rng";
import { forward } from "./network";
import { forward32, narrowRowsToF32, narrowTransposedToF32 } from "./network32";
import { backwardUpdate } from "./backwardUpdate";
import { backward32Update } from "./backward32Update";
import { outputBatchOne } from "./batchOneForward32";
import { rowDot } from "./activation";
import { NEURON_BLOCK } from "./network";
import { axpy } from "./vector";
import { pointer, slot } from "./planSlots";

const KEY0: i32 = 0;
const KEY1: i32 = 1;
const STREAM0: i32 = 2;
const STREAM1: i32 = 3;
/** 0: x ~ N(0, I_d); 1: x uniform on the unit sphere; 2: MMN18's isotropic Gaussians (labels from LABEL_*, no teacher). */
const INPUT: i32 = 4;
const D: i32 = 5;
const ROWS: i32 = 6;
const X: i32 = 7;
const Y: i32 = 8;
const TEACHER_M: i32 = 9;
const TEACHER_W: i32 = 10;
const TEACHER_B: i32 = 11;
const TEACHER_KIND: i32 = 12;
const TEACHER_PARAMS: i32 = 13;
const TEACHER_NPARAMS: i32 = 14;
const TEACHER_Z: i32 = 15;
/** Rows of the teacher's pre-activation scratch: the labels are computed in chunks of this many. */
const TEACHER_ROWS: i32 = 16;
const N: i32 = 17;
const W: i32 = 18;
const A: i32 = 19;
const SCALE: i32 = 20;
const KIND: i32 = 21;
const PARAMS: i32 = 22;
const NPARAMS: i32 = 23;
const Z: i32 = 24;
const F: i32 = 25;
const R: i32 = 26;
const G: i32 = 27;
const GRAD_W: i32 = 28;
const GRAD_A: i32 = 29;
/** 0: f64 passes; 1: the f32 passes of network32.ts over the copies below. */
const SINGLE: i32 = 30;
const X32: i32 = 31;
const WT32: i32 = 32;
const G32: i32 = 33;
const GRAD_W32: i32 = 34;
const DP: i32 = 35;
const N_PAD: i32 = 36;
/** Losses above this (or not finite) leave the weights where they were: the run stops there. */
const LIMIT: i32 = 37;
/** 1 while WT32 holds f32(w); the step narrows w in full when it is 0. */
const W32_FRESH: i32 = 38;
/** The label stream (input 2): y_b = -1 or +1 as its uniform value is below 1/2 or not, x_b scaled by 1 + y_b DELTA. */
const LABEL_KEY0: i32 = 39;
const LABEL_KEY1: i32 = 40;
const LABEL_STREAM0: i32 = 41;
const LABEL_STREAM1: i32 = 42;
const DELTA: i32 = 43;
/** Buffers for the next step's sample and pre-activations (batch 1; 0 otherwise): x (d f64), y (1 f64), x32 (2 dp f32, f32 runs), z (N f64, or N f32 in f32 runs). */
const X_NEXT: i32 = 44;
const Y_NEXT: i32 = 45;
const X32_NEXT: i32 = 46;
const Z_NEXT: i32 = 47;
/** The step whose sample and pre-activations the next-step buffers hold, -1 when none (w changed since). */
const NEXT_STEP: i32 = 48;
const PLAN_SLOTS: i32 = 49;


@inline function count(plan: usize, index: i32): i32 {
  return <i32>slot(plan, index);
}

/** Plan slots, for the TypeScript side to check its layout against. */
export function onlineStepPlanSlots(): i32 {
  return PLAN_SLOTS;
}

/** y = the teacher network's outputs on x, in chunks of the teacher's scratch rows. */
function label(plan: usize, d: i32, rows: i32, x: usize, y: usize): void {
  const m = count(plan, TEACHER_M);
  const chunk = count(plan, TEACHER_ROWS);
  const rowBytes = <usize>d << 3;
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const b = min(chunk, rows - r0);
    forward(
      x + <usize>r0 * rowBytes, pointer(plan, TEACHER_W), pointer(plan, TEACHER_B), m, d, b, 1.0,
      count(plan, TEACHER_KIND), pointer(plan, TEACHER_PARAMS), count(plan, TEACHER_NPARAMS),
      pointer(plan, TEACHER_Z), y + (<usize>r0 << 3),
    );
  }
}

/** MMN18's draw (src/tasks/isotropicGaussians.ts): labels +-1 from the label stream, x = (1 + y Delta) g. */
function drawIsotropic(plan: usize, start: f64, d: i32, rows: i32, x: usize, y: usize): void {
  fillUniform(<u32>slot(plan, LABEL_KEY0), <u32>slot(plan, LABEL_KEY1), <u32>slot(plan, LABEL_STREAM0), <u32>slot(plan, LABEL_STREAM1), start, y, rows);
  fillGaussian(<u32>slot(plan, KEY0), <u32>slot(plan, KEY1), <u32>slot(plan, STREAM0), <u32>slot(plan, STREAM1), start * <f64>d, x, rows * d);
  const delta = slot(plan, DELTA);
  for (let b = 0; b < rows; b++) {
    const value: f64 = load<f64>(y + (<usize>b << 3)) < 0.5 ? -1.0 : 1.0;
    store<f64>(y + (<usize>b << 3), value);
    const scale = 1.0 + value * delta;
    const row = x + <usize>b * (<usize>d << 3);
    for (let k = 0; k < d; k++) {
      const at = row + (<usize>k << 3);
      store<f64>(at, load<f64>(at) * scale);
    }
  }
}

/** f = scale sum_i a_i sigma(z_i) for one sample's pre-activations z, summed by neuron blocks as forward() sums them. */
function outputBatchOne64(z: usize, a: usize, n: i32, scale: f64, kind: i32, p: usize, np: i32): f64 {
  let total: f64 = 0.0;
  for (let i = 0; i < n; i += NEURON_BLOCK) {
    const off = <usize>i << 3;
    total += rowDot(kind, p, np, z + off, a + off, min(NEURON_BLOCK, n - i));
  }
  return scale * total;
}

/** Batch rows step * B .. step * B + B - 1 of the plan's stream into x and y. */
function draw(plan: usize, step: f64, d: i32, rows: i32, x: usize, y: usize): void {
  const start = step * <f64>rows;
  const input = count(plan, INPUT);
  if (input == 2) {
    drawIsotropic(plan, start, d, rows, x, y);
    return;
  }
  const k0 = <u32>slot(plan, KEY0);
  const k1 = <u32>slot(plan, KEY1);
  const s0 = <u32>slot(plan, STREAM0);
  const s1 = <u32>slot(plan, STREAM1);
  if (input == 0) fillGaussian(k0, k1, s0, s1, start * <f64>d, x, rows * d);
  else fillSphere(k0, k1, s0, s1, start, x, rows, d);
  label(plan, d, rows, x, y);
}

/**
 * Step `step` of the plan's run: batch rows step * B .. step * B + B - 1 of the stream, its loss
 * 1/(2B) sum (f - y)^2 returned, and, when that loss is finite and within the plan's limit,
 * w -= driftW gradW (moveW != 0) and a -= driftA gradA (moveA != 0).
 */
export function onlineStep(plan: usize, step: f64, moveW: i32, driftW: f64, moveA: i32, driftA: f64): f64 {
  const d = count(plan, D);
  const rows = count(plan, ROWS);
  const n = count(plan, N);
  const x = pointer(plan, X);
  const y = pointer(plan, Y);
  const ahead = slot(plan, NEXT_STEP) == step;
  store<f64>(plan + (<usize>NEXT_STEP << 3), -1.0);
  if (ahead) {
    // The previous call drew this step's sample and formed its pre-activations.
    memory.copy(x, pointer(plan, X_NEXT), <usize>d << 3);
    memory.copy(y, pointer(plan, Y_NEXT), 8);
  } else draw(plan, step, d, rows, x, y);

  const w = pointer(plan, W);
  const a = pointer(plan, A);
  const scale = slot(plan, SCALE);
  const kind = count(plan, KIND);
  const params = pointer(plan, PARAMS);
  const np = count(plan, NPARAMS);
  const z = pointer(plan, Z);
  const f = pointer(plan, F);
  const r = pointer(plan, R);
  const gradW = pointer(plan, GRAD_W);
  const gradA = pointer(plan, GRAD_A);
  const single = count(plan, SINGLE) != 0;
  const x32 = pointer(plan, X32);
  const dp = count(plan, DP);
  if (single) {
    const nPad = count(plan, N_PAD);
    const wT32 = pointer(plan, WT32);
    narrowRowsToF32(x, x32, rows, d, dp);
    if (ahead) {
      // An f32 run's pre-activations are f32 (network32.ts).
      memory.copy(z, pointer(plan, Z_NEXT), <usize>n << 2);
      store<f64>(f, outputBatchOne(z, a, n, scale, kind, params, np));
    } else {
      if (slot(plan, W32_FRESH) == 0) {
        narrowTransposedToF32(w, wT32, n, d, nPad);
        store<f64>(plan + (<usize>W32_FRESH << 3), 1.0);
      }
      forward32(x32, wT32, a, n, nPad, d, dp, rows, scale, kind, params, np, z, f);
    }
  } else if (ahead) {
    memory.copy(z, pointer(plan, Z_NEXT), <usize>n << 3);
    store<f64>(f, outputBatchOne64(z, a, n, scale, kind, params, np));
  } else {
    forward(x, w, a, n, d, rows, scale, kind, params, np, z, f);
  }

  let sum: f64 = 0.0;
  const total = <f64>rows;
  for (let b = 0; b < rows; b++) {
    const at = <usize>b << 3;
    const e = load<f64>(f + at) - load<f64>(y + at);
    sum += e * e;
    store<f64>(r + at, e / total);
  }
  const loss = sum / (2.0 * total);
  if (!isFinite(loss) || loss > slot(plan, LIMIT)) return loss;

  // The next step's head start (batch 1, SIMD): its sample now, its pre-activations in the update's pass.
  const xNext = pointer(plan, X_NEXT);
  const lead = ASC_FEATURE_SIMD && rows == 1 && moveW != 0 && xNext != 0;
  if (lead) draw(plan, step + 1.0, d, rows, xNext, pointer(plan, Y_NEXT));
  if (single) {
    const x32Next = lead ? pointer(plan, X32_NEXT) : 0;
    if (lead) narrowRowsToF32(xNext, x32Next, rows, d, dp);
    const g32 = pointer(plan, G32);
    backward32Update(x32, a, n, d, dp, rows, scale, kind, params, np, z, r, g32, pointer(plan, GRAD_W32), gradW, gradA, w, pointer(plan, WT32), moveW, driftW, x32Next, pointer(plan, Z_NEXT));
    if (lead) {
      store<f64>(plan + (<usize>W32_FRESH << 3), 0.0);
      store<f64>(plan + (<usize>NEXT_STEP << 3), step + 1.0);
    }
  } else {
    backwardUpdate(x, a, n, d, rows, scale, kind, params, np, z, r, pointer(plan, G), gradW, gradA, w, moveW, driftW, lead ? xNext : 0, pointer(plan, Z_NEXT));
    if (lead) store<f64>(plan + (<usize>NEXT_STEP << 3), step + 1.0);
  }
  if (moveA != 0) axpy(-driftA, gradA, a, n);
  return loss;
}
