// The one home of the experiments' Vega-Lite v5 specifications, data inlined: line charts over
// long-form rows ({x, y, series}) with optional 95% bands and log axes (lineChart), and layered specs
// for the rest (plotSpec). The report layer renders them to SVG; a browser shows the same specs as
// interactive charts.

import type { TableRow } from "./csv.js";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** One long-form row of a chart: x, y, series and band fields by name (null: no value, not drawn). */
export type ChartRow = Record<string, number | string | null>;

/**
 * A line chart over long-form rows: x and y (log axes when the data span decades), series, an optional
 * 95% band, reference curves drawn thin and dashed, and points for sparse data.
 */
export interface LineChartOptions {
  title: string;
  rows: ChartRow[];
  /** log: true for a log axis, false for a linear one on purpose (kept even over data spanning decades), unset: chosen from the data. */
  /** integer: the quantity is a count (p = 1, 2, 3): ticks at whole numbers only, no "1.2". */
  /** domain: the axis's fixed [low, high] (e.g. whole decades around the data, so no curve runs along an edge). */
  x: { field: string; title: string; log?: boolean; integer?: boolean; domain?: [number, number] };
  /** domain: a fixed y range; lines leaving it are clipped at the frame (say in the caption what leaves). */
  y: { field: string; title: string; log?: boolean; integer?: boolean; domain?: [number, number] };
  /** Field naming the series (one line per value). */
  series?: { field: string; title: string };
  /** Fields of the band around y, drawn under the lines, light and in each series' colour; `label` says what it is in the legend (default "95% interval"). */
  band?: { lower: string; upper: string; label?: string };
  /**
   * Series that are reference curves (a floor, a bound, a fitted law) rather than measurements:
   * drawn thin and dashed, without points, so they do not read as one more method.
   */
  reference?: (series: string) => boolean;
  /** Rows whose `field` equals `dashed` are drawn dashed, the others solid (e.g. a limit beside its finite-N runs). */
  dash?: { field: string; title: string; dashed: string };
  /** Draw points on the lines (sparse data such as a sweep over n). */
  points?: boolean;
  width?: number;
  height?: number;
}

function axis(spec: { field: string; title: string; log?: boolean; integer?: boolean; domain?: [number, number] }): Record<string, unknown> {
  const scale = { ...(spec.log ? { type: "log" } : spec.log === false ? { type: "linear" } : {}), ...(spec.domain ? { domain: spec.domain } : {}) };
  return {
    field: spec.field,
    type: "quantitative",
    title: spec.title,
    ...(Object.keys(scale).length > 0 ? { scale } : {}),
    ...(spec.integer ? { axis: { tickMinStep: 1, format: "d" } } : {}),
  };
}

/** Log axes cannot show zero or negative values: such rows are dropped from log-scaled charts. */
function plottable(rows: ChartRow[], fields: string[]): ChartRow[] {
  return rows.filter((row) =>
    fields.every((f) => {
      const v = row[f];
      return typeof v === "number" && Number.isFinite(v) && v > 0;
    }),
  );
}

/**
 * A line chart over long-form rows: one line per series, optional light bands (one per series, in
 * its colour, named in the legend), dashed groups and dashed reference curves.
 */
