export { type MaskedBatch, type MaskingOptions, maskTokens } from './masking.ts';
export {
  type PretrainCallbacks,
  type PretrainOptions,
  type PretrainResult,
  pretrainMlm,
} from './pretrain.ts';
