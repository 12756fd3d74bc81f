// What a printed figure needs, as checks over a styled Vega-Lite spec and the SVG rendered from it:
// x and y axis titles, legend symbols that look like the marks they stand for (a line for a line
// series, a dot for a dot-only series), and no mark that the legend leaves unexplained (two
// quantities drawn for the same series, one as lines and one as dots, need a second legend saying
// which is which), dashed series with dashed legend symbols, and no text cut short. Returns the problems found, in
// words; an empty list is a pass.

type Spec = Record<string, unknown>;

const isObject = (v: unknown): v is Spec => typeof v === "object" && v !== null && !Array.isArray(v);

/** A drawn layer: its mark type (point: true on a line counts as a line) and its encodings with those of its parents. */
interface Unit {
  mark: string;
  /** The mark draws every series of its layer dashed (mark.strokeDash with a gap). */
  dashed: boolean;
  encoding: Record<string, Spec>;
}

function units(node: Spec, inherited: Record<string, Spec>, out: Unit[]): void {
  const encoding = { ...inherited, ...(isObject(node.encoding) ? (node.encoding as Record<string, Spec>) : {}) };
  for (const key of ["layer", "hconcat", "vconcat", "concat"]) {
    const children = node[key];
    if (Array.isArray(children)) for (const child of children) if (isObject(child)) units(child, key === "layer" ? encoding : {}, out);
  }
  if (isObject(node.spec)) units(node.spec, encoding, out);
  if (node.mark !== undefined) {
    const mark = typeof node.mark === "string" ? node.mark : String((node.mark as Spec).type);
    const dash = isObject(node.mark) ? node.mark.strokeDash : undefined;
    out.push({ mark, dashed: Array.isArray(dash) && dash.some((v, i) => i % 2 === 1 && Number(v) > 0), encoding });
  }
}

const LEGEND_CHANNELS = ["color", "strokeDash", "shape"] as const;

/** The field a channel shows in a legend, or null (no field, or legend: null). */
function legendField(e: Spec | undefined): string | null {
  if (!isObject(e) || typeof e.field !== "string" || e.legend === null) return null;
  return e.field;
}

const STROKE_SYMBOL = /^M-?[\d.]+,0L[\d.]+,0$/;

/** The problems of one styled spec and its SVG; `name` prefixes each. */
export function figureProblems(name: string, spec: Spec, svg: string): string[] {
  const problems: string[] = [];
  const config = isObject(spec.config) ? spec.config : {};
  const configLegend = isObject(config.legend) ? config.legend : {};
  // Axes: Vega names each axis in the SVG's aria-label ("X-axis titled 'time t' for a log scale ...").
  const axes = [...svg.matchAll(/aria-roledescription="axis" aria-label="([^"]*)"/g)].map((m) => m[1]!);
  for (const letter of ["X", "Y"]) if (!axes.some((a) => a.startsWith(`${letter}-axis titled '`))) problems.push(`${name}: no titled ${letter} axis`);
  for (const a of axes) if (!/^[XY]-axis titled '[^']+'/.test(a)) problems.push(`${name}: an axis without a title (${a})`);
  // Legends: the symbol type each legend field gets, against the marks drawn with that field.
  const all: Unit[] = [];
  units(spec, {}, all);
  const lineLike = (u: Unit) => u.mark === "line" || u.mark === "trail";
  for (const channel of LEGEND_CHANNELS) {
    const fields = new Set(all.map((u) => legendField(u.encoding[channel])).filter((f): f is string => f !== null));
    for (const field of fields) {
      const users = all.filter((u) => legendField(u.encoding[channel]) === field);
      const own = users.map((u) => u.encoding[channel]!.legend).find(isObject);
      const symbol = (own && typeof own.symbolType === "string" ? own.symbolType : typeof configLegend.symbolType === "string" ? configLegend.symbolType : "circle") as string;
      const hasLine = users.some(lineLike);
      const pointsOnly = users.every((u) => u.mark === "point" || u.mark === "circle");
      if (hasLine && symbol !== "stroke") problems.push(`${name}: legend of ${field} draws ${symbol} symbols for line series`);
      if (pointsOnly && symbol === "stroke") problems.push(`${name}: legend of ${field} draws lines for a series of dots`);
      // Lines and dots of different quantities under one series legend: which is which must be in a legend too.
      const quantitiesByMark = new Map<string, Set<string>>();
      for (const u of users) {
        if (u.mark !== "point" && !lineLike(u)) continue;
        const y = isObject(u.encoding.y) && typeof u.encoding.y.field === "string" ? u.encoding.y.field : "";
        const kind = lineLike(u) ? "line" : "point";
        quantitiesByMark.set(kind, new Set([...(quantitiesByMark.get(kind) ?? []), y]));
      }
      const lines = quantitiesByMark.get("line");
      const dots = quantitiesByMark.get("point");
      const sameQuantity = lines && dots && [...dots].every((y) => lines.has(y));
      const otherLegend = LEGEND_CHANNELS.some((c) => c !== channel && all.some((u) => { const f = legendField(u.encoding[c]); return f !== null && f !== field; }));
      if (lines && dots && !sameQuantity && !otherLegend) problems.push(`${name}: lines and dots of different quantities share the legend of ${field} and no legend says which is which`);
    }
  }
  // The SVG's legend symbols: strokes where the spec asks for strokes.
  const symbols = [...svg.matchAll(/role-legend-symbol"[^>]*><path[^>]* d="([^"]*)"/g)].map((m) => m[1]!);
  if (configLegend.symbolType === "stroke" && all.some(lineLike)) {
    const circles = symbols.filter((d) => !STROKE_SYMBOL.test(d) && /A/.test(d));
    if (circles.length > 0 && all.every((u) => !(u.mark === "point" || u.mark === "circle"))) problems.push(`${name}: ${circles.length} legend symbols drawn as circles in a plot of lines`);
  }
  // Text Vega shortened to fit its limit (a legend label or title cut with an ellipsis) is text the reader loses.
  for (const m of svg.matchAll(/>([^<]*…)</g)) problems.push(`${name}: text cut short: "${m[1]}"`);
  // Dashed layers (reference curves) with a legend: their entries must be dashed in the legend.
  if (all.some((u) => u.dashed && LEGEND_CHANNELS.some((c) => legendField(u.encoding[c]) !== null))) {
    const dashedSymbols = [...svg.matchAll(/role-legend-symbol"[^>]*><path[^>]* stroke-dasharray="([\d.]+),([\d.]+)"/g)].filter((m) => Number(m[2]) > 0);
    if (dashedSymbols.length === 0) problems.push(`${name}: dashed series drawn with solid legend symbols`);
  }
  return problems;
}
