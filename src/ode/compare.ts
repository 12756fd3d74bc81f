// The ODE beside the network it describes: the same config trained by online SGD at its finite d
// (`simulate`, the run `meanfield run` makes), its order parameters measured at every logged step
// and set against the ODE's.

import type { Config, ConfigInput } from "../config.js";
import { simulate } from "../run/simulate.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import type { OrderParameters } from "./committeeOde.js";
import { orderParametersOf, solveOde, type OdeRecord, type OdeSetup, type SolveOdeOptions } from "./solveOde.js";

/**
 * One logged step of the comparison: mean-field and ODE times, the ODE's loss and the network's exact
 * one (1/2 E[(f - y)²]), and the largest entry gap in Q, R, v.
 */
export interface OdeComparisonRecord {
  step: number;
  time: number;
  odeTime: number;
  odeLoss: number;
  /** The network's exact population loss (or null when the task has none). */
  networkLoss: number | null;
  /** max |Q - Q_ode|, |R - R_ode| and |v - v_ode| over entries. */
  overlapGap: number;
}

/** The ODE beside the config's network trained at its finite d, with the largest overlap and loss gaps. */
export interface OdeComparison {
  setup: OdeSetup;
  ode: OdeRecord[];
  records: OdeComparisonRecord[];
  /** Steps the ODE's step-size control rejected (a right-hand side not smooth to the tolerance shows here). */
  rejectedSteps: number;
  /** Largest overlap gap and largest loss gap over the logged steps. */
  maxOverlapGap: number;
  maxLossGap: number;
}

function maxGap(p: OrderParameters, r: OdeRecord): number {
  let g = 0;
  for (let i = 0; i < p.q.length; i++) g = Math.max(g, Math.abs(p.q[i]! - r.q[i]!));
  for (let i = 0; i < p.r.length; i++) g = Math.max(g, Math.abs(p.r[i]! - r.r[i]!));
  for (let i = 0; i < p.v.length; i++) g = Math.max(g, Math.abs(p.v[i]! - r.v[i]!));
  return g;
}

/** solveOde(config) and the config's SGD run, record by record. */
export async function compareOdeWithNetwork(input: ConfigInput | Config, options: SolveOdeOptions & { runtime?: WasmRuntime } = {}): Promise<OdeComparison> {
  const { setup, records: ode, rejectedSteps } = await solveOde(input, options);
  const config = { ...setup.config, metrics: { ...setup.config.metrics, include: ["populationLoss" as const] } };
  const measured: OrderParameters[] = [];
  const run = await simulate(config, { ...(options.runtime ? { runtime: options.runtime } : {}), observe: (_step, _time, w, a) => measured.push(orderParametersOf(setup, w, a)) });
  if (run.summary.divergence) throw new RangeError(`meanfield ode --compare: the network diverged: ${run.summary.divergence.message}`);
  const records = ode.map((r, i) => {
    const net = run.records[i]!;
    if (net.step !== r.step) throw new Error(`meanfield: internal: ODE record ${i} is step ${r.step}, network record step ${net.step}`);
    const networkLoss = typeof net.populationLoss === "number" ? net.populationLoss : null;
    return { step: r.step, time: r.time, odeTime: r.odeTime, odeLoss: r.populationLoss, networkLoss, overlapGap: maxGap(measured[i]!, r) };
  });
  return {
    setup,
    ode,
    records,
    rejectedSteps,
    maxOverlapGap: Math.max(...records.map((r) => r.overlapGap)),
    maxLossGap: Math.max(...records.map((r) => (r.networkLoss === null ? 0 : Math.abs(r.networkLoss - r.odeLoss)))),
  };
}
