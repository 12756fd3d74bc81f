import { describe, expect, it } from "vitest";
import { reluNtk } from "../src/activation/closedForms.js";
import { parseConfig } from "../src/config.js";
import { NORMAL_SCRATCH_PER_FEATURE } from "../src/kernels/featureRidge.js";
import { modelKernel, tabulate, UNIFORM_MIN_D, UNIFORM_NODES, UNIFORM_TAU, type KernelKind } from "../src/kernels/modelKernel.js";
import { gegenbauerSeries } from "../src/special/gegenbauerSeries.js";
import { BUILDS, normals, runtimeFor, testRandom } from "./helpers.js";
import { referenceAccumulateNormal, referenceHermiteFeatures, referenceSphereFeatures, referenceTable, referenceTableBlock, referenceTabulate } from "./reference/kernelGram.js";

function unitRows(rows: number, d: number, seed: number): Float64Array {
  const x = normals(testRandom(seed), rows * d);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[r * d + k]! ** 2;
    for (let k = 0; k < d; k++) x[r * d + k] = x[r * d + k]! / Math.sqrt(s);
  }
  return x;
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const TABLE = referenceTabulate((t) => Math.exp(t) + Math.sqrt(1 - t * t), 129);

/** tableKernelRows of the rows xl (scales sl, inverse norms il) against the columns xr (sr, ir) through the module: the rows x cols block and a function freeing its buffers. */
function wasmTableBlock(
  rt: Awaited<ReturnType<typeof runtimeFor>>, xl: Float64Array, rows: number, xr: Float64Array, cols: number, d: number,
  sl: Float64Array, il: Float64Array, sr: Float64Array, ir: Float64Array, table: Float64Array,
) {
  const a = rt.arena;
  const bufs = [xl, xr, sl, il, sr, ir, table].map((v) => a.f64From(v));
  const [wxl, wxr, wsl, wil, wsr, wir, wt] = bufs;
  const packed = a.f64(4 * Math.ceil(cols / 4) * d);
  const cubics = a.f64(4 * table.length);
  const work = a.f64(rt.exports.tableKernelRowsWork(d));
  const out = a.f64(rows * cols);
  rt.exports.packScaledQuads(wxr!.ptr, cols, d, wir!.ptr, packed.ptr);
  rt.exports.tableCubics(wt!.ptr, table.length, cubics.ptr);
  rt.exports.tableKernelRows(wxl!.ptr, rows, d, wsl!.ptr, wil!.ptr, packed.ptr, cols, wsr!.ptr, cubics.ptr, table.length, out.ptr, work.ptr);
  return { out, free: () => { for (const b of [...bufs, packed, cubics, work, out]) b.free(); } };
}

/** (K + ridge I) v through the module's tableKernelSymvPacked for the points x (n x d; scales s, inverse norms inv): K v and a function freeing its buffers. */
function wasmGramProduct(
  rt: Awaited<ReturnType<typeof runtimeFor>>, x: Float64Array, n: number, d: number, s: Float64Array, inv: Float64Array, table: Float64Array, ridge: number, v: Float64Array,
) {
  const a = rt.arena;
  const bufs = [x, s, inv, table, v].map((u) => a.f64From(u));
  const [wx, ws, winv, wt, wv] = bufs;
  const packed = a.f64(4 * Math.ceil(n / 4) * d);
  const work = a.f64(rt.exports.tableKernelSymvWork(n));
  const kv = a.f64(n);
  const cubics = a.f64(4 * table.length);
  rt.exports.packScaledQuads(wx!.ptr, n, d, winv!.ptr, packed.ptr);
  rt.exports.tableCubics(wt!.ptr, table.length, cubics.ptr);
  rt.exports.tableKernelSymvPacked(packed.ptr, n, d, ws!.ptr, cubics.ptr, table.length, table[0]!, ridge, wv!.ptr, kv.ptr, work.ptr);
  return { kv, free: () => { for (const b of [...bufs, packed, work, kv, cubics]) b.free(); } };
}

