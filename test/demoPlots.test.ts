// The demo's axes and bins: log ticks at decades written 10^k (at least three labels on a short
// range), one label style per axis, and the limit's density moved onto the network histogram's
// bins without losing or moving mass.

import { describe, expect, it } from "vitest";
import { rebin } from "../web/src/plots.ts";
import { linearLabels, linearTicks, log10, logLabels, logTicks } from "../web/src/ticks.ts";

describe("the demo's ticks", () => {
  it("label decades 10^k and give a short log range three labels", () => {
    expect(logLabels(logTicks(-11, -1))).toEqual(["10⁻¹¹", "10⁻⁹", "10⁻⁷", "10⁻⁵", "10⁻³", "10⁻¹"]);
    expect(logLabels(logTicks(log10(0.05), log10(40)))).toEqual(["10⁻¹", "1", "10"]);
    // 0.4 to 1.6: 1, 2, 5 times decades would give only 0.5 and 1.
    expect(logLabels(logTicks(log10(0.4), log10(1.6)))).toEqual(["0.4", "0.6", "0.8", "1"]);
    expect(logLabels(logTicks(-5.2, -4))).toEqual(["10⁻⁵", "2×10⁻⁵", "5×10⁻⁵", "10⁻⁴"]);
  });

  it("write one linear axis in one style", () => {
    expect(linearLabels(linearTicks(0, 10_000, 5))).toEqual(["0", "2000", "4000", "6000", "8000", "10000"]);
    expect(linearLabels(linearTicks(0, 5e-4, 5))).toEqual(["0", "10⁻⁴", "2×10⁻⁴", "3×10⁻⁴", "4×10⁻⁴", "5×10⁻⁴"]);
  });
});

describe("rebin", () => {
  it("keeps a uniform density uniform and the mass of any density", () => {
    const faces = Array.from({ length: 61 }, (_, j) => -1 + j / 30);
    expect(rebin({ faces, values: faces.slice(1).map(() => 0.5) }, 40).every((v) => Math.abs(v - 0.5) < 1e-12)).toBe(true);
    const values = faces.slice(1).map((_, c) => (c % 7) + 0.25 * c);
    const mass = values.reduce((a, v) => a + v / 30, 0);
    expect(rebin({ faces, values }, 40).reduce((a, v) => a + v / 20, 0)).toBeCloseTo(mass, 12);
  });

  it("puts a cell's mass in the bins it overlaps, in proportion", () => {
    // One cell [0, 0.15) of density 1 over bins of width 0.1: bin [0, 0.1) gets all of it, [0.1, 0.2) half.
    const [first, second] = rebin({ faces: [-1, 0, 0.15, 1], values: [0, 1, 0] }, 20).slice(10, 12);
    expect(first).toBeCloseTo(1, 14);
    expect(second).toBeCloseTo(0.5, 14);
  });
});
