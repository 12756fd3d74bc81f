// SVG figures to PNG at print resolution with resvg (a maintained Rust SVG renderer shipped as
// prebuilt per-platform npm packages), so a figure can go into a paper or a slide as it is. Text is
// drawn with the DejaVu Sans shipped by the dejavu-fonts-ttf package, not the machine's fonts: the
// PNG is then the same on a bare server (no fonts at all) as on a desktop, and text never vanishes.

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { crc32 } from "node:zlib";

/** Print resolution of exported PNGs; the SVGs are laid out at the CSS 96 px per inch. */
export const PRINT_DPI = 300;
const CSS_DPI = 96;

/** A rendered PNG and its size in pixels (the SVG's CSS size scaled by dpi / 96). */
export interface PngImage {
  png: Buffer;
  width: number;
  height: number;
}

let fontFiles: string[] | null = null;

/** The bundled TrueType files (regular and bold: titles are bold). */
function bundledFonts(): string[] {
  if (fontFiles) return fontFiles;
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
  fontFiles = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"].map((f) => join(dir, f));
  return fontFiles;
}

/**
 * A PNG chunk stating the pixel density (pHYs, pixels per metre), so an image viewer or a word
 * processor places the figure at its print size, not at one inch per 96 pixels.
 */
function physChunk(dpi: number): Buffer {
  const perMetre = Math.round(dpi / 0.0254);
  const body = Buffer.alloc(13);
  body.write("pHYs", 0, "latin1");
  body.writeUInt32BE(perMetre, 4);
  body.writeUInt32BE(perMetre, 8);
  body.writeUInt8(1, 12);
  const chunk = Buffer.alloc(4 + 13 + 4);
  chunk.writeUInt32BE(9, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(body) >>> 0, 17);
  return chunk;
}

/** The PNG with a pHYs chunk after its IHDR (signature 8 bytes, IHDR chunk 25 bytes). */
function withDensity(png: Buffer, dpi: number): Buffer {
  const ihdrEnd = 8 + 25;
  return Buffer.concat([png.subarray(0, ihdrEnd), physChunk(dpi), png.subarray(ihdrEnd)]);
}

/**
 * Renders an SVG (as written by renderSvg) to a PNG of `dpi` pixels per inch of its CSS size
 * (default 300: a 640 px wide figure becomes 2000 px, 6.7 in at 300 dpi), on white.
 */
export async function renderPng(svg: string, dpi = PRINT_DPI, name = "plot"): Promise<PngImage> {
  if (!(dpi >= 24 && dpi <= 1200)) throw new RangeError(`--dpi: must be in [24, 1200], got ${dpi}`);
  // Loaded on first use: a native module most commands never need.
  const { Resvg } = await import("@resvg/resvg-js");
  try {
    const resvg = new Resvg(svg, {
      fitTo: { mode: "zoom", value: dpi / CSS_DPI },
      background: "white",
      font: { loadSystemFonts: false, fontFiles: bundledFonts(), defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
      logLevel: "off",
    });
    const image = resvg.render();
    return { png: withDensity(image.asPng(), dpi), width: image.width, height: image.height };
  } catch (err) {
    throw new Error(`meanfield: cannot render plot ${name} to PNG: ${(err as Error).message}`);
  }
}
