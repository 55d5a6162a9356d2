import { errorReduction, type TRunSummary } from '@tunelab/core/dashboard';
import { fromJsonKeys } from '@tunelab/core/metrics';
import { classificationScores, regressionScores } from '@tunelab/core/train';

/** Engine metric keys (snake_case) → summary keys (camelCase), through the metrics table. */
export function toSummaryMetrics(m: Record<string, number>): TRunSummary['metrics'] {
  return fromJsonKeys(m);
}

/**
 * Reference for error reduction. Regression: the mean of the train labels predicted for every
 * eval row (a base checkpoint has no trained regression head; a fresh head predicts ≈ 0, which would
 * make any run look good). Classification: the majority train class.
 */
export function referenceScores(
  task: 'regression' | 'classification',
  trainLabels: readonly number[],
  evalLabels: readonly number[],
  tolerance: number,
  labelRange: readonly [number, number],
): { kind: string; metrics: Record<string, number> } {
  if (task === 'regression') {
    const mean = trainLabels.reduce((s, y) => s + y, 0) / Math.max(1, trainLabels.length);
    return {
      kind: `mean of train labels (${mean.toFixed(3)})`,
      metrics: regressionScores(
        evalLabels.map(() => mean),
        evalLabels,
        tolerance,
        labelRange,
      ),
    };
  }
  const counts = new Map<number, number>();
  for (const y of trainLabels) counts.set(y, (counts.get(y) ?? 0) + 1);
  const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  return {
    kind: `majority class (${majority})`,
    metrics: classificationScores(
      evalLabels.map(() => majority),
      evalLabels,
    ),
  };
}

export function summaryReduction(
  task: 'regression' | 'classification',
  model: Record<string, number>,
  reference: Record<string, number>,
): { mae: number | null; flexible: number | null } {
  if (task === 'regression') {
    return {
      mae: errorReduction(model.mae ?? Number.NaN, reference.mae ?? Number.NaN),
      flexible: errorReduction(
        1 - (model.flexible_accuracy ?? Number.NaN),
        1 - (reference.flexible_accuracy ?? Number.NaN),
      ),
    };
  }
  return {
    mae: null,
    flexible: errorReduction(1 - (model.accuracy ?? Number.NaN), 1 - (reference.accuracy ?? Number.NaN)),
  };
}
