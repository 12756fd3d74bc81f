// The plots in words: each canvas gets a one-sentence summary (its accessible description) and a
// data table behind a toggle, so a screen reader, a keyboard user or a reader of the page's text
// gets what the picture shows.

import type { LossSeries } from "./plots.ts";

const short = (v: number) => (!Number.isFinite(v) ? "—" : v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(3))));

/** "network, N = 512: 0.93 at t = 0.05 to 0.012 at t = 15" for each series. */
export function lossSummary(series: LossSeries[], yLabel: string): string {
  const parts = series
    .filter((s) => s.points.length)
    .map((s) => {
      const first = s.points[0]!;
      const last = s.points[s.points.length - 1]!;
      return `${s.label}: ${short(first.loss)} at t = ${short(first.t)} to ${short(last.loss)} at t = ${short(last.t)}`;
    });
  return parts.length ? `${yLabel} against mean-field time. ${parts.join("; ")}.` : "No loss recorded yet.";
}

/** The histogram in one sentence: where the network's mass sits and how far the limit's is. */
export function histogramSummary(counts: number[], limit: number[] | null): string {
  const bins = counts.length;
  const total = counts.reduce((a, b) => a + b, 0);
  const center = (j: number) => -1 + (2 * j + 1) / bins;
  const mean = (weights: number[]) => {
    const mass = weights.reduce((a, b) => a + b, 0);
    return mass > 0 ? weights.reduce((a, w, j) => a + w * Math.abs(center(j)), 0) / mass : Number.NaN;
  };
  const edge = counts.reduce((a, c, j) => a + (Math.abs(center(j)) > 0.8 ? c : 0), 0) / Math.max(1, total);
  const limitText = limit ? `; the mean-field limit's mean |m| is ${short(mean(limit))}` : "";
  return `Histogram of the overlaps m of ${total} neurons in ${bins} bins of [-1, 1]: mean |m| ${short(mean(counts))}, ${short(100 * edge)}% beyond |m| = 0.8${limitText}.`;
}

/** "network x1 = 0.8 (limit 0.79, target 1), ..." */
export function componentsSummary(title: string, names: string[], network: number[], target: number[] | null, limit: number[] | null): string {
  const parts = names.map((n, k) => {
    const extra = [limit ? `limit ${short(limit[k] ?? Number.NaN)}` : "", target ? `target ${short(target[k] ?? Number.NaN)}` : ""].filter(Boolean).join(", ");
    return `${n} = ${short(network[k] ?? Number.NaN)}${extra ? ` (${extra})` : ""}`;
  });
  return parts.length ? `${title}, network: ${parts.join("; ")}.` : "No components recorded yet.";
}

/** Replaces a table's content: a header row and one row per entry, numbers to 4 significant digits. */
export function fillTable(table: HTMLTableElement, caption: string, headers: string[], rows: (number | string)[][]): void {
  const cell = (tag: "th" | "td", text: string) => Object.assign(document.createElement(tag), { textContent: text });
  const head = document.createElement("tr");
  for (const h of headers) {
    const th = cell("th", h);
    th.scope = "col";
    head.append(th);
  }
  const body = rows.map((row) => {
    const tr = document.createElement("tr");
    for (const v of row) tr.append(cell("td", typeof v === "number" ? (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : "—") : v));
    return tr;
  });
  table.replaceChildren(Object.assign(document.createElement("caption"), { textContent: caption }), head, ...body);
}

/** The loss series as rows of (t, one loss per series), on the union of their times. */
export function lossRows(series: LossSeries[]): (number | string)[][] {
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p.t)))].sort((a, b) => a - b);
  const byTime = series.map((s) => new Map(s.points.map((p) => [p.t, p.loss])));
  return times.map((t) => [t, ...byTime.map((m) => m.get(t) ?? "")]);
}
