// The step loop of a run: config -> task + network + trainer -> metrics at scheduled steps.
// No I/O here (it runs in browsers too); runDirectory.ts streams records and checkpoints to disk
// through the callbacks.

import { dataOf, parseConfig, type Config, type ConfigInput } from "../config.js";
import { createMetricRecorder } from "../metrics/recorder.js";
import { networkOptionsOf, TwoLayerNetwork } from "../model/network.js";
import { linkToActivation } from "../activation/link.js";
import { createTask } from "../tasks/createTask.js";
import { DivergenceError, Trainer, type TrainerCheckpoint } from "../train/trainer.js";
import { loadRuntime, type WasmRuntime } from "../wasm/runtime.js";
import { defaultThreadsBuild } from "../wasm/loader.js";
import { ThreadTeam } from "../wasm/threadTeam.js";
import { firstNonFinite } from "./nonFinite.js";
import { metricSteps } from "../metricSchedule.js";

/**
 * One logged record: the step, the time (mean-field time t = step · h of the second layer,
 * docs/conventions.md), and the metric keys of src/metrics/recorder.ts.
 */
export type MetricRecord = { step: number; time: number } & Record<string, number | number[] | null>;

/** What a checkpoint holds; the initial weights are not in it because init is a pure function of the config. */
export interface RunState {
  w: Float64Array;
  a: Float64Array;
  trainer: TrainerCheckpoint;
}

/**
 * Hooks into the step loop (records, checkpoints, progress, weight snapshots) and a resume state;
 * none of them changes a result, so a run computes the same bytes with or without them.
 */
export interface SimulateOptions {
  /** For config.threads > 1 with sampled data, a runtime over shared memory (loadRuntime({ build: "threads" })). */
  runtime?: WasmRuntime;
  /** Called with every metric record as soon as it is computed. */
  onRecord?: (record: MetricRecord) => void;
  /** Called every config.checkpointEvery steps (after that step's record) with the state to save. */
  onCheckpoint?: (state: RunState) => void;
  /**
   * Called after every step. A returned promise is awaited before the next step, which lets a
   * browser worker yield to its message queue (pause, stop) without changing any result.
   */
  onProgress?: (step: number, total: number) => void | Promise<void>;
  /** Called at every logged step with copies of the weights (w: N x inputDim, a: N), e.g. to compare particles with a PDE. */
  observe?: (step: number, time: number, w: Float64Array, a: Float64Array) => void;
  /** Continue from a saved state instead of step 0. */
  resume?: RunState;
}

/**
 * How a run ended: completed or diverged (with the step and loss), its steps, mean-field time
 * and throughput, and the final record.
 */
export interface RunSummary {
  name: string;
  status: "completed" | "diverged";
  steps: number;
  totalSteps: number;
  time: number;
  wallSeconds: number;
  stepsPerSecond: number;
  divergence: { step: number; loss: number; message: string } | null;
  final: MetricRecord | null;
}

/** A finished run: the resolved config, every logged record, and the summary. */
export interface SimulationResult {
  config: Config;
  records: MetricRecord[];
  summary: RunSummary;
}

/** Record keys that are losses: one beyond the trainer's divergence limit means the run diverged. */
const LOSS_KEYS = ["populationLoss", "testLoss", "trainLoss"];

/**
 * Runs a config to its last step (or to divergence, which is reported, not thrown). A metric that
 * is not finite, or a loss beyond the divergence limit, stops the run as diverged, naming it; that
 * record is not emitted.
 */
