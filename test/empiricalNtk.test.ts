import { describe, expect, it } from "vitest";
import { reluNtk } from "../src/activation/closedForms.js";
import { empiricalNtk } from "../src/kernels/empiricalNtk.js";
import { TwoLayerNetwork } from "../src/model/network.js";
import { normals, runtimeFor, testRandom } from "./helpers.js";

describe("empirical NTK", () => {
  it("of a ReLU network at N = 1e5 matches the closed form within 4 Monte-Carlo standard errors", async () => {
    const rt = await runtimeFor("simd");
    const [n, d, m] = [100_000, 5, 6];
    // w ~ N(0, I) (kappa^2 / d = 1) and a ~ N(0, 1): the normalization of reluNtk.
    const net = new TwoLayerNetwork(rt, {
      n,
      d,
      activation: { kind: "relu" },
      scaling: "ntk",
      seed: 11,
      firstLayer: { kind: "gaussian", kappa: Math.sqrt(d) },
      secondLayer: { kind: "gaussian", std: 1 },
    });
    const x = normals(testRandom(12), m * d);
    for (let r = 0; r < m; r++) {
      const norm = Math.hypot(...x.subarray(r * d, (r + 1) * d));
      for (let k = 0; k < d; k++) x[r * d + k] = x[r * d + k]! / norm;
    }
    const wx = rt.arena.f64From(x);
    const k = empiricalNtk(net, wx, m);
    const w = net.w.toArray();
    const a = net.a.toArray();
    let worst = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j <= i; j++) {
        let rho = 0;
        for (let c = 0; c < d; c++) rho += x[i * d + c]! * x[j * d + c]!;
        // Per-neuron terms of the kernel: their mean is K, their spread gives the standard error.
        let sum = 0;
        let sumSq = 0;
        for (let q = 0; q < n; q++) {
          let zi = 0;
          let zj = 0;
          for (let c = 0; c < d; c++) {
            zi += w[q * d + c]! * x[i * d + c]!;
            zj += w[q * d + c]! * x[j * d + c]!;
          }
          const t = Math.max(zi, 0) * Math.max(zj, 0) + (zi > 0 && zj > 0 ? a[q]! ** 2 * rho : 0);
          sum += t;
          sumSq += t * t;
        }
        const mean = sum / n;
        const se = Math.sqrt((sumSq / n - mean * mean) / (n - 1));
        // The Wasm kernel is the same mean, summed in another order.
        expect(Math.abs(k[i * m + j]! - mean)).toBeLessThan(1e-12 * Math.abs(mean) + 1e-15);
        expect(k[j * m + i]).toBe(k[i * m + j]);
        const z = Math.abs(k[i * m + j]! - reluNtk(Math.min(1, rho))) / se;
        worst = Math.max(worst, z);
      }
    }
    console.log(`empirical NTK, N = 1e5: worst deviation from the closed form ${worst.toFixed(2)} standard errors over ${(m * (m + 1)) / 2} pairs`);
    expect(worst).toBeLessThan(4);
    wx.free();
    net.free();
  }, 120_000);
});
