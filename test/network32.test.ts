import { describe, expect, it } from "vitest";
import { WasmActivation } from "../src/wasm/networkKernels.js";
import type { WasmRuntime } from "../src/wasm/runtime.js";
import { referenceActivation } from "./reference/activation.js";
import { referenceBackward32, referenceForward32 } from "./reference/network32.js";
import { ACTIVATIONS, BUILDS, normals, relativeError, runtimeFor, testRandom } from "./helpers.js";

// Around every blocking boundary of the f32 kernels: N mod 4, N mod 8 and past 64-neuron panels, d mod 8, B mod 4, B past one sample block.
const SHAPES = [
  { n: 1, d: 1, b: 1 },
  { n: 3, d: 5, b: 7 },
  { n: 4, d: 8, b: 2 },
  { n: 5, d: 3, b: 3 },
  { n: 7, d: 9, b: 13 },
  { n: 13, d: 12, b: 1 },
  { n: 33, d: 17, b: 131 },
  { n: 64, d: 50, b: 64 },
  { n: 37, d: 101, b: 45 },
  { n: 6, d: 1031, b: 5 },
  { n: 71, d: 8, b: 9 },
  { n: 130, d: 3, b: 4 },
  // Forward sample blocks (252 samples at d = 1031) and backward sample blocks (63) past the first,
  // panels past 64 neurons with a last partial group, spans of gradient tiles strip by strip; B = 1.
  { n: 131, d: 1031, b: 257 },
  { n: 130, d: 5, b: 1 },
  // The last strip's 16-neuron column tiles (d mod 8 in 1..4): 4 coordinates in two pairs with 3
  // quads and a 2-neuron group left over, over 2 backward sample blocks; at d = 1028 likewise.
  { n: 50, d: 52, b: 200 },
  { n: 20, d: 1028, b: 70 },
];
// Both sides round to f32 at every product and partial sum, in different orders; what is left
// is a few f32 ulps of the largest entry (f32 eps = 6e-8) times the length of the sums.
const TOLERANCE = 1e-5;

interface Pass32 {
  z: Float64Array;
  f: Float64Array;
  gradW: Float64Array;
  gradA: Float64Array;
}

/** forward32 then backward32 through the raw exports, over arena buffers that are freed again. */
function pass32(rt: WasmRuntime, shape: { n: number; d: number; b: number }, inputs: Record<"x" | "w" | "a" | "r", Float64Array>, spec: (typeof ACTIVATIONS)[number][1]): Pass32 {
  const { n, d, b } = shape;
  const { arena, exports: ex } = rt;
  const act = new WasmActivation(rt, spec);
  const x = arena.f64From(inputs.x), w = arena.f64From(inputs.w), a = arena.f64From(inputs.a), r = arena.f64From(inputs.r);
  const z = arena.f64(b * n), f = arena.f64(b), gradW = arena.f64(n * d), gradA = arena.f64(n);
  const dp = ex.paddedDim(d);
  const nPad = ex.paddedDim(n);
  const x32 = arena.f64(b * dp), w32 = arena.f64((d * nPad) / 2);
  const g32 = arena.f64(Math.ceil((b * n) / 2)), gradW32 = arena.f64((n * dp) / 2);
  try {
    ex.narrowRowsToF32(x.ptr, x32.ptr, b, d, dp);
    ex.narrowTransposedToF32(w.ptr, w32.ptr, n, d, nPad);
    ex.forward32(x32.ptr, w32.ptr, a.ptr, n, nPad, d, dp, b, 1 / n, act.code, act.params.ptr, act.params.length, z.ptr, f.ptr);
    ex.backward32(x32.ptr, a.ptr, n, d, dp, b, 1 / n, act.code, act.params.ptr, act.params.length, z.ptr, r.ptr, g32.ptr, gradW32.ptr, gradW.ptr, gradA.ptr);
    // An f32 run's z is f32 (B x N in the first half of the buffer).
    return { z: Float64Array.from(new Float32Array(ex.memory.buffer, z.ptr, b * n)), f: f.toArray(), gradW: gradW.toArray(), gradA: gradA.toArray() };
  } finally {
    for (const buf of [x, w, a, r, z, f, gradW, gradA, x32, w32, g32, gradW32]) buf.free();
    act.free();
  }
}

/** The module's own f64 activation values and derivatives at z (activationValues / activationDerivatives). */
function activationAt(rt: WasmRuntime, spec: (typeof ACTIVATIONS)[number][1], z: Float64Array): { value: Float64Array; derivative: Float64Array } {
  const act = new WasmActivation(rt, spec);
  const at = rt.arena.f64From(z), out = rt.arena.f64(z.length);
  try {
    rt.exports.activationValues(act.code, act.params.ptr, act.params.length, at.ptr, out.ptr, z.length);
    const value = out.toArray();
    rt.exports.activationDerivatives(act.code, act.params.ptr, act.params.length, at.ptr, out.ptr, z.length);
    return { value, derivative: out.toArray() };
  } finally {
    at.free();
    out.free();
    act.free();
  }
}

