// Canvas plots of the demo: the loss against mean-field time, the overlap histogram against the
// limit's law on the same bins, and a bar chart of components. Plain 2-D canvas: three small plots
// redrawn a few times a second need no plotting library. Colours are the package's figure palette
// (Okabe–Ito, src/report/figureColors.ts) with the reports' fixed colour per method.

import { methodColor } from "../../src/report/figureColors.ts";
import { linearLabels, linearTicks, log10, logLabels, logTicks, tickLabel } from "./ticks.ts";

/** Ticks of a linear axis at their pixel positions, labelled in one style. */
const linearAxis = (values: number[], at: (v: number) => number) => labelled(values, linearLabels(values), at);
/** Ticks of a log axis, decades written 10^k. */
const logAxis = (values: number[], at: (v: number) => number) => labelled(values, logLabels(values), at);
const labelled = (values: number[], labels: string[], at: (v: number) => number) => values.map((v, i) => ({ at: at(v), label: labels[i]! }));

export const COLORS = {
  // The reports' colour of each method (figureColors.ts), so the demo's limit is the reports' orange.
  network: methodColor("network")!,
  limit: methodColor("mean-field limit")!,
  target: "#000000",
  /** The previous run, overlaid for comparison: a grey that keeps 4.5:1 on white. */
  previous: "#6b6b6b",
  band: "rgba(0,114,178,0.18)",
  bars: "rgba(0,114,178,0.55)",
  grid: "#e6e6e6",
  text: "#222222",
};

const FONT = "system-ui, sans-serif";

interface Frame {
  ctx: CanvasRenderingContext2D;
  left: number;
  top: number;
  width: number;
  height: number;
}

const MARGIN = { left: 84, right: 26, top: 50, bottom: 44 };

/** Clears the canvas (sized for the device's pixel ratio), writes the title and returns the plot area. */
function frame(canvas: HTMLCanvasElement, title: string): Frame {
  const ratio = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth || 420;
  const cssHeight = canvas.clientHeight || 280;
  if (canvas.width !== Math.round(cssWidth * ratio)) canvas.width = Math.round(cssWidth * ratio);
  if (canvas.height !== Math.round(cssHeight * ratio)) canvas.height = Math.round(cssHeight * ratio);
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, cssWidth, cssHeight);
  ctx.fillStyle = COLORS.text;
  ctx.font = `bold 14px ${FONT}`;
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  ctx.fillText(title, 10, 8);
  return { ctx, left: MARGIN.left, top: MARGIN.top, width: cssWidth - MARGIN.left - MARGIN.right, height: cssHeight - MARGIN.top - MARGIN.bottom };
}

interface Tick {
  at: number;
  label: string;
}

/** Grid, tick labels (12 px), the x axis title under the ticks and the y axis title turned along the axis. */
function axes(f: Frame, xTicks: Tick[], yTicks: Tick[], xLabel: string, yLabel: string): void {
  const { ctx } = f;
  ctx.strokeStyle = COLORS.grid;
  ctx.lineWidth = 1;
  ctx.fillStyle = COLORS.text;
  ctx.font = `12px ${FONT}`;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of yTicks) {
    ctx.beginPath();
    ctx.moveTo(f.left, t.at);
    ctx.lineTo(f.left + f.width, t.at);
    ctx.stroke();
    ctx.fillText(t.label, f.left - 5, t.at);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of xTicks) {
    ctx.beginPath();
    ctx.moveTo(t.at, f.top);
    ctx.lineTo(t.at, f.top + f.height);
    ctx.stroke();
    ctx.fillText(t.label, t.at, f.top + f.height + 5);
  }
  ctx.font = `13px ${FONT}`;
  ctx.fillText(xLabel, f.left + f.width / 2, f.top + f.height + 23);
  ctx.save();
  ctx.translate(16, f.top + f.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "middle";
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  ctx.strokeStyle = "#767676";
  ctx.strokeRect(f.left, f.top, f.width, f.height);
}

/** A legend symbol: a solid or dashed line, or a filled box for bars and bands. */
export interface LegendEntry {
  label: string;
  color: string;
  dashed?: boolean;
  /** A filled box (bars, bands) rather than a line. */
  box?: boolean;
}

/** One row of line (or box) symbols with their labels between the title and the plot area, from the title's left edge. */
function legend(f: Frame, entries: LegendEntry[]): void {
  const { ctx } = f;
  ctx.font = `12px ${FONT}`;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  let x = 10;
  const y = f.top - 12;
  for (const e of entries) {
    if (e.box) {
      ctx.fillStyle = e.color;
      ctx.fillRect(x, y - 5, 16, 10);
    } else {
      ctx.strokeStyle = e.color;
      ctx.lineWidth = 2.5;
      ctx.setLineDash(e.dashed ? [6, 3] : []);
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x + 18, y);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.fillStyle = COLORS.text;
    ctx.fillText(e.label, x + 22, y);
    x += 22 + ctx.measureText(e.label).width + 14;
  }
}

