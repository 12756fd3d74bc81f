// What the page hands out: files (config.json, metrics.ndjson, the plots as one PNG) and a link
// to the run on screen.

/** Saves a blob as a file through a temporary object URL. */
export function save(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The canvases side by side on white at their device resolution, under a line saying what ran. */
export function plotsPng(canvases: HTMLCanvasElement[], caption: string): Promise<Blob> {
  const ratio = window.devicePixelRatio || 1;
  const gap = Math.round(12 * ratio);
  const head = Math.round(30 * ratio);
  const shown = canvases.filter((c) => c.width > 0 && c.offsetParent !== null);
  const out = document.createElement("canvas");
  out.width = shown.reduce((w, c) => w + c.width, 0) + gap * (shown.length + 1);
  out.height = Math.max(1, ...shown.map((c) => c.height)) + head + gap;
  const ctx = out.getContext("2d")!;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = "#222";
  ctx.font = `${Math.round(14 * ratio)}px system-ui, sans-serif`;
  ctx.textBaseline = "middle";
  ctx.fillText(caption, gap, head / 2 + gap / 2);
  let x = gap;
  for (const c of shown) {
    ctx.drawImage(c, x, head);
    x += c.width + gap;
  }
  return new Promise((resolve, reject) => out.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("the browser made no PNG"))), "image/png"));
}

/** Puts text on the clipboard; false when the browser refuses (no permission, insecure page). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
