// A minimal PNG reader for tests (8-bit RGB/RGBA, not interlaced: what resvg writes): the size,
// the pixel density chunk and the unfiltered pixels, so a test can see an exported figure is not blank.

import { inflateSync } from "node:zlib";

export interface DecodedPng {
  width: number;
  height: number;
  /** Pixels per inch from the pHYs chunk, or null without one. */
  dpi: number | null;
  channels: number;
  pixels: Uint8Array;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(png: Buffer): DecodedPng {
  if (png.toString("latin1", 1, 4) !== "PNG") throw new Error("not a PNG");
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  let dpi: number | null = null;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[12] !== 0) throw new Error("only 8-bit, non-interlaced PNGs");
      channels = body[9] === 6 ? 4 : body[9] === 2 ? 3 : 0;
      if (channels === 0) throw new Error(`colour type ${body[9]} not supported`);
    } else if (type === "pHYs" && body[8] === 1) dpi = body.readUInt32BE(0) * 0.0254;
    else if (type === "IDAT") data.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const predicted = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
      pixels[y * stride + x] = (v + predicted) & 255;
    }
  }
  return { width, height, dpi, channels, pixels };
}

/** Fraction of pixels that are not (near) white. */
export function inkFraction(image: DecodedPng): number {
  let ink = 0;
  for (let i = 0; i < image.pixels.length; i += image.channels) {
    if (image.pixels[i]! < 230 || image.pixels[i + 1]! < 230 || image.pixels[i + 2]! < 230) ink++;
  }
  return ink / (image.width * image.height);
}
