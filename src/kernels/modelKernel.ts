// The infinite-width kernels of a config's two-layer model f(x) = scale sum_i a_i sigma(<w_i, x>):
//   NNGP (conjugate kernel)  K(x, y) = E_w[sigma(<w,x>) sigma(<w,y>)]
//   NTK                      K(x, y) = [second layer] E_w[sigma sigma] + [first layer] E[a^2] <x,y> E_w[sigma' sigma']
// (per neuron; the layers included follow model.train). First-layer weights follow the mean-field
// model of each input law: w uniform on the unit sphere for sphere inputs, w ~ N(0, I/d) for
// Gaussian inputs, so that <w, x> has unit variance and both NTK parts are O(1).
//
// Sphere (x, y on S^{d-1}): K(x, y) = sum_k kappa_k P_{k,d}(<x,y>), with kappa_k = sigma_k^2 / N(d,k)
// from the Legendre coefficients of sigma, and the first-layer part t D(t), D(t) = sum_k
// (sigma'_k)^2 / N(d,k) P_k(t), moved to the Legendre basis by the three-term recurrence
// t P_k = k/(2k+d-2) P_{k-1} + (k+d-2)/(2k+d-2) P_{k+1}.
//
// Gaussian (x, y ~ N(0, I_d)): with s_x = |x|/sqrt(d), rho = <x,y>/(|x||y|), the NNGP is
// sum_k a_k(s_x) a_k(s_y) rho^k (Mehler; a_k(s) the Hermite coefficients of sigma(s z)). For the
// homogeneous relu and abs this is s_x s_y g(rho) in closed form (arc-cosine kernels), which
// is what the Wasm Gram kernels evaluate. The degree weights e_k below are the Hermite energies
// at s = 1 (c_k^2, and E[a^2] b_{k-1}^2 for the first layer, b the coefficients of sigma'): the
// rotation-averaged kernel sum_k e_k / C(d+k-1, k) sum_{|alpha| = k} H_alpha(x) H_alpha(y) that
// explicit Hermite features represent, with the same energy E_x K(x, x) in every degree.
//
// With kernel.bias = beta > 0 (ReLU on Gaussian inputs only) the kernels are those of the network
// with biases b ~ N(0, beta^2) (reluBiasKernels.ts): the same homogeneous g of the augmented point
// x~ = (x, beta sqrt(d)), |x~|^2 / d = |x|^2 / d + beta^2, which GramOperator forms before the Wasm
// kernels see it, and degree energies averaged over b.

import { ConfigError, type Config } from "../config.js";
import { parseActivation, type ActivationSpec } from "../activation/spec.js";
import { activationFunction } from "../activation/activationFunction.js";
import { GaussianNeurons } from "../population/gaussianNetwork.js";
import type { NeuronState } from "../activation/gaussianPair.js";
import { hermiteCoefficients, sphereCoefficients } from "../activation/coefficients.js";
import { sphericalHarmonicsDim } from "../special/gegenbauer.js";
import { gegenbauerSeries } from "../special/gegenbauerSeries.js";
import { gaussianExpectation, sphereExpectation } from "../special/expectation.js";
import { linkToActivation } from "../activation/link.js";
import { arcCosineKernel } from "../activation/closedForms.js";
import { asin } from "../special/portableMath.js";
import { reluBiasDegreeWeights } from "./reluBiasKernels.js";

/**
 * The infinite-width kernel: NNGP E_w[σ(<w,x>) σ(<w,y>)], or NTK, which adds the first layer's
 * E[a²] <x,y> E_w[σ' σ'] (the layers follow model.train).
 */
export type KernelKind = "nngp" | "ntk";
/** x uniform on the unit sphere S^{d-1} (w uniform on it too), or x ~ N(0, I_d) (w ~ N(0, I/d)). */
export type InputLaw = "sphere" | "gaussian";

/** Nodes of the tabulated g in s = sqrt(1 - |t|), half for t >= 0 and half for t <= 0 (4-point interpolation in s, assembly/gramBlock.ts); the uniform part's UNIFORM_NODES follow. */
export const TABLE_SIZE = 1 << 15;
/** Below this |t|, at d >= UNIFORM_MIN_D, the Wasm kernels interpolate g in t itself, from nodes UNIFORM_SPACING apart (assembly/gramProduct.ts says why these). */
export const UNIFORM_TAU = 0.875;
/** Spacing of the uniform part's nodes in t. */
export const UNIFORM_SPACING = 2 ** -13;
/** Nodes of the uniform part, g(-UNIFORM_TAU + (k - 1) UNIFORM_SPACING), k = 0 .. UNIFORM_NODES - 1: one past each end of |t| < UNIFORM_TAU (the Wasm module's tableUniformNodes()). */
export const UNIFORM_NODES = (2 * UNIFORM_TAU) / UNIFORM_SPACING + 3;
/**
 * The Wasm kernels read the uniform part only for data of dimension d >= UNIFORM_MIN_D (the Wasm
 * module's tableUniformMinD(); assembly/gramProduct.ts says why): below it every entry, |t| < UNIFORM_TAU
 * too, comes from the square-root part, so g is one function of t for each d.
 */
