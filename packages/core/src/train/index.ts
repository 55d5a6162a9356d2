export { chunks, type PaddedBatch, padBatch, type TextEncoder } from './batches.ts';
export { decodeCheckpoint, encodeCheckpoint } from './checkpoint.ts';
export { type LabelledFile, readJsonl, readLabelledFile, textOf } from './files.ts';
export { fineTune, type TrainData, trainableNames } from './fine-tune.ts';
export { batchGradients, type GradientEngine, LocalEngine } from './gradients.ts';
export {
  type LoadedModel,
  loadModel,
  saveModel,
  type TrainFolderInput,
  taskOfConfig,
  trainFolder,
} from './hf.ts';
export { type ItemRow, itemLabelsOf, itemRanges } from './items.ts';
export {
  type DocumentPieces,
  encodeDocument,
  encodeDocuments,
  poolLogits,
  resolveLongText,
  windowStarts,
} from './long-text.ts';
export {
  type BestRecord,
  type EpochContext,
  type LoopCallbacks,
  type LoopHooks,
  type LoopResult,
  type TrainLoopSettings,
  trainLoop,
} from './loop.ts';
export {
  type BatchLoss,
  type LossSpec,
  type Objective,
  paddedRows,
  sliceBatch,
  type TrainBatch,
} from './objective.ts';
export { AdamW, clipByGlobalNorm, clipScale, globalNorm, linearSchedule } from './optimizer.ts';
export { documentLogits, logitsOf, type PredictOptions, predict, toPredictions } from './predict.ts';
export {
  type LoadedReference,
  loadReferenceModel,
  type ReferenceSpace,
  referenceScoring,
} from './reference.ts';
export {
  itemSpacesFor,
  labelSpaceFor,
  type ModelScore,
  modelItemSpecs,
  type ScoreModelOptions,
  scoreModel,
  scoreModelOnThreads,
  scoreModelPredictions,
  type TScoreRow,
} from './score.ts';
export {
  itemTargets,
  type SequenceLossOptions,
  type SequenceTarget,
  sequenceLoss,
  sequenceObjective,
} from './sequence-objective.ts';
export { runThreads } from './threads/count.ts';
export { ReplicaPool } from './threads/pool.ts';
export { predictOnThreads } from './threads/predict-threads.ts';
export * from './types.ts';
