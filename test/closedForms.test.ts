import { describe, expect, it } from "vitest";
import { arcCosineKernel, gaussianActivationKernel, reluNtk, sphereActivationKernel } from "../src/activation/closedForms.js";
import { hermiteCoefficients } from "../src/activation/coefficients.js";
import { activationFunction } from "../src/activation/activationFunction.js";
import { runtimeFor } from "./helpers.js";

describe("arc-cosine kernels and the ReLU NTK", () => {
  it("match the Hermite series sum_k a_k^2 rho^k of step, relu and relu^2 (1e-12 at |rho| <= 0.6)", () => {
    const functions: [0 | 1 | 2, (z: number) => number][] = [
      [0, (z) => (z > 0 ? 1 : 0)],
      [1, (z) => Math.max(z, 0)],
      [2, (z) => Math.max(z, 0) ** 2],
    ];
    for (const [order, f] of functions) {
      const a = hermiteCoefficients(f, 120, { kinks: [0] });
      for (const rho of [-0.6, -0.2, 0, 0.3, 0.6]) {
        const series = a.reduce((s, ak, k) => s + ak * ak * rho ** k, 0);
        expect(Math.abs(arcCosineKernel(order, rho) - series), `order ${order} at ${rho}`).toBeLessThan(1e-12);
      }
    }
  });

  it("at rho = 1 give E[step^2] = 1/2, E[relu^2] = 1/2 and E[relu^4] = 3/2", () => {
    expect(arcCosineKernel(0, 1)).toBeCloseTo(0.5, 15);
    expect(arcCosineKernel(1, 1)).toBeCloseTo(0.5, 15);
    expect(arcCosineKernel(2, 1)).toBeCloseTo(1.5, 15);
    expect(arcCosineKernel(0, -1)).toBe(0);
  });

  it("the ReLU NTK equals the empirical NTK of a 1e6-neuron random network within 4 standard errors", async () => {
    const rt = await runtimeFor("simd");
    const m = 1_000_000;
    const rho = 0.37;
    // x = e1, y = rho e1 + sqrt(1 - rho^2) e2: only two coordinates of w matter.
    const g = rt.random.gaussian(21, "ntk.w", 2 * m);
    const a = rt.random.gaussian(21, "ntk.a", m);
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < m; i++) {
      const u = g[2 * i]!;
      const v = rho * u + Math.sqrt(1 - rho * rho) * g[2 * i + 1]!;
      const term = Math.max(u, 0) * Math.max(v, 0) + a[i]! ** 2 * (u > 0 && v > 0 ? 1 : 0) * rho;
      sum += term;
      sumSq += term * term;
    }
    const mean = sum / m;
    const se = Math.sqrt((sumSq / m - mean * mean) / m);
    expect(Math.abs(reluNtk(rho) - mean)).toBeLessThan(4 * se);
  });

  it("rejects correlations outside [-1, 1] and unknown orders", () => {
    expect(() => arcCosineKernel(1, 1.5)).toThrow(/rho must be a correlation/);
    expect(() => reluNtk(Number.NaN)).toThrow(/rho/);
    expect(() => arcCosineKernel(3 as 0, 0.5)).toThrow(/order must be 0, 1 or 2/);
  });
});

describe("activation kernels from expansion coefficients", () => {
  it("sphere: sum_k sigma_k^2 P_k(t)/N(d,k) equals E_w[sigma(<w,x>) sigma(<w,y>)] by Monte Carlo", async () => {
    const rt = await runtimeFor("simd");
    const d = 6;
    const m = 1_000_000;
    for (const spec of ["relu", "tanh"] as const) {
      const kernel = sphereActivationKernel(spec, d);
      expect(kernel.tail).toBeLessThan(1e-6);
      const f = activationFunction(spec);
      const t = 0.45;
      const w = rt.random.sphere(22, `kernel.${spec}`, m, d);
      let sum = 0;
      let sumSq = 0;
      for (let i = 0; i < m; i++) {
        const u = w[i * d]!;
        const v = t * u + Math.sqrt(1 - t * t) * w[i * d + 1]!;
        const term = f.value(u) * f.value(v);
        sum += term;
        sumSq += term * term;
      }
      const mean = sum / m;
      const se = Math.sqrt((sumSq / m - mean * mean) / m);
      expect(Math.abs(kernel.value(t) - mean), spec).toBeLessThan(4 * se);
    }
  });

  it("Gaussian: relu's kernel at norms (r1, r2) is r1 r2 times the order-1 arc-cosine kernel; tanh's matches its Hermite series", () => {
    const relu = gaussianActivationKernel("relu");
    expect(relu(2, 0.5, 0.3)).toBeCloseTo(arcCosineKernel(1, 0.3), 14);
    const tanh = gaussianActivationKernel("tanh");
    const r = 0.8;
    const a = hermiteCoefficients((z) => Math.tanh(r * z), 80);
    const series = a.reduce((s, ak, k) => s + ak * ak * 0.5 ** k, 0);
    expect(Math.abs(tanh(r, r, 0.5) - series)).toBeLessThan(1e-13);
  });
});