export const UNIFORM_MIN_D = 6;
/** Degree at which the Legendre / Hermite series of non-polynomial activations stop. */
export const SERIES_DEGREE = 48;
/** Degree of the Mehler series of Gaussian pair moments (as gaussianActivationKernel). */
const PAIR_SERIES_DEGREE = 60;

/**
 * An infinite-width kernel by its degree weights: on the sphere κ_k with K(t) = Σ_k κ_k P_{k,d}(t);
 * on Gaussian input the energies e_k of the rotation-averaged kernel; with a table for the Wasm Gram kernels.
 */
export interface ModelKernel {
  kind: KernelKind;
  law: InputLaw;
  d: number;
  /**
   * Per-degree weights, index k = 0 .. maxDegree: on the sphere kappa_k (K(t) = sum_k kappa_k
   * P_{k,d}(t)); on Gaussian inputs the degree-k energy e_k of the rotation-averaged kernel.
   */
  degreeWeights: Float64Array;
  /** E_x K(x, x) of the whole kernel (the sum of all degree weights, untruncated). */
  diagonal: number;
  /** Highest degree with a nonzero weight when the kernel is a polynomial, else null. */
  polynomialDegree: number | null;
  /** g tabulated for the Wasm Gram kernels (see tabulate; g(1) is table[0]) when they can evaluate K; else null. */
  table: Float64Array | null;
  /** K = s_x s_y g(rho) (Gaussian relu/abs) rather than g(<x, y>) (sphere). */
  homogeneous: boolean;
  /**
   * Bias scale beta (kernel.bias; 0: none): K is the homogeneous kernel of the augmented point
   * (x, beta sqrt(d)), with s_x = |x~| / sqrt(d) (docs/conventions.md, "Kernel baselines").
   */
  bias: number;
  /** K from |x|^2, |y|^2 and <x, y>, evaluated in JavaScript, for kernels without a table; else null. */
  entry: ((squareX: number, squareY: number, dot: number) => number) | null;
}

/** The layers whose gradients enter the NTK (model.train), and E[a^2] at initialization. */
function layersOf(config: Config): { second: boolean; first: boolean; aSquare: number } {
  const init = config.model.init.secondLayer;
  let aSquare: number;
  switch (init.kind) {
    case "constant":
      aSquare = init.value ** 2;
      break;
    case "gaussian":
      aSquare = init.std ** 2;
      break;
    case "rademacher":
      aSquare = init.value ** 2;
      break;
    case "given":
      aSquare = init.values.reduce((s, v) => s + v * v, 0) / Math.max(1, init.values.length);
      break;
  }
  const train = config.model.train;
  return { second: train !== "first", first: train !== "second", aSquare };
}

/**
 * The input law of a config's task: the sphere for sphereSingleIndex, Gaussian otherwise (the
 * kernels have no hypercube form).
 */
export function inputLawOf(config: Config): InputLaw {
  return config.task.kind === "sphereSingleIndex" ? "sphere" : "gaussian";
}

function polynomialDegreeOf(spec: ActivationSpec): number | null {
  const act = parseActivation(spec, "model.activation");
  if (act.kind !== "polynomial") return null;
  let deg = act.coefficients.length - 1;
  while (deg > 0 && act.coefficients[deg] === 0) deg--;
  return deg;
}

/**
 * The table the Wasm Gram kernels interpolate: g(1 - s_m^2), m < E, then g(s_m^2 - 1), at
 * s_m = m / (E - 1), E = TABLE_SIZE / 2, then the uniform part, g at UNIFORM_NODES nodes equispaced
 * in t over |t| < UNIFORM_TAU and one beyond each end. Equispaced in s = sqrt(1 - |t|) near t = +-1,
 * so the square-root singularities of the arc-cosine kernels there (the ReLU NTK's
 * (pi - acos t) t ~ t (pi - sqrt(2 (1 - t)))) become analytic in s and are interpolated to
 * rounding (with nodes equispaced in t they left an O(sqrt(spacing)) = 3e-4 error at t -> 1);
 * away from them g is analytic in t, and nodes in t spare the kernels a square root per entry.
 */
