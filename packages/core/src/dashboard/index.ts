export { changedParams, fineTuneName } from './auto-name.ts';
export { type ModelRowFacts, modelRowFacts } from './model-facts.ts';
export {
  errorReduction,
  type TEvalMetrics,
  type TRunSummary,
  ZEvalMetrics,
  ZRunSummary,
} from './run-summary.ts';
export {
  type TPretrainParams,
  TRAIN_PARAM_DEFAULTS,
  TRAIN_PARAM_HELP,
  type TTrainParams,
  ZPretrainParams,
  ZTrainParams,
} from './train-params.ts';
