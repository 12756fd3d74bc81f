import { defineConfig } from "vitest/config";

// Vitest's 5 s default per test is shorter than a Wasm-heavy test takes on a loaded 2-core machine
// (CI shares its cores); a test that hangs is still stopped, after a minute rather than five seconds.
export default defineConfig({
  test: {
    testTimeout: 60_000,
  },
});
