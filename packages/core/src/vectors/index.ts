// Tuning-vector analysis: what fine-tuning changed, per tensor, layer and module (see README.md,
// "Tuning vectors and merging").

export {
  type ActivationsOptions,
  type ActivationsReport,
  activationsReport,
  analyzeActivations,
  layerRepresentations,
} from './activations.ts';
export {
  type AnalyzeOptions,
  analyzeTuningVectors,
  type GroupChange,
  type GroupReport,
  type TensorChange,
  type TensorReport,
  VECTOR_DEFINITIONS,
  VectorsError,
  type VectorsReport,
} from './analyze.ts';
export {
  addConflictCounts,
  conflictRates,
  type SignConflictCounts,
  signConflictCounts,
  type TiesInterference,
  tiesInterference,
} from './atlas.ts';
export type { AtlasChange, AtlasFigures, AtlasOptions } from './atlas-report.ts';
export { linearCka } from './cka.ts';
export { spreadSample, type TVectorsParams, ZVectorsParams } from './params/index.ts';
export { effectiveRank, singularValues, smallerGram, symmetricEigenvalues } from './spectrum.ts';
export { energyInSubspace, type TopSubspace, topSingularSubspace } from './subspace.ts';
export { groupTensor, layerOrder, type ModuleKind, type TensorGroup } from './tensor-groups.ts';
