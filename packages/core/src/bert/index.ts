export {
  BERT_PRESETS,
  type BertArchConfig,
  type BertPresetName,
  presetConfig,
  validateArch,
} from './config.ts';
export {
  batchTensors,
  classify,
  type EncoderBatch,
  encode,
  type ForwardOptions,
  maskedLmLogits,
  pool,
} from './encoder.ts';
export { activation, dropout, layerNorm, linear } from './layers.ts';
export { BertModel, type BuildOptions } from './model.ts';
export { bertTensorShapes, CLASSIFIER_TENSORS, type HeadKind, isDecayed, layerOf } from './params.ts';
export { Rng } from './rng.ts';
