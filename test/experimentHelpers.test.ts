import { describe, expect, it } from "vitest";
import { lineChart } from "../src/report/charts.js";
import { meanInterval, tQuantile975 } from "../src/experiments/intervals.js";

describe("meanInterval", () => {
  it("matches scipy's t interval (fixture computed with scipy.stats.t.ppf(0.975, 4))", () => {
    const s = meanInterval([1, 2, 4, 3.5, 2.5]);
    expect(s.mean).toBeCloseTo(2.6, 14);
    expect(s.lower).toBeCloseTo(1.1177839174666928, 3);
    expect(s.upper).toBeCloseTo(4.082216082533307, 3);
    expect(s.count).toBe(5);
  });

  it("has zero width for one value and rejects none", () => {
    expect(meanInterval([3])).toEqual({ mean: 3, lower: 3, upper: 3, count: 1 });
    expect(() => meanInterval([])).toThrow(/at least one/);
  });

  it("t quantiles beyond the table follow scipy to 1e-4", () => {
    // scipy.stats.t.ppf(0.975, df) for df = 31, 40, 100, 1000.
    const scipy: [number, number][] = [
      [31, 2.039513446396408],
      [40, 2.021075390306273],
      [100, 1.9839715185235518],
      [1000, 1.9623390808264083],
    ];
    for (const [df, t] of scipy) expect(Math.abs(tQuantile975(df) - t)).toBeLessThan(1e-4);
    expect(tQuantile975(9)).toBe(2.262);
  });
});

describe("lineChart", () => {
  it("drops rows a log axis cannot show and draws the named series dashed", () => {
    const spec = lineChart({
      title: "t",
      rows: [
        { x: 0, y: 1, lower: 1, upper: 1, s: "a", k: "limit" },
        { x: 1, y: 0, lower: 0, upper: 0, s: "a", k: "runs" },
        { x: 2, y: 2, lower: 1, upper: 3, s: "b", k: "runs" },
      ],
      x: { field: "x", title: "x", log: true },
      y: { field: "y", title: "y", log: true },
      series: { field: "s", title: "s" },
      band: { lower: "lower", upper: "upper" },
      dash: { field: "k", title: "k", dashed: "limit" },
    }) as { data: { values: unknown[] }; layer: { mark: { type: string }; encoding: Record<string, { scale?: unknown }> }[] };
    expect(spec.data.values).toEqual([{ x: 2, y: 2, lower: 1, upper: 3, s: "b", k: "runs" }]);
    expect(spec.layer.map((l) => l.mark.type)).toEqual(["area", "line"]);
    expect(spec.layer[1]!.encoding.strokeDash!.scale).toEqual({ domain: ["runs", "limit"], range: [[1, 0], [6, 4]] });
  });
});
