// The information-exponent experiment's figures: the escape steps against d per s (SGD median with
// its band, the ODE dashed) and the searched and measured steps against d
// (Ben Arous, Gheissari, Jagannath 2021, arXiv 2003.10409).

import { lineChart, type ChartRow } from "../report/charts.js";
import type { ExperimentPlot, FittedExponent } from "./experiment.js";
import { DEGREES, type Degree, type Point } from "./informationExponentSweep.js";

/** "3.01 [2.40, 3.98]": an exponent with its 95% interval. */
export const formatExponent = (e: FittedExponent) => `${e.value.toFixed(2)} [${e.ci95[0].toFixed(2)}, ${e.ci95[1].toFixed(2)}]`;

/** Whole decades around the positive finite values: no curve runs along the plot's edge. */
function decades(values: number[]): [number, number] {
  const shown = values.filter((v) => Number.isFinite(v) && v > 0);
  if (shown.length === 0) return [1, 10];
  // Powers of ten by exact multiplications (up to 1e22), no platform log10.
  const lo = Math.min(...shown);
  const hi = Math.max(...shown);
  let below = 1;
  while (below > lo) below /= 10;
  while (below * 10 <= lo) below *= 10;
  let above = below;
  while (above < hi) above *= 10;
  return [below, above];
}

/** The escape steps (SGD with its band, the ODE dashed) and the searched and measured steps, against d. */
export function escapePlots(seedCount: string, points: Point[], exponents: Record<string, FittedExponent>): ExperimentPlot[] {
  const of = (s: Degree) => points.filter((p) => p.s === s);
  const rows: ChartRow[] = [];
  for (const s of DEGREES) {
    const label = `s = ${s}: slope ${formatExponent(exponents[`s${s}StepsExponent`]!)}`;
    for (const p of of(s)) {
      rows.push({ d: p.d, steps: p.median, lower: p.lower, upper: p.upper, series: label, kind: "online SGD (median)" });
      if (Number.isFinite(p.odeSteps)) rows.push({ d: p.d, steps: p.odeSteps, lower: null, upper: null, series: label, kind: "ODE at its best step" });
    }
  }
  const stepsDomain = decades(rows.flatMap((r) => [r.steps, r.lower, r.upper].filter((v): v is number => typeof v === "number")));
  const etaRows: ChartRow[] = DEGREES.flatMap((s) =>
    of(s).flatMap((p) => {
      const series = `s = ${s}: slope ${formatExponent(exponents[`s${s}StepSizeExponent`]!)}`;
      return [
        { d: p.d, eta: p.searchedEta, series, kind: "searched (best rung)" },
        { d: p.d, eta: p.eta, series, kind: "measured at (fitted line)" },
      ];
    }),
  );
  return [
    {
      name: "escape-steps",
      title: "Steps to overlap 1/2 against d, per information exponent s",
      caption: `Median over ${seedCount} measurement seeds (s = 1 / 2 / 3 / 4; band: order-statistic 95% interval of the median) of the online-SGD steps for one neuron h_s(<w, x>) to reach overlap 1/2 with y = h_s(<w*, x>), from m0 = 1/sqrt(d), at the step of a power law in d fitted through the steps on the ladder 2^{j/2} that minimize the median of other (search) seeds; dashed: the single-index ODE at its own best step on the same ladder (SGD at that step is compared with it in the checks). The slopes (legend, 95% interval) grow with s: d, d log d, d^2, d^3 (Ben Arous, Gheissari, Jagannath 2021, arXiv 2003.10409, Theorem 1.3).`,
      spec: lineChart({
        title: "Escape steps of online SGD",
        rows,
        x: { field: "d", title: "dimension d", log: true },
        y: { field: "steps", title: "steps to overlap 1/2", log: true, domain: stepsDomain },
        series: { field: "series", title: "information exponent" },
        band: { lower: "lower", upper: "upper" },
        dash: { field: "kind", title: "", dashed: "ODE at its best step" },
        points: true,
      }),
    },
    {
      name: "best-step",
      title: "The searched step and the fitted line's step against d",
      caption:
        "Points on the dashed lines: the step on the ladder 2^{j/2} that minimizes the median escape steps of the search seeds, per d; solid: the power law fitted through them, at which the steps are measured. Its power of d (legend, 95% interval) is a finding: BAGJ's analysis gives -max(1, s/2) (Ben Arous, Gheissari, Jagannath 2021, arXiv 2003.10409).",
      spec: lineChart({
        title: "Step size",
        rows: etaRows,
        x: { field: "d", title: "dimension d", log: true },
        y: { field: "eta", title: "step size eta", log: true },
        series: { field: "series", title: "information exponent" },
        dash: { field: "kind", title: "", dashed: "searched (best rung)" },
        points: true,
      }),
    },
  ];
}
