import Benchmark from "benchmark";
import { measureSgdThroughput, printThroughput } from "./sgdThroughput.js";
const repoRoot = new URL("../../../", import.meta.url);
Object.assign(Benchmark.options, { maxTime: 2 });
const reports = [];
for (const shape of [{ d: 50, n: 256, b: 64 }, { d: 100, n: 1000, b: 256 }]) reports.push(await measureSgdThroughput(repoRoot, shape, 4, 2024));
printThroughput(reports);
