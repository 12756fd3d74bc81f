// A memo for the 4-variate orthant probability, which is symmetric under any simultaneous
// permutation of the covariance's rows and columns. One right-hand side of the K = M = 4 relu
// committee ODE asks for it 90 times (once per I4 of four distinct fields), but only for 53
// distinct sets of fields: I4(a, b; c, e) with a, b student fields needs P(a, b, c, e > 0), and a
// set holding s >= 2 student fields is reached C(s, 2) times in the order (a, b, c, e) of each call.
// The memo puts the 4 fields in a canonical order (by variance, then by the sum of their row;
// ties keep the given order), and the caller evaluates the probability on that canonical matrix
// only: a hit returns exactly what the evaluation would (the result is a function of the
// canonical matrix), a tie broken differently is only a miss. Entries are compared bit for bit.

/** Slots of the open-addressing table; it is cleared when half full, so a probe always ends. */
const SLOTS = 256;
const ENTRIES = 10;

const order = [0, 1, 2, 3];
const sortKey = new Float64Array(8);
/** The canonical matrix (4 x 4 row-major), and its upper triangle as the key. */
const canonical = new Float64Array(16);
const key = new Float64Array(ENTRIES);
const keyBits = new Uint32Array(key.buffer);

/** Whether variable p comes before q in the canonical order. */
function before(p: number, q: number): boolean {
  const dv = sortKey[p * 2]! - sortKey[q * 2]!;
  return dv < 0 || (dv === 0 && sortKey[p * 2 + 1]! < sortKey[q * 2 + 1]!);
}

/** Writes c (4 x 4) permuted into the canonical order into `canonical` and `key`. */
function canonicalize(c: Float64Array): void {
  for (let p = 0; p < 4; p++) {
    order[p] = p;
    sortKey[p * 2] = c[p * 5]!;
    sortKey[p * 2 + 1] = c[p * 4]! + c[p * 4 + 1]! + c[p * 4 + 2]! + c[p * 4 + 3]!;
  }
  for (let p = 1; p < 4; p++) {
    const x = order[p]!;
    let q = p - 1;
    while (q >= 0 && before(x, order[q]!)) {
      order[q + 1] = order[q]!;
      q--;
    }
    order[q + 1] = x;
  }
  let n = 0;
  for (let a = 0; a < 4; a++) {
    for (let b = 0; b < 4; b++) canonical[a * 4 + b] = c[order[a]! * 4 + order[b]!]!;
    for (let b = a; b < 4; b++) key[n++] = canonical[a * 4 + b]!;
  }
}

function hashOfKey(): number {
  let h = 2166136261;
  for (let i = 0; i < ENTRIES * 2; i++) h = Math.imul(h ^ keyBits[i]!, 16777619);
  return (h ^ (h >>> 15)) & (SLOTS - 1);
}

/**
 * A memo of f(c) for one function f of a 4 x 4 covariance c that is invariant under simultaneous
 * permutations of its rows and columns, evaluated on c in a canonical order: the last 128 distinct
 * canonical matrices are kept (all of one right-hand side). One memo per function: values of
 * two evaluators (the Wasm kernel and its TypeScript reference) never mix.
 */
export class SymmetricMemo4 {
  private readonly keys = new Float64Array(SLOTS * ENTRIES);
  private readonly values = new Float64Array(SLOTS);
  private readonly used = new Uint8Array(SLOTS);
  private filled = 0;

  constructor(private readonly f: (canonical: Float64Array) => number) {}

  private matches(slot: number): boolean {
    for (let i = 0; i < ENTRIES; i++) if (this.keys[slot * ENTRIES + i] !== key[i]) return false;
    return true;
  }

  /** f(c), from the memo when c's canonical matrix was seen. */
  get(c: Float64Array): number {
    canonicalize(c);
    let slot = hashOfKey();
    while (this.used[slot]) {
      if (this.matches(slot)) return this.values[slot]!;
      slot = (slot + 1) & (SLOTS - 1);
    }
    const value = this.f(canonical);
    if (this.filled >= SLOTS / 2) {
      this.used.fill(0);
      this.filled = 0;
    }
    this.used[slot] = 1;
    this.filled++;
    this.keys.set(key, slot * ENTRIES);
    this.values[slot] = value;
    return value;
  }
}
