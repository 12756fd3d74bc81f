// Finding, compiling and instantiating the meanfield Wasm module, in Node and in browsers.
//
// We instantiate the module ourselves instead of using @assemblyscript/loader: the loader
// is deprecated upstream (AssemblyScript >= 0.20 generates bindings instead), and our
// kernels exchange only numbers and pointers into an arena the TypeScript side manages
// (src/wasm/arena.ts), so neither the loader's string/array marshalling nor the generated
// bindings would be used. The module is built with the stub runtime and imports nothing
// in release builds; the debug build may import env.abort, which we provide. The threads
// build imports its memory (env.memory), which must be shared so worker threads can
// instantiate the same module over it (src/wasm/threadTeam.ts).

/**
 * Which compiled module to load: SIMD, SIMD with fused multiply-adds through relaxed SIMD,
 * scalar (benchmarks only), debug, or SIMD over shared memory for `threads > 1` (without and
 * with relaxed SIMD). Without a build, the loader picks "relaxed" where the engine validates
 * relaxed SIMD and "simd" elsewhere; defaultThreadsBuild() picks between the two threads builds
 * the same way, so a run gives the same bits with any number of threads.
 */
export type WasmBuild = "simd" | "relaxed" | "scalar" | "debug" | "threads" | "threadsRelaxed";

/**
 * A module whose one function returns f64x2.relaxed_madd of three v128 constants: the engine
 * validates it exactly when it runs relaxed SIMD (on in current browsers and Node >= 22; Node 20
 * needs --experimental-wasm-relaxed-simd).
 */
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00,
  0x0a, 0x3d, 0x01, 0x3b, 0x00,
  0xfd, 0x0c, ...new Array<number>(16).fill(0),
  0xfd, 0x0c, ...new Array<number>(16).fill(0),
  0xfd, 0x0c, ...new Array<number>(16).fill(0),
  0xfd, 0x87, 0x02,
  0x0b,
]);

let relaxedSupport: boolean | null = null;

/** Whether this engine runs relaxed SIMD, by validating a tiny module that uses it (cached). */
export function relaxedSimdSupported(): boolean {
  relaxedSupport ??= WebAssembly.validate(RELAXED_SIMD_PROBE);
  return relaxedSupport;
}

/** The build loaded when none is named: "relaxed" where the engine supports it, else "simd". */
export function defaultBuild(): "simd" | "relaxed" {
  return relaxedSimdSupported() ? "relaxed" : "simd";
}

/** The shared-memory build matching defaultBuild(): "threadsRelaxed" or "threads". */
export function defaultThreadsBuild(): "threads" | "threadsRelaxed" {
  return relaxedSimdSupported() ? "threadsRelaxed" : "threads";
}

/** The threads build's memory limits: asconfig.json's initialMemory and the "threads" target's maximumMemory. */
const SHARED_INITIAL_PAGES = 16;
const SHARED_MAXIMUM_PAGES = 65536;

/**
 * Where the Wasm module comes from (bytes, module, URL or the default build), so Node and browsers load the same
 * code.
 */
export interface WasmSource {
  /** Which build to load when neither bytes, module nor url is given. Default: defaultBuild(). */
  build?: WasmBuild;
  /** Where to fetch the module: http(s) in browsers, file: URLs or http(s) in Node. */
  url?: string | URL;
  /** The module's bytes, e.g. inlined into a bundle. */
  bytes?: BufferSource;
  /** An already compiled module (e.g. received by a Web Worker). */
  module?: WebAssembly.Module;
}

/** Where each build lives, relative to this file in both src/ and dist/. Literal URLs so bundlers can see them. */
export function defaultWasmUrl(build: WasmBuild = defaultBuild()): URL {
  switch (build) {
    case "simd":
      return new URL("../../build/meanfield.wasm", import.meta.url);
    case "relaxed":
      return new URL("../../build/meanfield.relaxed.wasm", import.meta.url);
    case "scalar":
      return new URL("../../build/meanfield.nosimd.wasm", import.meta.url);
    case "debug":
      return new URL("../../build/meanfield.debug.wasm", import.meta.url);
    case "threads":
      return new URL("../../build/meanfield.threads.wasm", import.meta.url);
    case "threadsRelaxed":
      return new URL("../../build/meanfield.threads.relaxed.wasm", import.meta.url);
  }
}

// Node's file system comes from process.getBuiltinModule, not an import: bundlers then see no
// Node built-in on the browser path, where only http(s) URLs occur.
async function readModuleFile(url: URL): Promise<BufferSource> {
  const fs = globalThis.process?.getBuiltinModule?.("node:fs/promises");
  if (!fs) throw new Error(`meanfield: cannot read ${url.href} here (no file system); serve the Wasm module over http(s) or pass { bytes }`);
  try {
    return await fs.readFile(url);
  } catch (err) {
    throw new Error(
      `meanfield: cannot read the Wasm module at ${url.pathname} (${(err as Error).message}); ` +
        "run `npm run build` to compile it",
    );
  }
}

async function compileFromUrl(url: URL): Promise<WebAssembly.Module> {
  if (url.protocol === "file:") return WebAssembly.compile(await readModuleFile(url));
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`meanfield: cannot fetch the Wasm module from ${url}: HTTP ${response.status}`);
  }
  // compileStreaming compiles while the bytes arrive but insists on Content-Type application/wasm;
  // a server that sends another type still works through the buffered path.
  const type = response.headers.get("content-type") ?? "";
  if (typeof WebAssembly.compileStreaming === "function" && type.split(";")[0]!.trim() === "application/wasm") {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
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
    pending = compileFromUrl(url);
    pending.catch(() => compiled.delete(key));
    compiled.set(key, pending);
  }
  return pending;
}

function abort(message: number, file: number, line: number, column: number): never {
  throw new Error(`meanfield: Wasm abort at line ${line}:${column} (message ${message}, file ${file})`);
}

/** The imports of a fresh instance: a new shared memory when the module imports one (the threads build). */
export function meanfieldImports(module: WebAssembly.Module): WebAssembly.Imports {
  const importsMemory = WebAssembly.Module.imports(module).some((i) => i.kind === "memory");
  if (!importsMemory) return { env: { abort } };
  const memory = new WebAssembly.Memory({ initial: SHARED_INITIAL_PAGES, maximum: SHARED_MAXIMUM_PAGES, shared: true });
  return { env: { abort, memory } };
}

/** A fresh instance (its own linear memory) of the module. */
export async function instantiateMeanfield(source: WasmSource = {}): Promise<WebAssembly.Instance> {
  const module = await compileMeanfield(source);
  return WebAssembly.instantiate(module, meanfieldImports(module));
}
