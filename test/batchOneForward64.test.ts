import { describe, expect, it } from "vitest";
import { normals, runtimeFor, testRandom } from "./helpers.js";

function bits(values: ArrayLike<number>): string {
  return Buffer.from(Float64Array.from(values).buffer).toString("hex");
}

// assembly/batchOneForward64.ts against its definition written as plain loops, for 4 neurons in
// any order: w_jk += alpha (0 + g_j x_k) (backward's gradient entry at one sample in the plain
// SIMD build, then axpy), then zNext[j] = (sum over even k of x'_k w_jk + sum over odd k of
// x'_k w_jk, each in order) + x'_{d-1} w_{j,d-1} when d is odd (dot1x4's two lanes, then the last
// coordinate); every other row of w and entry of zNext untouched. Without the update
// (forwardFourBatchOne64) w stays and zNext is formed from it.
describe.each([true, false])("updateFourForwardBatchOne64 / forwardFourBatchOne64 (simd build), update %s", (update) => {
  it.each([
    [1, 4, [0, 1, 2, 3]],
    [3, 8, [4, 1, 7, 2]],
    [13, 12, [8, 0, 11, 5]],
    [10, 8, [0, 6, 3, 5]],
    [7, 16, [12, 2, 15, 9]],
    [8, 8, [4, 5, 6, 7]],
    [321, 9, [4, 8, 1, 6]],
    [13, 9, [8, 8, 8, 8]],
  ])("d = %i, N = %i, neurons %j: bit for bit against plain loops", async (d, n, neurons) => {
    // A repeated neuron (forwardRest's padding) is only ever formed, never updated.
    if (update && new Set(neurons).size < 4) return;
    const rt = await runtimeFor("simd");
    const a = rt.arena;
    const w = normals(testRandom(d * 31 + n), n * d);
    const g = normals(testRandom(2), n);
    g[neurons[1]!] = 0;
    const x = normals(testRandom(3), d);
    const xNext = normals(testRandom(5), d);
    const z = normals(testRandom(6), n);
    const alpha = -0.037;
    const [ww, wg, wx, wxNext, wz] = [w, g, x, xNext, z].map((v) => a.f64From(v));
    const idx = a.f64(2);
    new Int32Array(rt.exports.memory.buffer, idx.ptr, 4).set(neurons);
    if (update) rt.exports.updateFourForwardBatchOne64(wg!.ptr, idx.ptr, wx!.ptr, wxNext!.ptr, d, ww!.ptr, alpha, wz!.ptr);
    else rt.exports.forwardFourBatchOne64(idx.ptr, wxNext!.ptr, d, ww!.ptr, wz!.ptr);
    const wRef = Float64Array.from(w);
    const zRef = Float64Array.from(z);
    for (const j of new Set(neurons)) {
      if (update) for (let k = 0; k < d; k++) wRef[j * d + k] = w[j * d + k]! + alpha * (0 + g[j]! * x[k]!);
      let even = 0;
      let odd = 0;
      for (let k = 0; k + 1 < d; k += 2) {
        even += xNext[k]! * wRef[j * d + k]!;
        odd += xNext[k + 1]! * wRef[j * d + k + 1]!;
      }
      zRef[j] = even + odd;
      if (d & 1) zRef[j] = zRef[j]! + xNext[d - 1]! * wRef[j * d + d - 1]!;
    }
    expect(bits(ww!.view)).toBe(bits(wRef));
    expect(bits(wz!.view)).toBe(bits(zRef));
    for (const b of [ww, wg, wx, wxNext, wz, idx]) b!.free();
  });
});
