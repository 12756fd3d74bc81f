// Typed access to the batched forward/backward kernels of assembly/network.ts.
//
// Two levels: `forwardInto`/`backwardInto` work on buffers already in Wasm memory (no copies;
// what training loops use), `forward`/`backward` take and return ordinary Float64Arrays,
// copying through temporaries that are always freed.

import { encodeActivation, type ActivationSpec } from "../activation/spec.js";
import type { WasmF64Array } from "./arena.js";
import type { WasmRuntime } from "./runtime.js";
import { checkCount, checkFinite, checkFiniteNumber, checkLength } from "../argumentChecks.js";

/** N neurons, input dimension d, batch size B. */
export interface NetworkShape {
  n: number;
  d: number;
  b: number;
}

/** An activation encoded and resident in Wasm memory. */
export class WasmActivation {
  readonly code: number;
  readonly params: WasmF64Array;

  constructor(runtime: WasmRuntime, spec: ActivationSpec, field = "activation") {
    const encoded = encodeActivation(spec, field);
    this.code = encoded.code;
    this.params = runtime.arena.f64From(encoded.params);
  }

  free(): void {
    this.params.free();
  }
}

/** Wasm buffers of a forward pass f = scale sum_i a_i sigma(<w_i, x>). */
export interface ForwardBuffers {
  x: WasmF64Array;
  w: WasmF64Array;
  a: WasmF64Array;
  /** B x N pre-activations, written. */
  z: WasmF64Array;
  /** B outputs, written. */
  f: WasmF64Array;
}

/** Wasm buffers of a backward pass: gradients of 1/2 mean (f - y)^2 in w and a. */
export interface BackwardBuffers {
  x: WasmF64Array;
  a: WasmF64Array;
  /** Pre-activations from forwardInto. */
  z: WasmF64Array;
  /** Per-sample residuals r_b (for the mean squared loss, (f_b - y_b) / B). */
  r: WasmF64Array;
  /** B x N scratch. */
  g: WasmF64Array;
  gradW: WasmF64Array;
  gradA: WasmF64Array;
}

/** Per-call options of the network kernels. */
export interface KernelOptions {
  /** Check every input entry is finite (default true; trusted inner loops turn it off). */
  checkFinite?: boolean;
}

/** JS arrays for a one-shot forward pass; copied into Wasm memory by the wrapper. */
export interface ForwardInput {
  /** B x d samples, row-major. */
  x: Float64Array;
  /** N x d first-layer weights, row-major. */
  w: Float64Array;
  /** N second-layer weights. */
  a: Float64Array;
  d: number;
  /** The output scale c (1/N for mean-field, 1/sqrt(N) for NTK). */
  scale: number;
  activation: ActivationSpec;
}

/** JS arrays for a one-shot backward pass: the forward inputs and the residuals f - y. */
export interface BackwardInput extends ForwardInput {
  /** B residuals. */
  r: Float64Array;
}

function checkShape(shape: NetworkShape): void {
  checkCount("n (number of neurons)", shape.n);
  checkCount("d (input dimension)", shape.d);
  checkCount("b (batch size)", shape.b);
}

function inferShape(input: ForwardInput): NetworkShape {
  checkCount("d (input dimension)", input.d);
  const { d } = input;
  const n = input.a.length;
  checkCount("a.length (number of neurons)", n);
  checkLength("w", input.w, n * d, `N x d = ${n} x ${d}`);
  if (input.x.length === 0 || input.x.length % d !== 0) {
    throw new RangeError(
      `meanfield: x has length ${input.x.length}, expected a positive multiple of d = ${d} (B x d)`,
    );
  }
  return { n, d, b: input.x.length / d };
}

/** Typed wrappers of the batched two-layer network passes, the only route from TS to them. */
export class NetworkKernels {
  constructor(readonly runtime: WasmRuntime) {}

  forwardInto(shape: NetworkShape, scale: number, activation: WasmActivation, buf: ForwardBuffers, options: KernelOptions = {}): void {
    checkShape(shape);
    checkFiniteNumber("scale", scale);
    const { n, d, b } = shape;
    checkLength("x", buf.x, b * d, `B x d = ${b} x ${d}`);
    checkLength("w", buf.w, n * d, `N x d = ${n} x ${d}`);
    checkLength("a", buf.a, n, `N = ${n}`);
    checkLength("z", buf.z, b * n, `B x N = ${b} x ${n}`);
    checkLength("f", buf.f, b, `B = ${b}`);
    if (options.checkFinite !== false) {
      checkFinite("x", buf.x.view);
      checkFinite("w", buf.w.view);
      checkFinite("a", buf.a.view);
    }
    this.runtime.exports.forward(
      buf.x.ptr, buf.w.ptr, buf.a.ptr, n, d, b, scale,
      activation.code, activation.params.ptr, activation.params.length, buf.z.ptr, buf.f.ptr,
    );
  }

