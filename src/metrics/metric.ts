// What a metric is: the context it is built from and the record it writes. The registry of
// metrics and the recorder that runs them are in recorder.ts.

import type { Config } from "../config.js";
import type { TwoLayerNetwork } from "../model/network.js";
import type { Task } from "../tasks/task.js";
import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmRuntime } from "../wasm/runtime.js";

/**
 * What a metric may read: the resolved config, the task, the live network and its step-0
 * parameters (for relative movement), and the training-set loss when the algorithm has one.
 */
export interface MetricContext {
  runtime: WasmRuntime;
  /** Resolved config (src/config.ts). */
  config: Config;
  task: Task;
  /** Current parameters, read at record time. */
  net: TwoLayerNetwork;
  /** Parameters at step 0, for relative movement. */
  initialW: Float64Array;
  initialA: Float64Array;
  /** Loss on the fixed training set, when the algorithm has one (else undefined). */
  trainLoss?: () => number;
  /**
   * The loss of the model being trained on a sample set, when that model is not the network
   * itself (a linearized run); testLoss uses it.
   */
  modelLoss?: (x: WasmF64Array, y: WasmF64Array) => { loss: number; standardError: number };
}

/** One record entry: a scalar, a vector (per degree, per direction, per bin), or null where undefined. */
export type MetricValue = number | number[] | null;
/** One record: metric key (stable across versions, listed in recorder.ts's header) to value. */
export type MetricValues = Record<string, MetricValue>;

/** The metrics of one run, read between steps; record() only reads the current parameters. */
export interface MetricRecorder {
  /** The requested metrics at this moment as a flat-ish JSON-serializable object. */
  record(): MetricValues;
  free(): void;
}

/** One metric family: writes its keys into a record; owns whatever it allocated. */
export interface Metric {
  record(out: MetricValues): void;
  free(): void;
}
