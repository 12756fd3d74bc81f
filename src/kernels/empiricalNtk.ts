// The empirical NTK of a finite two-layer network f(x) = scale sum_i a_i sigma(<w_i, x>), the
// inner product of the parameter gradients at two inputs:
//   K(x, y) = scale^2 [ sum_i sigma(z_i(x)) sigma(z_i(y))  +  <x, y> sum_i a_i^2 sigma'(z_i(x)) sigma'(z_i(y)) ]
//           = scale^2 [ S S^T + (A A^T) o (X X^T) ],  S = sigma(Z), A = a o sigma'(Z), Z = X W^T,
// with the Jacobian factors S and A formed by the Wasm network kernels and both Gram products
// by the streaming normal-equation kernel of assembly/features.ts (rows of S are contiguous).

import type { TwoLayerNetwork } from "../model/network.js";
import type { WasmF64Array } from "../wasm/arena.js";

/** Which layers' gradients enter the kernel. */
export type NtkLayers = "both" | "first" | "second";

/** The m x m empirical NTK (row-major) of net at the m points x (m x d, Wasm memory). */
export function empiricalNtk(net: TwoLayerNetwork, x: WasmF64Array, m: number, layers: NtkLayers = "both"): Float64Array {
  if (net.bias) throw new RangeError("meanfield: empiricalNtk takes a network without bias");
  const { runtime, n, d } = net;
    const arena = runtime.arena;
  const owned: WasmF64Array[] = [];
  const alloc = (length: number) => {
    const a = arena.f64(length);
    owned.push(a);
    return a;
  };
  try {
    const z = alloc(m * n);
    const s = alloc(m * n);
    const ss = alloc(m * m);
    const aa = alloc(m * m);
    ss.view.fill(0);
    aa.view.fill(0);
    runtime.linalg.preactivations(x, net.w, n, d, m, z);
    const act = net.activation;
    if (layers !== "first") {
      runtime.features.activationValues(act, z, s, m * n);
      runtime.features.accumulateNormal(s, m, n, ss);
    }
    if (layers !== "second") {
      runtime.features.activationDerivatives(act, z, s, m * n);
      const sv = s.view;
      const a = net.a.view;
      for (let b = 0; b < m; b++) for (let i = 0; i < n; i++) sv[b * n + i] = sv[b * n + i]! * a[i]!;
      runtime.features.accumulateNormal(s, m, n, aa);
    }
    const xv = x.view;
    const g = ss.view;
    const h = aa.view;
    const scale2 = net.scale * net.scale;
    const out = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j <= i; j++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += xv[i * d + k]! * xv[j * d + k]!;
        const v = scale2 * (g[i * m + j]! + dot * h[i * m + j]!);
        out[i * m + j] = v;
        out[j * m + i] = v;
      }
    }
    return out;
  } finally {
    for (const a of owned) a.free();
  }
}
