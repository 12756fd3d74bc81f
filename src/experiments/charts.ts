// Vega-Lite v5 specifications for the experiments' plots, data inlined: line charts over long-form
// rows ({x, y, series}), optional 95% bands ({lower, upper}) and log axes. The report layer renders
// them to SVG; a browser shows the same specs as interactive charts.

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

export type ChartRow = Record<string, number | string | null>;

export interface LineChartOptions {
  title: string;
  rows: ChartRow[];
  x: { field: string; title: string; log?: boolean };
  y: { field: string; title: string; log?: boolean };
  /** Field naming the series (one line per value). */
  series?: { field: string; title: string };
  /** Fields of the band around y (e.g. a 95% interval), drawn under the lines. */
  band?: { lower: string; upper: string };
  /** Rows whose `field` equals `dashed` are drawn dashed, the others solid (e.g. a limit beside its finite-N runs). */
  dash?: { field: string; title: string; dashed: string };
  /** Draw points on the lines (sparse data such as a sweep over n). */
  points?: boolean;
  width?: number;
  height?: number;
}

function axis(spec: { field: string; title: string; log?: boolean }): Record<string, unknown> {
  return {
    field: spec.field,
    type: "quantitative",
    title: spec.title,
    ...(spec.log ? { scale: { type: "log" } } : {}),
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

export function lineChart(options: LineChartOptions): Record<string, unknown> {
  const { x, y, series, band, dash } = options;
  const lineFields = [...(x.log ? [x.field] : []), ...(y.log ? [y.field] : [])];
  const rows = lineFields.length > 0 ? plottable(options.rows, lineFields) : options.rows;
  // A band is drawn where its bounds are plottable; a row without one still draws its line.
  const bandRows = band ? plottable(options.rows, [...(x.log ? [x.field] : []), ...(y.log ? [band.lower, band.upper] : [])]).filter((r) => typeof r[band.lower] === "number" && typeof r[band.upper] === "number") : [];
  const color = series ? { color: { field: series.field, type: "nominal", title: series.title, legend: { labelLimit: 400 } } } : {};
  const layers: Record<string, unknown>[] = [];
  if (band) {
    layers.push({
      data: { values: bandRows },
      mark: { type: "area", opacity: 0.25 },
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
    mark: { type: "line", ...(options.points ? { point: true } : {}) },
    encoding: {
      x: axis(x),
      y: axis(y),
      ...color,
      ...strokeDash,
    },
  });
  return {
    $schema: SCHEMA,
    title: options.title,
    ...(options.width !== undefined ? { width: options.width } : {}),
    ...(options.height !== undefined ? { height: options.height } : {}),
    data: { values: rows },
    layer: layers,
  };
}