export async function simulate(input: ConfigInput | Config, options: SimulateOptions = {}): Promise<SimulationResult> {
  const config = parseConfig(input);
  // Population objectives have no neuron blocks to split; they ignore threads.
  const threaded = config.threads > 1 && dataOf(config.algorithm).kind !== "population";
  const rt = options.runtime ?? (await loadRuntime(threaded ? { build: defaultThreadsBuild() } : {}));
  const { task: taskConfig, model } = config;
  const activation = linkToActivation(model.activation, taskConfig.d);
  const task = createTask(rt, taskConfig, config.seed, activation);
  const net = new TwoLayerNetwork(rt, networkOptionsOf(config, activation));
  let team: ThreadTeam | null = null;
  let trainer: Trainer | null = null;
  let recorder: ReturnType<typeof createMetricRecorder> | null = null;
  try {
    const resume = options.resume;
    const initialW = net.w.toArray();
    const initialA = net.a.toArray();
    if (threaded) team = await ThreadTeam.start(rt, config.threads);
    trainer = new Trainer(config, task, net);
    if (resume) {
      net.setWeights(resume.w, resume.a);
      trainer.restore(resume.trainer);
    }
    const t = trainer;
    const hasTrainSet = dataOf(config.algorithm).kind === "samples";
    const modelLoss = t.modelLoss();
    recorder = createMetricRecorder({
      runtime: rt,
      config,
      task,
      net,
      initialW,
      initialA,
      ...(hasTrainSet ? { trainLoss: () => t.trainLoss() } : {}),
      ...(modelLoss ? { modelLoss } : {}),
    });
    const schedule = metricSteps(config.metrics.schedule, t.totalSteps);
    let next = schedule.findIndex((s) => s >= t.step);
    if (resume && schedule[next] === t.step) next++;
    const records: MetricRecord[] = [];
    const started = performance.now();
    const firstStep = t.step;
    let divergence: RunSummary["divergence"] = null;
    /** Records the current state; returns a divergence when a metric is not a usable number. */
    const record = (): RunSummary["divergence"] => {
      const entry = { step: t.step, time: t.time, ...recorder!.record() } as MetricRecord;
      const bad = firstNonFinite(entry);
      if (bad) return { step: t.step, loss: bad.value, message: `metric ${bad.path} is ${bad.value} at step ${t.step}${t.step === 0 ? ", before any update: the initial network or the task gives it (check the task parameters and model.init)" : "; the likely cause is a step size too large (lower algorithm.stepSize) or too much noise"}` };
      const blown = LOSS_KEYS.find((k) => typeof entry[k] === "number" && (entry[k] as number) > t.divergenceLimit);
      if (blown) return { step: t.step, loss: entry[blown] as number, message: `metric ${blown} is ${(entry[blown] as number).toExponential(3)} at step ${t.step}, beyond the divergence limit ${t.divergenceLimit.toExponential(3)}${t.step === 0 ? " before any update (check the task parameters and model.init)" : "; the likely cause is a step size too large (lower algorithm.stepSize) or too much noise"}` };
      records.push(entry);
      options.onRecord?.(entry);
      options.observe?.(t.step, t.time, net.w.toArray(), net.a.toArray());
      return null;
    };
    const checkpoint = () =>
      options.onCheckpoint?.({ w: net.w.toArray(), a: net.a.toArray(), trainer: t.checkpoint() });
    while (true) {
      if (schedule[next] === t.step) {
        divergence = record();
        if (divergence) break;
        next++;
      }
      if (config.checkpointEvery > 0 && t.step % config.checkpointEvery === 0 && t.step !== firstStep) checkpoint();
      if (t.step >= t.totalSteps) break;
      try {
        t.advance();
      } catch (err) {
        if (!(err instanceof DivergenceError)) throw err;
        divergence = { step: err.step, loss: err.loss, message: err.message };
        break;
      }
      const paced = options.onProgress?.(t.step, t.totalSteps);
      if (paced) await paced;
    }
    const wallSeconds = (performance.now() - started) / 1000;
    const done = t.step - firstStep;
    return {
      config,
      records,
      summary: {
        name: config.name,
        status: divergence ? "diverged" : "completed",
        steps: t.step,
        totalSteps: t.totalSteps,
        time: t.time,
        wallSeconds,
        stepsPerSecond: wallSeconds > 0 ? done / wallSeconds : 0,
        divergence,
        final: records[records.length - 1] ?? null,
      },
    };
  } finally {
    await team?.close();
    recorder?.free();
    trainer?.free();
    net.free();
    task.free();
  }
}
