// Tuning-vector analysis: what fine-tuning changed, per tensor, layer and module (see README.md,
// "Tuning vectors and merging").
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
export { effectiveRank, singularValues, smallerGram, symmetricEigenvalues } from './spectrum.ts';
export { groupTensor, layerOrder, type ModuleKind, type TensorGroup } from './tensor-groups.ts';
