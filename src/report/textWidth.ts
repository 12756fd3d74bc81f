// Text widths for Vega's layout from the advance widths of the DejaVu Sans that the PNG export draws
// with (src/report/renderPng.ts). Without a canvas Vega guesses 0.8 em per character, about a third
// wider than the real text: legends reserved that much empty space right of every figure and long
// labels were cut with an ellipsis. Browsers show the SVG in Helvetica or Arial, narrower than
// DejaVu Sans, so text laid out with these widths never overflows there either.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** A font's horizontal advances: per code point, in em. */
interface Advances {
  perEm(codePoint: number): number;
}

/** Reads unitsPerEm (head), the advances (hhea, hmtx) and the Unicode BMP map (cmap format 4) of a TrueType file. */
function readAdvances(file: string): Advances {
  const font = readFileSync(file);
  const tables = new Map<string, number>();
  for (let i = 0; i < font.readUInt16BE(4); i++) tables.set(font.toString("latin1", 12 + 16 * i, 16 + 16 * i), font.readUInt32BE(20 + 16 * i));
  const table = (tag: string) => {
    const at = tables.get(tag);
    if (at === undefined) throw new Error(`${file}: no ${tag} table`);
    return at;
  };
  const unitsPerEm = font.readUInt16BE(table("head") + 18);
  const metrics = font.readUInt16BE(table("hhea") + 34);
  const hmtx = table("hmtx");
  const advance = (glyph: number) => font.readUInt16BE(hmtx + 4 * Math.min(glyph, metrics - 1));
  const cmap = table("cmap");
  let sub = -1;
  for (let i = 0; i < font.readUInt16BE(cmap + 2); i++) {
    const [platform, encoding] = [font.readUInt16BE(cmap + 4 + 8 * i), font.readUInt16BE(cmap + 6 + 8 * i)];
    const at = cmap + font.readUInt32BE(cmap + 8 + 8 * i);
    if (((platform === 3 && encoding === 1) || platform === 0) && font.readUInt16BE(at) === 4) sub = at;
  }
  if (sub < 0) throw new Error(`${file}: no Unicode cmap of format 4`);
  const segments = font.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const ranges = deltas + 2 * segments;
  const glyphOf = (c: number): number => {
    for (let s = 0; s < segments; s++) {
      if (font.readUInt16BE(ends + 2 * s) < c) continue;
      const start = font.readUInt16BE(starts + 2 * s);
      if (start > c) return 0;
      const delta = font.readUInt16BE(deltas + 2 * s);
      const range = font.readUInt16BE(ranges + 2 * s);
      if (range === 0) return (c + delta) & 0xffff;
      const glyph = font.readUInt16BE(ranges + 2 * s + range + 2 * (c - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
  const cache = new Map<number, number>();
  return {
    perEm(c) {
      let w = cache.get(c);
      if (w === undefined) {
        // Outside the BMP or without a glyph: a wide letter's width, so such text is never cut short.
        const glyph = c <= 0xffff ? glyphOf(c) : 0;
        w = glyph === 0 ? 0.75 : advance(glyph) / unitsPerEm;
        cache.set(c, w);
      }
      return w;
    },
  };
}

let fonts: { regular: Advances; bold: Advances } | null = null;

function bundled(): { regular: Advances; bold: Advances } {
  if (fonts) return fonts;
  const dir = join(dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")), "ttf");
  fonts = { regular: readAdvances(join(dir, "DejaVuSans.ttf")), bold: readAdvances(join(dir, "DejaVuSans-Bold.ttf")) };
  return fonts;
}

/** A Vega text item's font as far as width goes: its size (Vega's default 11 px) and weight. */
export interface TextStyle {
  fontSize?: number | string;
  fontWeight?: number | string;
}

/** Width in CSS pixels of `text` set in DejaVu Sans at the item's size, bold when its weight is bold or >= 600. */
export function textWidth(style: TextStyle, text: string): number {
  const size = style.fontSize != null ? Number(style.fontSize) || 0 : 11;
  const weight = style.fontWeight;
  const bold = weight === "bold" || weight === "bolder" || (Number(weight) >= 600);
  const font = bold ? bundled().bold : bundled().regular;
  let em = 0;
  for (const ch of text) em += font.perEm(ch.codePointAt(0)!);
  return em * size;
}