export function tabulate(g: (t: number) => number): Float64Array {
  const half = TABLE_SIZE / 2;
  const out = new Float64Array(TABLE_SIZE + UNIFORM_NODES);
  for (let m = 0; m < half; m++) {
    const s = m / (half - 1);
    out[m] = g(1 - s * s);
    out[half + m] = g(s * s - 1);
  }
  for (let k = 0; k < UNIFORM_NODES; k++) out[TABLE_SIZE + k] = g(-UNIFORM_TAU + (k - 1) * UNIFORM_SPACING);
  return out;
}

function sphereKernel(config: Config, kind: KernelKind, spec: ActivationSpec): ModelKernel {
  const d = config.task.d;
  const f = activationFunction(spec, "model.activation");
  const poly = polynomialDegreeOf(spec);
  const maxDegree = poly ?? SERIES_DEGREE;
  const layers = kind === "nngp" ? { second: true, first: false, aSquare: 0 } : layersOf(config);
  const weights = new Float64Array(maxDegree + 1);
  let diagonal = 0;
  if (layers.second) {
    const sigma = sphereCoefficients(spec, d, maxDegree);
    for (let k = 0; k <= maxDegree; k++) weights[k]! += sigma[k]! ** 2 / sphericalHarmonicsDim(d, k);
    diagonal += sphereExpectation((t) => f.value(t) ** 2, d, { kinks: f.kinks });
  }
  if (layers.first && layers.aSquare > 0) {
    const deriv = maxDegree >= 1 ? sphereCoefficients(f.derivative, d, maxDegree - 1, { kinks: f.kinks }) : new Float64Array(0);
    for (let k = 0; k < deriv.length; k++) {
      const delta = (layers.aSquare * deriv[k]! ** 2) / sphericalHarmonicsDim(d, k);
      const denom = 2 * k + d - 2;
      if (k > 0) weights[k - 1]! += (delta * k) / denom;
      weights[k + 1]! += (delta * (k + d - 2)) / denom;
    }
    diagonal += layers.aSquare * sphereExpectation((t) => f.derivative(t) ** 2, d, { kinks: f.kinks });
  }
  let top = maxDegree;
  while (top > 0 && weights[top] === 0) top--;
  if (poly !== null) diagonal = weights.reduce((s, w) => s + w, 0);
  return {
    kind,
    law: "sphere",
    d,
    degreeWeights: weights,
    diagonal,
    polynomialDegree: poly === null ? null : top,
    table: tabulate((t) => gegenbauerSeries(weights, d, t).value),
    homogeneous: false,
    bias: 0,
    entry: null,
  };
}

// E[|z1||z2|] and E[sgn z1 sgn z2] for unit Gaussians with correlation rho.
function absKernel(rho: number): number {
  return (2 / Math.PI) * (Math.sqrt(Math.max(0, 1 - rho * rho)) + rho * asin(rho));
}
function signKernel(rho: number): number {
  return (2 / Math.PI) * asin(rho);
}

