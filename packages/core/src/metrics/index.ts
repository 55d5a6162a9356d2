// Evaluation metrics as defined in DESIGN.md ("Metrics"); every public function documents its formula.
export {
  type ClassificationMetrics,
  classificationMetrics,
  confusionMatrix,
  macroF1,
  perClassF1,
} from './classification.ts';
export { MetricsError } from './errors.ts';
export {
  accuracy,
  type ErrorReductions,
  errorReduction,
  errorReductions,
  flexibleAccuracy,
  flexibleErrors,
  labelRangeOf,
  mae,
  type RegressionMetricOptions,
  type RegressionMetrics,
  regressionMetrics,
  rmse,
  roundClamp,
  roundHalfAwayFromZero,
} from './regression.ts';
export {
  meanOverItems,
  referencePredictor,
  scoreItems,
  scoreItemsReference,
  scorePredictions,
  scoreReference,
  type TItemScoredRow,
  type TItemSpace,
  type TLabelSpace,
  type TMetricValues,
  type TReferencePredictor,
  type TScoredRow,
  type TScores,
} from './score.ts';
export {
  EVAL_METRIC_KEYS,
  findMetric,
  flattenItemMetrics,
  fromJsonKeys,
  ITEM_METRIC_SEPARATOR,
  isMetricKey,
  itemMetricName,
  METRICS,
  type MetricKey,
  type MetricSpec,
  nestItemMetrics,
  parseItemMetricName,
} from './table.ts';
