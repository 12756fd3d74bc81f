import { describe, expect, it } from "vitest";
import { BUILDS, normals, runtimeFor, testRandom } from "./helpers.js";

function bits(values: ArrayLike<number>): string {
  return Buffer.from(Float64Array.from(values).buffer).toString("hex");
}

// assembly/batchOneUpdate32.ts against its definition written as plain loops: w_jk += alpha
// f64(f32(g_j x_k)) for the four neurons, then f32(w) into wT32's panels of 8 neurons (entry (k, i)
// at (i / 8) 8 d + 8 k + i % 8), every other entry of wT32 untouched.
describe.each(BUILDS)("updateFourBatchOne (%s build)", (build) => {
  it.each([
    [1, 4, 0],
    [3, 8, 4],
    [13, 12, 8],
    [10, 8, 0],
    [7, 16, 12],
    [8, 8, 4],
  ])("d = %i, N = %i, neurons %i .. +3: bit for bit against plain loops", async (d, n, i) => {
    const rt = await runtimeFor(build);
    const a = rt.arena;
    const dp = (d + 7) & ~7;
    const nPad = (n + 7) & ~7;
    const w = normals(testRandom(d * 31 + n), n * d);
    const g = Float32Array.from(normals(testRandom(2), 4));
    const x = new Float32Array(dp);
    x.set(Float32Array.from(normals(testRandom(3), d)));
    const alpha = -0.037;
    const wT = Float32Array.from(normals(testRandom(4), d * nPad));
    const ww = a.f64From(w);
    const wg = a.f64(2);
    const wx = a.f64(dp / 2);
    const wwT = a.f64((d * nPad) / 2);
    new Float32Array(rt.exports.memory.buffer, wg.ptr, 4).set(g);
    new Float32Array(rt.exports.memory.buffer, wx.ptr, dp).set(x);
    new Float32Array(rt.exports.memory.buffer, wwT.ptr, d * nPad).set(wT);
    rt.exports.updateFourBatchOne(wg.ptr, wx.ptr, d, ww.ptr, wwT.ptr, i, alpha);
    const wRef = Float64Array.from(w);
    const wTRef = Float32Array.from(wT);
    for (let j = i; j < i + 4; j++) {
      for (let k = 0; k < d; k++) {
        wRef[j * d + k] = w[j * d + k]! + alpha * Math.fround(g[j - i]! * x[k]!);
        wTRef[(j >> 3) * 8 * d + 8 * k + (j & 7)] = Math.fround(wRef[j * d + k]!);
      }
    }
    expect(bits(ww.view)).toBe(bits(wRef));
    expect(bits(new Float32Array(rt.exports.memory.buffer, wwT.ptr, d * nPad))).toBe(bits(wTRef));
    for (const b of [ww, wg, wx, wwT]) b.free();
  });
});
