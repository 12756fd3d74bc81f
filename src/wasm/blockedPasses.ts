// The forward and backward passes of one network with its neurons cut into the fixed blocks of
// assembly/network.ts (NEURON_BLOCK), one *Range kernel call per block: the threads of the
// runtime's team claim blocks until none are left, then this thread adds the blocks' partial sums
// in block order. Every floating-point operation, and its order, is thus the same for any number
// of threads and any assignment of blocks to threads, and the same as forward()/backward() on one
// thread; without a team this thread runs the blocks one after the other.
//
// One block per call rather than a long run of blocks also keeps a call's working set small: at
// d = 1000 a block's rows of w (or of gradW) are 512 KiB, which stay in L2 while every sample block
// passes over them, where a run of blocks would stream all of w from memory once per sample block.

import type { WasmF64Array } from "./arena.js";
import type { BackwardBuffers, ForwardBuffers, WasmActivation } from "./networkKernels.js";
import type { WasmRuntime } from "./runtime.js";
import type { TeamKernel } from "./threadTeam.js";

/** Input dimension d and the number of rows B of this pass (at most the maxRows given at construction). */
export interface PassShape {
  d: number;
  b: number;
}

/** The Wasm buffers of a forward pass linearized around w0 (the NTK / lazy regime's model). */
export interface LinearizedForwardBuffers {
  x: WasmF64Array;
  /** The expansion point. */
  w0: WasmF64Array;
  a0: WasmF64Array;
  /** w - w0. */
  dw: WasmF64Array;
  /** The current second layer. */
  a: WasmF64Array;
  /** B x N pre-activations at w0, written. */
  z: WasmF64Array;
  /** B x N <dw_i, x_b>, written. */
  zd: WasmF64Array;
  /** B outputs of the linearized model, written. */
  f: WasmF64Array;
}

/** The f32 copies of assembly/network32.ts a single-precision pass reads (x32, wT32) and uses as scratch. */
export interface SingleBuffers {
  /** Row length of the f32 rows of x and gradW32: paddedDim(d). */
  dp: number;
  /** Both f32 copies of x (narrowRowsToF32). */
  x32: WasmF64Array;
  /** w^T in panels (narrowTransposedToF32). */
  wT32: WasmF64Array;
  g32: WasmF64Array;
  gradW32: WasmF64Array;
}

/**
 * Forward and backward passes over fixed neuron blocks with per-block partial sums added in block order, so
 * threads can split the neurons and results are bit-identical for any thread count.
 */
export class BlockedPasses {
  readonly blocks: number;
  /** Per-block partial sums of the outputs, blocks x rows. */
  private readonly partial: WasmF64Array;

  constructor(
    private readonly runtime: WasmRuntime,
    /** N neurons. */
    private readonly n: number,
    private readonly maxRows: number,
  ) {
    this.blocks = Math.ceil(n / runtime.exports.neuronBlock());
    this.partial = runtime.arena.f64(this.blocks * maxRows);
  }

  /** f = scale * sum_i a_i sigma(<w_i, x>), leaving the pre-activations in z (B x N). */
  forward(shape: PassShape, scale: number, act: WasmActivation, buf: ForwardBuffers): void {
    const { d, b } = this.check(shape);
    this.run("forwardRange", [
      buf.x.ptr, buf.w.ptr, buf.a.ptr, this.n, d, b,
      act.code, act.params.ptr, act.params.length, buf.z.ptr, this.partial.ptr,
    ]);
    this.runtime.exports.reduceBlocks(this.partial.ptr, this.blocks, b, scale, buf.f.ptr);
  }

  /** f = scale * sum_i [a_i sigma(z0_i) + a0_i sigma'(z0_i) <w_i - w0_i, x>], z = z0 and zd as backward needs them. */
  linearizedForward(shape: PassShape, scale: number, act: WasmActivation, buf: LinearizedForwardBuffers): void {
    const { d, b } = this.check(shape);
    this.run("linearizedForwardRange", [
      buf.x.ptr, buf.w0.ptr, buf.dw.ptr, buf.a.ptr, buf.a0.ptr, this.n, d, b,
      act.code, act.params.ptr, act.params.length, buf.z.ptr, buf.zd.ptr, this.partial.ptr,
    ]);
    this.runtime.exports.reduceBlocks(this.partial.ptr, this.blocks, b, scale, buf.f.ptr);
  }

  /** gradW and gradA of sum_b r_b f_b from the pre-activations of a forward pass (overwritten). */
  backward(shape: PassShape, scale: number, act: WasmActivation, buf: BackwardBuffers): void {
    const { d, b } = this.check(shape);
    this.run("backwardRange", [
      buf.x.ptr, buf.a.ptr, this.n, d, b, scale,
      act.code, act.params.ptr, act.params.length, buf.z.ptr, buf.r.ptr, buf.g.ptr, buf.gradW.ptr, buf.gradA.ptr,
    ]);
  }

  /** forward() with f32 products over the copies in single (forward32 / forward32Range). */
  forward32(shape: PassShape, scale: number, act: WasmActivation, buf: Omit<ForwardBuffers, "x" | "w">, single: SingleBuffers): void {
    const { d, b } = this.check(shape);
    this.run("forward32Range", [
      single.x32.ptr, single.wT32.ptr, buf.a.ptr, this.n, d, single.dp, b,
      act.code, act.params.ptr, act.params.length, buf.z.ptr, this.partial.ptr,
    ]);
    this.runtime.exports.reduceBlocks(this.partial.ptr, this.blocks, b, scale, buf.f.ptr);
  }

  /** backward() with f32 gradient sums over the copies in single (backward32 / backward32Range). */
  backward32(shape: PassShape, scale: number, act: WasmActivation, buf: Omit<BackwardBuffers, "x" | "g">, single: SingleBuffers): void {
    const { d, b } = this.check(shape);
    this.run("backward32Range", [
      single.x32.ptr, buf.a.ptr, this.n, d, single.dp, b, scale,
      act.code, act.params.ptr, act.params.length, buf.z.ptr, buf.r.ptr, single.g32.ptr, single.gradW32.ptr, buf.gradW.ptr, buf.gradA.ptr,
    ]);
  }

  free(): void {
    this.partial.free();
  }

  private check(shape: PassShape): PassShape {
    if (shape.b > this.maxRows) throw new RangeError(`meanfield: ${shape.b} rows exceed the ${this.maxRows} these passes were sized for`);
    return shape;
  }

  private run(kernel: TeamKernel, args: number[]): void {
    const team = this.runtime.team;
    if (team) {
      team.run(kernel, args, this.blocks);
      return;
    }
    const call = this.runtime.exports[kernel] as (...values: number[]) => void;
    for (let j = 0; j < this.blocks; j++) call(...args, j, j + 1);
  }
}
