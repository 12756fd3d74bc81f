// Reproducible random streams backed by the Philox kernels of assembly/rng.ts.
//
// A stream is named: (seed, name) -> Philox key = seed, counter high half = FNV-1a-64(name).
// Value i of a stream is a pure function of (seed, name, i), so a run draws the same
// numbers whatever else it draws, in whatever order, in Node or in a browser, and a large
// fill can be split across the runtime's thread team without changing a bit.

import type { WasmF64Array } from "./arena.js";
import type { WasmRuntime } from "./runtime.js";
import type { ThreadTeam } from "./threadTeam.js";
import { checkCount, checkLength, checkSeed } from "../argumentChecks.js";

/** The four 32-bit words that select a stream: key (k0, k1) and stream id (s0, s1). */
export interface StreamKey {
  readonly k0: number;
  readonly k1: number;
  readonly s0: number;
  readonly s1: number;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = (1n << 64n) - 1n;

/** Ids already hashed: training steps look up the same few names every step, and BigInt hashing costs microseconds. */
const streamIds = new Map<string, bigint>();

/** FNV-1a, 64-bit, over the UTF-8 bytes of name. */
export function streamId(name: string): bigint {
  const known = streamIds.get(name);
  if (known !== undefined) return known;
  let h = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(name)) {
    h ^= BigInt(byte);
    h = (h * FNV_PRIME) & MASK64;
  }
  if (streamIds.size < 4096) streamIds.set(name, h);
  return h;
}

/**
 * The key of a named random stream under a seed: each use of randomness has its own stream, so adding one never
 * shifts another's numbers.
 */
export function streamKey(seed: number, name: string): StreamKey {
  checkSeed(seed);
  if (typeof name !== "string" || name.length === 0) {
    throw new RangeError(`meanfield: stream name must be a non-empty string, got ${String(name)}`);
  }
  const id = streamId(name);
  return {
    k0: seed % 2 ** 32,
    k1: Math.floor(seed / 2 ** 32),
    s0: Number(id & 0xffffffffn),
    s1: Number(id >> 32n),
  };
}

/** Values below which a fill stays on this thread: drawing them takes tens of microseconds, about what waking a parked worker can cost. */
const SPLIT_MIN_VALUES = 2048;

/** Values (or rows) per unit of a split fill: about four units per thread, so a late thread still finds work. */
function claimGrain(count: number, team: ThreadTeam): number {
  return Math.ceil(count / (4 * team.size));
}

function checkStart(start: number): void {
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new RangeError(`meanfield: start must be an integer in [0, 2^53 - 1], got ${start}`);
  }
}

/** Fills Wasm buffers from named streams. `start` is the index of the first value drawn. */
export class RandomStreams {
  constructor(readonly runtime: WasmRuntime) {}

  /** Uniform [0, 1) values start .. start + out.length - 1 of the stream. */
  uniformInto(key: StreamKey, start: number, out: WasmF64Array): void {
    checkStart(start);
    const team = this.teamFor(out.length);
    if (team) team.run("fillUniformRange", [key.k0, key.k1, key.s0, key.s1, start, out.ptr], out.length, claimGrain(out.length, team));
    else this.runtime.exports.fillUniform(key.k0, key.k1, key.s0, key.s1, start, out.ptr, out.length);
  }

  /** Standard normal values start .. start + out.length - 1 of the stream. */
  gaussianInto(key: StreamKey, start: number, out: WasmF64Array): void {
    checkStart(start);
    const team = this.teamFor(out.length);
    if (team) team.run("fillGaussianRange", [key.k0, key.k1, key.s0, key.s1, start, out.ptr], out.length, claimGrain(out.length, team));
    else this.runtime.exports.fillGaussian(key.k0, key.k1, key.s0, key.s1, start, out.ptr, out.length);
  }

  /** Points startRow .. startRow + rows - 1 of the stream, uniform on S^{d-1}, as rows x d. */
  sphereInto(key: StreamKey, startRow: number, rows: number, d: number, out: WasmF64Array): void {
    checkStart(startRow);
    checkCount("rows", rows, 0);
    checkCount("d (dimension)", d);
    checkLength("out", out, rows * d, `rows x d = ${rows} x ${d}`);
    if ((startRow + rows) * d > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`meanfield: sphere stream index (startRow + rows) * d exceeds 2^53`);
    }
    const team = this.teamFor(rows * d);
    if (team) team.run("fillSphereRange", [key.k0, key.k1, key.s0, key.s1, startRow, out.ptr, d], rows, claimGrain(rows, team));
    else this.runtime.exports.fillSphere(key.k0, key.k1, key.s0, key.s1, startRow, out.ptr, rows, d);
  }

  uniform(seed: number, name: string, count: number, start = 0): Float64Array {
    return this.draw(count, (out) => this.uniformInto(streamKey(seed, name), start, out));
  }

  gaussian(seed: number, name: string, count: number, start = 0): Float64Array {
    return this.draw(count, (out) => this.gaussianInto(streamKey(seed, name), start, out));
  }

  sphere(seed: number, name: string, rows: number, d: number, startRow = 0): Float64Array {
    checkCount("rows", rows, 0);
    checkCount("d (dimension)", d);
    return this.draw(rows * d, (out) => this.sphereInto(streamKey(seed, name), startRow, rows, d, out));
  }

  private teamFor(values: number): ThreadTeam | null {
    return values >= SPLIT_MIN_VALUES ? this.runtime.team : null;
  }

  private draw(count: number, fill: (out: WasmF64Array) => void): Float64Array {
    checkCount("count", count, 0);
    const out = this.runtime.arena.f64(count);
    try {
      fill(out);
      return out.toArray();
    } finally {
      out.free();
    }
  }
}
