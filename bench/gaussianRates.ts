// ns per value of fillGaussian drawing one online-SGD batch x ~ N(0, I_d) (B x d values) in the
// SIMD, relaxed-SIMD and no-SIMD builds. V8 compiles Wasm lazily, first with its baseline
// compiler, so each case runs WARM_UP_CALLS times before it is timed.

import type { NetworkShape } from "../src/wasm/networkKernels.js";
import { loadRuntime } from "../src/wasm/runtime.js";
import { streamKey } from "../src/wasm/random.js";
import { fastestMs } from "./kernelRates.js";

export type GaussianBuild = "simd" | "relaxed" | "scalar";

export interface GaussianRate {
  build: GaussianBuild;
  shape: NetworkShape;
  values: number;
  nsPerValue: number;
}

const FILES: Record<GaussianBuild, string> = { simd: "meanfield.wasm", relaxed: "meanfield.relaxed.wasm", scalar: "meanfield.nosimd.wasm" };
const WARM_UP_CALLS = 3000;

/** Each build's fill of each shape's batch, in alternating rounds (the order reversed every other one). */
export async function measureGaussianRates(repoRoot: URL, shapes: NetworkShape[], withRelaxed: boolean, rounds = 5): Promise<GaussianRate[]> {
  const builds: GaussianBuild[] = withRelaxed ? ["simd", "relaxed", "scalar"] : ["simd", "scalar"];
  const cases: { build: GaussianBuild; shape: NetworkShape; fill: () => void }[] = [];
  for (const build of builds) {
    const rt = await loadRuntime({ url: new URL(`build/${FILES[build]}`, repoRoot) });
    if (rt.build !== build) throw new Error(`build/${FILES[build]} is a ${rt.build} build, expected ${build}`);
    const key = streamKey(2024, "train.x");
    for (const shape of shapes) {
      const values = shape.b * shape.d;
      const out = rt.arena.f64(values);
      // Consecutive batches of the stream, as training steps draw them.
      let start = 0;
      const fill = () => {
        rt.exports.fillGaussian(key.k0, key.k1, key.s0, key.s1, start, out.ptr, values);
        start += values;
      };
      for (let k = 0; k < WARM_UP_CALLS; k++) fill();
      cases.push({ build, shape, fill });
    }
  }
  const best = cases.map(() => Infinity);
  for (let round = 0; round < rounds; round++) {
    const order = cases.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) best[i] = Math.min(best[i]!, fastestMs(cases[i]!.fill, 3, 0.05));
  }
  return cases.map((c, i) => {
    const values = c.shape.b * c.shape.d;
    return { build: c.build, shape: c.shape, values, nsPerValue: (best[i]! * 1e6) / values };
  });
}

export function printGaussianRates(rates: GaussianRate[], previous: GaussianRate[] | undefined): void {
  console.log("\nGaussian batch (fillGaussian, B x d values; fastest of alternating rounds)");
  const rows = [["d", "B", "values", "build", "ns / value", "µs / batch", "previous ns / value"]];
  for (const r of rates) {
    const before = previous?.find((p) => p.build === r.build && p.shape.d === r.shape.d && p.shape.b === r.shape.b);
    rows.push([
      String(r.shape.d),
      String(r.shape.b),
      String(r.values),
      r.build,
      r.nsPerValue.toFixed(2),
      ((r.nsPerValue * r.values) / 1e3).toFixed(1),
      before ? before.nsPerValue.toFixed(2) : "-",
    ]);
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: string[]) => row.map((cell, col) => (col === 3 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join("  ");
  console.log(line(rows[0]!));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows.slice(1)) console.log(line(row));
}
