import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { referenceErf } from "./reference/erf.js";
import { BUILDS, runtimeFor } from "./helpers.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/erf.json", import.meta.url), "utf8")) as {
  points: [number, number][];
};

describe("erf against mpmath (40 digits)", () => {
  for (const build of BUILDS) {
    it(`${build} build: relative error <= 2e-15 at ${fixture.points.length} points in [-7, 7] and down to 1e-24`, async () => {
      const rt = await runtimeFor(build);
      let worst = 0;
      for (const [x, exact] of fixture.points) {
        const got = rt.exports.erf(x);
        const err = exact === 0 ? Math.abs(got) : Math.abs(got - exact) / Math.abs(exact);
        worst = Math.max(worst, err);
      }
      expect(worst).toBeLessThanOrEqual(2e-15);
    });
  }

  it("the quadrature reference erf used by the other tests agrees to 5e-15", () => {
    let worst = 0;
    for (const [x, exact] of fixture.points) {
      const err = exact === 0 ? Math.abs(referenceErf(x)) : Math.abs(referenceErf(x) - exact) / Math.abs(exact);
      worst = Math.max(worst, err);
    }
    expect(worst).toBeLessThanOrEqual(5e-15);
  });

  it("is odd, saturates, and passes NaN through", async () => {
    const rt = await runtimeFor("simd");
    expect(rt.exports.erf(0)).toBe(0);
    expect(rt.exports.erf(-1.3)).toBe(-rt.exports.erf(1.3));
    expect(rt.exports.erf(40)).toBe(1);
    expect(rt.exports.erf(-Infinity)).toBe(-1);
    expect(rt.exports.erf(Number.NaN)).toBeNaN();
  });
});
