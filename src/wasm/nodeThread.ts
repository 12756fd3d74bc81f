// Starting a ThreadTeam's worker thread in Node: the one Node-specific piece of the threads.
// A browser would start a Web Worker from a Blob of the same THREAD_PROGRAM and post it the
// ThreadInit instead. worker_threads is imported through a variable so that bundles of the
// browser entry point, which hold this module as a lazy chunk, neither resolve nor name a Node
// built-in (the comments silence Vite's and webpack's notes about it); it stays an ordinary
// import, which tests can mock.

import { THREAD_PROGRAM, type ThreadInit } from "./threadProgram.js";
import type { ThreadHandle } from "./threadTeam.js";

// Evaluated as a CommonJS script or, when the process runs with --input-type=module (which
// workers inherit), as an ES module; a dynamic import works in both.
const BOOT = `${THREAD_PROGRAM}
import("node:worker_threads").then(({ workerData, parentPort }) => {
  meanfieldThread(workerData, () => parentPort.postMessage("ready"));
});
`;

const WORKER_THREADS = "node:worker_threads";

/** A worker running the thread program, resolved once its instance is ready. */
export async function spawnNodeThread(init: ThreadInit): Promise<ThreadHandle> {
  const { Worker }: typeof import("node:worker_threads") = await import(/* @vite-ignore */ /* webpackIgnore: true */ WORKER_THREADS);
  const worker = new Worker(BOOT, { eval: true, workerData: init });
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      worker.off("exit", onExit);
      reject(new Error(`meanfield: worker thread ${init.index} failed to start: ${err.message}`));
    };
    const onExit = (code: number) => {
      worker.off("error", onError);
      reject(new Error(`meanfield: worker thread ${init.index} exited with code ${code} before it started`));
    };
    worker.once("error", onError);
    worker.once("exit", onExit);
    worker.once("message", () => {
      worker.off("error", onError);
      worker.off("exit", onExit);
      resolve({ terminate: () => worker.terminate() });
    });
  });
}