describe.each(BUILDS)("kernel Gram and feature kernels match plain loops (%s build)", (build) => {
  // Odd d, rows not a multiple of the row quad (4), n not a multiple of the column quad nor of the
  // column block (256), n = 1 and rows = 1.
  it.each([
    [7, 13, 21],
    [5, 6, 301],
    [3, 1, 1],
    [10, 9, 257],
  ])("tableKernelRows at d = %i, %i rows x n = %i and blockGemv to 1e-13", async (d, rows, cols) => {
    const rt = await runtimeFor(build);
    const xl = normals(testRandom(1), rows * d);
    const xr = normals(testRandom(2), cols * d);
    const rand = testRandom(3);
    const sl = Float64Array.from({ length: rows }, () => 0.5 + rand());
    const sr = Float64Array.from({ length: cols }, () => 0.5 + rand());
    const il = Float64Array.from({ length: rows }, (_, r) => 1 / Math.hypot(...xl.subarray(r * d, (r + 1) * d)));
    const ir = Float64Array.from({ length: cols }, (_, c) => 1 / Math.hypot(...xr.subarray(c * d, (c + 1) * d)));
    const a = rt.arena;
    const { out, free } = wasmTableBlock(rt, xl, rows, xr, cols, d, sl, il, sr, ir, TABLE);
    const expected = referenceTableBlock(xl, rows, xr, cols, d, sl, il, sr, ir, TABLE);
    // Measured: at most 1.8e-15 here (the products of prescaled points differ from <x, y> i_x i_y by rounding).
    expect(maxAbs(out.view, expected)).toBeLessThan(1e-13);

    const v = normals(testRandom(4), cols);
    const wv = a.f64From(v);
    const gv = a.f64(rows);
    rt.exports.blockGemv(out.ptr, rows, cols, wv.ptr, gv.ptr);
    const gvRef = Array.from({ length: rows }, (_, r) => v.reduce((s, vj, j) => s + expected[r * cols + j]! * vj, 0));
    expect(maxAbs(gv.view, gvRef)).toBeLessThan(1e-12);
    free();
    for (const b of [wv, gv]) b.free();
  });

  // Odd d, n not a multiple of the quad (4) nor of the column block (256 at d = 7, 60 at d = 33,
  // 204 at d = 10), n below one block (d = 7, n = 21: the diagonal block only; n = 1, 2), and every
  // remainder of rows after the row quads below a block: 3 (d = 33, n = 203: a pair and a lone
  // row), 2 (d = 3, n = 1030), 1 (d = 7, n = 301; d = 10, n = 613). Rows 5-7 are 2 x_0, -x_0 and
  // x_0 + 1e-3 x_1, so t = +-1 and t near 1 (the end intervals of each side) are in every product.
  it.each([
    [7, 21],
    [7, 301],
    [3, 1030],
    [33, 203],
    [10, 613],
    [1, 517],
    [4, 1],
    [5, 2],
  ])("tableKernelSymvPacked at d = %i, n = %i against the plain Gram product to 5e-14", async (d, n) => {
    const rt = await runtimeFor(build);
    const x = normals(testRandom(10 + d), n * d);
    if (n >= 8) {
      for (let k = 0; k < d; k++) {
        x[5 * d + k] = 2 * x[k]!;
        x[6 * d + k] = -x[k]!;
        x[7 * d + k] = x[k]! + 1e-3 * x[d + k]!;
      }
    }
    const rand = testRandom(11);
    const s = Float64Array.from({ length: n }, () => 0.5 + rand());
    const inv = Float64Array.from({ length: n }, (_, r) => 1 / Math.hypot(...x.subarray(r * d, (r + 1) * d)));
    const v = normals(testRandom(12), n);
    const ridge = 0.3;
    const { kv, free } = wasmGramProduct(rt, x, n, d, s, inv, TABLE, ridge, v);
    // t from the prescaled points y_i = x_i / |x_i|, as the kernel forms it: at t = +-1 the table's
    // square root turns the last-bit difference of <x_i, x_j> i_i i_j into 1e-8.
    const y = x.map((value, k) => value * inv[Math.floor(k / d)]!);
    const gram = referenceTableBlock(y, n, y, n, d, s, new Float64Array(n).fill(1), s, new Float64Array(n).fill(1), TABLE);
    // The diagonal is s^2 g(1) exactly: <x, x> / |x|^2 rounded below 1 would move g's square root by 1e-8.
    for (let i = 0; i < n; i++) gram[i * n + i] = s[i]! ** 2 * TABLE[0]!;
    const kvRef = Array.from({ length: n }, (_, i) => v.reduce((sum, vj, j) => sum + gram[i * n + j]! * vj, ridge * v[i]!));
    const scale = Math.max(...kvRef.map(Math.abs));
    // Measured: at most 4.7e-15 over these shapes in both builds.
    expect(maxAbs(kv.view, kvRef) / scale).toBeLessThan(5e-14);
    free();
  });

  // A table whose square-root part holds g + 1 and whose uniform part holds g, so each entry shows
  // which part it was read from: all evaluators must take the uniform part iff d >= UNIFORM_MIN_D
  // and |t| < 7/8. With one nonzero coordinate (the others zero, at d = 1, 2, UNIFORM_MIN_D - 1,
  // UNIFORM_MIN_D and an odd d above) t = x_i x_j is one rounded product in every evaluator, the
  // plain loops' too. The points give t = +-7/8 exactly, one ulp and 1e-9 to either side, +-1,
  // |t| > 1, 0 and random t, so tiles hold one far entry in each of their 16 places, several, or
  // none; below UNIFORM_MIN_D every one of them reads the square-root part.
  const tau = UNIFORM_TAU;
  const special = [1, -1, tau, -tau, tau + 2 ** -53, tau - 2 ** -53, -tau - 2 ** -53, -tau + 2 ** -53, tau + 1e-9, tau - 1e-9, 0.999, 1.02, 0, 0.5];
  function markedTable(): Float64Array {
    const table = referenceTabulate((t) => Math.exp(t) + Math.sqrt(Math.max(0, 1 - t * t)), 129);
    for (let k = 0; k < table.length - UNIFORM_NODES; k++) table[k]! += 1;
    return table;
  }
  function boundaryPoints(n: number, seed: number): Float64Array {
    const rand = testRandom(seed);
    return Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? special[(i / 3) % special.length]! : 2 * rand() - 1));
  }
  // The first coordinates r in d dimensions, the others 0.
  function padded(r: Float64Array, d: number): Float64Array {
    const x = new Float64Array(r.length * d);
    for (let i = 0; i < r.length; i++) x[i * d] = r[i]!;
    return x;
  }
  const markedDims = (small: number) => [small, UNIFORM_MIN_D - 1, UNIFORM_MIN_D, UNIFORM_MIN_D + 2];

  it("the module reads the uniform part from the same d as the TypeScript side", async () => {
    expect((await runtimeFor(build)).exports.tableUniformMinD()).toBe(UNIFORM_MIN_D);
  });

  it.each([1, 2, 5, 7, 13, 22, 301, 517].flatMap((n) => markedDims(n % 2 === 0 ? 2 : 1).map((d) => [n, d])))("tableKernelSymvPacked with t at and around 7/8, n = %i, d = %i: each entry from the table part d and its |t| pick", async (n, d) => {
    const rt = await runtimeFor(build);
    const table = markedTable();
    const x = padded(boundaryPoints(n, n), d);
    const rand = testRandom(20);
    const s = Float64Array.from({ length: n }, () => 0.5 + rand());
    const v = normals(testRandom(21), n);
    const ones = new Float64Array(n).fill(1);
    const ridge = 0.3;
    const { kv, free } = wasmGramProduct(rt, x, n, d, s, ones, table, ridge, v);
    const gram = referenceTableBlock(x, n, x, n, d, s, ones, s, ones, table);
    for (let i = 0; i < n; i++) gram[i * n + i] = s[i]! ** 2 * table[0]!;
    const kvRef = Array.from({ length: n }, (_, i) => v.reduce((sum, vj, j) => sum + gram[i * n + j]! * vj, ridge * v[i]!));
    // Any entry read from the other part moves its row's sum by s_i s_j v_j, about 1.
    expect(maxAbs(kv.view, kvRef) / Math.max(...kvRef.map(Math.abs))).toBeLessThan(5e-14);
    free();
  });

  it.each(markedDims(1))("tableKernelRows with t at and around 7/8, d = %i: each entry from the table part d and its |t| pick", async (d) => {
    const rt = await runtimeFor(build);
    const table = markedTable();
    const [rows, cols] = [6, 261];
    const r = boundaryPoints(rows, 3);
    r.set([1, -1, tau, 1 + 2 ** -52]);
    const xl = padded(r, d);
    const xr = padded(boundaryPoints(cols, 4), d);
    const ones = (k: number) => new Float64Array(k).fill(1);
    const { out, free } = wasmTableBlock(rt, xl, rows, xr, cols, d, ones(rows), ones(rows), ones(cols), ones(cols), table);
    const expected = referenceTableBlock(xl, rows, xr, cols, d, ones(rows), ones(rows), ones(cols), ones(cols), table);
    expect(maxAbs(out.view, expected)).toBeLessThan(1e-13);
    free();
  });

  // Beyond |t| = 7/8 exact; inside, the uniform part's cubics in t meet a function smooth there.
  it("the table interpolation is exact for cubics in s = sqrt(1 - |t|) on each side, to 1e-13 inside |t| < 7/8", () => {
    const cubic = (s: number) => 1 - 2 * s + 0.5 * s * s - 3 * s ** 3;
    const g = (t: number) => (t >= 0 ? cubic(Math.sqrt(1 - t)) : 2 * cubic(Math.sqrt(1 + t)));
    const table = referenceTabulate(g, 17);
    for (const d of [1, UNIFORM_MIN_D]) {
      for (const t of [-1, -0.97, -0.3, 0.01, 0.5, 0.999, 1]) expect(Math.abs(referenceTable(table, t, d) - g(t))).toBeLessThan(1e-13);
    }
  });

  it("sphereFeatures and hermiteFeatures to 1e-12", async () => {
    const rt = await runtimeFor(build);
    const a = rt.arena;
    const [rows, d] = [37, 6];
    const x = unitRows(rows, d, 5);
    const anchors = unitRows(9, d, 6);
    const degrees = Float64Array.of(0, 1, 1, 2, 3, 4, 5, 6, 7);
    const [wx, wa, wd] = [x, anchors, degrees].map((v) => a.f64From(v)) as [ReturnType<typeof a.f64>, ReturnType<typeof a.f64>, ReturnType<typeof a.f64>];
    const out = a.f64(degrees.length * rows);
    rt.exports.sphereFeatures(wx.ptr, rows, d, wa.ptr, wd.ptr, degrees.length, out.ptr);
    expect(maxAbs(out.view, referenceSphereFeatures(x, rows, d, anchors, degrees))).toBeLessThan(1e-12);

    const g = normals(testRandom(7), rows * d);
    const wg = a.f64From(g);
    const maxDegree = 4;
    const slots = 4;
    // codes: coordinate * (maxDegree + 1) + degree; -1 unused.
    const codes = Float64Array.of(-1, -1, -1, -1, 2 * 5 + 1, -1, -1, -1, 0 * 5 + 2, 3 * 5 + 2, -1, -1, 5 * 5 + 4, -1, -1, -1, 1, 6, 11, 16);
    const wc = a.f64From(codes);
    const p = codes.length / slots;
    const hf = a.f64(p * rows);
    const scratch = a.f64(rows * d * (maxDegree + 1));
    rt.exports.hermiteFeatures(wg.ptr, rows, d, maxDegree, wc.ptr, slots, p, hf.ptr, scratch.ptr);
    expect(maxAbs(hf.view, referenceHermiteFeatures(g, rows, d, maxDegree, codes, slots))).toBeLessThan(1e-12);
    for (const b of [wx, wa, wd, out, wg, wc, hf, scratch]) b.free();
  });

  // Shapes around accumulateNormal's blocking (assembly/features.ts): p = 1, p not a multiple of
  // its panels (4 features, 3 in the relaxed build), one sample, odd sample counts, and counts
  // past, at and not a multiple of its 128-sample chunks, and p past twice the 512 (510) features
  // whose panels of a full chunk one pass of its tiles streams against. The error against a compensated sum is measured relative to
  // |start| + sum_s |phi_is phi_js|, which bounds any summation order's by rows 2^-53 of it:
  // reached at most 6.2e-16 in the SIMD build, 1.04e-15 in the scalar one (sequential sums of 128).
  it("accumulateNormal: the lower triangle of start + phiT phiT^T to 1.5e-15 of |start| + sum |products|, the upper untouched", async () => {
    const rt = await runtimeFor(build);
    const a = rt.arena;
    let worst = 0;
    for (const [p, rows] of [[1, 1], [1, 300], [2, 3], [3, 1], [4, 128], [5, 129], [7, 5], [8, 64], [13, 33], [16, 257], [20, 300], [1030, 130]] as const) {
      const phi = normals(testRandom(p * 100 + rows), p * rows);
      const wphi = a.f64From(phi);
      const start = normals(testRandom(9), p * p);
      const gram = a.f64From(start);
      expect(rt.exports.accumulateNormalScratch(p), "the scratch featureRidgeBytes budgets").toBeLessThanOrEqual((p + 3) * NORMAL_SCRATCH_PER_FEATURE);
      const scratch = a.f64(rt.exports.accumulateNormalScratch(p));
      rt.exports.accumulateNormal(wphi.ptr, p, rows, gram.ptr, scratch.ptr);
      const ref = referenceAccumulateNormal(phi, p, rows, start);
      for (let i = 0; i < p * p; i++) {
        const err = Math.abs(gram.view[i]! - ref.gram[i]!);
        if (ref.scale[i] === 0) expect(err, `upper entry ${i} at p = ${p}`).toBe(0);
        else worst = Math.max(worst, err / ref.scale[i]!);
      }
      for (const b of [wphi, gram, scratch]) b.free();
    }
    expect(worst).toBeLessThan(1.5e-15);
  });

  it("featuresTimes and featuresTransposedTimes to 1e-12", async () => {
    const rt = await runtimeFor(build);
    const a = rt.arena;
    for (const [p, rows] of [[1, 1], [2, 3], [7, 5], [8, 64], [13, 33]] as const) {
      const phi = normals(testRandom(p * 100 + rows), p * rows);
      const wphi = a.f64From(phi);
      const u = normals(testRandom(10), p);
      const v = normals(testRandom(11), rows);
      const [wu, wv] = [a.f64From(u), a.f64From(v)];
      const out = a.f64(rows);
      rt.exports.featuresTimes(wphi.ptr, p, rows, wu.ptr, out.ptr);
      const outRef = Array.from({ length: rows }, (_, s) => u.reduce((acc, uj, j) => acc + uj * phi[j * rows + s]!, 0));
      expect(maxAbs(out.view, outRef)).toBeLessThan(1e-12);
      const acc = a.f64From(u);
      rt.exports.featuresTransposedTimes(wphi.ptr, p, rows, wv.ptr, acc.ptr);
      const accRef = Array.from({ length: p }, (_, j) => u[j]! + v.reduce((s2, vs, s) => s2 + vs * phi[j * rows + s]!, 0));
      expect(maxAbs(acc.view, accRef)).toBeLessThan(1e-12);
      for (const b of [wphi, wu, wv, out, acc]) b.free();
    }
  });
});