/** One loss curve over mean-field time t = step · h, with standard errors when the loss is a Monte-Carlo estimate. */
export interface LossSeries {
  label: string;
  color: string;
  dashed?: boolean;
  /** Mean-field time t = step · h, the loss and its standard error when it is an estimate. */
  points: { t: number; loss: number; se?: number }[];
}

/** What the loss plot drew, for its text alternative and for the end-to-end test. */
export interface LossLayout {
  axis: "linear" | "log";
  /** The time range drawn. */
  domain: [number, number];
  xTicks: string[];
  yTicks: string[];
  xLabel: string;
  yLabel: string;
  /** Pixel x of each point of the first series. */
  xPixels: number[];
}

/** Decades a loss axis spans at most: a limit converging to 1e-28 leaves through the bottom edge (clipped, never flattened onto it). */
const MAX_DECADES = 12;

/** Loss against mean-field time on a log loss axis, time linear or log; a ±2 SE band where a series has one. */
export function drawLoss(canvas: HTMLCanvasElement, time: { axis: "linear" | "log"; step: number; end: number }, yLabel: string, series: LossSeries[]): LossLayout {
  const f = frame(canvas, "(a) loss against mean-field time");
  const { ctx } = f;
  const positive = series.flatMap((s) => s.points.map((p) => p.loss)).filter((v) => v > 0 && Number.isFinite(v));
  let hi = positive.length ? log10(Math.max(...positive)) : 0;
  let lo = positive.length ? Math.max(log10(Math.min(...positive)), hi - MAX_DECADES) : -1;
  if (hi - lo < 0.6) {
    const mid = (hi + lo) / 2;
    lo = mid - 0.3;
    hi = mid + 0.3;
  }
  const log = time.axis === "log";
  // The log axis starts at the first step (t = h): step 0 has no place on it.
  const t0 = log ? time.step : 0;
  const t1 = Math.max(time.end, t0 * 10);
  const x = log
    ? (t: number) => f.left + ((log10(t) - log10(t0)) / (log10(t1) - log10(t0))) * f.width
    : (t: number) => f.left + (t / t1) * f.width;
  const y = (loss: number) => f.top + ((hi - log10(loss)) / (hi - lo)) * f.height;
  const xTicks = log
    ? logAxis(logTicks(log10(t0), log10(t1)), x)
    : linearAxis(linearTicks(0, t1, 5), x);
  const yTicks = logAxis(logTicks(lo, hi), y);
  const xLabel = `mean-field time t = step · h${log ? " (log scale)" : ""}`;
  axes(f, xTicks, yTicks, xLabel, yLabel);
  const drawn = (p: { t: number; loss: number }) => Number.isFinite(p.loss) && p.loss > 0 && (!log || p.t > 0);
  ctx.save();
  ctx.beginPath();
  ctx.rect(f.left, f.top, f.width, f.height);
  ctx.clip();
  for (const s of series) {
    const points = s.points.filter(drawn);
    const withSe = points.filter((p) => p.se !== undefined);
    if (withSe.length > 1) {
      ctx.fillStyle = COLORS.band;
      ctx.beginPath();
      withSe.forEach((p, i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, x(p.t), y(p.loss + 2 * p.se!)));
      // A lower edge at or below zero leaves through the bottom of the plot.
      for (const p of [...withSe].reverse()) ctx.lineTo(x(p.t), p.loss - 2 * p.se! > 0 ? y(p.loss - 2 * p.se!) : f.top + f.height + 10);
      ctx.closePath();
      ctx.fill();
    }
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(s.dashed ? [6, 3] : []);
    ctx.beginPath();
    points.forEach((p, i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, x(p.t), y(p.loss)));
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.restore();
  const bands = series.some((s) => s.points.some((p) => p.se !== undefined));
  legend(f, [...series, ...(bands ? [{ label: "±2 SE", color: COLORS.band, box: true }] : [])]);
  return {
    axis: time.axis,
    domain: [t0, t1],
    xTicks: xTicks.map((t) => t.label),
    yTicks: yTicks.map((t) => t.label),
    xLabel,
    yLabel,
    xPixels: (series[0]?.points ?? []).filter(drawn).map((p) => x(p.t)),
  };
}

/**
 * A density given as cell averages on its own faces, averaged over each of `bins` equal bins of
 * [-1, 1]: the limit's law on the network histogram's bins, so the two heights compare.
 */
export function rebin(density: { faces: number[]; values: number[] }, bins: number): number[] {
  const width = 2 / bins;
  const out = new Array<number>(bins).fill(0);
  for (let c = 0; c < density.values.length; c++) {
    const a = density.faces[c]!;
    const b = density.faces[c + 1]!;
    const first = Math.max(0, Math.floor((a + 1) / width));
    const last = Math.min(bins - 1, Math.floor((b + 1) / width));
    for (let j = first; j <= last; j++) {
      const overlap = Math.min(b, -1 + (j + 1) * width) - Math.max(a, -1 + j * width);
      if (overlap > 0) out[j]! += (density.values[c]! * overlap) / width;
    }
  }
  return out;
}

/**
 * Counts in equal bins of [-1, 1] drawn as a density (counts / (total · bin width)), with the
 * limit's density averaged over the same bins drawn as a step line over them.
 */
export function drawHistogram(canvas: HTMLCanvasElement, counts: number[], density: { faces: number[]; values: number[] } | null): number[] | null {
  const f = frame(canvas, "(b) where the neurons point");
  const { ctx } = f;
  const total = counts.reduce((a, b) => a + b, 0);
  const bins = counts.length;
  const binWidth = 2 / bins;
  const heights = counts.map((c) => c / (total * binWidth));
  const limit = density ? rebin(density, bins) : null;
  const top = Math.max(...heights, ...(limit ?? [])) * 1.08 || 1;
  const x = (w: number) => f.left + ((w + 1) / 2) * f.width;
  const y = (v: number) => f.top + (1 - v / top) * f.height;
  axes(
    f,
    [-1, -0.5, 0, 0.5, 1].map((w) => ({ at: x(w), label: tickLabel(w) })),
    linearAxis(linearTicks(0, top, 4), y),
    "overlap m = ⟨q*, w⟩ / |w| with the hidden direction",
    "density",
  );
  ctx.fillStyle = COLORS.bars;
  heights.forEach((h, j) => {
    const x0 = x(-1 + j * binWidth);
    ctx.fillRect(x0 + 0.5, y(h), x(-1 + (j + 1) * binWidth) - x0 - 1, f.top + f.height - y(h));
  });
  if (limit) {
    ctx.strokeStyle = COLORS.limit;
    ctx.lineWidth = 2;
    ctx.beginPath();
    limit.forEach((v, j) => {
      (j ? ctx.lineTo : ctx.moveTo).call(ctx, x(-1 + j * binWidth), y(v));
      ctx.lineTo(x(-1 + (j + 1) * binWidth), y(v));
    });
    ctx.stroke();
  }
  legend(f, [{ label: "network", color: COLORS.bars, box: true }, ...(limit ? [{ label: "mean-field limit, same bins", color: COLORS.limit }] : [])]);
  return limit;
}

/** Bars (network) with target outlines and limit markers, one group per named component. */
export function drawComponents(
  canvas: HTMLCanvasElement,
  title: string,
  yLabel: string,
  names: string[],
  network: number[],
  target: number[] | null,
  limit: number[] | null,
): void {
  const f = frame(canvas, title);
  const { ctx } = f;
  const all = [...network, ...(target ?? []), ...(limit ?? []), 0].filter(Number.isFinite);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi - lo < 1e-12) hi = lo + 1;
  const pad = 0.08 * (hi - lo);
  lo -= lo < 0 ? pad : 0;
  hi += pad;
  const slot = f.width / Math.max(1, names.length);
  const x = (k: number) => f.left + (k + 0.5) * slot;
  const y = (v: number) => f.top + ((hi - v) / (hi - lo)) * f.height;
  axes(
    f,
    names.map((n, k) => ({ at: x(k), label: n })),
    linearAxis(linearTicks(lo, hi, 4), y),
    "",
    yLabel,
  );
  const bar = Math.min(28, slot * 0.5);
  ctx.fillStyle = COLORS.network;
  network.forEach((v, k) => ctx.fillRect(x(k) - bar / 2, Math.min(y(v), y(0)), bar, Math.abs(y(v) - y(0))));
  if (target) {
    ctx.strokeStyle = COLORS.target;
    ctx.lineWidth = 1.5;
    ctx.setLineDash([3, 2]);
    target.forEach((v, k) => ctx.strokeRect(x(k) - bar / 2 - 3, Math.min(y(v), y(0)), bar + 6, Math.abs(y(v) - y(0))));
    ctx.setLineDash([]);
  }
  if (limit) {
    ctx.fillStyle = COLORS.limit;
    limit.forEach((v, k) => {
      if (k >= names.length) return;
      ctx.beginPath();
      ctx.arc(x(k), y(v), 4.5, 0, 2 * Math.PI);
      ctx.fill();
    });
  }
  legend(f, [
    { label: "network", color: COLORS.network, box: true },
    ...(target ? [{ label: "target", color: COLORS.target, dashed: true }] : []),
    ...(limit ? [{ label: "mean-field limit (dots)", color: COLORS.limit }] : []),
  ]);
}
