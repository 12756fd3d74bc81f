// Starting a ThreadTeam's worker thread in a browser: a Web Worker from a Blob of the same
// THREAD_PROGRAM the Node workers run, handed its ThreadInit by postMessage (the module is
// cloned, the memory and control block are shared). Shared memory needs a cross-origin
// isolated page (COOP: same-origin, COEP: require-corp), and the team itself must live in a
// worker, because a page's main thread may not Atomics.wait.

import { THREAD_PROGRAM, type ThreadInit } from "./threadProgram.js";
import type { ThreadHandle } from "./threadTeam.js";

const BOOT = `${THREAD_PROGRAM}
self.onmessage = (event) => {
  self.onmessage = null;
  meanfieldThread(event.data, () => self.postMessage("ready"));
  self.close();
};
`;

let programUrl: string | null = null;

/** Why this context cannot run a team of Web Workers, or null when it can. */
export function webThreadsUnavailable(): string | null {
  if (typeof Worker === "undefined") return "this context cannot start Web Workers";
  if (typeof SharedArrayBuffer === "undefined" || !globalThis.crossOriginIsolated) {
    return "shared memory needs a cross-origin isolated page (headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)";
  }
  return null;
}

/** A Web Worker running the thread program, resolved once its instance is ready. */
export function spawnWebThread(init: ThreadInit): Promise<ThreadHandle> {
  const unavailable = webThreadsUnavailable();
  if (unavailable) return Promise.reject(new Error(`meanfield: threads > 1: ${unavailable}`));
  programUrl ??= URL.createObjectURL(new Blob([BOOT], { type: "text/javascript" }));
  const worker = new Worker(programUrl, { name: `meanfield thread ${init.index}` });
  return new Promise((resolve, reject) => {
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new Error(`meanfield: worker thread ${init.index} failed to start: ${event.message}`));
    };
    worker.onmessage = () => {
      worker.onerror = null;
      resolve({
        terminate: async () => worker.terminate(),
      });
    };
    worker.postMessage(init);
  });
}