  backwardInto(shape: NetworkShape, scale: number, activation: WasmActivation, buf: BackwardBuffers, options: KernelOptions = {}): void {
    checkShape(shape);
    checkFiniteNumber("scale", scale);
    const { n, d, b } = shape;
    checkLength("x", buf.x, b * d, `B x d = ${b} x ${d}`);
    checkLength("a", buf.a, n, `N = ${n}`);
    checkLength("z", buf.z, b * n, `B x N = ${b} x ${n}`);
    checkLength("r", buf.r, b, `B = ${b}`);
    checkLength("g", buf.g, b * n, `B x N = ${b} x ${n}`);
    checkLength("gradW", buf.gradW, n * d, `N x d = ${n} x ${d}`);
    checkLength("gradA", buf.gradA, n, `N = ${n}`);
    if (options.checkFinite !== false) {
      checkFinite("x", buf.x.view);
      checkFinite("a", buf.a.view);
      checkFinite("r", buf.r.view);
    }
    this.runtime.exports.backward(
      buf.x.ptr, buf.a.ptr, n, d, b, scale,
      activation.code, activation.params.ptr, activation.params.length,
      buf.z.ptr, buf.r.ptr, buf.g.ptr, buf.gradW.ptr, buf.gradA.ptr,
    );
  }

  /** f_b = scale * sum_i a_i sigma(<w_i, x_b>), and the pre-activations z (B x N). */
  forward(input: ForwardInput): { f: Float64Array; z: Float64Array } {
    const shape = inferShape(input);
    checkFinite("x", input.x);
    checkFinite("w", input.w);
    checkFinite("a", input.a);
    return this.withBuffers(input, shape, (buf) => {
      this.forwardInto(shape, input.scale, buf.act, buf, { checkFinite: false });
      return { f: buf.f.toArray(), z: buf.z.toArray() };
    });
  }

  /** Outputs f and the gradients of sum_b r_b f_b with respect to w (N x d) and a (N). */
  backward(input: BackwardInput): { f: Float64Array; gradW: Float64Array; gradA: Float64Array } {
    const shape = inferShape(input);
    checkLength("r", input.r, shape.b, `B = ${shape.b}`);
    checkFinite("x", input.x);
    checkFinite("w", input.w);
    checkFinite("a", input.a);
    checkFinite("r", input.r);
    const arena = this.runtime.arena;
    return this.withBuffers(input, shape, (buf) => {
      const r = arena.f64From(input.r);
      const g = arena.f64(shape.b * shape.n);
      const gradW = arena.f64(shape.n * shape.d);
      const gradA = arena.f64(shape.n);
      try {
        this.forwardInto(shape, input.scale, buf.act, buf, { checkFinite: false });
        this.backwardInto(shape, input.scale, buf.act, { ...buf, r, g, gradW, gradA }, { checkFinite: false });
        return { f: buf.f.toArray(), gradW: gradW.toArray(), gradA: gradA.toArray() };
      } finally {
        r.free();
        g.free();
        gradW.free();
        gradA.free();
      }
    });
  }

  private withBuffers<T>(
    input: ForwardInput,
    shape: NetworkShape,
    body: (buf: ForwardBuffers & { act: WasmActivation }) => T,
  ): T {
    checkFiniteNumber("scale", input.scale);
    const arena = this.runtime.arena;
    const act = new WasmActivation(this.runtime, input.activation);
    const owned: WasmF64Array[] = [];
    const take = (buf: WasmF64Array) => (owned.push(buf), buf);
    try {
      const buf = {
        act,
        x: take(arena.f64From(input.x)),
        w: take(arena.f64From(input.w)),
        a: take(arena.f64From(input.a)),
        z: take(arena.f64(shape.b * shape.n)),
        f: take(arena.f64(shape.b)),
      };
      return body(buf);
    } finally {
      for (const buf of owned) buf.free();
      act.free();
    }
  }
}
