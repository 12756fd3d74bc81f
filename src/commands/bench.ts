// `meanfield bench`: the benchmark suite of the source tree (npm run bench).

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { badInput } from "./exitCodes.js";

/** `meanfield bench`: runs the source tree's benchmark suite (npm run bench); refuses in an installed package, which has no bench/. */
export function registerBenchCommand(program: Command): void {
  program
    .command("bench")
    .description("run the benchmark suite of the source tree (npm run bench): kernels, steps, ratios to native C")
    .action(() => {
      const root = fileURLToPath(new URL("../../", import.meta.url));
      if (!existsSync(join(root, "bench", "network.bench.ts"))) badInput("bench", "the benchmarks ship with the source repository, not the installed package");
      const result = spawnSync("npm", ["run", "bench"], { cwd: root, stdio: "inherit" });
      process.exit(result.status ?? 1);
    });
}
