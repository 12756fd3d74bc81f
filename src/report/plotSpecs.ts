// Small builders for the Vega-Lite specs experiments hand to the report layer, so an experiment
// states only what it plots; size, fonts and colours come from figureStyle.ts when it is saved.

import type { TableRow } from "./csv.js";

/** Scale options of a quantitative channel: log (for data spanning decades), whether to include zero, a fixed domain. */
export interface AxisOptions {
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
