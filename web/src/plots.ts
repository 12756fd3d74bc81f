// Canvas plots of the demo: a log-scale loss curve, the overlap histogram against a density, and
// a bar chart of components. Plain 2-D canvas: three small plots redrawn a few times a second
// need no plotting library.

export const COLORS = { network: "#1f6fb4", limit: "#e4572e", target: "#6b6b6b", band: "rgba(31,111,180,0.18)", grid: "#e3e3e3", text: "#333" };

interface Frame {
  ctx: CanvasRenderingContext2D;
  left: number;
  top: number;
  width: number;
  height: number;
}

const MARGIN = { left: 56, right: 20, top: 40, bottom: 34 };

/** Clears the canvas (sized for the device's pixel ratio) and returns the plot area. */
function frame(canvas: HTMLCanvasElement, title: string): Frame {
  const ratio = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth || 420;
  const cssHeight = canvas.clientHeight || 260;
  if (canvas.width !== Math.round(cssWidth * ratio)) canvas.width = Math.round(cssWidth * ratio);
  if (canvas.height !== Math.round(cssHeight * ratio)) canvas.height = Math.round(cssHeight * ratio);
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, cssWidth, cssHeight);
  ctx.fillStyle = COLORS.text;
  ctx.font = "13px system-ui, sans-serif";
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  ctx.fillText(title, MARGIN.left, 6);
  return { ctx, left: MARGIN.left, top: MARGIN.top, width: cssWidth - MARGIN.left - MARGIN.right, height: cssHeight - MARGIN.top - MARGIN.bottom };
}

function formatTick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-2 ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}

/** "Nice" ticks covering [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(Math.abs(v) < 1e-12 * span ? 0 : v);
  return out;
}

/** Ticks at 1, 2, 5 times powers of ten when the range spans under two decades, else at powers of ten (thinned to about six). */
function logTicks(lo: number, hi: number): number[] {
  const multiples = hi - lo < 2 ? [1, 2, 5] : [1];
  const out: number[] = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const m of multiples) {
      const v = m * 10 ** e;
      if (Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9) out.push(v);
    }
  }
  const stride = Math.ceil(out.length / 6);
  return out.filter((_, i) => i % stride === 0);
}

function axes(f: Frame, xTicks: { at: number; label: string }[], yTicks: { at: number; label: string }[], xLabel: string): void {
  const { ctx } = f;
  ctx.strokeStyle = COLORS.grid;
  ctx.lineWidth = 1;
  ctx.fillStyle = COLORS.text;
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of yTicks) {
    ctx.beginPath();
    ctx.moveTo(f.left, t.at);
    ctx.lineTo(f.left + f.width, t.at);
    ctx.stroke();
    ctx.fillText(t.label, f.left - 4, t.at);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of xTicks) ctx.fillText(t.label, t.at, f.top + f.height + 4);
  ctx.fillText(xLabel, f.left + f.width / 2, f.top + f.height + 18);
  ctx.strokeStyle = "#999";
  ctx.strokeRect(f.left, f.top, f.width, f.height);
}

function legend(f: Frame, entries: { label: string; color: string; dashed?: boolean }[]): void {
  const { ctx } = f;
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  let x = f.left + f.width;
  for (const e of [...entries].reverse()) {
    const w = ctx.measureText(e.label).width;
    x -= w + 26;
    ctx.strokeStyle = e.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(e.dashed ? [5, 3] : []);
    ctx.beginPath();
    ctx.moveTo(x, f.top - 11);
    ctx.lineTo(x + 16, f.top - 11);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = COLORS.text;
    ctx.fillText(e.label, x + 20, f.top - 11);
  }
}

export interface LossSeries {
  label: string;
  color: string;
  dashed?: boolean;
  points: { step: number; loss: number; se?: number }[];
}

const MAX_DECADES = 8;

/** Loss against step, log-scale loss; a band of +-2 standard errors where the series has them. */
export function drawLoss(canvas: HTMLCanvasElement, totalSteps: number, series: LossSeries[]): void {
  const f = frame(canvas, "loss");
  const { ctx } = f;
  const positive = series.flatMap((s) => s.points.map((p) => p.loss)).filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) {
    axes(f, [], [], "step");
    return;
  }
  let lo = Math.log10(Math.min(...positive));
  let hi = Math.log10(Math.max(...positive));
  // A limit that converges exponentially would otherwise squeeze the network's curve into a sliver.
  lo = Math.max(lo, hi - MAX_DECADES);
  if (hi - lo < 0.5) {
    const mid = (hi + lo) / 2;
    lo = mid - 0.25;
    hi = mid + 0.25;
  }
  const x = (step: number) => f.left + (step / Math.max(1, totalSteps)) * f.width;
  const y = (loss: number) => f.top + ((hi - Math.log10(Math.max(loss, 10 ** lo))) / (hi - lo)) * f.height;
  axes(
    f,
    ticks(0, totalSteps, 5).map((s) => ({ at: x(s), label: formatTick(s) })),
    logTicks(lo, hi).map((v) => ({ at: y(v), label: v.toExponential(0).replace("e+", "e") })),
    "step",
  );
  ctx.save();
  ctx.beginPath();
  ctx.rect(f.left, f.top, f.width, f.height);
  ctx.clip();
  for (const s of series) {
    const withSe = s.points.filter((p) => p.se !== undefined);
    if (withSe.length > 1) {
      ctx.fillStyle = COLORS.band;
      ctx.beginPath();
      withSe.forEach((p, i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, x(p.step), y(p.loss + 2 * p.se!)));
      for (const p of [...withSe].reverse()) ctx.lineTo(x(p.step), y(Math.max(p.loss - 2 * p.se!, 10 ** lo)));
      ctx.closePath();
      ctx.fill();
    }
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(s.dashed ? [5, 3] : []);
    ctx.beginPath();
    s.points.forEach((p, i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, x(p.step), y(p.loss)));
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.restore();
  legend(f, series);
}

