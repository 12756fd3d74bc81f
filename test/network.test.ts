import { describe, expect, it } from "vitest";
import { referenceActivation } from "./reference/activation.js";
import { referenceBackward, referenceForward } from "./reference/network.js";
import { ACTIVATIONS, BUILDS, normals, relativeError, runtimeFor, testRandom } from "./helpers.js";
import { forwardSampleMismatches, gradientColumnMismatches } from "./relaxed/relaxedCases.mjs";

// Shapes around every blocking boundary: N mod 4 and mod 8, d mod 4 and mod 2, B odd, B past one sample block, forward panels of w.
const SHAPES = [
  { n: 1, d: 1, b: 1 },
  { n: 3, d: 5, b: 7 },
  { n: 4, d: 4, b: 2 },
  { n: 5, d: 3, b: 3 },
  { n: 7, d: 9, b: 13 },
  { n: 13, d: 2, b: 1 },
  { n: 33, d: 17, b: 131 },
  { n: 64, d: 50, b: 64 },
  { n: 37, d: 101, b: 45 },
  { n: 6, d: 1031, b: 5 },
  { n: 12, d: 6, b: 9 },
  { n: 29, d: 7, b: 70 },
  { n: 8, d: 11, b: 3 },
  { n: 20, d: 3, b: 6000 },
  // Forward panels of w (28 neurons at d = 1031) with a last partial one, forward sample blocks (126
  // samples) past the first with B odd, several backward sample blocks; B = 1 past 64-neuron blocks
  // with N mod 4 = 2.
  { n: 61, d: 1031, b: 255 },
  { n: 130, d: 5, b: 1 },
];

describe("forward/backward kernels against the TypeScript reference", () => {
  for (const build of BUILDS) {
    for (const [name, spec] of ACTIVATIONS) {
      it(`${build}: ${name}, ${SHAPES.length} shapes, relative error <= 1e-12`, async () => {
        const rt = await runtimeFor(build);
        const ref = referenceActivation(spec);
        const rand = testRandom(SHAPES.length + name.length);
        for (const shape of SHAPES) {
          const { n, d, b } = shape;
          const x = normals(rand, b * d);
          const w = normals(rand, n * d, 1 / Math.sqrt(d));
          const a = normals(rand, n);
          const r = normals(rand, b);
          const scale = 1 / n;
          const expected = referenceForward(x, w, a, shape, scale, ref);
          const got = rt.network.forward({ x, w, a, d, scale, activation: spec });
          expect(relativeError(got.z, expected.z), `z ${JSON.stringify(shape)}`).toBeLessThanOrEqual(1e-12);
          expect(relativeError(got.f, expected.f), `f ${JSON.stringify(shape)}`).toBeLessThanOrEqual(1e-12);
          const grads = referenceBackward(x, w, a, r, shape, scale, ref);
          const back = rt.network.backward({ x, w, a, r, d, scale, activation: spec });
          expect(relativeError(back.gradW, grads.gradW), `gradW ${JSON.stringify(shape)}`).toBeLessThanOrEqual(1e-12);
          expect(relativeError(back.gradA, grads.gradA), `gradA ${JSON.stringify(shape)}`).toBeLessThanOrEqual(1e-12);
        }
      });
    }
  }

  for (const build of BUILDS) {
    it(`${build}: every gradW entry has the bits of the same pass on its column of x alone (d = 1), whichever tile sums it`, async () => {
      expect(gradientColumnMismatches(await runtimeFor(build))).toEqual([]);
    });

    it(`${build}: each sample of a batch's forward pass has the bits of that sample alone (B = 1)`, async () => {
      expect(forwardSampleMismatches(await runtimeFor(build))).toEqual([]);
    });
  }

  it("SIMD and scalar builds agree to 1e-13 on a large batch", async () => {
    const [simd, scalar] = await Promise.all([runtimeFor("simd"), runtimeFor("scalar")]);
    const rand = testRandom(5);
    const shape = { n: 101, d: 67, b: 77 };
    const input = {
      x: normals(rand, shape.b * shape.d),
      w: normals(rand, shape.n * shape.d, 0.2),
      a: normals(rand, shape.n),
      r: normals(rand, shape.b),
      d: shape.d,
      scale: 1 / Math.sqrt(shape.n),
      activation: "tanh" as const,
    };
    const s = simd.network.backward(input);
    const t = scalar.network.backward(input);
    expect(relativeError(s.f, t.f)).toBeLessThanOrEqual(1e-13);
    expect(relativeError(s.gradW, t.gradW)).toBeLessThanOrEqual(1e-13);
    expect(relativeError(s.gradA, t.gradA)).toBeLessThanOrEqual(1e-13);
  });
});

describe("gradients against central finite differences", () => {
  // L(w, a) = sum_b r_b f(x_b) is what backward differentiates.
  for (const [name, spec] of ACTIVATIONS) {
    it(`${name}: every entry of grad_w and grad_a within 1e-6 (relative to the gradient's size)`, async () => {
      const rt = await runtimeFor("simd");
      const ref = referenceActivation(spec);
      const rand = testRandom(99);
      const shape = { n: 6, d: 5, b: 9 };
      const { n, d, b } = shape;
      const x = normals(rand, b * d);
      const w = normals(rand, n * d, 0.5);
      const a = normals(rand, n);
      const r = normals(rand, b);
      const scale = 1 / n;
      const loss = (wv: Float64Array, av: Float64Array) => {
        const { f } = rt.network.forward({ x, w: wv, a: av, d, scale, activation: spec });
        return f.reduce((s, fb, k) => s + r[k]! * fb, 0);
      };
      // Keep every pre-activation at least 1e-3 from a kink so the difference quotient is smooth.
      const { z } = referenceForward(x, w, a, shape, scale, ref);
      const minGap = Math.min(...Array.from(z, (zz) => Math.min(Infinity, ...ref.kinks.map((k) => Math.abs(zz - k)))));
      expect(minGap).toBeGreaterThan(1e-3);
      const { gradW, gradA } = rt.network.backward({ x, w, a, r, d, scale, activation: spec });
      const h = 1e-6;
      const size = Math.max(...Array.from(gradW, Math.abs), ...Array.from(gradA, Math.abs));
      for (let j = 0; j < w.length; j++) {
        const wp = w.slice();
        const wm = w.slice();
        wp[j]! += h;
        wm[j]! -= h;
        const fd = (loss(wp, a) - loss(wm, a)) / (2 * h);
        expect(Math.abs(fd - gradW[j]!), `gradW[${j}]`).toBeLessThanOrEqual(1e-6 * Math.max(size, 1e-3));
      }
      for (let i = 0; i < a.length; i++) {
        const ap = a.slice();
        const am = a.slice();
        ap[i]! += h;
        am[i]! -= h;
        const fd = (loss(w, ap) - loss(w, am)) / (2 * h);
        expect(Math.abs(fd - gradA[i]!), `gradA[${i}]`).toBeLessThanOrEqual(1e-6 * Math.max(size, 1e-3));
      }
    });
  }
});
