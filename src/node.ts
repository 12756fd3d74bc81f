// The Node-only part of the API (files on disk): `import { runToDirectory } from "meanfield/node"`.
// Everything else is in the main entry point, which also runs in browsers.

export { runToDirectory, resumeRun, type RunFileOptions, type DirectoryResult } from "./run/runDirectory.js";
export { listCatalog, listExamples, type ExampleEntry, type ExperimentEntry } from "./catalog.js";
export { reproduce, runExperiment, type RunExperimentOptions, type ExperimentRun } from "./experiments/runExperiment.js";
export { experiments } from "./experiments/registry.js";
export { writeReport } from "./report/writeReport.js";
export type { Experiment, ExperimentContext, ExperimentResult, ExperimentCheck, ExperimentPlot, ExperimentScale } from "./experiments/experiment.js";
export type { ExperimentSummary } from "./report/summary.js";
