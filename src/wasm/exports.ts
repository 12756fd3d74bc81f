// The raw exports of assembly/index.ts. Pointers are byte addresses in linear memory.

/** The raw Wasm exports; only src/wasm/ calls them, through typed wrappers. */
export interface MeanfieldExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  simdEnabled(): number;
  relaxedSimdEnabled(): number;
  forward(
    x: number, w: number, a: number, n: number, d: number, b: number, scale: number,
    kind: number, params: number, nparams: number, z: number, f: number,
  ): void;
  backward(
    x: number, a: number, n: number, d: number, b: number, scale: number,
    kind: number, params: number, nparams: number, z: number, r: number, g: number, gradW: number, gradA: number,
  ): void;
  /** The row length of the f32 copies narrowRowsToF32 makes: d rounded up to a multiple of 8. */
  paddedDim(d: number): number;
  /** dst (2 rows dp f32) = src (rows x d f64) rounded to nearest: rows x dp (zero past d), then groups of 4 samples coordinate by coordinate. */
  narrowRowsToF32(src: number, dst: number, rows: number, d: number, dp: number): void;
  /** dst (d nPad f32) = the transpose of src (n x d f64) rounded to nearest, in panels of 8 neurons (d x 8 each), zero past n. */
  narrowTransposedToF32(src: number, dst: number, n: number, d: number, nPad: number): void;
  /** The batch-1 f32 update of neurons i .. i + 3: w += alpha f32(g x), their rows of wT32 narrowed from the new w. */
  updateFourForwardBatchOne(g: number, i0: number, idx: number, x32: number, xNext32: number, d: number, w: number, alpha: number, zNext: number): void;
  forwardFourBatchOne(idx: number, xNext32: number, d: number, w: number, zNext: number): void;
  /** The same for two groups of 4 neurons (idx: 8 i32) in one pass, the first `moving` (0, 1 or 2) updated, the others only read. */
  eightAheadBatchOne(g: number, i0: number, idx: number, x32: number, xNext32: number, d: number, w: number, alpha: number, zNext: number, moving: number): void;
  updateFourForwardBatchOne64(g: number, idx: number, x: number, xNext: number, d: number, w: number, alpha: number, zNext: number): void;
  forwardFourBatchOne64(idx: number, xNext: number, d: number, w: number, zNext: number): void;
  /** forward() with f32 products over the f32 copies x32 (narrowRowsToF32) of x and wT32 (narrowTransposedToF32) of w. */
  forward32(
    x32: number, wT32: number, a: number, n: number, nPad: number, d: number, dp: number, b: number, scale: number,
    kind: number, params: number, nparams: number, z: number, f: number,
  ): void;
  /** backward() with the gradient sums in f32; g32 (B x N f32) and gradW32 (N x dp f32) are scratch. */
  backward32(
    x32: number, a: number, n: number, d: number, dp: number, b: number, scale: number,
    kind: number, params: number, nparams: number, z: number, r: number, g32: number, gradW32: number, gradW: number, gradA: number,
  ): void;
  /** The number of f64 slots of an online-step plan (src/train/onlineStepPlan.ts). */
  onlineStepPlanSlots(): number;
  /** One online-SGD step of a plan: draw, labels, forward, loss, backward and update; returns the loss. */
  onlineStep(plan: number, step: number, moveW: number, driftW: number, moveA: number, driftA: number): number;
  /** The number of f64 slots of an overlap-chain plan (src/experiments/overlapChain.ts). */
  overlapChainPlanSlots(): number;
  /** One escape run of the overlap chain: the escape step, or -1 (no escape within the cap, or a jump). */
  overlapChainEscape(plan: number): number;
  /** The address of the 4-variate orthant kernel's static input: covariance hi and lo (32 f64), then its Gauss–Legendre rules (64 f64). */
  plackettBuffer(): number;
  /** P(x > 0) for the 4 x 4 covariance in plackettBuffer(), by Plackett's integral. */
  plackettOrthant4(): number;
  /** The address of the rotation-path orthant kernel's static input: covariance hi and lo (32 f64), then its Gauss–Legendre rules (40 f64). */
  collinearBuffer(): number;
  /** P(x > 0) for the 4 x 4 covariance in collinearBuffer() by the rotation path, NaN where it declines. */
  collinearOrthant4(): number;
  /** Bytes of the relu committee terms' workspace for f fields (covariance, weights, drift, square first). */
  reluTermsBytes(f: number): number;
  /** The relu committee ODE's drift and square terms for the covariance and weights in the workspace ws. */
  reluCommitteeTerms(ws: number, f: number, k: number): void;
  /** forward32's work for neuron blocks [j0, j1): their columns of z and per-block partial sums (numBlocks x B). */
  forward32Range(
    x32: number, wT32: number, a: number, n: number, d: number, dp: number, b: number,
    kind: number, params: number, nparams: number, z: number, partial: number, j0: number, j1: number,
  ): void;
  /** backward32 for the neurons of blocks [j0, j1) only. */
  backward32Range(
    x32: number, a: number, n: number, d: number, dp: number, b: number, scale: number,
    kind: number, params: number, nparams: number, z: number, r: number, g32: number, gradW32: number, gradW: number, gradA: number,
    j0: number, j1: number,
  ): void;
  preactivations(x: number, w: number, n: number, d: number, b: number, z: number): void;
  neuronBlock(): number;
  forwardRange(
    x: number, w: number, a: number, n: number, d: number, b: number,
    kind: number, params: number, nparams: number, z: number, partial: number, j0: number, j1: number,
  ): void;
  linearizedForwardRange(
    x: number, w0: number, dw: number, a: number, a0: number, n: number, d: number, b: number,
    kind: number, params: number, nparams: number, z: number, zd: number, partial: number, j0: number, j1: number,
  ): void;
  backwardRange(
    x: number, a: number, n: number, d: number, b: number, scale: number,
    kind: number, params: number, nparams: number, z: number, r: number, g: number, gradW: number, gradA: number,
    j0: number, j1: number,
  ): void;
  reduceBlocks(partial: number, blocks: number, b: number, scale: number, f: number): void;
  activationValues(kind: number, params: number, nparams: number, z: number, out: number, n: number): void;
  activationDerivatives(kind: number, params: number, nparams: number, z: number, out: number, n: number): void;
  erf(x: number): number;
  philoxBlock(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: number): void;
  fillUniform(k0: number, k1: number, s0: number, s1: number, start: number, out: number, n: number): void;
  fillGaussian(k0: number, k1: number, s0: number, s1: number, start: number, out: number, n: number): void;
  /** fillGaussian's values rounded to f32, written as n f32 at out. */
  fillGaussian32(k0: number, k1: number, s0: number, s1: number, start: number, out: number, n: number): void;
  /** Box-Muller alone on chosen Philox words: blocks x 4 u32 at words -> blocks x 2 f64 at out. */
  gaussianFromWords(words: number, blocks: number, out: number): void;
  fillSphere(k0: number, k1: number, s0: number, s1: number, start: number, out: number, rows: number, d: number): void;
  fillUniformRange(k0: number, k1: number, s0: number, s1: number, start: number, out: number, j0: number, j1: number): void;
  fillGaussianRange(k0: number, k1: number, s0: number, s1: number, start: number, out: number, j0: number, j1: number): void;
  fillSphereRange(k0: number, k1: number, s0: number, s1: number, start: number, out: number, d: number, m0: number, m1: number): void;
  axpy(alpha: number, x: number, y: number, n: number): void;
  axpyRange(alpha: number, x: number, y: number, k0: number, k1: number): void;
  narrowTransposedRange(src: number, dst: number, n: number, d: number, nPad: number, p0: number, p1: number): void;
  sumSquares(x: number, n: number): number;
  gegenbauerTable(kmax: number, d: number, t: number, n: number, out: number): void;
  gegenbauerDerivativeTable(kmax: number, d: number, t: number, n: number, out: number): void;
  hermiteTable(kmax: number, z: number, n: number, out: number): void;
  hermiteDerivativeTable(kmax: number, z: number, n: number, out: number): void;
  reducedForward(
    m: number, p: number, state: number, q: number, x: number,
    kind: number, params: number, nparams: number, gaussNodes: number, gaussWeights: number, ngauss: number,
    alpha: number, beta: number, gamma: number, cache: number, scratch: number, f: number,
  ): void;
  reducedVelocities(
    m: number, p: number, state: number, q: number, x: number,
    kind: number, params: number, nparams: number, gaussNodes: number, gaussWeights: number, ngauss: number,
    alpha: number, beta: number, gamma: number, cache: number, scratch: number, e: number, velocity: number,
  ): void;
  sphereSeriesRows(
    series: number, count: number, diagonal: number, a: number, n: number, i0: number, rows: number,
    rho: number, rowSums: number,
  ): void;
  pdeMoments(rho: number, table: number, n: number, count: number, out: number): void;
  pdeStage(
    n: number, rho: number, base: number, out: number, beta: number, dt: number,
    geometry: number, table: number, coefficients: number, count: number, velocity: number,
  ): number;
  choleskyInPlace(a: number, n: number): number;
  tableKernelRows(
    x: number, rows: number, d: number, s: number, inv: number, packed: number, n: number, sy: number, cubics: number, size: number, out: number, work: number,
  ): void;
  tableKernelRowsWork(d: number): number;
  packScaledQuads(x: number, n: number, d: number, inv: number, out: number): void;
  tableCubics(table: number, size: number, out: number): void;
  tableKernelSymvPacked(
    packed: number, n: number, d: number, s: number, cubics: number, size: number, diagonal: number, ridge: number, v: number, out: number, work: number,
  ): void;
  tableKernelSymvWork(n: number): number;
  tableUniformNodes(): number;
  tableUniformMinD(): number;
  blockGemv(block: number, rows: number, cols: number, v: number, out: number): void;
  sphereFeatures(x: number, rows: number, d: number, anchors: number, degrees: number, count: number, phiT: number): void;
  hermiteFeatures(
    x: number, rows: number, d: number, maxDegree: number, codes: number, slots: number, count: number, phiT: number, scratch: number,
  ): void;
  accumulateNormal(phiT: number, p: number, rows: number, gram: number, scratch: number): void;
  accumulateNormalScratch(p: number): number;
  featuresTransposedTimes(phiT: number, p: number, rows: number, v: number, out: number): void;
  featuresTimes(phiT: number, p: number, rows: number, u: number, out: number): void;
  solveLower(l: number, n: number, b: number, m: number): void;
  solveLowerTransposed(l: number, n: number, b: number, m: number): void;
}
