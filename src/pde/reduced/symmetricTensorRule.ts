// Tensor-product rules over the P relevant coordinates, in the order assembly/reducedParticles.ts
// expects: the points come in pairs (x, -x), point j + H being minus point j for j < H = floor(Q/2),
// and the origin last when Q is odd. Pairing lets the kernel get sigma_r at -t from its value at t
// for activations with a reflection law, halving the transcendental work. The hypercube {-1,1}^P
// is the rule with 1-D nodes (-1, 1) and weights (1/2, 1/2); Gaussian input uses Gauss–Hermite.

import { integerPower } from "../../special/portableMath.js";

/** Q points in R^P with weights summing to 1. */
export interface PointRule {
  readonly p: number;
  readonly q: number;
  /** P x Q, coordinate-major: points[k * Q + j] is coordinate k of point j. */
  readonly points: Float64Array;
  readonly weights: Float64Array;
}

/**
 * The P-fold tensor product of a 1-D rule whose nodes are symmetric (nodes[n-1-j] = -nodes[j],
 * weights likewise). With the multi-index (j_1..j_P) read as a base-n number L, negation maps L
 * to n^P - 1 - L, so the points L < H followed by their mirror images give the paired order.
 */
export function symmetricTensorRule(nodes: Float64Array, weights: Float64Array, p: number): PointRule {
  const n = nodes.length;
  for (let j = 0; j < n; j++) {
    if (nodes[n - 1 - j] !== -nodes[j]! || weights[n - 1 - j] !== weights[j]) {
      throw new RangeError(`meanfield: symmetricTensorRule: the 1-D rule is not symmetric at node ${j}`);
    }
  }
  const q = integerPower(n, p);
  if (!Number.isSafeInteger(q) || q > 2 ** 26) {
    throw new RangeError(`meanfield: a tensor rule of ${n} nodes in ${p} coordinates has ${n}^${p} points, more than 2^26`);
  }
  const h = Math.floor(q / 2);
  const order = new Array<number>(q);
  for (let j = 0; j < h; j++) {
    order[j] = j;
    order[j + h] = q - 1 - j;
  }
  if (q % 2 === 1) order[q - 1] = h;
  const points = new Float64Array(p * q);
  const ruleWeights = new Float64Array(q);
  order.forEach((index, j) => {
    let rest = index;
    let weight = 1;
    for (let k = p - 1; k >= 0; k--) {
      const digit = rest % n;
      rest = Math.floor(rest / n);
      points[k * q + j] = nodes[digit]!;
      weight *= weights[digit]!;
    }
    ruleWeights[j] = weight;
  });
  return { p, q, points, weights: ruleWeights };
}
