import { describe, expect, it } from "vitest";
import type { ActivationSpec } from "../src/activation/spec.js";
import { WasmActivation } from "../src/wasm/networkKernels.js";
import { referenceActivation } from "./reference/activation.js";
import { ACTIVATIONS, BUILDS, normals, relativeError, runtimeFor, testRandom } from "./helpers.js";

/** Inputs hitting every regime: the kinks themselves, tiny, moderate and large values. */
function inputs(count: number): Float64Array {
  const rand = testRandom(7);
  const z = normals(rand, count, 2);
  const special = [0, -0, 1e-300, -1e-300, -1, 1.5, -2, -0.5, 0.25, 3, 25, -25, 700, -700];
  z.set(special.slice(0, Math.min(special.length, count)));
  return z;
}

describe("activation kernels against the TypeScript reference", () => {
  for (const build of BUILDS) {
    for (const [name, spec] of ACTIVATIONS) {
      it(`${build}: ${name} values and derivatives (odd length 1001), relative error <= 1e-12`, async () => {
        const rt = await runtimeFor(build);
        const ref = referenceActivation(spec);
        const act = new WasmActivation(rt, spec);
        const z = rt.arena.f64From(inputs(1001));
        const out = rt.arena.f64(1001);
        try {
          const zv = z.toArray();
          rt.exports.activationValues(act.code, act.params.ptr, act.params.length, z.ptr, out.ptr, z.length);
          expect(relativeError(out.view, Array.from(zv, ref.value))).toBeLessThanOrEqual(1e-12);
          rt.exports.activationDerivatives(act.code, act.params.ptr, act.params.length, z.ptr, out.ptr, z.length);
          expect(relativeError(out.view, Array.from(zv, ref.derivative))).toBeLessThanOrEqual(1e-12);
        } finally {
          z.free();
          out.free();
          act.free();
        }
      });
    }
  }

  it("derivatives match central finite differences away from kinks", async () => {
    const rt = await runtimeFor("simd");
    const rand = testRandom(11);
    for (const [name, spec] of ACTIVATIONS) {
      const ref = referenceActivation(spec);
      const act = new WasmActivation(rt, spec);
      const pts = Array.from(normals(rand, 200, 1.5)).filter((t) => ref.kinks.every((k) => Math.abs(t - k) > 1e-3));
      const h = 1e-5;
      const buf = rt.arena.f64(pts.length * 3);
      const out = rt.arena.f64(pts.length * 3);
      try {
        buf.set(pts.flatMap((t) => [t - h, t + h, t]));
        rt.exports.activationValues(act.code, act.params.ptr, act.params.length, buf.ptr, out.ptr, buf.length);
        const values = out.toArray();
        rt.exports.activationDerivatives(act.code, act.params.ptr, act.params.length, buf.ptr, out.ptr, buf.length);
        const derivs = out.toArray();
        for (let j = 0; j < pts.length; j++) {
          const fd = (values[3 * j + 1]! - values[3 * j]!) / (2 * h);
          expect(Math.abs(fd - derivs[3 * j + 2]!), `${name} at ${pts[j]}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(fd)));
        }
      } finally {
        buf.free();
        out.free();
        act.free();
      }
    }
  });

  it("uses the left derivative at kinks: relu'(0) = 0, abs'(0) = 0, piecewise'(b) = left slope", async () => {
    const rt = await runtimeFor("simd");
    const check = (spec: ActivationSpec, at: number[], expected: number[]) => {
      const act = new WasmActivation(rt, spec);
      const z = rt.arena.f64From(at);
      try {
        rt.exports.activationDerivatives(act.code, act.params.ptr, act.params.length, z.ptr, z.ptr, z.length);
        expect(Array.from(z.view)).toEqual(expected);
      } finally {
        z.free();
        act.free();
      }
    };
    check("relu", [0, 0, 1e-300], [0, 0, 1]);
    check("abs", [0, -1e-300, 2], [0, -1, 1]);
    check({ kind: "piecewiseLinear", breakpoints: [-1, 1.5], slopes: [0, 0.8, 0] }, [-1, 1.5, 0], [0, 0.8, 0.8]);
  });
});
