import { paretoFront as paretoIndices } from '@tunelab/core/merge-search';
import { isMetricKey, METRICS } from '@tunelab/core/metrics';

export interface TScorePoint {
  id: string;
  x: number;
  y: number;
}

/**
 * The points no other point beats on both axes (Pareto front), sorted by x: the 2-D view of the
 * N-dimensional front in `@tunelab/core/merge-search`. `lowerIsBetter` applies to both axes (MAE,
 * RMSE) or neither (accuracy, F1). A point is dominated when another is at least as good on both
 * axes and strictly better on one.
 * Example (lower is better): (1, 3), (2, 2), (3, 1) are all on the front; (2, 3) is not.
 */
export function paretoFront(points: TScorePoint[], lowerIsBetter: boolean): TScorePoint[] {
  const sign = lowerIsBetter ? -1 : 1;
  return paretoIndices(points.map((p) => [sign * p.x, sign * p.y]))
    .map((i) => points[i] as TScorePoint)
    .sort((a, b) => a.x - b.x);
}

/** Whether smaller values of a metric are better: the metrics table's word, else the name's. */
export function lowerIsBetter(metric: string): boolean {
  if (isMetricKey(metric)) return !METRICS[metric].higherIsBetter;
  return /mae|rmse|loss|error/i.test(metric);
}
