// The pieces of the browser path that run in Node too: compiling the module from an http URL
// (streaming when the server sends application/wasm, buffered otherwise, a clear error on a bad
// status), Web Worker threads refusing clearly where they cannot run, and simulate() awaiting
// what onProgress returns, which a page's worker uses to yield. test/browser.e2e.test.ts runs
// the rest in Chromium.

import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { simulate } from "../src/run/simulate.js";
import { compileMeanfield, defaultWasmUrl } from "../src/wasm/loader.js";
import { loadRuntime } from "../src/wasm/runtime.js";
import { spawnWebThread, webThreadsUnavailable } from "../src/wasm/webThread.js";

describe("compileMeanfield from an http URL", () => {
  let server: Server;
  let base: string;
  const served: string[] = [];

  beforeAll(async () => {
    const bytes = readFileSync(defaultWasmUrl("simd"));
    server = createServer((req, res) => {
      served.push(req.url!);
      if (req.url === "/streamed.wasm") res.writeHead(200, { "content-type": "application/wasm" }).end(bytes);
      else if (req.url === "/untyped.wasm") res.writeHead(200, { "content-type": "application/octet-stream" }).end(bytes);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("compiles with either content type (streaming only for application/wasm) to the module read from disk, fetching each URL once", async () => {
    const fromDisk = WebAssembly.Module.exports(await compileMeanfield({ build: "simd" }));
    const streaming = vi.spyOn(WebAssembly, "compileStreaming");
    for (const path of ["/streamed.wasm", "/untyped.wasm"]) {
      const module = await compileMeanfield({ url: `${base}${path}` });
      expect(WebAssembly.Module.exports(module)).toEqual(fromDisk);
      expect(await compileMeanfield({ url: `${base}${path}` })).toBe(module);
      const rt = await loadRuntime({ url: `${base}${path}` });
      expect(rt.build).toBe("simd");
    }
    expect(served).toEqual(["/streamed.wasm", "/untyped.wasm"]);
    // Only the response typed application/wasm went through compileStreaming.
    expect(streaming).toHaveBeenCalledTimes(1);
    streaming.mockRestore();
  });

  it("names the URL and the status when the server refuses", async () => {
    await expect(compileMeanfield({ url: `${base}/missing.wasm` })).rejects.toThrow(`cannot fetch the Wasm module from ${base}/missing.wasm: HTTP 404`);
  });
});

describe("browser threads outside a browser", () => {
  it("say why they cannot start instead of failing inside a worker", async () => {
    expect(webThreadsUnavailable()).toMatch(/Web Workers|cross-origin isolated/);
    const rt = await loadRuntime({ build: "threads" });
    const init = { module: rt.module, memory: rt.exports.memory, control: new SharedArrayBuffer(64), layout: { args: 0, message: 0, messageBytes: 0, bytes: 64 }, index: 1, kernels: [] };
    await expect(spawnWebThread(init)).rejects.toThrow(/^meanfield: threads > 1: (this context cannot start Web Workers|shared memory needs a cross-origin isolated page)/);
  });
});

describe("simulate with a paced onProgress", () => {
  it("awaits the promise onProgress returns before the next step and gives the same records", async () => {
    const config = {
      seed: 3,
      task: { kind: "gaussianSingleIndex", d: 12, link: "bmz23" },
      model: { width: 32, activation: "relu" },
      algorithm: { kind: "onlineSgd", batch: 16, steps: 40, stepSize: 0.05 },
      metrics: { include: ["testLoss", "components"], schedule: { kind: "every", steps: 10 }, testSamples: 200 },
    } as const;
    const plain = await simulate(config);
    let pending = false;
    const steps: number[] = [];
    const paced = await simulate(config, {
      onProgress: (step) => {
        expect(pending).toBe(false);
        steps.push(step);
        if (step % 3 !== 0) return;
        pending = true;
        return new Promise<void>((resolve) =>
          setTimeout(() => {
            pending = false;
            resolve();
          }, 1),
        );
      },
    });
    expect(steps).toEqual(Array.from({ length: 40 }, (_, k) => k + 1));
    expect(pending).toBe(false);
    expect(paced.records).toEqual(plain.records);
  });
});
