// The public API of meanfield, the same in Node and in browsers.

export { loadRuntime, WasmRuntime } from "./wasm/runtime.js";
export { compileMeanfield, instantiateMeanfield, defaultWasmUrl, type WasmBuild, type WasmSource } from "./wasm/loader.js";
export { defaultBuild, defaultThreadsBuild, relaxedSimdSupported } from "./wasm/loader.js";
export { Arena, WasmF64Array, WasmMemoryError, MAX_WASM_BYTES } from "./wasm/arena.js";
export { ThreadTeam, TEAM_KERNELS, type SpawnThread, type ThreadHandle, type TeamKernel } from "./wasm/threadTeam.js";
export { THREAD_PROGRAM, type ThreadInit } from "./wasm/threadProgram.js";
export {
  NetworkKernels,
  WasmActivation,
  type NetworkShape,
  type ForwardBuffers,
  type BackwardBuffers,
  type ForwardInput,
  type BackwardInput,
  type KernelOptions,
} from "./wasm/networkKernels.js";
export { RandomStreams, streamKey, streamId, type StreamKey } from "./wasm/random.js";
export {
  activationSchema,
  parseActivation,
  encodeActivation,
  ACTIVATION_CODES,
  MAX_POLYNOMIAL_DEGREE,
  type Activation,
  type ActivationSpec,
  type EncodedActivation,
} from "./activation/spec.js";
export { TwoLayerNetwork, networkOptionsOf, outputScale, type Scaling, type NetworkOptions, type FirstLayerInit, type SecondLayerInit } from "./model/network.js";
export { testLoss, type LossEstimate } from "./model/testLoss.js";
export { createTask } from "./tasks/createTask.js";
export type { Task, PopulationEvaluator } from "./tasks/task.js";
export { createMetricRecorder } from "./metrics/recorder.js";
export type { MetricContext, MetricRecorder, MetricValue, MetricValues } from "./metrics/metric.js";
export { sphericalHarmonicsDim, gegenbauer, gegenbauerDerivative, gegenbauerAll, gegenbauerDerivativeAll } from "./special/gegenbauer.js";
export { hermite, hermiteDerivative, hermiteAll } from "./special/hermite.js";
export {
  gaussLegendre,
  gaussJacobi,
  gaussHermite,
  type GaussRule,
} from "./special/quadrature.js";
export {
  sphereExpectation,
  gaussianExpectation,
  type ExpectationOptions,
} from "./special/expectation.js";
export {
  sphereCoefficients,
  hermiteCoefficients,
  sphereCoefficientsOfPolynomial,
  hermiteCoefficientsOfPolynomial,
  type ExpandableFunction,
  type CoefficientOptions,
} from "./activation/coefficients.js";
export { activationFunction, type ActivationFunction } from "./activation/activationFunction.js";
export { SpecialKernels } from "./wasm/specialKernels.js";
export { erf } from "./special/erf.js";
export { gegenbauerSeries } from "./special/gegenbauerSeries.js";
export { SphereSingleIndexPopulation, type SphereSingleIndexSpec, type SpherePopulationResult } from "./population/sphereSingleIndex.js";
export {
  GaussianNetworkPopulation,
  GaussianNeurons,
  type GaussianNetworkSpec,
  type GaussianTarget,
  type TeacherNeuronsTarget,
  type HermitePolynomialTarget,
  type HermiteTerm,
  type PopulationResult,
} from "./population/gaussianNetwork.js";
export { GaussianActivation, normalCdf, normalPdf } from "./activation/gaussianMoments.js";
export { pairMoments, type PairMoments } from "./activation/gaussianPair.js";
export { IsotropicGaussiansPopulation, type IsotropicGaussiansSpec } from "./population/isotropicGaussians.js";
export { arcCosineKernel, reluNtk, sphereActivationKernel, gaussianActivationKernel, type SphereKernel } from "./activation/closedForms.js";
export { configSchema, parseConfig, ConfigError, METRICS, type Config, type ConfigInput, type MetricName } from "./config.js";
export { linkSchema, linkToActivation, type Link, type LinkSpec } from "./activation/link.js";
export { reflectiveCoordinateSubspaces, type MonomialTerm } from "./tasks/reflectiveProperty.js";
export { simulate, type SimulateOptions, type SimulationResult, type MetricRecord, type RunSummary, type RunState } from "./run/simulate.js";
export { Trainer, DivergenceError } from "./train/trainer.js";
export { solveReducedParticles, checkReducible, type ReducedRecord, type ReducedRunOptions, type ReducedRunResult, type ReducedRunSummary } from "./pde/reduced/reducedRun.js";
export { ReducedParticles, type ReducedParticlesOptions, type ReducedScheme, type TrainedLayers } from "./pde/reduced/reducedParticles.js";
export { createReducedTask, type ReducedTask, type ReducedTaskKind, type ReducedTaskOptions } from "./pde/reduced/reducedTask.js";
export { initialParticles, type ReducedParticleState } from "./pde/reduced/reducedInit.js";
export { symmetricTensorRule, type PointRule } from "./pde/reduced/symmetricTensorRule.js";
export {
  solveSpherePde,
  solveSphereQuantiles,
  sphereUniformQuantiles,
  sphereGrid,
  type SpherePdeOptions,
  type SpherePdeRecord,
  type SpherePdeResult,
  type SphereQuantileOptions,
  type SphereQuantileRecord,
  type SphereQuantileResult,
  type SphereInitialLaw,
  type SphereModelSummary,
} from "./pde/sphere/spherePde.js";
export { solveRadialPde, radialGrid, type RadialPdeOptions, type RadialPdeRecord, type RadialPdeResult, type RadialInitialLaw, type RadialGridOptions } from "./pde/radial/radialPde.js";
export { pdeFromConfig, type PdeFromConfigOptions, type PdeFromConfigResult } from "./pde/fromConfig.js";
export { FiniteVolumeSolver, CFL_LIMIT, type FiniteVolumeOptions, type Integrator } from "./pde/grid/finiteVolume.js";
export { QuantileSolver, type QuantileSolverOptions } from "./pde/sphere/quantileSolver.js";
export { SphereModel, type SphereModelOptions } from "./pde/sphere/sphereModel.js";
export { RadialModel, type RadialModelOptions } from "./pde/radial/radialModel.js";
export type { MomentModel } from "./pde/grid/momentModel.js";
export { sphereFaces, clusteredFaces, type SphereGridOptions, type ClusterOptions, type Limiter } from "./pde/grid/grid.js";
export { sphereUniformDensity, chiDensity, histogramDensity } from "./pde/grid/initialDensity.js";
export {
  gridCdf,
  gridQuantile,
  cumulativeMasses,
  wasserstein1,
  quantileDistance,
  coarsen,
  type GridDensity,
} from "./pde/grid/gridDensity.js";
export { PhaseDetector, transportTable, velocityNonlinearity, type SpherePhases, type PhaseOptions, type TransportTable } from "./pde/sphere/phases.js";
export type { DensityOutput, DensitySnapshot } from "./pde/grid/output.js";
export { solvePde, type PdeSolution } from "./pde/solvePde.js";
export { compareWithNetwork, sweepWidths, logLogSlope, type ComparisonRecord, type ComparisonResult, type SweepPoint, type SweepResult } from "./pde/compare.js";
export {
  kernelBaseline,
  planSolver,
  DENSE_MAX,
  CG_MAX,
  FEATURE_MAX_DIM,
  type KernelBaselineOptions,
  type KernelBaselineResult,
  type BaselineKind,
  type SolverMethod,
} from "./kernels/kernelRidge.js";
export { modelKernel, kernelTail, inputLawOf, TABLE_SIZE, SERIES_DEGREE, type ModelKernel, type KernelKind, type InputLaw } from "./kernels/modelKernel.js";
export { GramOperator } from "./kernels/gramOperator.js";
export { CholeskyFactor, choleskySolve } from "./kernels/cholesky.js";
export { solveConjugateGradient, FeaturePreconditioner, type ConjugateGradientOptions, type ConjugateGradientResult } from "./kernels/conjugateGradient.js";
export { KernelFeatures, featureDim, hermiteDim, type DegreeBlock } from "./kernels/kernelFeatures.js";
export { fitFeatureRidge, predictFeatures, factorNormalEquations, type FeatureMap } from "./kernels/featureRidge.js";
export { RandomFeatures } from "./kernels/randomFeatures.js";
export { empiricalNtk, type NtkLayers } from "./kernels/empiricalNtk.js";
export { sampleComplexitySweep, logGrid, networkConfigFor, type SweepOptions, type SweepRow } from "./sweep/sampleSweep.js";
export { kernelFractions, ridgeSumFractions, monteCarloFractions, cleanLink, type DegreeFractions } from "./kernels/targetFractions.js";
