// The program a worker thread of a ThreadTeam runs, and the layout of the control block it
// shares with the team's own thread.
//
// The program is JavaScript source rather than a module file so that it runs unchanged from
// src/ under vitest, from dist/, and from a bundle: Node evaluates it directly
// (src/wasm/nodeThread.ts) and a browser can start it as a Blob URL. It instantiates the
// module over the shared memory and then, for each call the team publishes, claims units of the
// call's work until none are left, as the team's own thread does
// (ThreadTeam.run mirrors the claim loop in TypeScript: evaluating source on the page's thread
// would need a CSP that allows eval). Every instantiation re-applies the module's data segments; they hold only
// constant tables (the Math library's), which nothing writes, so the bytes it writes are the
// bytes already there.
//
// A call is published like a seqlock: GENERATION is odd while the team's thread writes the
// call's slots and even once they are complete, and a worker keeps a snapshot of the slots only
// if GENERATION did not move while it read them. Every slot, the f64 arguments included (as Int32
// halves), is written and read with Atomics, whose sequentially consistent order is what makes
// that check sound under the JavaScript memory model.
//
// Each call has a number CALL, and each of its units a flag, set to CALL when the call is
// published and to -CALL by the compare-and-swap that claims the unit. Thread t of k first claims
// the units of its own share, [t U / k, (t + 1) U / k), in order, then any unit still open,
// scanning from the last: on an idle machine every thread keeps the same share call after call
// (its rows of w stay in its own cache), while a thread that is late leaves its share to be taken
// from the end by the others. A worker that took its snapshot of a call that has since finished
// finds no flag equal to that call's number (every unit of a finished call is claimed), so it
// claims nothing, however late it wakes (short of 2^30 further calls, when the numbers wrap).

/** Int32 slots of the control block. */
export const GENERATION = 0;
/** Units of the current call completed; whoever completes the last one notifies. */
export const DONE = 1;
/** 0, or 1 + the index of the first thread whose call threw. */
export const FAILED = 2;
/** Index of the kernel to call in the kernel list; STOP ends the workers. */
export const KERNEL = 3;
/** How many f64 arguments precede the range [begin, end) of each claimed unit. */
export const ARGC = 4;
/** The current call's number (1 .. 2^30, wrapping), the value its open units' flags hold. */
export const CALL = 5;
/** The call's work [0, COUNT), cut into UNITS units of GRAIN (the last one shorter). */
export const COUNT = 6;
export const GRAIN = 7;
export const UNITS = 8;
/** Int32 index of unit 0's flag. */
export const FLAGS = 16;
/** Units of one call, at most: a longer call takes proportionally longer units. */
export const MAX_UNITS = 4096;
export const STOP = -1;
/** f64 arguments of a call, shared by every thread (2 Int32 slots each). */
export const MAX_ARGS = 16;
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
  const args = (FLAGS + MAX_UNITS) * 4;
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
  /** Threads in the team, for this thread's own share of each call's units. */
  size: number;
  /** Export names, indexed by the KERNEL slot. */
  kernels: readonly string[];
}

/** Defines `meanfieldThread(init: ThreadInit, ready: () => void)`, which returns when the team stops. */
export const THREAD_PROGRAM = `
// Runs the call's units: this thread's share first, then any still open from the last; a unit
// that throws still counts as done, so the call always completes.
function claimUnits(state, message, index, size, run, call, units) {
  const runUnit = (u) => {
    if (Atomics.load(state, ${FLAGS} + u) !== call || Atomics.compareExchange(state, ${FLAGS} + u, call, -call) !== call) return;
    try {
      run(u);
    } catch (err) {
      if (Atomics.compareExchange(state, ${FAILED}, 0, index + 1) === 0) {
        const text = new TextEncoder().encode(String((err && err.message) || err));
        message.fill(0);
        message.set(text.subarray(0, message.length));
      }
    }
    if (Atomics.add(state, ${DONE}, 1) + 1 === units) Atomics.notify(state, ${DONE});
  };
  const end = Math.floor(((index + 1) * units) / size);
  for (let u = Math.floor((index * units) / size); u < end; u++) runUnit(u);
  for (let u = units - 1; u >= 0; u--) runUnit(u);
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
    const call = Atomics.load(state, ${CALL});
    const count = Atomics.load(state, ${COUNT});
    const grain = Atomics.load(state, ${GRAIN});
    const units = Atomics.load(state, ${UNITS});
    // A call published while these were read: read the newer one instead.
    if (Atomics.load(state, ${GENERATION}) !== now) continue;
    seen = now;
    if (kernel === ${STOP}) return;
    const fn = kernels[kernel];
    const run = (u) => fn(...args, u * grain, Math.min((u + 1) * grain, count));
    claimUnits(state, message, init.index, init.size, run, call, units);
  }
}
`;
