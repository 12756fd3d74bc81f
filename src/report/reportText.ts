// Text of reports as a reader wants it: numbers to 4 significant digits without trailing zeros,
// check ranges in words ("> 0" where a tiny positive bound only encodes strict positivity),
// timestamps in words, and the papers' short keys (BMZ23, ...) spelled out where they first occur.

import type { PaperCitation } from "../experiments/experiment.js";

/** Numbers as a reader wants them: 4 significant digits, exponent form outside [1e-3, 1e5), no trailing zeros (1e-9, not 1.000e-9). */
export function formatNumber(x: number | null): string {
  if (x === null) return "—";
  if (x === 0 || Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e5) return String(Number(x.toPrecision(4)));
  const [mantissa, exponent] = x.toExponential(3).split("e");
  return `${String(Number(mantissa))}e${exponent!.replace("+", "")}`;
}

/**
 * A lower bound this small and positive only says "strictly positive": the checks write x > 0 as
 * x >= 1e-9 because their ranges are closed. Shown as "> 0", the reader sees the claim.
 */
const POSITIVE = 1e-6;

/** An expected range [lo, hi] (null: unbounded) in words. */
export function formatRange([lo, hi]: [number | null, number | null]): string {
  const positive = lo !== null && lo > 0 && lo <= POSITIVE;
  if (lo === null && hi === null) return "any";
  if (lo !== null && hi !== null && lo === hi) return `= ${formatNumber(lo)}`;
  if (lo === null) return `≤ ${formatNumber(hi)}`;
  if (hi === null) return positive ? "> 0" : `≥ ${formatNumber(lo)}`;
  return positive ? `(0, ${formatNumber(hi)}]` : `[${formatNumber(lo)}, ${formatNumber(hi)}]`;
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "2026-12-05T03:20:41.123Z" -> "5 December 2026, 03:20 UTC" (the text as given when it is not a date). */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

/** "Berthier, Montanari, Zhou" -> "Berthier, Montanari and Zhou". */
export function authorList(authors: string): string {
  const names = authors.split(/,\s*/);
  return names.length < 2 ? authors : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** "Berthier, Montanari, Zhou (2023), Learning time-scales in two-layers neural networks, arXiv 2303.00055" */
export function fullCitation(p: PaperCitation): string {
  const id = p.arxiv ? `arXiv ${p.arxiv}` : p.doi ? `doi ${p.doi}` : "";
  return [`${authorList(p.authors)} (${p.year})`, p.title, p.venue, id].filter(Boolean).join(", ");
}

/**
 * Spells out the papers' short keys in a page: the first occurrence of "BMZ23" becomes
 * "Berthier, Montanari and Zhou (2023, BMZ23)", later ones stay short. Call it on the page's texts
 * in reading order. Works on plain text; escape the result afterwards.
 */
export class AbbreviationExpander {
  private readonly pending = new Map<string, PaperCitation>();

  constructor(papers: readonly PaperCitation[]) {
    for (const p of papers) if (p.abbreviation) this.pending.set(p.abbreviation, p);
  }

  expand(text: string): string {
    let out = text;
    for (const [key, p] of [...this.pending]) {
      const at = new RegExp(`\\b${key}\\b`).exec(out);
      if (!at) continue;
      // Inside parentheses "(BMZ23 ..." reads "(Berthier, Montanari and Zhou 2023, BMZ23 ..."; elsewhere the names come with the year in parentheses.
      const inParentheses = out[at.index - 1] === "(";
      const spelled = inParentheses ? `${authorList(p.authors)} ${p.year}, ${key}` : `${authorList(p.authors)} (${p.year}, ${key})`;
      out = `${out.slice(0, at.index)}${spelled}${out.slice(at.index + key.length)}`;
      this.pending.delete(key);
    }
    return out;
  }
}
