// Objectives on samples: a fixed training set of n points (empirical GD) or batch t = samples
// tB .. tB + B - 1 of a stream at step t (online SGD), so any step can be replayed on resume.
// With `linearized`, the model is f_0 + J_0 (theta - theta_0): outputs
// scale sum_i [a_i sigma(z0_i) + a0_i sigma'(z0_i) <w_i - w0_i, x>], gradients from (a0, z0).
// Outputs and gradients go through BlockedPasses, so the runtime's thread team, if any, splits
// the neurons, and any number of threads gives the same bits. With precision "f32" they go
// through the f32x4 kernels (assembly/network32.ts), split the same way, over f32 copies of
// each chunk's samples and of the weights taken at every evaluation; the weights stay f64.

import { labelNoise } from "../tasks/labelNoise.js";
import { streamKey, type StreamKey } from "../wasm/random.js";
import type { TwoLayerNetwork } from "../model/network.js";
import type { Task } from "../tasks/task.js";
import type { WasmF64Array } from "../wasm/arena.js";
import { BlockedPasses, type SingleBuffers as PassSingleBuffers } from "../wasm/blockedPasses.js";
import type { Objective } from "./objective.js";
import { OnlineStepPlan } from "./onlineStepPlan.js";

/** Samples per kernel call: bounds the chunk x N scratch buffers. */
const CHUNK = 4096;

/**
 * Fixed samples may carry label noise: y_b + eps_b with eps from labelNoise(seed) (src/tasks/labelNoise.ts).
 * Fresh samples may carry output noise: sample j's label is y_j + sigma zeta_j, zeta_j value j of the
 * Gaussian stream OUTPUT_NOISE_STREAM of the seed, so a step's noise depends on its index only.
 */
export type SampleMode =
  | { kind: "samples"; n: number; labelNoise?: { halfWidth: number; seed: number } }
  | { kind: "online"; batch: number; outputNoise?: { sigma: number; seed: number } };

/** Stream of the output noise of fresh samples, apart from the streams of x and y. */
export const OUTPUT_NOISE_STREAM = "train.outputNoise";

/** The parameters at initialization, about which a linearized run's model f_0 + J_0 (θ - θ_0) is expanded. */
export interface Linearization {
  w0: WasmF64Array;
  a0: WasmF64Array;
}

/** Arithmetic of outputs and gradients: f64, or the f32x4 kernels with the weights kept in f64. */
export type Precision = "f64" | "f32";

/**
 * f32 scratch of the single-precision kernels, each in a buffer of half as many f64 entries: x
 * in f32 twice (chunk x dp rows, then grouped for the forward tiles), w^T in panels of 8 neurons
 * (inputDim x nPad f32), g32 and gradW32.
 */
interface SingleBuffers extends PassSingleBuffers {
  /** N padded with zeros to a multiple of 8, the neuron panels of wT32. */
  nPad: number;
}

/**
 * L = 1/2 mean_b (f(x_b) - y_b)² over a fixed training set (empirical GD) or over batch t =
 * samples tB .. tB + B - 1 of a stream at step t (online SGD), so any step replays on resume.
 */
export class SampleObjective implements Objective {
  private readonly rows: number;
  private readonly chunk: number;
  private readonly buf: Record<"x" | "xData" | "y" | "z" | "f" | "r" | "g" | "gradW" | "gradA" | "dw" | "zd", WasmF64Array>;
  private readonly passes: BlockedPasses;
  /** The whole training set for mode "samples" (n x inputDim and n). */
  private readonly fixed: { x: WasmF64Array; y: WasmF64Array } | null;
  private readonly single: SingleBuffers | null;
  private readonly online: boolean;
  /** Output noise of fresh samples: sigma, its stream and a chunk of draws. */
  private readonly outputNoise: { sigma: number; key: StreamKey; eps: WasmF64Array } | null;

