// The single-index overlap ODE against closed forms: the linear link (s = 1), where the retraction
// is 2 (1 - m) and the escape time integrates in logarithms, and E[(h_2(z) - h_2(z*))^2 h_2'(z)^2]
// at m = 0 (= E[(z^2 - 1)^2 z^2] + 2 = 12); its escape time against its own Dormand–Prince trajectory.

import { describe, expect, it } from "vitest";
import { SingleIndexOde } from "../src/ode/singleIndexOde.js";
import { linkSchema, linkToActivation } from "../src/activation/link.js";

const h = (s: number, scale = 1) => linkToActivation(linkSchema.parse({ kind: "hermite", coefficients: [...new Array<number>(s).fill(0), scale] }), 2);

describe("single-index overlap ODE", () => {
  it("linear link and student: retraction 2(1 - m) and the escape time in closed form", () => {
    for (const c of [0.3, 1, 1.5]) {
      const ode = new SingleIndexOde({ link: h(1), activation: h(1), c });
      for (const m of [0, 0.2, 0.7]) expect(Math.abs(ode.retraction(m) - 2 * (1 - m))).toBeLessThan(1e-13);
      // rate = c (1 - m)(1 + (1 - c) m): T = ln((1 + beta m) / (1 - m)) / (c (2 - c)) between m0 and m1.
      const beta = 1 - c;
      const F = (m: number) => Math.log((1 + beta * m) / (1 - m)) / (c * (2 - c));
      const [m0, m1] = [0.05, 0.5];
      expect(Math.abs(ode.escapeTime(m0, m1) / (F(m1) - F(m0)) - 1)).toBeLessThan(1e-12);
    }
  });

  it("h_2: the retraction at m = 0 is 12, and a step above the trap gives an infinite escape time", () => {
    const ode = new SingleIndexOde({ link: h(2), activation: h(2), c: 0.1 });
    expect(Math.abs(ode.retraction(0) - 12)).toBeLessThan(1e-12);
    // Near m = 0 the rate is 2 c m - 6 c^2 m: negative for c > 1/3.
    expect(new SingleIndexOde({ link: h(2), activation: h(2), c: 0.4 }).escapeTime(0.05, 0.5)).toBe(Infinity);
  });

  it("h_3 with a small student: the trajectory reaches m1 at the escape time", () => {
    const ode = new SingleIndexOde({ link: h(3), activation: h(3, 1 / 16), c: 1 });
    const T = ode.escapeTime(1 / 16, 0.5);
    expect(Number.isFinite(T)).toBe(true);
    const [m] = ode.trajectory(1 / 16, [T]);
    expect(Math.abs(m! - 0.5)).toBeLessThan(1e-7);
  });
});
