export { changedParams, fineTuneName } from './auto-name.ts';
export { type ModelRowFacts, modelRowFacts } from './model-facts.ts';
export {
  scoringSummary,
  type TEvalMetrics,
  type TOriginSummary,
  type TRunSummary,
  toSummaryMetrics,
  ZEvalMetrics,
  ZOriginSummary,
  ZRunSummary,
} from './run-summary.ts';
export {
  EVALUATE_PARAM_DEFAULTS,
  fineTuneOptions,
  longTextOptions,
  PRETRAIN_PARAM_DEFAULTS,
  pretrainOptions,
  type TEvaluateParams,
  type TLabelSpaceFacts,
  type TPretrainParams,
  TRAIN_PARAM_DEFAULTS,
  TRAIN_PARAM_HELP,
  type TTrainParams,
  ZEvaluateParams,
  ZPretrainParams,
  ZTrainParams,
} from './train-params.ts';
