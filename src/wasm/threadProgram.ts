// The program a worker thread of a ThreadTeam runs, and the layout of the control block it
// shares with the team's own thread.
//
// The program is JavaScript source rather than a module file so that it runs unchanged from
// src/ under vitest, from dist/, and from a bundle: Node evaluates it directly
// (src/wasm/nodeThread.ts) and a browser can start it as a Blob URL. It instantiates the
// module over the shared memory and then, for each call the team publishes, claims units of the
// call's work from a shared counter until none are left, as the team's own thread does
// (ThreadTeam.run mirrors the claim loop in TypeScript: evaluating source on the page's thread
// would need a CSP that allows eval). Every instantiation re-applies the module's data segments; they hold only
// constant tables (the Math library's), which nothing writes, so the bytes it writes are the
// bytes already there.
//
// A call is published like a seqlock: GENERATION is odd while the team's thread writes the
// call's slots and even once they are complete, and a worker keeps a snapshot of the slots only
// if GENERATION did not move while it read them. Every slot, the f64 arguments included (as Int32
// halves), is written and read with Atomics, whose sequentially consistent order is what makes
// that check sound under the JavaScript memory model. Units are claimed by compare-and-swap on
// NEXT, which only ever grows (wrapping at 2^32): call c owns [BASE, BASE + COUNT), and a worker
// that took its snapshot of a call that has since finished finds NEXT past that range and claims
// nothing, however late it wakes. (It could claim wrongly only after 2^32 more units had been
// handed out while it slept between two instructions.)

/** Int32 slots of the control block. */
export const GENERATION = 0;
/** Units of the current call completed; whoever completes the last one notifies. */
export const DONE = 1;
/** 0, or 1 + the index of the first thread whose call threw. */
export const FAILED = 2;
/** Index of the kernel to call in the kernel list; STOP ends the workers. */
export const KERNEL = 3;
/** How many f64 arguments precede the unit range [u0, u1) of each claim. */
export const ARGC = 4;
/** The next unit to hand out, counted over all calls (wrapping Int32). */
export const NEXT = 5;
/** The value of NEXT at the call's unit 0, the call's unit count, and the units per claim. */
export const BASE = 6;
export const COUNT = 7;
export const GRAIN = 8;
const SLOTS = 9;
export const STOP = -1;
/** f64 arguments of a call, shared by every thread (2 Int32 slots each). */
export const MAX_ARGS = 16;
/** Units of one call: COUNT + GRAIN must stay far from 2^31 for the wrapping comparisons. */
export const MAX_UNITS = 2 ** 30;
const MESSAGE_BYTES = 1024;
/**
 * Polls before sleeping in Atomics.wait, about 0.1 ms: a training step's phases come that
 * close together, and waking a sleeping thread costs more than the smaller steps take.
 */
export const SPIN = 20000;

/** Byte layout of the shared control block threads synchronize through. */
export interface ControlLayout {
  /** Byte offset of the f64 arguments. */
  args: number;
  /** Byte offset and size of the first failure's message (UTF-8). */
  message: number;
  messageBytes: number;
  bytes: number;
}

/** The control block's layout, computed in one place so the main thread and the workers agree. */
export function controlLayout(): ControlLayout {
  const args = Math.ceil((SLOTS * 4) / 8) * 8;
  const message = args + 8 * MAX_ARGS;
  return { args, message, messageBytes: MESSAGE_BYTES, bytes: message + MESSAGE_BYTES };
}

/** What a worker thread starts from (structured-cloneable: the memory is shared, not copied). */
export interface ThreadInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  layout: ControlLayout;
  /** This thread's index in the team (1 .. size - 1; the team's own thread is 0). */
  index: number;
  /** Export names, indexed by the KERNEL slot. */
  kernels: readonly string[];
}

/** Defines `meanfieldThread(init: ThreadInit, ready: () => void)`, which returns when the team stops. */
export const THREAD_PROGRAM = `
// Claims grain units at a time of the call's [0, count) and runs call(...args, u0, u1) on each
// until none are left; a failed claim's units still count as done, so the call always completes.
function claimUnits(state, message, index, call, base, count, grain, args) {
  for (;;) {
    const next = Atomics.load(state, ${NEXT});
    const u0 = (next - base) | 0;
    if (u0 < 0 || u0 >= count) return;
    const u1 = Math.min(u0 + grain, count);
    if (Atomics.compareExchange(state, ${NEXT}, next, (base + u1) | 0) !== next) continue;
    try {
      call(...args, u0, u1);
    } catch (err) {
      if (Atomics.compareExchange(state, ${FAILED}, 0, index + 1) === 0) {
        const text = new TextEncoder().encode(String((err && err.message) || err));
        message.fill(0);
        message.set(text.subarray(0, message.length));
      }
    }
    if (Atomics.add(state, ${DONE}, u1 - u0) + (u1 - u0) === count) Atomics.notify(state, ${DONE});
  }
}

function meanfieldThread(init, ready) {
  const abort = () => {
    throw new Error("meanfield: Wasm abort in a worker thread");
  };
  const exports = new WebAssembly.Instance(init.module, { env: { memory: init.memory, abort } }).exports;
  const kernels = init.kernels.map((name) => exports[name]);
  const state = new Int32Array(init.control);
  const shared = new Int32Array(init.control, init.layout.args, ${2 * MAX_ARGS});
  const bits = new Float64Array(1);
  const halves = new Int32Array(bits.buffer);
  const message = new Uint8Array(init.control, init.layout.message, init.layout.messageBytes);
  let seen = Atomics.load(state, ${GENERATION});
  ready();
  for (;;) {
    let now = Atomics.load(state, ${GENERATION});
    for (let spin = 0; spin < ${SPIN} && (now === seen || (now & 1) === 1); spin++) now = Atomics.load(state, ${GENERATION});
    while (now === seen || (now & 1) === 1) {
      Atomics.wait(state, ${GENERATION}, now);
      now = Atomics.load(state, ${GENERATION});
    }
    const kernel = Atomics.load(state, ${KERNEL});
    const args = [];
    for (let j = 0, argc = Atomics.load(state, ${ARGC}); j < argc; j++) {
      halves[0] = Atomics.load(shared, 2 * j);
      halves[1] = Atomics.load(shared, 2 * j + 1);
      args.push(bits[0]);
    }
    const base = Atomics.load(state, ${BASE});
    const count = Atomics.load(state, ${COUNT});
    const grain = Atomics.load(state, ${GRAIN});
    // A call published while these were read: read the newer one instead.
    if (Atomics.load(state, ${GENERATION}) !== now) continue;
    seen = now;
    if (kernel === ${STOP}) return;
    claimUnits(state, message, init.index, kernels[kernel], base, count, grain, args);
  }
}
`;
