// Wasm has no prefetch instruction. Blocks of z (a few 64-neuron columns of B x N f64 rows,
// N * 8 bytes apart, or f32 rows N * 4 apart in f32 runs) come from memory at large N, a row at a time: strides of pages that the
// hardware prefetchers do not follow, so the passes that read (or write) them met each miss
// after the previous one. Read in one pass beforehand, the misses overlap. So do those of a panel's
// 64 rows of the f32 backward's gradient sums (gradW32, dp * 4 bytes apart), which its tiles
// otherwise met one tile at a time, and those of the panel rows of the Cholesky trailing update
// (assembly/gram.ts).

/**
 * Reads one byte of every 64-byte line of `rows` rows of `bytes` bytes (rowBytes apart) and drops
 * it. Results do not depend on it.
 */
@inline export function touchRows(from: usize, rowBytes: usize, rows: i32, bytes: i32): void {
  if (bytes == 512) {
    // A whole 64-neuron block of f64 z: eight loads at constant offsets, so that each takes one instruction and more of them fit in flight.
    for (let t = 0; t < rows; t++) {
      load<u8>(from); load<u8>(from, 64); load<u8>(from, 128); load<u8>(from, 192);
      load<u8>(from, 256); load<u8>(from, 320); load<u8>(from, 384); load<u8>(from, 448);
      from += rowBytes;
    }
    return;
  }
  if (bytes == 256) {
    // The same for a block of f32 z (f32 runs).
    for (let t = 0; t < rows; t++) {
      load<u8>(from); load<u8>(from, 64); load<u8>(from, 128); load<u8>(from, 192);
      from += rowBytes;
    }
    return;
  }
  for (let t = 0; t < rows; t++) {
    for (let o = 0; o < bytes; o += 64) load<u8>(from + <usize>o);
    from += rowBytes;
  }
}
