// The program a worker thread of a ThreadTeam runs, and the layout of the control block it
// shares with the team's own thread.
//
// The program is JavaScript source rather than a module file so that it runs unchanged from
// src/ under vitest, from dist/, and from a bundle: Node evaluates it directly
// (src/wasm/nodeThread.ts) and a browser can start it as a Blob URL. It instantiates the
// module over the shared memory and then runs one kernel call per generation of the control
// block. Every instantiation re-applies the module's data segments; they hold only constant
// tables (the Math library's), which nothing writes, so the bytes it writes are the bytes
// already there.

/** Int32 slots of the control block. */
export const GENERATION = 0;
/** Workers still running the current call; the last one to finish notifies. */
export const PENDING = 1;
/** 0, or 1 + the index of the first thread whose call threw. */
export const FAILED = 2;
/** Index of the kernel to call in the kernel list; STOP ends the workers. */
export const KERNEL = 3;
/** How many f64 arguments precede each thread's block range. */
export const ARGC = 4;
/** Thread t's block range [j0, j1) is at RANGES + 2t, RANGES + 2t + 1. */
export const RANGES = 8;
export const STOP = -1;
/** f64 arguments of a call, shared by every thread. */
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

/**
 * The control block's layout for a team of `threads`, computed in one place so the main thread and the workers
 * agree.
 */
export function controlLayout(threads: number): ControlLayout {
  const args = Math.ceil(((RANGES + 2 * threads) * 4) / 8) * 8;
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
function meanfieldThread(init, ready) {
  const abort = () => {
    throw new Error("meanfield: Wasm abort in a worker thread");
  };
  const exports = new WebAssembly.Instance(init.module, { env: { memory: init.memory, abort } }).exports;
  const kernels = init.kernels.map((name) => exports[name]);
  const state = new Int32Array(init.control);
  const args = new Float64Array(init.control, init.layout.args, ${MAX_ARGS});
  const message = new Uint8Array(init.control, init.layout.message, init.layout.messageBytes);
  const range = ${RANGES} + 2 * init.index;
  let seen = Atomics.load(state, ${GENERATION});
  ready();
  for (;;) {
    for (let spin = 0; spin < ${SPIN} && Atomics.load(state, ${GENERATION}) === seen; spin++);
    while (Atomics.load(state, ${GENERATION}) === seen) Atomics.wait(state, ${GENERATION}, seen);
    seen = Atomics.load(state, ${GENERATION});
    const kernel = Atomics.load(state, ${KERNEL});
    if (kernel === ${STOP}) return;
    try {
      kernels[kernel](...args.subarray(0, state[${ARGC}]), state[range], state[range + 1]);
    } catch (err) {
      if (Atomics.compareExchange(state, ${FAILED}, 0, init.index + 1) === 0) {
        const text = new TextEncoder().encode(String((err && err.message) || err));
        message.fill(0);
        message.set(text.subarray(0, message.length));
      }
    }
    if (Atomics.sub(state, ${PENDING}, 1) === 1) Atomics.notify(state, ${PENDING});
  }
}
`;
