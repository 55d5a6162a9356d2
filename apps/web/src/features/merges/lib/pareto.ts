export interface TScorePoint {
  id: string;
  x: number;
  y: number;
}

/**
 * The points no other point beats on both axes (Pareto front), sorted by x. `lowerIsBetter`
 * applies to both axes (MAE, RMSE) or neither (accuracy, F1). A point is dominated when another
 * is at least as good on both axes and strictly better on one.
 * Example (lower is better): (1, 3), (2, 2), (3, 1) are all on the front; (2, 3) is not.
 */
export function paretoFront(points: TScorePoint[], lowerIsBetter: boolean): TScorePoint[] {
  const better = (a: number, b: number) => (lowerIsBetter ? a < b : a > b);
  const atLeast = (a: number, b: number) => (lowerIsBetter ? a <= b : a >= b);
  return points
    .filter(
      (p) =>
        !points.some(
          (q) => q !== p && atLeast(q.x, p.x) && atLeast(q.y, p.y) && (better(q.x, p.x) || better(q.y, p.y)),
        ),
    )
    .sort((a, b) => a.x - b.x);
}

/** Whether smaller values of a metric are better. */
export function lowerIsBetter(metric: string): boolean {
  return /mae|rmse|loss|error/i.test(metric);
}
