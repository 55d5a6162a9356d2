export { chunks, type PaddedBatch, padBatch, type TextEncoder } from './batches.ts';
export { decodeCheckpoint, encodeCheckpoint } from './checkpoint.ts';
export { type LabelledFile, readJsonl, readLabelledFile, textOf } from './files.ts';
export { fineTune, type TrainData, trainableNames } from './fine-tune.ts';
export {
  type LoadedModel,
  loadModel,
  saveModel,
  type TrainFolderInput,
  taskOfConfig,
  trainFolder,
} from './hf.ts';
export { AdamW, clipByGlobalNorm, clipScale, globalNorm, linearSchedule } from './optimizer.ts';
export { type PredictOptions, predict } from './predict.ts';
export {
  labelSpaceFor,
  type ModelScore,
  type ScoreModelOptions,
  scoreModel,
  type TScoreRow,
} from './score.ts';
export * from './types.ts';
