import { describe, expect, it } from "vitest";
import { Arena, MAX_WASM_BYTES, WasmMemoryError } from "../src/wasm/arena.js";
import { loadRuntime } from "../src/wasm/runtime.js";
import { normals, testRandom } from "./helpers.js";

describe("arena", () => {
  it("reuses freed space (first fit, coalescing) instead of growing", async () => {
    const rt = await loadRuntime();
    const arena = rt.arena;
    const a = arena.alloc(1000);
    const b = arena.alloc(5000);
    const c = arena.alloc(64);
    const reserved = arena.bytesReserved;
    arena.free(a);
    arena.free(b);
    // a and b coalesced into one block that now fits a larger request.
    const d = arena.alloc(6000);
    expect(d).toBe(a);
    expect(arena.bytesReserved).toBe(reserved);
    arena.free(c);
    arena.free(d);
    expect(arena.bytesInUse).toBe(0);
    expect(arena.bytesReserved).toBe(0);
  });

  it("aligns every allocation to 64 bytes", async () => {
    const rt = await loadRuntime();
    const ptrs = [1, 7, 100, 64, 3].map((n) => rt.arena.alloc(n));
    for (const p of ptrs) expect(p % 64).toBe(0);
    for (const p of ptrs) rt.arena.free(p);
  });

  it("grows memory and keeps views valid across growth", async () => {
    const rt = await loadRuntime();
    const first = rt.arena.f64From([1, 2, 3]);
    const before = rt.exports.memory.buffer.byteLength;
    const big = rt.arena.f64(8 * 1024 * 1024);
    expect(rt.exports.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(Array.from(first.view)).toEqual([1, 2, 3]);
    big.view[big.length - 1] = 5;
    expect(big.toArray()[big.length - 1]).toBe(5);
    big.free();
    first.free();
  });

  it("copies a view of its own memory even when the copy grows the memory", async () => {
    const rt = await loadRuntime();
    const first = rt.arena.f64From([1, 2, 3]);
    const big = rt.arena.f64(rt.exports.memory.buffer.byteLength / 8);
    big.view.fill(7);
    const copy = rt.arena.f64From(big.view);
    expect(copy.view[copy.length - 1]).toBe(7);
    expect(Array.from(first.view)).toEqual([1, 2, 3]);
    for (const b of [first, big, copy]) b.free();
  });

  it("refuses requests past 4 GiB with an error naming the size", async () => {
    const rt = await loadRuntime();
    const request = MAX_WASM_BYTES + 8;
    expect(() => rt.arena.alloc(request)).toThrow(WasmMemoryError);
    expect(() => rt.arena.alloc(request)).toThrow(/4294967304 bytes \(4\.00 GiB\).*at most 4 GiB/);
    expect(() => rt.arena.f64(600_000_000)).toThrow(/4800000000 bytes/);
    expect(rt.arena.bytesInUse).toBe(0);
  });

  it("rejects double free, foreign pointers, use after free and freeing a subarray", async () => {
    const rt = await loadRuntime();
    const buf = rt.arena.f64(4);
    const sub = buf.subarray(1, 3);
    expect(() => sub.free()).toThrow(/subarray/);
    buf.free();
    expect(() => buf.view).toThrow(/after free/);
    expect(() => sub.view).toThrow(/after free/);
    expect(() => rt.arena.free(buf.ptr)).toThrow(/not a live allocation/);
    expect(() => rt.arena.alloc(-1)).toThrow(/non-negative integer/);
  });

  it("the copying kernel API leaves no allocation behind (1000 calls)", async () => {
    const rt = await loadRuntime();
    const rand = testRandom(3);
    const input = {
      x: normals(rand, 9 * 5),
      w: normals(rand, 4 * 5),
      a: normals(rand, 4),
      r: normals(rand, 9),
      d: 5,
      scale: 0.25,
      activation: { kind: "polynomial" as const, coefficients: [0, 1, 0.5] },
    };
    rt.network.backward(input);
    const reserved = rt.arena.bytesReserved;
    for (let i = 0; i < 1000; i++) {
      rt.network.forward(input);
      rt.network.backward(input);
      rt.random.gaussian(1, "leak", 17);
    }
    expect(rt.arena.liveAllocations).toBe(0);
    expect(rt.arena.bytesReserved).toBe(reserved);
    // An exception inside a call frees its temporaries too.
    expect(() => rt.network.backward({ ...input, r: new Float64Array(3) })).toThrow();
    expect(() => rt.network.forward({ ...input, activation: { kind: "polynomial", coefficients: [] } })).toThrow();
    expect(rt.arena.liveAllocations).toBe(0);
  });

  it("is usable on its own over any memory", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const arena = new Arena(memory, 100);
    const buf = arena.f64(10_000);
    expect(buf.ptr).toBe(128);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(128 + 80_000);
    buf.free();
  });
});