/**
 * Counts in equal bins of [-1, 1] drawn as a density (counts / (total * bin width)), with an
 * optional density on its own grid (faces, cell averages) drawn over them.
 */
export function drawHistogram(
  canvas: HTMLCanvasElement,
  counts: number[] | null,
  density: { faces: number[]; values: number[] } | null,
  labels: { network: string; limit: string },
): void {
  const f = frame(canvas, "histogram of <q*, w_i>/|w_i|");
  const { ctx } = f;
  const total = counts ? counts.reduce((a, b) => a + b, 0) : 0;
  const binWidth = counts ? 2 / counts.length : 1;
  const heights = counts && total > 0 ? counts.map((c) => c / (total * binWidth)) : [];
  const top = Math.max(1e-9, ...heights, ...(density?.values ?? [])) * 1.08;
  const x = (w: number) => f.left + ((w + 1) / 2) * f.width;
  const y = (v: number) => f.top + (1 - v / top) * f.height;
  axes(
    f,
    [-1, -0.5, 0, 0.5, 1].map((w) => ({ at: x(w), label: String(w) })),
    ticks(0, top, 4).map((v) => ({ at: y(v), label: formatTick(v) })),
    "overlap m = <q*, w>/|w|",
  );
  ctx.fillStyle = "rgba(31,111,180,0.55)";
  heights.forEach((h, j) => {
    const x0 = x(-1 + j * binWidth);
    ctx.fillRect(x0 + 0.5, y(h), x(-1 + (j + 1) * binWidth) - x0 - 1, f.top + f.height - y(h));
  });
  if (density) {
    ctx.strokeStyle = COLORS.limit;
    ctx.lineWidth = 2;
    ctx.beginPath();
    density.values.forEach((v, j) => {
      const mid = (density.faces[j]! + density.faces[j + 1]!) / 2;
      (j ? ctx.lineTo : ctx.moveTo).call(ctx, x(mid), y(v));
    });
    ctx.stroke();
  }
  legend(f, [{ label: labels.network, color: COLORS.network }, ...(density ? [{ label: labels.limit, color: COLORS.limit }] : [])]);
}

/** Bars (network) with target outlines and limit markers, one group per named component. */
export function drawComponents(
  canvas: HTMLCanvasElement,
  title: string,
  names: string[],
  network: number[],
  target: number[] | null,
  limit: number[] | null,
): void {
  const f = frame(canvas, title);
  const { ctx } = f;
  const all = [...network, ...(target ?? []), ...(limit ?? []), 0].filter(Number.isFinite);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi - lo < 1e-12) hi = lo + 1;
  const pad = 0.08 * (hi - lo);
  lo -= lo < 0 ? pad : 0;
  hi += pad;
  const slot = f.width / Math.max(1, names.length);
  const x = (k: number) => f.left + (k + 0.5) * slot;
  const y = (v: number) => f.top + ((hi - v) / (hi - lo)) * f.height;
  axes(
    f,
    names.map((n, k) => ({ at: x(k), label: n })),
    ticks(lo, hi, 4).map((v) => ({ at: y(v), label: formatTick(v) })),
    "",
  );
  const bar = Math.min(28, slot * 0.5);
  ctx.fillStyle = COLORS.network;
  network.forEach((v, k) => ctx.fillRect(x(k) - bar / 2, Math.min(y(v), y(0)), bar, Math.abs(y(v) - y(0))));
  if (target) {
    ctx.strokeStyle = COLORS.target;
    ctx.lineWidth = 1.5;
    ctx.setLineDash([3, 2]);
    target.forEach((v, k) => ctx.strokeRect(x(k) - bar / 2 - 3, Math.min(y(v), y(0)), bar + 6, Math.abs(y(v) - y(0))));
    ctx.setLineDash([]);
  }
  if (limit) {
    ctx.fillStyle = COLORS.limit;
    limit.forEach((v, k) => {
      if (k >= names.length) return;
      ctx.beginPath();
      ctx.arc(x(k), y(v), 4, 0, 2 * Math.PI);
      ctx.fill();
    });
  }
  legend(f, [
    { label: "network", color: COLORS.network },
    ...(target ? [{ label: "target", color: COLORS.target, dashed: true }] : []),
    ...(limit ? [{ label: "mean-field limit", color: COLORS.limit }] : []),
  ]);
}