/**
 * The ReLU NTK at unit inputs, (sin theta + 2 (pi - theta) rho) / (2 pi), theta = acos rho (Cho &
 * Saul 2009's arc-cosine kernels, in the normalization of src/activation/closedForms.ts), with theta
 * and pi - theta from half-angle arcsines so 1 -+ rho keeps its digits at rho -> +-1.
 */
function reluNtkHalfAngle(rho: number): number {
  const theta = rho >= 0 ? 2 * Math.asin(Math.sqrt((1 - rho) / 2)) : Math.PI - 2 * Math.asin(Math.sqrt((1 + rho) / 2));
  const supplement = rho >= 0 ? Math.PI - theta : 2 * Math.asin(Math.sqrt((1 + rho) / 2));
  return (Math.sqrt((1 - rho) * (1 + rho)) + 2 * supplement * rho) / (2 * Math.PI);
}

describe.each(BUILDS)("the tabulated ReLU NTK near rho = +-1 (%s build)", (build) => {
  it("rho = +-(1 - 10^-k), k = 1..12, through tableKernelRows: to 2e-13 of the closed form", async () => {
    const rt = await runtimeFor(build);
    const rhos = Array.from({ length: 12 }, (_, k) => 1 - 10 ** -(k + 1)).flatMap((r) => [r, -r]);
    // Unit vectors in d = 2 whose dot product is rho exactly: (1, 0) and (rho, sqrt(1 - rho^2)).
    const left = Float64Array.from([1, 0]);
    const right = Float64Array.from(rhos.flatMap((r) => [r, Math.sqrt((1 - r) * (1 + r))]));
    const ones = (n: number) => new Float64Array(n).fill(1);
    const table = tabulate(reluNtk);
    const a = rt.arena;
    const bufs = [left, right, ones(1), ones(1), ones(rhos.length), ones(rhos.length), table].map((v) => a.f64From(v));
    const out = a.f64(rhos.length);
    const [wl, wr, sl, il, sr, ir, wt] = bufs as [typeof bufs[0], typeof bufs[0], typeof bufs[0], typeof bufs[0], typeof bufs[0], typeof bufs[0], typeof bufs[0]];
    const packed = a.f64(4 * Math.ceil(rhos.length / 4) * 2);
    const cubics = a.f64(4 * table.length);
    const work = a.f64(rt.exports.tableKernelRowsWork(2));
    bufs.push(packed, cubics, work);
    rt.exports.packScaledQuads(wr.ptr, rhos.length, 2, ir.ptr, packed.ptr);
    rt.exports.tableCubics(wt.ptr, table.length, cubics.ptr);
    rt.exports.tableKernelRows(wl.ptr, 1, 2, sl.ptr, il.ptr, packed.ptr, rhos.length, sr.ptr, cubics.ptr, table.length, out.ptr, work.ptr);
    const errors = rhos.map((r, j) => Math.abs(out.view[j]! - reluNtkHalfAngle(r)));
    if (build === "simd") console.log(`tabulated ReLU NTK errors at +-(1 - 10^-k): ${errors.map((e) => e.toExponential(1)).join(", ")}`);
    // Measured: at most 9.1e-14 (k = 9, the closed form's acos near 1), against 3.2e-4 at
    // rho = 1 - 1e-5 when the table was equispaced in rho.
    for (const e of errors) expect(e).toBeLessThanOrEqual(2e-13);
    for (const b of [...bufs, out]) b.free();
  });
});

