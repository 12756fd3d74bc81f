// The one figure style of the package: every Vega-Lite spec an experiment hands over goes through
// styleFigure before it is saved and rendered, so reports, README images and exported files look
// alike whatever builder made the spec. A colour-blind-safe palette (Okabe, Ito 2008), fonts of at
// least 12 px at print width, line symbols in legends, panel letters, and decade ticks written 10^k
// on log axes.

import { PALETTE, assignMethodColors } from "./figureColors.js";
import { fitChannelScale } from "./figureScales.js";

export { PALETTE } from "./figureColors.js";

/** Print-size figure area in CSS pixels (the report scales it to the page width). */
export const FIGURE_WIDTH = 640;
export const FIGURE_HEIGHT = 320;

export const FIGURE_CONFIG: Record<string, unknown> = {
  font: "Helvetica, Arial, sans-serif",
  background: "white",
  title: { fontSize: 16, anchor: "start", offset: 10 },
  axis: { labelFontSize: 13, titleFontSize: 14, titleFontWeight: "normal", grid: true, gridColor: "#e6e6e6" },
  // symbolOpacity 1: a light band in a series' colour must not make its legend symbol pale.
  legend: { labelFontSize: 13, titleFontSize: 13, symbolType: "stroke", symbolStrokeWidth: 2.5, symbolSize: 300, symbolOpacity: 1, labelLimit: 560, titleLimit: 560 },
  line: { strokeWidth: 2 },
  point: { size: 45, filled: true },
  range: { category: PALETTE },
  view: { stroke: null },
};

type Spec = Record<string, unknown>;

function isObject(v: unknown): v is Spec {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Scales from the data and colours by method, in every (sub)plot of the spec. */
function fitScalesAndColors(node: Spec): void {
  for (const key of ["hconcat", "vconcat", "concat"]) {
    const children = node[key];
    if (Array.isArray(children)) for (const child of children) if (isObject(child)) fitScalesAndColors(child);
  }
  if (node.layer !== undefined || node.mark !== undefined || isObject(node.spec)) {
    fitChannelScale(node, "x");
    fitChannelScale(node, "y");
    assignMethodColors(node);
  }
}

/** "(a)", "(b)", ... for the panel at index i. */
export function panelLetter(i: number): string {
  return `(${String.fromCharCode(97 + (i % 26))})`;
}

/**
 * The spec in the package's style: FIGURE_CONFIG under the spec's own config (the style wins on
 * the keys it sets), print size where the spec sets none, scales fitted to the data (figureScales.ts:
 * log where it spans decades, ticks 10^k), a fixed colour per method (figureColors.ts), and the
 * panel letter before the title. Returns a new object; the input is not changed.
 */
export function styleFigure(spec: Spec, panel: number): Spec {
  const out = structuredClone(spec) as Spec;
  const own = isObject(out.config) ? out.config : {};
  out.config = { ...own, ...FIGURE_CONFIG };
  if (out.width === undefined && !out.hconcat && !out.concat) out.width = FIGURE_WIDTH;
  if (out.height === undefined && !out.vconcat && !out.concat) out.height = FIGURE_HEIGHT;
  if (typeof out.width === "number" && out.width < FIGURE_WIDTH) out.width = FIGURE_WIDTH;
  // A margin around the figure, so the longest legend label does not touch the image's edge.
  if (out.padding === undefined) out.padding = 12;
  fitScalesAndColors(out);
  const letter = panelLetter(panel);
  if (typeof out.title === "string") out.title = `${letter} ${out.title}`;
  else if (isObject(out.title) && typeof out.title.text === "string") out.title = { ...out.title, text: `${letter} ${out.title.text}` };
  else out.title = letter;
  return out;
}
