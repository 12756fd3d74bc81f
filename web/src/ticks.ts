// Axis ticks and their labels for the demo's plots, in the package's figure style: decades on log
// axes written 10^k with the exponent in superscript, plain short numbers on linear axes. The
// portable log and pow keep even pixel positions engine-independent (test/deterministicMath.test.ts).

import { log, pow } from "../../src/special/portableMath.ts";

/** log10 through the portable log, so tick positions are the same in every engine. */
export const log10 = (x: number): number => log(x) / Math.LN10;

const SUPERSCRIPT: Record<string, string> = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };

/** 10^k with k in superscript: "10⁻³"; 1 and 10 as themselves. */
function powerOfTen(k: number): string {
  if (k === 0) return "1";
  if (k === 1) return "10";
  return `10${String(k).replace(/./g, (c) => SUPERSCRIPT[c] ?? c)}`;
}

/** A decade as 10^k, any other value as a short number ("2×10⁻⁴" below 0.001). */
function decadeLabel(v: number): string {
  const k = Math.round(log10(v));
  if (Math.abs(log10(v) - k) < 1e-9) return powerOfTen(k);
  return tickLabel(v);
}

/** A tick value as a person writes it: "0", "0.25", "2000", "2×10⁻⁴", "3×10⁶". */
export function tickLabel(v: number, plain = Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (plain) return String(Number(v.toPrecision(3)));
  const k = Math.floor(log10(a) + 1e-9);
  const mantissa = Number((v / pow(10, k)).toPrecision(2));
  return mantissa === 1 ? powerOfTen(k) : `${mantissa}×${powerOfTen(k)}`;
}

/**
 * Labels of a log axis in one style: decades as 10^k when the ticks are decades only; with ticks
 * between decades, plain numbers when all are plain ("0.05, 0.1, 0.2"), else all as a × 10^k.
 */
export function logLabels(values: number[]): string[] {
  const decades = values.every((v) => Math.abs(log10(v) - Math.round(log10(v))) < 1e-9);
  if (decades) return values.map(decadeLabel);
  return linearLabels(values);
}

/** Labels of a linear axis in one style: all plain when every tick is, else all as a × 10^k (never "0.002" beside "5×10⁻⁴"). */
export function linearLabels(values: number[]): string[] {
  const plain = values.every((v) => v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5));
  return values.map((v) => tickLabel(v, plain));
}

/** "Nice" ticks (1, 2 or 5 times a power of ten apart) covering [lo, hi]. */
export function linearTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const power = pow(10, Math.floor(log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw * (1 - 1e-9))!;
  const out: number[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + 1e-9 * span; i++) out.push(i === 0 ? 0 : i * step);
  return out;
}

/**
 * Ticks of a log axis from 10^lo to 10^hi: every decade (thinned to about six) when the range
 * spans at least two, else 1, 2 and 5 times the decades when that gives three, else every integer
 * multiple, so a short range still gets three labels or more.
 */
export function logTicks(lo: number, hi: number): number[] {
  for (const multiples of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    if (multiples.length === 1 && hi - lo < 2) continue;
    const out: number[] = [];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
      for (const m of multiples) {
        const v = m * pow(10, e);
        const at = log10(v);
        if (at >= lo - 1e-9 && at <= hi + 1e-9) out.push(v);
      }
    }
    if (out.length >= (multiples.length === 1 ? 2 : 3)) {
      const stride = Math.ceil(out.length / 6);
      return out.filter((_, i) => i % stride === 0);
    }
  }
  return [pow(10, lo), pow(10, hi)];
}
