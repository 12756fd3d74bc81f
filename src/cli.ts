#!/usr/bin/env node
// The `meanfield` executable: the command line of src/commandLine.ts on this process's arguments.

import { runCommandLine } from "./commandLine.js";

const code = await runCommandLine(process.argv);
if (code !== 0) process.exit(code);