function gaussianKernel(config: Config, kind: KernelKind, spec: ActivationSpec): ModelKernel {
  const d = config.task.d;
  const f = activationFunction(spec, "model.activation");
  const poly = polynomialDegreeOf(spec);
  const maxDegree = poly ?? SERIES_DEGREE;
  const layers = kind === "nngp" ? { second: true, first: false, aSquare: 0 } : layersOf(config);
  const useFirst = layers.first && layers.aSquare > 0;
  const weights = new Float64Array(maxDegree + 1);
  let diagonal = 0;
  if (layers.second) {
    const c = hermiteCoefficients(spec, maxDegree);
    for (let k = 0; k <= maxDegree; k++) weights[k]! += c[k]! ** 2;
    diagonal += gaussianExpectation((z) => f.value(z) ** 2, { kinks: f.kinks });
  }
  if (useFirst) {
    const b = maxDegree >= 1 ? hermiteCoefficients(f.derivative, maxDegree - 1, { kinks: f.kinks }) : new Float64Array(0);
    for (let k = 0; k < b.length; k++) weights[k + 1]! += layers.aSquare * b[k]! ** 2;
    diagonal += layers.aSquare * gaussianExpectation((z) => f.derivative(z) ** 2, { kinks: f.kinks });
  }
  let top = maxDegree;
  while (top > 0 && weights[top] === 0) top--;
  if (poly !== null) diagonal = weights.reduce((s, w) => s + w, 0);
  const base = {
    kind,
    law: "gaussian" as const,
    d,
    degreeWeights: weights,
    diagonal,
    polynomialDegree: poly === null ? null : top,
    bias: 0,
  };
  const act = parseActivation(spec, "model.activation");
  if (act.kind === "relu" || act.kind === "abs") {
    const used = { ...layers, first: useFirst };
    const g = act.kind === "relu" ? reluG(used) : (rho: number) => (used.second ? absKernel(rho) : 0) + (used.first ? used.aSquare * rho * signKernel(rho) : 0);
    return { ...base, table: tabulate(g), homogeneous: true, entry: null };
  }
  if (useFirst) return { ...base, table: null, homogeneous: false, entry: null };
  const neurons = new GaussianNeurons(spec, PAIR_SERIES_DEGREE);
  const states = new Map<number, NeuronState>();
  const stateOf = (square: number): NeuronState => {
    let s = states.get(square);
    if (!s) {
      s = neurons.state(Math.sqrt(square / d));
      states.set(square, s);
    }
    return s;
  };
  return {
    ...base,
    table: null,
    homogeneous: false,
    entry: (sx, sy, dot) => neurons.pair(neurons, stateOf(sx), stateOf(sy), dot / d).value,
  };
}

/** g of the Gaussian ReLU kernels, K = s_x s_y g(rho): NNGP arc-cosine of order 1, plus E[a^2] rho times order 0 for the first layer. */
function reluG(layers: { second: boolean; first: boolean; aSquare: number }): (rho: number) => number {
  return (rho) => (layers.second ? arcCosineKernel(1, rho) : 0) + (layers.first ? layers.aSquare * rho * arcCosineKernel(0, rho) : 0);
}

/** The ReLU kernels with biases b ~ N(0, beta^2) on Gaussian inputs: g of the augmented points, energies averaged over b. */
function reluBiasKernel(config: Config, kind: KernelKind, beta: number): ModelKernel {
  const act = parseActivation(linkToActivation(config.model.activation, config.task.d), "model.activation");
  if (inputLawOf(config) !== "gaussian" || act.kind !== "relu") {
    throw new ConfigError(`kernel.bias: kernels with a bias are for relu on Gaussian inputs, got ${act.kind} on ${inputLawOf(config)} inputs; set kernel.bias to 0`);
  }
  const all = layersOf(config);
  const layers = kind === "nngp" ? { second: true, first: false, aSquare: 0 } : { ...all, first: all.first && all.aSquare > 0 };
  const { weights, diagonal } = reluBiasDegreeWeights(beta, layers, SERIES_DEGREE);
  return { kind, law: "gaussian", d: config.task.d, degreeWeights: weights, diagonal, polynomialDegree: null, table: tabulate(reluG(layers)), homogeneous: true, bias: beta, entry: null };
}

/**
 * The NNGP or NTK of the config's model on its task's input law; with kernel.bias = beta > 0 that of
 * the network with biases b ~ N(0, beta^2) (relu on Gaussian inputs), which model.bias requires.
 */
export function modelKernel(config: Config, kind: KernelKind): ModelKernel {
  if (kind !== "nngp" && kind !== "ntk") throw new ConfigError(`kernel: expected nngp, ntk or rf, got ${String(kind)}`);
  const beta = config.kernel?.bias ?? 0;
  if (config.model.bias && beta === 0) {
    throw new ConfigError("model.bias: the kernels of a network with biases need their initial scale; set kernel.bias to beta > 0 (b ~ N(0, beta^2)), or model.bias to false");
  }
  if (beta > 0 && !config.model.bias) throw new ConfigError("kernel.bias: the kernels' bias is the model's; set model.bias to true, or kernel.bias to 0");
  if (beta > 0) return reluBiasKernel(config, kind, beta);
  const spec = linkToActivation(config.model.activation, config.task.d);
  return inputLawOf(config) === "sphere" ? sphereKernel(config, kind, spec) : gaussianKernel(config, kind, spec);
}

/** Sum of the degree weights above `degree`: on the sphere, sup_t |K(t) - K_{<=degree}(t)|. */
export function kernelTail(kernel: ModelKernel, degree: number): number {
  let kept = 0;
  for (let k = 0; k <= Math.min(degree, kernel.degreeWeights.length - 1); k++) kept += kernel.degreeWeights[k]!;
  return Math.max(0, kernel.diagonal - kept);
}
