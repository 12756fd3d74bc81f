// An in-memory ExperimentContext for tests: keeps what an experiment saves instead of writing files.

import type { ExperimentContext, ExperimentScale } from "../src/experiments/experiment.js";
import type { WasmRuntime } from "../src/wasm/runtime.js";

export interface MemoryContext extends ExperimentContext {
  configs: Map<string, unknown>;
  tables: Map<string, Record<string, number | string | null>[]>;
  messages: string[];
}

export function memoryContext(runtime: WasmRuntime, scale: ExperimentScale = "test", seed = 1, variant: string | null = null): MemoryContext {
  const configs = new Map<string, unknown>();
  const tables = new Map<string, Record<string, number | string | null>[]>();
  const messages: string[] = [];
  return {
    scale,
    seed,
    variant,
    runtime,
    configs,
    tables,
    messages,
    log: (message) => messages.push(message),
    saveConfig: (name, config) => {
      if (configs.has(name)) throw new Error(`config ${name} saved twice`);
      configs.set(name, structuredClone(config));
    },
    saveTable: (name, rows) => {
      if (tables.has(name)) throw new Error(`table ${name} saved twice`);
      tables.set(name, rows.map((r) => ({ ...r })));
    },
  };
}
