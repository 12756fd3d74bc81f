// The demo page: web/ is the Vite root. "meanfield" is the package as it ships (dist/, built by
// `npm run build`) in production builds, so the static site and the end-to-end test run exactly
// what users install, and the library's TypeScript source under the dev server, so edits to src/
// show up live. Either way the Wasm module is the new URL("../../build/meanfield.wasm",
// import.meta.url) asset that the loader names, emitted next to the bundle.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const ISOLATION = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

const packageFile = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

export default defineConfig(({ command }) => {
  const entry = command === "build" ? packageFile("dist/index.js") : packageFile("src/index.ts");
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  return {
    root: fileURLToPath(new URL(".", import.meta.url)),
    base: "./",
    resolve: { alias: { meanfield: entry } },
    worker: { format: "es" },
    build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
    // Cross-origin isolation, so the page may share Wasm memory between threads.
    server: { host: "127.0.0.1", headers: ISOLATION },
    preview: { host: "127.0.0.1", headers: ISOLATION },
  };
});