describe("f32 forward/backward kernels against the f32 TypeScript reference", () => {
  for (const build of BUILDS) {
    for (const [name, spec] of ACTIVATIONS) {
      it(`${build}: ${name}, ${SHAPES.length} shapes, relative error <= ${TOLERANCE}`, async () => {
        const rt = await runtimeFor(build);
        const ref = referenceActivation(spec);
        const rand = testRandom(17 + name.length);
        for (const shape of SHAPES) {
          const { n, d, b } = shape;
          const inputs = { x: normals(rand, b * d), w: normals(rand, n * d, 1 / Math.sqrt(d)), a: normals(rand, n), r: normals(rand, b) };
          const got = pass32(rt, shape, inputs, spec);
          const fwd = referenceForward32(inputs.x, inputs.w, inputs.a, shape, 1 / n, ref);
          const back = referenceBackward32(inputs.x, inputs.w, inputs.a, inputs.r, shape, 1 / n, ref);
          const label = `${JSON.stringify(shape)}`;
          expect(relativeError(got.z, fwd.z), `z ${label}`).toBeLessThanOrEqual(TOLERANCE);
          expect(relativeError(got.f, fwd.f), `f ${label}`).toBeLessThanOrEqual(TOLERANCE);
          expect(relativeError(got.gradW, back.gradW), `gradW ${label}`).toBeLessThanOrEqual(TOLERANCE);
          expect(relativeError(got.gradA, back.gradA), `gradA ${label}`).toBeLessThanOrEqual(TOLERANCE);
        }
      });
    }
  }

  // forward32's output sums as docs/architecture.md states them, from the kernel's own z (so only
  // the summation is modelled): per sample and 64-neuron block four f32 lanes, lane t adding, tile
  // of 8 neurons by tile, f32(a) f32(sigma(z)) for the tile's neurons t and then t + 4 (neurons past
  // N as a = z = 0); the block's total (q0 + q2) + (q1 + q3) in f64; the blocks added in order.
  // Exact for the builds without fused multiply-adds and activations computed alike on both sides.
  const SUM_SHAPES = [
    { n: 1, d: 1, b: 1 },
    { n: 13, d: 5, b: 7 },
    { n: 64, d: 50, b: 4 },
    { n: 71, d: 3, b: 1 },
    { n: 130, d: 51, b: 9 },
  ];
  for (const build of BUILDS) {
    for (const name of ["relu", "abs"] as const) {
      it(`${build}: ${name}: forward32's f sums each block's terms in f32 lanes, bit for bit as documented`, async () => {
        const rt = await runtimeFor(build);
        const spec = ACTIVATIONS.find(([label]) => label === name)![1];
        const ref = referenceActivation(spec);
        const rand = testRandom(41 + name.length);
        for (const shape of SUM_SHAPES) {
          const { n, d, b } = shape;
          const inputs = { x: normals(rand, b * d), w: normals(rand, n * d, 1 / Math.sqrt(d)), a: normals(rand, n), r: normals(rand, b) };
          const got = pass32(rt, shape, inputs, spec);
          const term = (s: number, i: number) => (i < n ? Math.fround(Math.fround(inputs.a[i]!) * Math.fround(ref.value(got.z[s * n + i]!))) : 0);
          const expected = Array.from({ length: b }, (_, s) => {
            let total = 0;
            for (let i0 = 0; i0 < n; i0 += 64) {
              const q = [0, 0, 0, 0];
              for (let i = i0; i < Math.min(i0 + 64, n); i += 8) {
                for (let t = 0; t < 4; t++) q[t] = Math.fround(Math.fround(q[t]! + term(s, i + t)) + term(s, i + t + 4));
              }
              total += (q[0]! + q[2]!) + (q[1]! + q[3]!);
            }
            return (1 / n) * total;
          });
          expect(Array.from(got.f), JSON.stringify(shape)).toEqual(expected);
        }
      });
    }
  }

  // backward32's g and gradA as docs/architecture.md states them, from the kernel's own z and the
  // module's own f64 activation values at it (so only the order and the roundings are modelled):
  // c_s = f32(scale r_s), ca = f32(c_s f32(a_i)); g_si = ca where z_si > 0, else 0 (ReLU), or
  // f32(ca f32(sigma'(z_si))); per backward sample block (65536 / dp samples, 2 to 128), an f32
  // sum from 0, sample by sample, of f32(c_s f32(sigma(z_si))), the blocks' sums added to gradA_i
  // in f64; gradW_ik = the f32 sum over the samples in order of f32(g_si f32(x_sk)), widened.
  // Exact for the builds without fused multiply-adds.
  const GRADIENT_SHAPES = [
    { n: 1, d: 1, b: 1 },
    { n: 3, d: 5, b: 7 },
    { n: 13, d: 50, b: 1 },
    { n: 71, d: 3, b: 9 },
    { n: 130, d: 51, b: 33 },
    // Sample blocks past the first: 63 samples at dp = 1032, 128 at dp = 8.
    { n: 37, d: 1031, b: 131 },
    { n: 6, d: 2, b: 200 },
  ];
  for (const build of BUILDS) {
    for (const name of ["relu", "abs", "tanh", "piecewise (MMN18-like)"] as const) {
      it(`${build}: ${name}: backward32 forms g and gradA in f32 lanes, bit for bit as documented`, async () => {
        const rt = await runtimeFor(build);
        const spec = ACTIVATIONS.find(([label]) => label === name)![1];
        const rand = testRandom(59 + name.length);
        for (const shape of GRADIENT_SHAPES) {
          const { n, d, b } = shape;
          const inputs = { x: normals(rand, b * d), w: normals(rand, n * d, 1 / Math.sqrt(d)), a: normals(rand, n), r: normals(rand, b) };
          const got = pass32(rt, shape, inputs, spec);
          const { value, derivative } = activationAt(rt, spec, got.z);
          const scale = 1 / n;
          const dp = rt.exports.paddedDim(d);
          const block = Math.min(128, Math.max(2, Math.floor(65536 / dp)));
          const f32 = Math.fround;
          const gradA = new Float64Array(n);
          const gradW = new Float32Array(n * d);
          for (let i = 0; i < n; i++) {
            const a32 = f32(inputs.a[i]!);
            let q = 0;
            for (let s = 0; s < b; s++) {
              const at = s * n + i;
              const c = f32(scale * inputs.r[s]!);
              q = f32(q + f32(c * f32(value[at]!)));
              if ((s + 1) % block === 0 || s === b - 1) {
                gradA[i]! += q;
                q = 0;
              }
              const ca = f32(c * a32);
              const g = name === "relu" ? (got.z[at]! > 0 ? ca : 0) : f32(ca * f32(derivative[at]!));
              for (let k = 0; k < d; k++) gradW[i * d + k] = f32(gradW[i * d + k]! + f32(g * f32(inputs.x[s * d + k]!)));
            }
          }
          expect(Array.from(got.gradA), `gradA ${JSON.stringify(shape)}`).toEqual(Array.from(gradA));
          expect(Array.from(got.gradW), `gradW ${JSON.stringify(shape)}`).toEqual(Array.from(gradW));
        }
      });
    }
  }

  it("narrowTransposedToF32 transposes into panels of 8 neurons, rounds like Math.fround and pads with zero neurons to a multiple of 8", async () => {
    const rt = await runtimeFor("simd");
    for (const [n, d] of [[1, 1], [5, 3], [8, 2], [13, 4], [12, 9], [17, 8]] as const) {
      const nPad = rt.exports.paddedDim(n);
      const values = Float64Array.from(normals(testRandom(n + d), n * d), (v) => v * 1e3 + 1 / 3);
      const src = rt.arena.f64From(values);
      const dst = rt.arena.f64((d * nPad) / 2);
      try {
        dst.view.fill(Number.NaN);
        rt.exports.narrowTransposedToF32(src.ptr, dst.ptr, n, d, nPad);
        const expected = new Float32Array(d * nPad);
        for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) expected[(i >> 3) * 8 * d + 8 * k + (i & 7)] = values[i * d + k]!;
        expect(Array.from(new Float32Array(rt.exports.memory.buffer, dst.ptr, d * nPad))).toEqual(Array.from(expected));
      } finally {
        src.free();
        dst.free();
      }
    }
  });

  it("narrowRowsToF32 rounds like Math.fround into rows padded with zeros to a multiple of 8, then groups of 4 samples coordinate by coordinate", async () => {
    const rt = await runtimeFor("simd");
    for (const rows of [3, 8, 13]) {
      for (const d of [1, 4, 5, 8, 11, 16]) {
        const dp = rt.exports.paddedDim(d);
        expect(dp % 8).toBe(0);
        expect(dp - d).toBeGreaterThanOrEqual(0);
        expect(dp - d).toBeLessThan(8);
        const values = Float64Array.from(normals(testRandom(d + rows), rows * d), (v) => v * 1e3 + 1 / 3);
        const src = rt.arena.f64From(values);
        const dst = rt.arena.f64(rows * dp);
        try {
          dst.view.fill(Number.NaN);
          rt.exports.narrowRowsToF32(src.ptr, dst.ptr, rows, d, dp);
          const got = new Float32Array(rt.exports.memory.buffer, dst.ptr, rows * dp + rows * d);
          const expected = new Float32Array(rows * dp + rows * d);
          for (let s = 0; s < rows; s++) for (let k = 0; k < d; k++) expected[s * dp + k] = values[s * d + k]!;
          for (let g0 = 0; g0 < rows; g0 += 4) {
            const width = Math.min(4, rows - g0);
            for (let j = 0; j < width; j++) for (let k = 0; k < d; k++) expected[rows * dp + g0 * d + k * width + j] = values[(g0 + j) * d + k]!;
          }
          expect(Array.from(got)).toEqual(Array.from(expected));
        } finally {
          src.free();
          dst.free();
        }
      }
    }
  });
});