  constructor(
    private readonly net: TwoLayerNetwork,
    private readonly task: Task,
    mode: SampleMode,
    private readonly stream: string,
    private readonly linearized: Linearization | null,
    precision: Precision = "f64",
  ) {
    if (precision === "f32" && linearized) throw new RangeError("meanfield: precision: f32 is not available for the linearized model");
    const { n, d, inputDim } = net;
    this.rows = mode.kind === "samples" ? mode.n : mode.batch;
    this.online = mode.kind === "online";
    this.chunk = Math.min(this.rows, CHUNK);
    const c = this.chunk;
    const arena = net.runtime.arena;
    const owned: WasmF64Array[] = [];
    const take = (length: number) => {
      const b = arena.f64(length);
      owned.push(b);
      return b;
    };
    try {
      this.buf = {
        x: take(c * inputDim),
        xData: take(net.bias ? c * d : 0),
        y: take(c),
        z: take(c * n),
        f: take(c),
        r: take(c),
        g: take(c * n),
        gradW: take(n * inputDim),
        gradA: take(n),
        dw: take(linearized ? n * inputDim : 0),
        zd: take(linearized ? c * n : 0),
      };
      if (mode.kind === "samples") {
        const x = take(mode.n * inputDim);
        const y = take(mode.n);
        for (let s0 = 0; s0 < mode.n; s0 += c) {
          const rows = Math.min(c, mode.n - s0);
          this.draw(s0, rows);
          x.view.set(this.buf.x.view.subarray(0, rows * inputDim), s0 * inputDim);
          y.view.set(this.buf.y.view.subarray(0, rows), s0);
        }
        const noise = mode.labelNoise;
        if (noise && noise.halfWidth > 0) {
          const eps = labelNoise(net.runtime, noise.seed, mode.n, noise.halfWidth);
          const yv = y.view;
          for (let b = 0; b < mode.n; b++) yv[b]! += eps[b]!;
        }
        this.fixed = { x, y };
      } else this.fixed = null;
      const noise = mode.kind === "online" ? mode.outputNoise : undefined;
      this.outputNoise = noise && noise.sigma > 0 ? { sigma: noise.sigma, key: streamKey(noise.seed, OUTPUT_NOISE_STREAM), eps: take(c) } : null;
      const half = (count: number) => take(Math.ceil(count / 2));
      const dp = net.runtime.linalg.paddedDim(inputDim);
      const nPad = net.runtime.linalg.paddedDim(n);
      this.single =
        precision === "f32" ? { dp, nPad, x32: take(c * dp), wT32: half(inputDim * nPad), g32: half(c * n), gradW32: half(n * dp) } : null;
      this.passes = new BlockedPasses(net.runtime, n, c);
    } catch (err) {
      for (const b of owned) b.free();
      throw err;
    }
  }

  /** Samples start .. start + rows - 1 of the stream into buf.x (with the bias column) and buf.y. */
  private draw(start: number, rows: number): void {
    const { net, buf } = this;
    const y = buf.y.subarray(0, rows);
    if (!net.bias) {
      this.task.sampleInto(this.stream, start, buf.x.subarray(0, rows * net.d), y);
      return;
    }
    const data = buf.xData.subarray(0, rows * net.d);
    this.task.sampleInto(this.stream, start, data, y);
    const src = data.view;
    const dst = buf.x.view;
    const { d, inputDim } = net;
    for (let b = 0; b < rows; b++) {
      dst.set(src.subarray(b * d, (b + 1) * d), b * inputDim);
      dst[b * inputDim + d] = 1;
    }
  }

  /** x and y of chunk rows s0 .. s0 + rows - 1 of this step's data. */
  private chunkData(step: number, s0: number, rows: number): { x: WasmF64Array; y: WasmF64Array } {
    const { inputDim } = this.net;
    if (this.fixed) {
      return { x: this.fixed.x.subarray(s0 * inputDim, (s0 + rows) * inputDim), y: this.fixed.y.subarray(s0, s0 + rows) };
    }
    const start = step * this.rows + s0;
    this.draw(start, rows);
    const noise = this.outputNoise;
    if (noise) {
      const eps = noise.eps.subarray(0, rows);
      this.net.runtime.random.gaussianInto(noise.key, start, eps);
      this.net.runtime.linalg.axpy(noise.sigma, eps, this.buf.y, rows);
    }
    return { x: this.buf.x.subarray(0, rows * inputDim), y: this.buf.y.subarray(0, rows) };
  }

