// Starting a ThreadTeam's worker thread in Node: the one Node-specific piece of the threads.
// A browser would start a Web Worker from a Blob of the same THREAD_PROGRAM and post it the
// ThreadInit instead. worker_threads comes from process.getBuiltinModule rather than an import
// so that bundles of the browser entry point, which hold this module as a lazy chunk, name no
// Node built-in.

import { THREAD_PROGRAM, type ThreadInit } from "./threadProgram.js";
import type { ThreadHandle } from "./threadTeam.js";

// Evaluated as a CommonJS script or, when the process runs with --input-type=module (which
// workers inherit), as an ES module; a dynamic import works in both.
const BOOT = `${THREAD_PROGRAM}
import("node:worker_threads").then(({ workerData, parentPort }) => {
  meanfieldThread(workerData, () => parentPort.postMessage("ready"));
});
`;

/** A worker running the thread program, resolved once its instance is ready. */
export function spawnNodeThread(init: ThreadInit): Promise<ThreadHandle> {
  const { Worker } = process.getBuiltinModule("node:worker_threads");
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
