import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { activationFunction } from "../src/activation/activationFunction.js";
import { erf } from "../src/special/erf.js";
import { WasmActivation } from "../src/wasm/networkKernels.js";
import { ACTIVATIONS, BUILDS, normals, runtimeFor, testRandom } from "./helpers.js";

const erfFixture = JSON.parse(readFileSync(new URL("./fixtures/erf.json", import.meta.url), "utf8")) as {
  points: [number, number][];
};

function relative(got: number, exact: number): number {
  return exact === 0 ? Math.abs(got) : Math.abs(got - exact) / Math.abs(exact);
}

describe("erf in JavaScript (port of assembly/erf.ts)", () => {
  it(`relative error <= 2e-15 against mpmath at ${erfFixture.points.length} points`, () => {
    let worst = 0;
    for (const [x, exact] of erfFixture.points) worst = Math.max(worst, relative(erf(x), exact));
    expect(worst).toBeLessThanOrEqual(2e-15);
  });

  for (const build of BUILDS) {
    // Same algorithm; only Math.exp differs between the hosts (JS engine vs AssemblyScript's libm).
    it(`${build} build: agrees with the Wasm erf to 1e-15 relative (the fixture points and 20000 random ones)`, async () => {
      const rt = await runtimeFor(build);
      const xs = [...erfFixture.points.map(([x]) => x), ...normals(testRandom(17), 20000, 2.5)];
      let worst = 0;
      for (const x of xs) worst = Math.max(worst, relative(erf(x), rt.exports.erf(x)));
      expect(worst).toBeLessThanOrEqual(1e-15);
    });
  }

  it("is odd, saturates, and passes NaN through like the Wasm erf", () => {
    expect(erf(0)).toBe(0);
    expect(erf(-1.3)).toBe(-erf(1.3));
    expect(erf(40)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(Number.NaN)).toBeNaN();
  });
});

describe("activationFunction against the Wasm activation kernels", () => {
  const z = normals(testRandom(23), 2001, 2);
  z.set([0, -0, 1e-300, -1, 1.5, -2, -0.5, 0.25, 3, 25, -25]);

  for (const build of BUILDS) {
    for (const [name, spec] of ACTIVATIONS) {
      // tanh, erf and sigmoid call the hosts' Math.exp / Math.tanh, which may differ in the last
      // bit; 1 - tanh^2 and s(1 - s) cancel for large |z|, so those are compared to max(1, |value|).
      const exact = !["tanh", "erf", "sigmoid"].includes(name);
      it(`${build}: ${name} values and derivatives ${exact ? "equal" : "within 5e-16 of max(1, |value|)"}`, async () => {
        const rt = await runtimeFor(build);
        const act = new WasmActivation(rt, spec);
        const input = rt.arena.f64From(z);
        const out = rt.arena.f64(z.length);
        try {
          const f = activationFunction(spec);
          for (const [which, kernel, jsFn] of [
            ["value", rt.exports.activationValues, f.value],
            ["derivative", rt.exports.activationDerivatives, f.derivative],
          ] as const) {
            kernel(act.code, act.params.ptr, act.params.length, input.ptr, out.ptr, z.length);
            const wasm = out.toArray();
            let worst = 0;
            z.forEach((x, i) => (worst = Math.max(worst, Math.abs(jsFn(x) - wasm[i]!) / (exact ? Math.max(Math.abs(wasm[i]!), 1e-300) : Math.max(1, Math.abs(wasm[i]!))))));
            expect(worst, which).toBeLessThanOrEqual(exact ? 0 : 5e-16);
          }
        } finally {
          input.free();
          out.free();
          act.free();
        }
      });
    }
  }

  it("kinks and left derivatives at them", () => {
    expect(activationFunction("relu").kinks).toEqual([0]);
    expect(activationFunction("relu").derivative(0)).toBe(0);
    expect(activationFunction("abs").derivative(0)).toBe(0);
    expect(activationFunction("tanh").kinks).toEqual([]);
    const pw = activationFunction({ kind: "piecewiseLinear", breakpoints: [-1, 0.5, 2], slopes: [1, -1, -1, 3], valueAtZero: 0.2 });
    // A breakpoint where the slope does not change is no kink.
    expect(pw.kinks).toEqual([-1, 2]);
    expect(pw.derivative(-1)).toBe(1);
    expect(pw.derivative(2)).toBe(-1);
    expect(pw.value(0)).toBeCloseTo(0.2, 15);
    expect(pw.value(-2)).toBeCloseTo(0.2 + 1 - 1, 15);
  });

  it("rejects bad specs with a RangeError naming the field", () => {
    expect(() => activationFunction({ kind: "polynomial", coefficients: [] })).toThrow(/meanfield: activation\.coefficients/);
    expect(() => activationFunction("swish", "sigma")).toThrow(/meanfield: sigma\.kind/);
  });
});