  /** f on a chunk (buf.f), leaving in buf.z the pre-activations backward needs. */
  private outputs(x: WasmF64Array, rows: number): WasmF64Array {
    const { net, buf } = this;
    const { n, inputDim } = net;
    const shape = { d: inputDim, b: rows };
    const z = buf.z.subarray(0, rows * n);
    const f = buf.f.subarray(0, rows);
    const lin = this.linearized;
    const single = this.single;
    if (single) {
      net.runtime.linalg.narrowRowsToF32(x, single.x32, rows, inputDim, single.dp);
      this.passes.forward32(shape, net.scale, net.activation, { a: net.a, z, f }, single);
    } else if (lin) {
      const zd = buf.zd.subarray(0, rows * n);
      this.passes.linearizedForward(shape, net.scale, net.activation, { x, w0: lin.w0, a0: lin.a0, dw: buf.dw, a: net.a, z, zd, f });
    } else {
      this.passes.forward(shape, net.scale, net.activation, { x, w: net.w, a: net.a, z, f });
    }
    return f;
  }

  /** What the outputs need from the current weights: w - w0 (linearized) or the f32 copy of w. */
  private refreshDelta(): void {
    if (this.single) {
      const { w, n, inputDim } = this.net;
      this.net.runtime.linalg.narrowTransposedToF32(w, this.single.wT32, n, inputDim, this.single.nPad);
      return;
    }
    const lin = this.linearized;
    if (!lin) return;
    const dw = this.buf.dw.view;
    const w = this.net.w.view;
    const w0 = lin.w0.view;
    for (let k = 0; k < dw.length; k++) dw[k] = w[k]! - w0[k]!;
  }

  /**
   * The model's loss 1/2 mean (f - y)^2 on any sample set (x: rows x inputDim), with its standard
   * error: for metrics of a linearized run, whose model is not the network itself.
   */
  loss(x: WasmF64Array, y: WasmF64Array): { loss: number; standardError: number } {
    this.refreshDelta();
    const { inputDim } = this.net;
    const m = y.length;
    let sum = 0;
    let sumSq = 0;
    for (let s0 = 0; s0 < m; s0 += this.chunk) {
      const rows = Math.min(this.chunk, m - s0);
      const f = this.outputs(x.subarray(s0 * inputDim, (s0 + rows) * inputDim), rows).view;
      const yv = y.view;
      for (let b = 0; b < rows; b++) {
        const l = 0.5 * (f[b]! - yv[s0 + b]!) ** 2;
        sum += l;
        sumSq += l * l;
      }
    }
    const loss = sum / m;
    const variance = m > 1 ? Math.max(0, (sumSq - m * loss * loss) / (m - 1)) : 0;
    return { loss, standardError: Math.sqrt(variance / m) };
  }

  evaluate(step: number, gradW: WasmF64Array, gradA: WasmF64Array): number {
    const { net, buf } = this;
    const { n, inputDim } = net;
    const rt = net.runtime;
    const lin = this.linearized;
    this.refreshDelta();
    let loss = 0;
    for (let s0 = 0; s0 < this.rows; s0 += this.chunk) {
      const rows = Math.min(this.chunk, this.rows - s0);
      const { x, y } = this.chunkData(step, s0, rows);
      const f = this.outputs(x, rows).view;
      const yv = y.view;
      const r = buf.r.view;
      for (let b = 0; b < rows; b++) {
        const e = f[b]! - yv[b]!;
        loss += e * e;
        r[b] = e / this.rows;
      }
      const first = s0 === 0;
      const single = this.single;
      if (single) {
        this.passes.backward32({ d: inputDim, b: rows }, net.scale, net.activation, {
          a: net.a,
          z: buf.z.subarray(0, rows * n),
          r: buf.r.subarray(0, rows),
          gradW: first ? gradW : buf.gradW,
          gradA: first ? gradA : buf.gradA,
        }, single);
      } else {
        this.passes.backward({ d: inputDim, b: rows }, net.scale, net.activation, {
          x,
          a: lin ? lin.a0 : net.a,
          z: buf.z.subarray(0, rows * n),
          r: buf.r.subarray(0, rows),
          g: buf.g.subarray(0, rows * n),
          gradW: first ? gradW : buf.gradW,
          gradA: first ? gradA : buf.gradA,
        });
      }
      if (!first) {
        rt.linalg.axpy(1, buf.gradW, gradW, n * inputDim);
        rt.linalg.axpy(1, buf.gradA, gradA, n);
      }
    }
    return loss / (2 * this.rows);
  }

