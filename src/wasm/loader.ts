// Finding, compiling and instantiating the meanfield Wasm module, in Node and in browsers.
//
// We instantiate the module ourselves instead of using @assemblyscript/loader: the loader
// is deprecated upstream (AssemblyScript >= 0.20 generates bindings instead), and our
// kernels exchange only numbers and pointers into an arena the TypeScript side manages
// (src/wasm/arena.ts), so neither the loader's string/array marshalling nor the generated
// bindings would be used. The module is built with the stub runtime and imports nothing
// in release builds; the debug build may import env.abort, which we provide.

/** Which compiled module to load: SIMD (default), scalar (benchmarks only), or debug. */
export type WasmBuild = "simd" | "scalar" | "debug";

export interface WasmSource {
  /** Which build to load when neither bytes, module nor url is given. Default "simd". */
  build?: WasmBuild;
  /** Where to fetch the module: http(s) in browsers, file: URLs or http(s) in Node. */
  url?: string | URL;
  /** The module's bytes, e.g. inlined into a bundle. */
  bytes?: BufferSource;
  /** An already compiled module (e.g. received by a Web Worker). */
  module?: WebAssembly.Module;
}

/** Where each build lives, relative to this file in both src/ and dist/. Literal URLs so bundlers can see them. */
export function defaultWasmUrl(build: WasmBuild = "simd"): URL {
  switch (build) {
    case "simd":
      return new URL("../../build/meanfield.wasm", import.meta.url);
    case "scalar":
      return new URL("../../build/meanfield.nosimd.wasm", import.meta.url);
    case "debug":
      return new URL("../../build/meanfield.debug.wasm", import.meta.url);
  }
}

async function readModuleBytes(url: URL): Promise<BufferSource> {
  if (url.protocol === "file:") {
    const fs = await import(/* @vite-ignore */ "node:fs/promises");
    try {
      return await fs.readFile(url);
    } catch (err) {
      throw new Error(
        `meanfield: cannot read the Wasm module at ${url.pathname} (${(err as Error).message}); ` +
          "run `npm run build` to compile it",
      );
    }
  }
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`meanfield: cannot fetch the Wasm module from ${url}: HTTP ${response.status}`);
  }
  return response.arrayBuffer();
}

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/** Compiles the module once per source URL and build; later calls reuse it. */
export function compileMeanfield(source: WasmSource = {}): Promise<WebAssembly.Module> {
  if (source.module) return Promise.resolve(source.module);
  if (source.bytes) return WebAssembly.compile(source.bytes);
  const url = source.url !== undefined ? new URL(source.url, import.meta.url) : defaultWasmUrl(source.build);
  const key = url.href;
  let pending = compiled.get(key);
  if (!pending) {
    pending = readModuleBytes(url).then((bytes) => WebAssembly.compile(bytes));
    pending.catch(() => compiled.delete(key));
    compiled.set(key, pending);
  }
  return pending;
}

function abort(message: number, file: number, line: number, column: number): never {
  throw new Error(`meanfield: Wasm abort at line ${line}:${column} (message ${message}, file ${file})`);
}

/** A fresh instance (its own linear memory) of the module. */
export async function instantiateMeanfield(source: WasmSource = {}): Promise<WebAssembly.Instance> {
  const module = await compileMeanfield(source);
  return WebAssembly.instantiate(module, { env: { abort } });
}
