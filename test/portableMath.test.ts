// portableMath: within 1-2 ulp of the host's Math.* (an independent implementation: V8's fdlibm in
// Node 20), exact powers, and its bits pinned, so a dependency update that changes a result is
// caught here rather than as a silent change of every run's records.

import { describe, expect, it } from "vitest";
import * as pm from "../src/special/portableMath.js";

const view = new DataView(new ArrayBuffer(8));
function ordinal(x: number): bigint {
  view.setFloat64(0, x);
  const b = view.getBigInt64(0);
  return b < 0n ? -(b & 0x7fffffffffffffffn) : b;
}
/** Distance in ulps (the number of doubles between a and b). */
function ulps(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  const d = ordinal(a) - ordinal(b);
  return Number(d < 0n ? -d : d);
}

/** Arguments of every magnitude: uniform on wide and narrow ranges from a fixed xorshift stream. */
function arguments_(count: number): number[] {
  let s = 0x9e3779b9;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((next() - 0.5) * 20, next(), next() * 1e-6, (next() - 0.5) * 1400, (next() - 0.5) * 1e6);
  return out;
}

const XS = arguments_(4000);
const UNIT = XS.map((x) => x % 1);

const CASES: { name: string; ours: (x: number) => number; host: (x: number) => number; inputs: number[]; maxUlps: number }[] = [
  { name: "exp", ours: pm.exp, host: Math.exp, inputs: XS, maxUlps: 1 },
  { name: "log", ours: (x) => pm.log(Math.abs(x)), host: (x) => Math.log(Math.abs(x)), inputs: XS, maxUlps: 1 },
  { name: "log1p", ours: (x) => pm.log1p(Math.abs(x)), host: (x) => Math.log1p(Math.abs(x)), inputs: XS, maxUlps: 1 },
  { name: "sin", ours: pm.sin, host: Math.sin, inputs: XS, maxUlps: 1 },
  { name: "cos", ours: pm.cos, host: Math.cos, inputs: XS, maxUlps: 1 },
  { name: "asin", ours: pm.asin, host: Math.asin, inputs: UNIT, maxUlps: 1 },
  { name: "acos", ours: pm.acos, host: Math.acos, inputs: UNIT, maxUlps: 1 },
  { name: "atan", ours: pm.atan, host: Math.atan, inputs: XS, maxUlps: 1 },
  { name: "sinh", ours: (x) => pm.sinh(x % 700), host: (x) => Math.sinh(x % 700), inputs: XS, maxUlps: 2 },
  { name: "tanh", ours: pm.tanh, host: Math.tanh, inputs: XS, maxUlps: 2 },
  { name: "hypot", ours: (x) => pm.hypot(x, 1.3), host: (x) => Math.hypot(x, 1.3), inputs: XS, maxUlps: 1 },
  { name: "pow", ours: (x) => pm.pow(Math.abs(x), 1.7), host: (x) => Math.abs(x) ** 1.7, inputs: XS, maxUlps: 1 },
];

/** FNV-1a over the 64-bit patterns of the results. */
function fingerprint(values: number[]): string {
  let h = 0xcbf29ce484222325n;
  for (const v of values) {
    view.setFloat64(0, v);
    h = ((h ^ view.getBigUint64(0)) * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16);
}

describe("portableMath", () => {
  it.each(CASES)("$name is within $maxUlps ulp of the host's Math on 20000 arguments", ({ ours, host, inputs, maxUlps }) => {
    let worst = 0;
    for (const x of inputs) worst = Math.max(worst, ulps(ours(x), host(x)));
    expect(worst).toBeLessThanOrEqual(maxUlps);
  });

  it("keeps the special values of IEEE 754 (NaN, infinities, signed zeros, domain edges)", () => {
    expect([pm.exp(-Infinity), pm.exp(Infinity), pm.exp(-800), pm.log(0), pm.log(-1), pm.log1p(-1), pm.asin(2), pm.tanh(Infinity)]).toEqual([
      0,
      Infinity,
      0,
      -Infinity,
      NaN,
      -Infinity,
      NaN,
      1,
    ]);
    expect(Object.is(pm.sin(-0), -0) && Object.is(pm.atan(-0), -0) && Object.is(pm.sinh(-0), -0)).toBe(true);
    expect([pm.asin(1), pm.acos(-1), pm.cos(0), pm.pow(4096, 0.5), pm.pow(2, -3)]).toEqual([Math.PI / 2, Math.PI, 1, 64, 0.125]);
  });

  it("integerPower multiplies from the left and powerOfTwo is exact over the normal range", () => {
    const x = 1.1;
    expect(pm.integerPower(x, 0)).toBe(1);
    expect(pm.integerPower(x, 5)).toBe(x * x * x * x * x);
    expect(pm.integerPower(-2, 3)).toBe(-8);
    expect(() => pm.integerPower(x, 1.5)).toThrow(/^integerPower: n must be an integer >= 0, got 1.5$/);
    for (let n = -1022; n <= 1023; n++) expect(pm.powerOfTwo(n)).toBe(2 ** n);
    expect(() => pm.powerOfTwo(1024)).toThrow(/^powerOfTwo: n must be an integer in \[-1022, 1023\], got 1024$/);
  });

  it("gives the bits it gave when the package was pinned (a changed fingerprint changes every run's records)", () => {
    const prints = Object.fromEntries(CASES.map(({ name, ours, inputs }) => [name, fingerprint(inputs.map(ours))]));
    expect(prints).toEqual({
      exp: "f8c8b991e5a5fb85",
      log: "40d54d97c80cc339",
      log1p: "e18841c24c348c5a",
      sin: "f2b77f800589ba18",
      cos: "5383f1c7c616e251",
      asin: "72fd6fb6f5c3c374",
      acos: "7261298419d72cf2",
      atan: "4e66aefbd5815f2b",
      sinh: "3c4cffe9516393bf",
      tanh: "9fbdd4d1e1914312",
      hypot: "27d6a72dd0e1a578",
      pow: "fda47b9d79e45f9c",
    });
  });
});
