// The Node-only part of the API (files on disk): `import { runToDirectory } from "meanfield/node"`.
// Everything else is in the main entry point, which also runs in browsers.

export { runToDirectory, resumeRun, type RunFileOptions, type DirectoryResult } from "./run/runDirectory.js";
export { listCatalog, listExamples, type ExampleEntry, type ExperimentEntry } from "./catalog.js";
