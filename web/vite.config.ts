// The demo page: web/ is the Vite root; "meanfield" resolves to the library's TypeScript source,
// so the page runs exactly the code the package ships, and the Wasm module is the
// new URL("../../build/meanfield.wasm", import.meta.url) asset that src/wasm/loader.ts names,
// emitted next to the bundle.

import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  resolve: {
    alias: { meanfield: fileURLToPath(new URL("../src/index.ts", import.meta.url)) },
  },
  worker: { format: "es" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
  },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
