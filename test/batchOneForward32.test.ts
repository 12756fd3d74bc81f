import { describe, expect, it } from "vitest";
import { normals, runtimeFor, testRandom } from "./helpers.js";

function bits(values: ArrayLike<number>): string {
  return Buffer.from(Float64Array.from(values).buffer).toString("hex");
}

// assembly/batchOneForward32.ts against its definition written as plain loops, for 4 neurons in
// any order (the listed ones, not adjacent): w_jk += alpha f64(f32(g_j x_k)) (as
// backward32Update's tiles), then zNext[j] = the f32 sum over k = 0 .. d - 1, in order, of f32(x'_k
// f32(new w_jk)) (forward32 at one sample in the plain SIMD build: a multiply then an add, each
// rounded), widened; every other row of w and entry of zNext untouched. Without the update
// (forwardFourBatchOne) w stays and zNext is formed from it.
describe.each([true, false])("updateFourForwardBatchOne / forwardFourBatchOne (simd build), update %s", (update) => {
  it.each([
    [1, 4, [0, 1, 2, 3]],
    [3, 8, [4, 1, 7, 2]],
    [13, 12, [8, 0, 11, 5]],
    [10, 8, [0, 6, 3, 5]],
    [7, 16, [12, 2, 15, 9]],
    [8, 8, [4, 5, 6, 7]],
    [321, 9, [4, 8, 1, 6]],
  ])("d = %i, N = %i, neurons %j: bit for bit against plain loops", async (d, n, neurons) => {
    const rt = await runtimeFor("simd");
    const a = rt.arena;
    const dp = (d + 7) & ~7;
    const w = normals(testRandom(d * 31 + n), n * d);
    const i0 = 0;
    const g = Float32Array.from(normals(testRandom(2), n));
    const x = new Float32Array(dp);
    x.set(Float32Array.from(normals(testRandom(3), d)));
    const xNext = new Float32Array(dp);
    xNext.set(Float32Array.from(normals(testRandom(5), d)));
    const z = normals(testRandom(6), n);
    const alpha = -0.037;
    const ww = a.f64From(w);
    const wg = a.f64(Math.ceil(n / 2));
    const idx = a.f64(2);
    new Int32Array(rt.exports.memory.buffer, idx.ptr, 4).set(neurons);
    const wx = a.f64(dp / 2);
    const wxNext = a.f64(dp / 2);
    const wz = a.f64From(z);
    new Float32Array(rt.exports.memory.buffer, wg.ptr, n).set(g);
    new Float32Array(rt.exports.memory.buffer, wx.ptr, dp).set(x);
    new Float32Array(rt.exports.memory.buffer, wxNext.ptr, dp).set(xNext);
    if (update) rt.exports.updateFourForwardBatchOne(wg.ptr, i0, idx.ptr, wx.ptr, wxNext.ptr, d, ww.ptr, alpha, wz.ptr);
    else rt.exports.forwardFourBatchOne(idx.ptr, wxNext.ptr, d, ww.ptr, wz.ptr);
    const wRef = Float64Array.from(w);
    const zRef = Float64Array.from(z);
    for (const j of neurons) {
      let acc = 0;
      for (let k = 0; k < d; k++) {
        if (update) wRef[j * d + k] = w[j * d + k]! + alpha * Math.fround(g[j - i0]! * x[k]!);
        acc = Math.fround(acc + Math.fround(xNext[k]! * Math.fround(wRef[j * d + k]!)));
      }
      zRef[j] = acc;
    }
    expect(bits(ww.view)).toBe(bits(wRef));
    expect(bits(wz.view)).toBe(bits(zRef));
    for (const b of [ww, wg, wx, wxNext, wz, idx]) b.free();
  });
});

// The two-group kernel (eightAheadBatchOne) against the same loops: 8 neurons in any order, the
// first `moving` groups of 4 updated, at d with 0 to 3 coordinates past the last 4.
describe.each([0, 1, 2])("eightAheadBatchOne (simd build), %i groups moving", (moving) => {
  it.each([
    [1, 8, [0, 1, 2, 3, 4, 5, 6, 7]],
    [7, 11, [10, 1, 7, 2, 0, 9, 4, 3]],
    [13, 12, [8, 0, 11, 5, 1, 2, 3, 10]],
    [320, 9, [4, 8, 1, 6, 0, 7, 2, 5]],
    [322, 10, [9, 3, 5, 1, 0, 2, 8, 6]],
  ])("d = %i, N = %i, neurons %j: bit for bit against plain loops", async (d, n, neurons) => {
    const rt = await runtimeFor("simd");
    const a = rt.arena;
    const dp = (d + 7) & ~7;
    const w = normals(testRandom(d * 17 + n), n * d);
    const i0 = 0;
    const g = Float32Array.from(normals(testRandom(12), n));
    const x = new Float32Array(dp);
    x.set(Float32Array.from(normals(testRandom(13), d)));
    const xNext = new Float32Array(dp);
    xNext.set(Float32Array.from(normals(testRandom(15), d)));
    const z = normals(testRandom(16), n);
    const alpha = -0.021;
    const ww = a.f64From(w);
    const wg = a.f64(Math.ceil(n / 2));
    const idx = a.f64(4);
    new Int32Array(rt.exports.memory.buffer, idx.ptr, 8).set(neurons);
    const wx = a.f64(dp / 2);
    const wxNext = a.f64(dp / 2);
    const wz = a.f64From(z);
    new Float32Array(rt.exports.memory.buffer, wg.ptr, n).set(g);
    new Float32Array(rt.exports.memory.buffer, wx.ptr, dp).set(x);
    new Float32Array(rt.exports.memory.buffer, wxNext.ptr, dp).set(xNext);
    rt.exports.eightAheadBatchOne(wg.ptr, i0, idx.ptr, wx.ptr, wxNext.ptr, d, ww.ptr, alpha, wz.ptr, moving);
    const wRef = Float64Array.from(w);
    const zRef = Float64Array.from(z);
    neurons.forEach((j, t) => {
      const update = t < 4 * moving;
      let acc = 0;
      for (let k = 0; k < d; k++) {
        if (update) wRef[j * d + k] = w[j * d + k]! + alpha * Math.fround(g[j - i0]! * x[k]!);
        acc = Math.fround(acc + Math.fround(xNext[k]! * Math.fround(wRef[j * d + k]!)));
      }
      zRef[j] = acc;
    });
    expect(bits(ww.view)).toBe(bits(wRef));
    expect(bits(wz.view)).toBe(bits(zRef));
    for (const b of [ww, wg, wx, wxNext, wz, idx]) b.free();
  });
});
