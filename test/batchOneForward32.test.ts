import { describe, expect, it } from "vitest";
import { normals, runtimeFor, testRandom } from "./helpers.js";

function bits(values: ArrayLike<number>): string {
  return Buffer.from(Float64Array.from(values).buffer).toString("hex");
}

// assembly/batchOneForward32.ts against its definition written as plain loops: w_jk += alpha
// f64(f32(g_j x_k)) for the four neurons (as updateFourBatchOne), then zNext[j] = the f32 sum over
// k = 0 .. d - 1, in order, of f32(x'_k f32(new w_jk)) (forward32 at one sample in the plain SIMD
// build: a multiply then an add, each rounded), widened; every other entry of zNext untouched.
describe("updateFourForwardBatchOne (simd build)", () => {
  it.each([
    [1, 4, 0],
    [3, 8, 4],
    [13, 12, 8],
    [10, 8, 0],
    [7, 16, 12],
    [8, 8, 4],
    [321, 9, 4],
  ])("d = %i, N = %i, neurons %i .. +3: bit for bit against plain loops", async (d, n, i) => {
    const rt = await runtimeFor("simd");
    const a = rt.arena;
    const dp = (d + 7) & ~7;
    const w = normals(testRandom(d * 31 + n), n * d);
    const g = Float32Array.from(normals(testRandom(2), 4));
    const x = new Float32Array(dp);
    x.set(Float32Array.from(normals(testRandom(3), d)));
    const xNext = new Float32Array(dp);
    xNext.set(Float32Array.from(normals(testRandom(5), d)));
    const z = normals(testRandom(6), n);
    const alpha = -0.037;
    const ww = a.f64From(w);
    const wg = a.f64(2);
    const wx = a.f64(dp / 2);
    const wxNext = a.f64(dp / 2);
    const wz = a.f64From(z);
    new Float32Array(rt.exports.memory.buffer, wg.ptr, 4).set(g);
    new Float32Array(rt.exports.memory.buffer, wx.ptr, dp).set(x);
    new Float32Array(rt.exports.memory.buffer, wxNext.ptr, dp).set(xNext);
    rt.exports.updateFourForwardBatchOne(wg.ptr, wx.ptr, wxNext.ptr, d, ww.ptr, i, alpha, wz.ptr);
    const wRef = Float64Array.from(w);
    const zRef = Float64Array.from(z);
    for (let j = i; j < i + 4; j++) {
      let acc = 0;
      for (let k = 0; k < d; k++) {
        wRef[j * d + k] = w[j * d + k]! + alpha * Math.fround(g[j - i]! * x[k]!);
        acc = Math.fround(acc + Math.fround(xNext[k]! * Math.fround(wRef[j * d + k]!)));
      }
      zRef[j] = acc;
    }
    expect(bits(ww.view)).toBe(bits(wRef));
    expect(bits(wz.view)).toBe(bits(zRef));
    for (const b of [ww, wg, wx, wxNext, wz]) b.free();
  });
});
