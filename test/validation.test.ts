import { describe, expect, it } from "vitest";
import { loadRuntime } from "../src/wasm/runtime.js";
import { encodeActivation } from "../src/activation/spec.js";

const good = () => ({
  x: new Float64Array([1, 2, 3, 4, 5, 6]),
  w: new Float64Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]),
  a: new Float64Array([1, -1]),
  r: new Float64Array([0.5, -0.5]),
  d: 3,
  scale: 0.5,
  activation: "relu" as const,
});

describe("bad input to the kernel wrapper throws an Error naming the argument", () => {
  it("accepts the good input", async () => {
    const rt = await loadRuntime();
    expect(rt.network.backward(good()).gradW).toHaveLength(6);
  });

  it.each([
    ["d = 0", { d: 0 }, /d \(input dimension\) must be an integer >= 1, got 0/],
    ["d not an integer", { d: 1.5 }, /d \(input dimension\)/],
    ["w with the wrong length", { w: new Float64Array(5) }, /w has length 5, expected 6 \(N x d = 2 x 3\)/],
    ["x not a multiple of d", { x: new Float64Array(7) }, /x has length 7, expected a positive multiple of d = 3/],
    ["empty x", { x: new Float64Array(0) }, /x has length 0/],
    ["no neurons", { a: new Float64Array(0), w: new Float64Array(0) }, /a\.length \(number of neurons\)/],
    ["r with the wrong length", { r: new Float64Array(3) }, /r has length 3, expected 2/],
    ["NaN weight", { w: new Float64Array([0.1, NaN, 0, 0, 0, 0]) }, /w\[1\] is NaN/],
    ["infinite input", { x: new Float64Array([1, 2, 3, 4, 5, -Infinity]) }, /x\[5\] is -Infinity/],
    ["NaN second layer", { a: new Float64Array([1, NaN]) }, /a\[1\] is NaN/],
    ["NaN residual", { r: new Float64Array([NaN, 0]) }, /r\[0\] is NaN/],
    ["NaN scale", { scale: NaN }, /scale must be a finite number/],
    ["unknown activation", { activation: "softplus" }, /activation/],
    ["polynomial of degree 13", { activation: { kind: "polynomial", coefficients: new Array(14).fill(1) } }, /activation\.coefficients/],
  ])("%s", async (_name, change, message) => {
    const rt = await loadRuntime();
    const input = { ...good(), ...change } as ReturnType<typeof good>;
    expect(() => rt.network.backward(input)).toThrow(message);
    expect(rt.arena.liveAllocations).toBe(0);
  });

  it("low-level calls check every buffer's length", async () => {
    const rt = await loadRuntime();
    const arena = rt.arena;
    const [x, w, a, z, f] = [arena.f64(6), arena.f64(6), arena.f64(2), arena.f64(3), arena.f64(2)];
    x.view.fill(0);
    w.view.fill(0);
    a.view.fill(0);
    const act = (await import("../src/wasm/networkKernels.js")).WasmActivation;
    const relu = new act(rt, "relu");
    expect(() => rt.network.forwardInto({ n: 2, d: 3, b: 2 }, 1, relu, { x, w, a, z, f })).toThrow(/z has length 3, expected 4 \(B x N = 2 x 2\)/);
    expect(() => rt.network.forwardInto({ n: 2, d: 0, b: 2 }, 1, relu, { x, w, a, z, f })).toThrow(/d \(input dimension\)/);
    w.view[3] = NaN;
    expect(() => rt.network.forwardInto({ n: 2, d: 3, b: 2 }, 1, relu, { x, w, a, z: arena.f64(4), f })).toThrow(/w\[3\] is NaN/);
  });
});

describe("activation specs", () => {
  it.each([
    [{ kind: "piecewiseLinear", breakpoints: [1, 0], slopes: [0, 1, 0] }, /activation\.breakpoints\[1\]: breakpoints must be strictly increasing/],
    [{ kind: "piecewiseLinear", breakpoints: [0], slopes: [1] }, /activation\.slopes: expected 2 slopes/],
    [{ kind: "polynomial", coefficients: [1, Infinity] }, /activation\.coefficients\[1\]/],
    [{ kind: "gelu" }, /activation/],
  ])("%j is refused", (spec, message) => {
    expect(() => encodeActivation(spec as never)).toThrow(message);
  });

  it("encodes a piecewise-linear function so that sigma(0) = valueAtZero", () => {
    const { params } = encodeActivation({ kind: "piecewiseLinear", breakpoints: [-1, 2], slopes: [0, 1, 0], valueAtZero: 0.5 });
    // sigma(0) = K + sum_j delta_j max(-b_j, 0) with (b, delta) = (-1, 1), (2, -1).
    expect(params[0]! + 1 * 1).toBe(0.5);
  });
});