// The table size is set by accuracy, not speed: the sphere kernels are Gegenbauer series to degree
// 48, whose top terms oscillate on a scale of 1/48 in s near t = +-1, so the interpolation error
// falls as the 4th power of the table size. Measured (max over t of |interpolated - series| / g(1),
// TypeScript's 4-point Lagrange form): at 2^15 entries at most 1.5e-14 (abs NTK, d = 3); at 2^13
// entries (a quarter of the cubics' 1 MiB, 1.06x faster in the CG Gram product) 4.1e-12 for the abs
// NTK and 2.0e-12 for the ReLU NTK at d = 3. The uniform part (|t| < 7/8, spacing 2^-13; its
// choice in assembly/gramProduct.ts) errs by at most 2.2e-14 (abs NTK, d = 3), 1.1e-14 (ReLU NTK).
describe.each(BUILDS)("the model kernels' tables against their series (%s build)", (build) => {
  it.each([
    ["relu", "ntk", 3],
    ["relu", "nngp", 3],
    ["abs", "ntk", 3],
    ["relu", "ntk", 10],
    ["tanh", "ntk", 3],
  ] as const)("%s %s at d = %i through tableKernelRows: to 1e-13 of g(1) for all t, t -> +-1, t -> 0 and t around +-7/8", async (activation, kind, d) => {
    const rt = await runtimeFor(build);
    const config = parseConfig({
      task: { kind: "sphereSingleIndex", d, link: "relu" },
      model: { width: 10, activation },
      algorithm: { kind: "onlineSgd", steps: 1, stepSize: 1, batch: 1 },
    });
    const kernel = modelKernel(config, kind as KernelKind);
    const table = kernel.table!;
    const near = Array.from({ length: 12 }, (_, k) => 1 - 10 ** -(k + 1)).flatMap((r) => [r, -r, 1 - r, r - 1]);
    // Both sides of |t| = 7/8, where the kernels change from one table part to the other.
    const edge = [0, 2 ** -53, 1e-12, 1e-9, 1e-6, 1e-4, 1e-3].flatMap((e) => [UNIFORM_TAU - e, UNIFORM_TAU + e, -UNIFORM_TAU - e, -UNIFORM_TAU + e]);
    const rhos = [...Array.from({ length: 4001 }, (_, k) => -1 + k / 2000), ...near, ...edge];
    const series = rhos.map((r) => gegenbauerSeries(kernel.degreeWeights, d, r).value);
    // The square-root part alone (points in 2 dimensions) and with the uniform part (UNIFORM_MIN_D).
    for (const dim of [2, UNIFORM_MIN_D]) {
      // Unit vectors whose dot product is rho exactly: (1, 0, ..) and (rho, sqrt(1 - rho^2), 0, ..).
      const right = new Float64Array(rhos.length * dim);
      for (const [j, r] of rhos.entries()) right.set([r, Math.sqrt((1 - r) * (1 + r))], j * dim);
      const left = new Float64Array(dim);
      left[0] = 1;
      const ones = (n: number) => new Float64Array(n).fill(1);
      const a = rt.arena;
      const bufs = [left, right, ones(1), ones(1), ones(rhos.length), ones(rhos.length), table].map((v) => a.f64From(v));
      const [wl, wr, sl, il, sr, ir, wt] = bufs as [typeof bufs[0], typeof bufs[0], typeof bufs[0], typeof bufs[0], typeof bufs[0], typeof bufs[0], typeof bufs[0]];
      const packed = a.f64(4 * Math.ceil(rhos.length / 4) * dim);
      const cubics = a.f64(4 * table.length);
      const work = a.f64(rt.exports.tableKernelRowsWork(dim));
      const out = a.f64(rhos.length);
      bufs.push(packed, cubics, work, out);
      rt.exports.packScaledQuads(wr.ptr, rhos.length, dim, ir.ptr, packed.ptr);
      rt.exports.tableCubics(wt.ptr, table.length, cubics.ptr);
      rt.exports.tableKernelRows(wl.ptr, 1, dim, sl.ptr, il.ptr, packed.ptr, rhos.length, sr.ptr, cubics.ptr, table.length, out.ptr, work.ptr);
      let worst = 0;
      for (const [j, value] of series.entries()) worst = Math.max(worst, Math.abs(out.view[j]! - value));
      worst /= Math.abs(table[0]!);
      if (build === "simd") console.log(`${activation} ${kind}, d = ${d}, points in ${dim} dimensions: table against series ${worst.toExponential(1)} of g(1)`);
      expect(worst).toBeLessThan(1e-13);
      for (const b of bufs) b.free();
    }
  });
});