export function lineChart(options: LineChartOptions): Record<string, unknown> {
  const { x, y, series, band, dash, reference } = options;
  const lineFields = [...(x.log ? [x.field] : []), ...(y.log ? [y.field] : [])];
  const rows = lineFields.length > 0 ? plottable(options.rows, lineFields) : options.rows;
  // A band is drawn where its bounds are plottable; a row without one still draws its line.
  const bandRows = band ? plottable(options.rows, [...(x.log ? [x.field] : []), ...(y.log ? [band.lower, band.upper] : [])]).filter((r) => typeof r[band.lower] === "number" && typeof r[band.upper] === "number") : [];
  const legendTitle = series && band ? `${series.title ? `${series.title} ` : ""}(shaded: ${band.label ?? "95% interval"})` : series?.title;
  const isReference = (row: ChartRow) => Boolean(series && reference?.(String(row[series.field])));
  const referenceRows = rows.filter(isReference);
  // Reference curves are dashed in the plot, so their legend entries are dashed too.
  const referenceNames = series ? [...new Set(referenceRows.map((r) => String(r[series.field])))] : [];
  const symbols = referenceNames.length > 0 ? { encode: { symbols: { update: { strokeDash: { signal: `indexof(${JSON.stringify(referenceNames)}, datum.value) >= 0 ? [6, 4] : [1, 0]` } } } } } : {};
  const color = series ? { color: { field: series.field, type: "nominal", title: legendTitle, legend: { labelLimit: 560, ...symbols } } } : {};
  const layers: Record<string, unknown>[] = [];
  const clip = y.domain ? { clip: true } : {};
  if (band) {
    layers.push({
      data: { values: bandRows },
      mark: { type: "area", opacity: 0.25, ...clip },
      encoding: {
        x: axis(x),
        y: { ...axis({ ...y, field: band.lower }), title: y.title },
        y2: { field: band.upper },
        ...color,
        // One band per dash group too, so series sharing a color are not joined into one area.
        ...(dash ? { detail: { field: dash.field, type: "nominal" } } : {}),
      },
    });
  }
  let strokeDash = {};
  if (dash) {
    const values = [...new Set(rows.map((r) => String(r[dash.field])))];
    const domain = [...values.filter((v) => v !== dash.dashed), dash.dashed];
    strokeDash = {
      strokeDash: {
        field: dash.field,
        type: "nominal",
        title: dash.title,
        scale: { domain, range: domain.map((v) => (v === dash.dashed ? [6, 4] : [1, 0])) },
      },
    };
  }
  layers.push({
    ...(referenceRows.length > 0 ? { data: { values: rows.filter((r) => !isReference(r)) } } : {}),
    mark: { type: "line", ...clip, ...(options.points ? { point: true } : {}) },
    encoding: {
      x: axis(x),
      y: axis(y),
      ...color,
      ...strokeDash,
    },
  });
  if (referenceRows.length > 0) {
    layers.push({
      data: { values: referenceRows },
      mark: { type: "line", strokeDash: [6, 4], strokeWidth: 1.5, ...clip },
      encoding: { x: axis(x), y: axis(y), ...color },
    });
  }
  return {
    $schema: SCHEMA,
    title: options.title,
    ...(options.width !== undefined ? { width: options.width } : {}),
    ...(options.height !== undefined ? { height: options.height } : {}),
    data: { values: rows },
    layer: layers,
    // figureStyle colours these grey: a floor or a bound must not borrow a method's colour.
    ...(referenceNames.length > 0 ? { usermeta: { referenceSeries: referenceNames } } : {}),
  };
}

// Layered specs for plots lineChart does not cover (rules, text labels, mixed marks): the experiment
// states each layer's mark and encoding; size, fonts and colours come from figureStyle.ts when it is saved.

/** Scale options of a quantitative channel: log (for data spanning decades), whether to include zero, a fixed domain. */
export interface AxisOptions {
  /** true: log axis; false: linear on purpose (figureStyle keeps it linear over data spanning decades); unset: chosen from the data. */
  log?: boolean;
  /** Include zero in a linear scale (Vega-Lite's default is true). */
  zero?: boolean;
  domain?: [number, number];
}

/** A Vega-Lite encoding channel definition. */
export type Encoding = Record<string, unknown>;

/** A quantitative channel; a log scale drops non-positive values rather than failing. */
export function quantity(field: string, title: string, options: AxisOptions = {}): Encoding {
  const scale: Record<string, unknown> = {};
  if (options.log) scale.type = "log";
  else if (options.log === false) scale.type = "linear";
  if (options.zero !== undefined) scale.zero = options.zero;
  if (options.domain) scale.domain = options.domain;
  return { field, type: "quantitative", title, ...(Object.keys(scale).length > 0 ? { scale } : {}), ...(options.log ? { axis: { format: "~g" } } : {}) };
}

/** A categorical channel (colour, dash, shape) for series names. */
export function category(field: string, title: string): Encoding {
  return { field, type: "nominal", title };
}

/** One mark layer of a plot: its encoding, an optional filter on `datum`, and optional data of its own. */
export interface LayerOptions {
  mark: "line" | "point" | "rule" | "area" | "bar" | "rect" | "tick" | "text";
  encoding: Encoding;
  /** A Vega-Lite filter expression on `datum`, e.g. "datum.kind === 'network'". */
  filter?: string;
  /** Extra mark properties (opacity, strokeDash, size, point: true, ...). */
  markProperties?: Record<string, unknown>;
  /** Data for this layer only (else the plot's). */
  values?: TableRow[];
}

/** A layered plot: title, shared data, layers and optional size (figureStyle.ts sets the rest). */
export interface PlotSpecOptions {
  title: string;
  values: TableRow[];
  layers: LayerOptions[];
  width?: number;
  height?: number;
}

function layerSpec(layer: LayerOptions): Record<string, unknown> {
  return {
    ...(layer.values ? { data: { values: layer.values } } : {}),
    mark: { type: layer.mark, ...(layer.mark === "point" ? { filled: true, size: 30 } : {}), ...(layer.markProperties ?? {}) },
    ...(layer.filter ? { transform: [{ filter: layer.filter }] } : {}),
    encoding: layer.encoding,
  };
}

/** A layered Vega-Lite spec with inline data. Values that are not finite numbers are dropped by Vega's scales. */
export function plotSpec(options: PlotSpecOptions): Record<string, unknown> {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title,
    ...(options.width !== undefined ? { width: options.width } : {}),
    ...(options.height !== undefined ? { height: options.height } : {}),
    data: { values: options.values },
    layer: options.layers.map(layerSpec),
  };
}
