// The Node-only part of the API (files on disk): `import { runToDirectory } from "meanfield/node"`.
// Everything else is in the main entry point, which also runs in browsers.

export { runToDirectory, resumeRun, type RunFileOptions, type DirectoryResult } from "./run/runDirectory.js";
export { listCatalog, listExamples, type ExampleEntry, type ExperimentEntry } from "./catalog.js";
export { reproduce, runExperiment, type RunExperimentOptions, type ExperimentRun } from "./experiments/runExperiment.js";
export { experiments } from "./experiments/registry.js";
export { writeReport } from "./report/writeReport.js";
export type { Experiment, ExperimentContext, ExperimentResult, ExperimentCheck, ExperimentPlot, ExperimentScale } from "./experiments/experiment.js";
export type { ExperimentSummary } from "./report/summary.js";
export { runSweep, aggregateDirectories, type SweepOptions, type SweepOutcome, type QueueTarget } from "./sweep/runSweep.js";
export { parseSweepSpec, sweepSpecSchema, type SweepSpec, type SweepSpecInput } from "./sweep/spec.js";
export { expandSweep, type SweepRun } from "./sweep/expand.js";
export { parseShard, inShard, type Shard } from "./sweep/shard.js";
export { startQueueWorker, type QueueWorkerOptions, type RunningWorker } from "./sweep/queueWorker.js";
export type { SweepAggregate } from "./sweep/aggregate.js";
export type { RunResult } from "./sweep/runResult.js";