  /**
   * A plan that runs a whole online step (draw, forward, backward, update) in one Wasm call and
   * gives the same bits as evaluate() followed by the trainer's update; null where this
   * objective's steps need more than that call does: fixed samples, output noise, the linearized model, a bias
   * column, a thread team, a batch larger than one chunk, or a task whose draw Wasm cannot redo.
   */
  onlineStepPlan(gradW: WasmF64Array, gradA: WasmF64Array, limit: number): OnlineStepPlan | null {
    const { net, buf } = this;
    if (!this.online || this.outputNoise || this.linearized || net.bias || net.runtime.team || this.rows > this.chunk) return null;
    const source = this.task.batchSource?.(this.stream) ?? null;
    if (!source) return null;
    return new OnlineStepPlan(net.runtime, source, {
      n: net.n,
      d: net.d,
      rows: this.rows,
      w: net.w,
      a: net.a,
      scale: net.scale,
      activation: net.activation,
      x: buf.x,
      y: buf.y,
      z: buf.z,
      f: buf.f,
      r: buf.r,
      g: buf.g,
      gradW,
      gradA,
      single: this.single,
      limit,
    });
  }

  secondLayerSystem(step: number): { gram: Float64Array; cross: Float64Array } {
    const { net, buf } = this;
    const { n, inputDim } = net;
    const rt = net.runtime;
    const act = net.activation;
    const gram = new Float64Array(n * n);
    const cross = new Float64Array(n);
    const phiT = rt.arena.f64(n * this.chunk);
    const block = rt.arena.f64(n * n);
    try {
      for (let s0 = 0; s0 < this.rows; s0 += this.chunk) {
        const rows = Math.min(this.chunk, this.rows - s0);
        const { x, y } = this.chunkData(step, s0, rows);
        const z = buf.z.subarray(0, rows * n);
        rt.linalg.preactivations(x, net.w, n, inputDim, rows, z);
        rt.features.activationValues(act, z, z, rows * n);
        // phi^T (N x rows) so that the GEMM kernel, which forms X W^T, gives phi^T phi.
        const zv = z.view;
        const pt = phiT.view;
        const yv = y.view;
        for (let b = 0; b < rows; b++) {
          for (let i = 0; i < n; i++) {
            pt[i * rows + b] = zv[b * n + i]!;
            cross[i]! += zv[b * n + i]! * yv[b]!;
          }
        }
        rt.linalg.preactivations(phiT, phiT, n, rows, n, block);
        const bv = block.view;
        for (let k = 0; k < n * n; k++) gram[k]! += bv[k]!;
      }
    } finally {
      phiT.free();
      block.free();
    }
    for (let k = 0; k < n * n; k++) gram[k]! /= this.rows;
    for (let i = 0; i < n; i++) cross[i]! /= this.rows;
    return { gram, cross };
  }

  free(): void {
    this.passes.free();
    for (const b of Object.values(this.buf)) b.free();
    if (this.single) for (const b of [this.single.x32, this.single.wT32, this.single.g32, this.single.gradW32]) b.free();
    this.outputNoise?.eps.free();
    if (this.fixed) {
      this.fixed.x.free();
      this.fixed.y.free();
    }
  }
}
