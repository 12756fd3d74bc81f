import { describe, expect, it } from "vitest";
import { normals, runtimeFor, testRandom } from "./helpers.js";

function bits(values: ArrayLike<number>): string {
  return Buffer.from(Float64Array.from(values).buffer).toString("hex");
}

function bits32(values: ArrayLike<number>): string {
  return Buffer.from(Float32Array.from(values).buffer).toString("hex");
}

type Runtime = Awaited<ReturnType<typeof runtimeFor>>;

/**
 * Random w (n x d), f32 factors g, f32 samples x and xNext (padded to 8), f32 z, written into the
 * module's memory with the neuron list; `seed` keeps the two kernels' draws apart.
 */
function setUp(rt: Runtime, d: number, n: number, neurons: number[], seed: number) {
  const a = rt.arena;
  const dp = (d + 7) & ~7;
  const padded = (values: Float64Array) => {
    const out = new Float32Array(dp);
    out.set(Float32Array.from(values));
    return out;
  };
  const inputs = {
    w: normals(testRandom(d * seed + n), n * d),
    g: Float32Array.from(normals(testRandom(seed + 1), n)),
    x: padded(normals(testRandom(seed + 2), d)),
    xNext: padded(normals(testRandom(seed + 4), d)),
    z: Float32Array.from(normals(testRandom(seed + 5), n)),
  };
  const buffers = {
    w: a.f64From(inputs.w),
    g: a.f64(Math.ceil(n / 2)),
    idx: a.f64(Math.ceil(neurons.length / 2)),
    x: a.f64(dp / 2),
    xNext: a.f64(dp / 2),
    z: a.f64(Math.ceil(n / 2)),
  };
  const memory = rt.exports.memory.buffer;
  new Int32Array(memory, buffers.idx.ptr, neurons.length).set(neurons);
  new Float32Array(memory, buffers.g.ptr, n).set(inputs.g);
  new Float32Array(memory, buffers.x.ptr, dp).set(inputs.x);
  new Float32Array(memory, buffers.xNext.ptr, dp).set(inputs.xNext);
  new Float32Array(memory, buffers.z.ptr, n).set(inputs.z);
  const zView = () => new Float32Array(rt.exports.memory.buffer, buffers.z.ptr, n);
  return { inputs, buffers, zView };
}

/**
 * The definition as plain loops: for the listed neurons j (the t-th moving when moves(t)),
 * w_jk += alpha f64(f32(g_j x_k)) (as backward32Update's tiles), then zNext[j] = the f32 sum over
 * k = 0 .. d - 1, in order, of f32(x'_k f32(new w_jk)) (forward32 at one sample in the plain SIMD
 * build: a multiply then an add, each rounded), in f32; every other row of w and entry of z untouched.
 */
function reference(inputs: ReturnType<typeof setUp>["inputs"], d: number, neurons: number[], alpha: number, moves: (t: number) => boolean) {
  const { w, g, x, xNext, z } = inputs;
  const wRef = Float64Array.from(w);
  const zRef = Float32Array.from(z);
  neurons.forEach((j, t) => {
    let acc = 0;
    for (let k = 0; k < d; k++) {
      if (moves(t)) wRef[j * d + k] = w[j * d + k]! + alpha * Math.fround(g[j]! * x[k]!);
      acc = Math.fround(acc + Math.fround(xNext[k]! * Math.fround(wRef[j * d + k]!)));
    }
    zRef[j] = acc;
  });
  return { wRef, zRef };
}

// assembly/batchOneForward32.ts against its definition, for 4 neurons in any order (the listed
// ones, not adjacent). Without the update (forwardFourBatchOne) w stays and zNext is formed from it.
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
    const { inputs, buffers: b, zView } = setUp(rt, d, n, neurons, 31);
    const alpha = -0.037;
    if (update) rt.exports.updateFourForwardBatchOne(b.g.ptr, 0, b.idx.ptr, b.x.ptr, b.xNext.ptr, d, b.w.ptr, alpha, b.z.ptr);
    else rt.exports.forwardFourBatchOne(b.idx.ptr, b.xNext.ptr, d, b.w.ptr, b.z.ptr);
    const { wRef, zRef } = reference(inputs, d, neurons, alpha, () => update);
    expect(bits(b.w.view)).toBe(bits(wRef));
    expect(bits32(zView())).toBe(bits32(zRef));
    for (const buffer of Object.values(b)) buffer.free();
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
    const { inputs, buffers: b, zView } = setUp(rt, d, n, neurons, 17);
    const alpha = -0.021;
    rt.exports.eightAheadBatchOne(b.g.ptr, 0, b.idx.ptr, b.x.ptr, b.xNext.ptr, d, b.w.ptr, alpha, b.z.ptr, moving);
    const { wRef, zRef } = reference(inputs, d, neurons, alpha, (t) => t < 4 * moving);
    expect(bits(b.w.view)).toBe(bits(wRef));
    expect(bits32(zView())).toBe(bits32(zRef));
    for (const buffer of Object.values(b)) buffer.free();
  });
});
