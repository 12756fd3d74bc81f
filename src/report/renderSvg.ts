// Vega-Lite specs rendered to SVG without a browser: vega-lite compiles the spec to Vega, and a
// vega View with renderer "none" lays it out and serializes the scenegraph with toSVG(). The
// same spec (data inlined under data.values) becomes an interactive chart with vega-embed.

import type { View } from "vega";
import type { TopLevelSpec } from "vega-lite";
import type { TextStyle } from "./textWidth.js";

/** Renders a Vega-Lite spec whose data is inline; throws naming the plot when it cannot. */
export async function renderSvg(spec: Record<string, unknown>, name = "plot"): Promise<string> {
  // Loaded on first use: vega is large, and most commands never draw.
  const [vegaModule, { compile }, { textWidth }] = await Promise.all([import("vega"), import("vega-lite"), import("./textWidth.js")]);
  const { parse, View } = vegaModule;
  // vega exports textMetrics (vega-scenegraph's) without declaring it in its types.
  const { textMetrics } = vegaModule as unknown as { textMetrics: { width: (item: TextStyle, text?: string) => number } };
  // Layout with the widths of the font the PNGs are drawn in (Vega's own guess is 0.8 em per character).
  // The whole string is measured: Vega's truncation to a label limit calls this on each candidate.
  textMetrics.width = (item: TextStyle, text?: string) => textWidth(item, text == null ? "" : String(text).trim());
  let view: View | null = null;
  try {
    const vega = compile(spec as unknown as TopLevelSpec).spec;
    // No loader is given a base URL, so a spec that points at remote data fails instead of fetching.
    view = new View(parse(vega), { renderer: "none" });
    return await view.toSVG();
  } catch (err) {
    throw new Error(`meanfield: cannot render plot ${name}: ${(err as Error).message}`);
  } finally {
    view?.finalize();
  }
}

/**
 * The SVG as an element inside an HTML page: the XML prolog-level attributes (xmlns) are implied
 * by HTML, and dropping them leaves the page without a single absolute URL.
 */
export function inlineSvg(svg: string): string {
  return svg.replace(/\s+xmlns(:xlink)?="[^"]*"/g, "");
}
