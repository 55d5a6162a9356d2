// Evaluation during training and prediction: thin adapters over @tunelab/core/metrics, where each
// formula is defined and documented once. The adapters return plain records (what the training loop
// logs) and treat an empty evaluation set as "nothing to score" rather than an error.
import { classificationMetrics, regressionMetrics } from '../metrics/index.ts';

/** Regression scores (mae, rmse, accuracy, flexible_accuracy, n); see `regressionMetrics`. */
export function regressionScores(
  predictions: readonly number[],
  labels: readonly number[],
  tolerance = 1,
  range?: readonly [number, number],
): Record<string, number> {
  if (labels.length === 0) return { n: 0 };
  return {
    ...regressionMetrics(predictions, labels, { labelMin: range?.[0], labelMax: range?.[1], tolerance }),
  };
}

/** Classification scores (accuracy, macro_f1, n); see `classificationMetrics`. */
export function classificationScores(
  predictions: readonly number[],
  labels: readonly number[],
): Record<string, number> {
  if (labels.length === 0) return { n: 0 };
  const numClasses = Math.max(...labels, ...predictions) + 1;
  const { accuracy, macro_f1, n } = classificationMetrics(predictions, labels, numClasses);
  return { accuracy, macro_f1, n };
}
