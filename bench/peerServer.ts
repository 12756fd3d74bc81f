// The long-lived implementations bench/peers.ts times: each is a process that sets up, warms up,
// prints {"ready": true, ...} (the Python peers add the BLAS library they loaded), then answers
// every number of seconds written to its stdin with one JSON line timing whole steps for that long
// (bench/peers/protocol.py is the Python side, bench/peers/meanfieldSgd.ts meanfield's).

import { spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface, type Interface } from "node:readline";

/** The BLAS a Python peer has mapped (protocol.py's loaded_blas). */
export interface LoadedBlas {
  /** OpenBLAS, MKL, BLIS or ATLAS among the mapped files; false for netlib's reference libblas. */
  optimized: boolean;
  summary: string;
  files: string[];
}

export interface Ready {
  ready: true;
  blas?: LoadedBlas;
  /** meanfield only: whether the steps run as one Wasm call each. */
  fused?: boolean;
}

/** One timed slice: wall and process CPU seconds of `steps` whole steps. */
export interface Slice {
  steps: number;
  seconds: number;
  cpuSeconds: number;
  samplesPerSecond: number;
}

/** A running implementation answering one JSON line per request. */
export class Server {
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  private stderr = "";

  constructor(
    readonly label: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    this.lines = createInterface({ input: child.stdout });
    this.lines.on("line", (line) => this.pending.shift()?.(line));
    child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  private next(): Promise<string> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${this.label} exited (${code}): ${this.stderr.trim()}`));
      this.child.once("exit", onExit);
      this.pending.push((line) => {
        this.child.off("exit", onExit);
        resolve(line);
      });
    });
  }

  async ready(): Promise<Ready> {
    const line = await this.next();
    const parsed = JSON.parse(line) as Ready;
    if (!parsed.ready) throw new Error(`${this.label}: unexpected first line ${line}`);
    return parsed;
  }

  async time(seconds: number): Promise<Slice> {
    const answer = this.next();
    this.child.stdin.write(`${seconds}\n`);
    return JSON.parse(await answer) as Slice;
  }

  close(): void {
    this.child.stdin.end();
  }
}

/**
 * A Python interpreter that imports the module, or null. Debian's /usr/bin/python3 first: its
 * numpy and torch take BLAS from the libblas.so.3 alternative (OpenBLAS once
 * libopenblas0-pthread is installed), and it has threadpoolctl to describe it.
 */
export function pythonWith(module: string): string | null {
  for (const python of ["/usr/bin/python3", "python3"]) {
    const probe = spawnSync(python, ["-c", `import ${module}`], { stdio: "ignore" });
    if (probe.status === 0) return python;
  }
  return null;
}

/**
 * The environment for a peer process: this process's, without the OPENBLAS_* settings other than
 * the thread count (which the caller sets), so OpenBLAS picks its kernels and cache sizes by its
 * own CPU detection, as it does for its users; and the names of the settings left out. A shell
 * that exports, say, OPENBLAS_CORETYPE=Haswell on an AVX-512 CPU would otherwise hand the peers
 * kernels half as wide as the ones OpenBLAS 0.3.21 picks itself on this repository's AMD Zen 5
 * host (Cooperlake: 77 against 46 GFLOP/s in f64 for bench/peers/gemm_rate.py on one core).
 */
export function peerEnvironment(): { env: NodeJS.ProcessEnv; removed: string[] } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const removed: string[] = [];
  for (const name of Object.keys(env)) {
    if (name.startsWith("OPENBLAS_") && name !== "OPENBLAS_NUM_THREADS") {
      removed.push(`${name}=${env[name]}`);
      delete env[name];
    }
  }
  return { env, removed };
}
