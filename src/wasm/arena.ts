// The owner of every byte of Wasm linear memory above the module's static data.
//
// Kernels take pointers, so buffers live in one arena per instance: a first-fit free list
// with coalescing above a bump pointer, growing the memory when needed. Wasm32 addresses
// at most 4 GiB; a request past that is refused with a WasmMemoryError naming the size.

const PAGE_BYTES = 65536;
/** Wasm32 linear memory is at most 65536 pages. */
export const MAX_WASM_BYTES = 65536 * PAGE_BYTES;
/** Every allocation starts on a cache line, which also satisfies v128 alignment. */
const ALIGN = 64;

/**
 * Out of Wasm memory: a RangeError of its own so callers can tell it from bad input and say how much was asked
 * for.
 */
export class WasmMemoryError extends RangeError {
  override name = "WasmMemoryError";
}

function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

/** Human-readable byte counts for memory errors (binary units, as Wasm pages are 64 KiB). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(2)} ${units[u]}`;
}

interface FreeBlock {
  start: number;
  size: number;
}

/**
 * The allocator of Wasm linear memory: 64-byte aligned blocks for SIMD from a first-fit free list, so freed
 * buffers are reused instead of growing memory.
 */
export class Arena {
  private top: number;
  private readonly base: number;
  private readonly freeBlocks: FreeBlock[] = [];
  private readonly live = new Map<number, number>();

  constructor(
    readonly memory: WebAssembly.Memory,
    heapBase: number,
  ) {
    this.base = alignUp(heapBase, ALIGN);
    this.top = this.base;
  }

  /** Bytes handed out and not yet freed (rounded up to whole cache lines). */
  get bytesInUse(): number {
    let total = 0;
    for (const size of this.live.values()) total += size;
    return total;
  }

  /** Bytes between the arena's start and its bump pointer (live + free-listed). */
  get bytesReserved(): number {
    return this.top - this.base;
  }

  get liveAllocations(): number {
    return this.live.size;
  }

  /** Reserves bytes and returns their address. */
  alloc(bytes: number): number {
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new RangeError(`meanfield: allocation size must be a non-negative integer number of bytes, got ${bytes}`);
    }
    const size = Math.max(ALIGN, alignUp(bytes, ALIGN));
    for (let i = 0; i < this.freeBlocks.length; i++) {
      const block = this.freeBlocks[i]!;
      if (block.size < size) continue;
      const ptr = block.start;
      if (block.size === size) this.freeBlocks.splice(i, 1);
      else {
        block.start += size;
        block.size -= size;
      }
      this.live.set(ptr, size);
      return ptr;
    }
    const end = this.top + size;
    if (end > MAX_WASM_BYTES) {
      throw new WasmMemoryError(
        `meanfield: cannot allocate ${bytes} bytes (${formatBytes(bytes)}) of Wasm memory: ` +
          `a WebAssembly module addresses at most 4 GiB and ${formatBytes(this.bytesInUse)} are already in use`,
      );
    }
    this.ensureCapacity(end, bytes);
    const ptr = this.top;
    this.top = end;
    this.live.set(ptr, size);
    return ptr;
  }

  /** Returns an allocation to the arena. */
  free(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) {
      throw new Error(`meanfield: free(${ptr}): not a live allocation of this arena (freed twice?)`);
    }
    this.live.delete(ptr);
    let i = 0;
    while (i < this.freeBlocks.length && this.freeBlocks[i]!.start < ptr) i++;
    this.freeBlocks.splice(i, 0, { start: ptr, size });
    const next = this.freeBlocks[i + 1];
    if (next && ptr + size === next.start) {
      this.freeBlocks[i]!.size += next.size;
      this.freeBlocks.splice(i + 1, 1);
    }
    const prev = this.freeBlocks[i - 1];
    if (prev && prev.start + prev.size === ptr) {
      prev.size += this.freeBlocks[i]!.size;
      this.freeBlocks.splice(i, 1);
    }
    const last = this.freeBlocks[this.freeBlocks.length - 1];
    if (last && last.start + last.size === this.top) {
      this.top = last.start;
      this.freeBlocks.pop();
    }
  }

  /** A Float64Array-shaped buffer of length entries in Wasm memory (contents unspecified). */
  f64(length: number): WasmF64Array {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new RangeError(`meanfield: array length must be a non-negative integer, got ${length}`);
    }
    return new WasmF64Array(this, this.alloc(length * 8), length);
  }

  /** A copy of values in Wasm memory (values may be a view of this memory). */
  f64From(values: ArrayLike<number>): WasmF64Array {
    // Allocating may grow the memory, which detaches views of it: copy those out first.
    const source = ArrayBuffer.isView(values) && values.buffer === this.memory.buffer ? (values as Float64Array).slice() : values;
    const out = this.f64(source.length);
    out.view.set(source);
    return out;
  }

  private ensureCapacity(end: number, requested: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // Grow by at least half again so a sequence of small requests does not grow page by page.
    const target = Math.min(MAX_WASM_BYTES, Math.max(end, Math.floor(have * 1.5)));
    const pages = Math.ceil((target - have) / PAGE_BYTES);
    try {
      this.memory.grow(pages);
    } catch {
      const minimal = Math.ceil((end - have) / PAGE_BYTES);
      try {
        this.memory.grow(minimal);
      } catch (err) {
        throw new WasmMemoryError(
          `meanfield: cannot allocate ${requested} bytes (${formatBytes(requested)}): growing Wasm memory ` +
            `to ${formatBytes(end)} failed (${(err as Error).message})`,
        );
      }
    }
  }
}

/**
 * A float64 array living in Wasm memory. `view` is a Float64Array over it, re-created
 * whenever the memory has grown (growth detaches earlier views).
 */
export class WasmF64Array {
  private cached: Float64Array | null = null;
  private released = false;

  constructor(
    private readonly arena: Arena,
    readonly ptr: number,
    readonly length: number,
    /** The array whose memory this one shares, for subarrays; they are never freed. */
    private readonly parent: WasmF64Array | null = null,
  ) {}

  /** Entries begin .. end - 1 as an array sharing this one's memory (like Float64Array.subarray). */
  subarray(begin: number, end: number = this.length): WasmF64Array {
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end < begin || end > this.length) {
      throw new RangeError(`meanfield: subarray(${begin}, ${end}) out of range for length ${this.length}`);
    }
    return new WasmF64Array(this.arena, this.ptr + 8 * begin, end - begin, this.parent ?? this);
  }

  get view(): Float64Array {
    if (this.freed) throw new Error("meanfield: use of a Wasm array after free()");
    const buffer = this.arena.memory.buffer;
    if (this.cached === null || this.cached.buffer !== buffer) {
      this.cached = new Float64Array(buffer, this.ptr, this.length);
    }
    return this.cached;
  }

  get freed(): boolean {
    return this.released || (this.parent !== null && this.parent.freed);
  }

  /** Copies values in, starting at offset. */
  set(values: ArrayLike<number>, offset = 0): this {
    this.view.set(values, offset);
    return this;
  }

  /** A copy that outlives this buffer. */
  toArray(): Float64Array {
    return this.view.slice();
  }

  free(): void {
    if (this.parent !== null) throw new Error("meanfield: free() of a subarray; free the array it came from");
    if (this.released) return;
    this.released = true;
    this.cached = null;
    this.arena.free(this.ptr);
  }
}
