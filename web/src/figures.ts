// The demo's three figures from a run's records and its limit's: what each plot shows per preset,
// its axis titles, and its words (summary and data table, web/src/plotText.ts).

import type { MetricRecord } from "meanfield";
import { componentsSummary, fillTable, histogramSummary, lossRows, lossSummary } from "./plotText.ts";
import { COLORS, drawComponents, drawHistogram, drawLoss, type LossLayout, type LossSeries } from "./plots.ts";
import type { DemoSettings, TimeAxis } from "./presets.ts";
import type { LimitRecord } from "./protocol.ts";

/** What the figures drew that the page keeps (the loss plot's axes and ticks), for its text and the end-to-end test. */
export interface PlotLayouts {
  loss: LossLayout | null;
}

/**
 * What the three figures are drawn from: the form, the time axis, the run's records and loss curve
 * (plus the run before, for comparison), and the limit's records up to the run's step.
 */
export interface FigureInput {
  settings: DemoSettings;
  axis: TimeAxis;
  /** The network's loss (its colour is set here). */
  network: LossSeries;
  previous: LossSeries | null;
  records: MetricRecord[];
  /** The limit's records up to the network's step. */
  limit: LimitRecord[];
  /** The run is not running: the data tables are filled (while it runs, only when opened). */
  final: boolean;
}

const $ = (id: string) => document.getElementById(id)!;

/** Fills a figure's data table when the run is over or its toggle is open (tables are costly to rebuild 30 times a second). */
function table(id: string, final: boolean, caption: string, headers: string[], rows: () => (number | string)[][]): void {
  const details = $(id).closest("details") as HTMLDetailsElement | null;
  if (final || details?.open) fillTable($(id) as HTMLTableElement, caption, headers, rows());
}

/**
 * Draws the loss against mean-field time t = step · h (with the limit and the previous run), the
 * overlap histogram against the limit's law on the same bins, and the components or projections,
 * with each plot's summary and, when the run is over or the toggle open, its data table.
 */
export function drawPlots(canvases: Record<"loss" | "histogram" | "components", HTMLCanvasElement>, input: FigureInput): PlotLayouts {
  const { settings, records, final } = input;
  const last = records[records.length - 1]!;
  const limitAt = [...input.limit].reverse().find((r) => r.step <= last.step) ?? null;
  const series: LossSeries[] = [{ ...input.network, color: COLORS.network }];
  if (input.limit.length) {
    series.push({ label: "mean-field limit", color: COLORS.limit, dashed: true, points: input.limit.map((r) => ({ t: r.step * settings.stepSize, loss: r.loss })) });
  }
  if (input.previous) series.push({ ...input.previous, color: COLORS.previous, dashed: true });
  const yLabel = settings.loss === "population" ? "population loss" : "test loss";
  const loss = drawLoss(canvases.loss, { axis: input.axis, step: settings.stepSize, end: settings.steps * settings.stepSize }, yLabel, series);
  $("loss-summary").textContent = lossSummary(series, yLabel);
  table("loss-table", final, `${yLabel} against mean-field time t`, ["t", ...series.map((s) => s.label)], () => lossRows(series));

  const counts = last.overlapHistogram as number[] | undefined;
  if (counts?.length) {
    const limit = drawHistogram(canvases.histogram, counts, limitAt?.density ?? null);
    $("histogram-summary").textContent = histogramSummary(counts, limit);
    const bins = counts.length;
    table("histogram-table", final, "density of the overlap m on equal bins of [-1, 1]", ["bin", "network", ...(limit ? ["mean-field limit"] : [])], () =>
      counts.map((c, j) => [
        `${(-1 + (2 * j) / bins).toFixed(2)} to ${(-1 + (2 * (j + 1)) / bins).toFixed(2)}`,
        c / (counts.reduce((a, b) => a + b, 0) * (2 / bins)),
        ...(limit ? [limit[j]!] : []),
      ]),
    );
  }

  let title: string;
  let names: string[];
  let network: number[];
  let target: number[] | null = null;
  let limit: number[] | null;
  if (settings.task === "staircase") {
    network = (last.projections as number[] | undefined) ?? [];
    names = network.map((_, p) => `x${p + 1}`);
    title = "(c) first-layer weight on each relevant coordinate";
    limit = limitAt?.projections ?? null;
  } else {
    network = (last.components as number[] | undefined) ?? [];
    const residuals = (last.residuals as number[] | undefined) ?? [];
    target = network.map((c, k) => c - (residuals[k] ?? 0));
    limit = limitAt?.coefficients ?? (limitAt?.residuals ? limitAt.residuals.slice(0, target.length).map((dk, k) => target![k]! + dk) : null);
    names = network.map((_, k) => `k = ${k}`);
    title = `(c) ${settings.task === "sphere" ? "Legendre" : "Hermite"} components of f along q*`;
  }
  const yLabelC = settings.task === "staircase" ? "RMS weight" : "component";
  drawComponents(canvases.components, title, yLabelC, names, network, target, limit);
  $("components-summary").textContent = componentsSummary(title.slice(4), names, network, target, limit);
  table("components-table", final, title.slice(4), ["component", "network", ...(target ? ["target"] : []), ...(limit ? ["mean-field limit"] : [])], () =>
    names.map((n, k) => [n, network[k]!, ...(target ? [target[k]!] : []), ...(limit ? [limit[k] ?? Number.NaN] : [])]),
  );
  return { loss };
}
