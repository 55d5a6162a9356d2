// Evaluation metrics as defined in DESIGN.md ("Metrics"). The io engineer's metrics module had not
// landed when this was written; these follow the same keys so the two can be swapped.

/**
 * Regression metrics. MAE = mean|ŷ−y|, RMSE = √mean(ŷ−y)²; accuracy: round(clamp(ŷ)) = y;
 * flexible accuracy: |round(clamp(ŷ)) − y| ≤ tolerance. Example: ŷ = [1.4, 3.6], y = [1, 2],
 * range [0, 5], k = 1 → mae 1.0, accuracy 0.5, flexible_accuracy 0.5.
 */
export function regressionScores(
  predictions: readonly number[],
  labels: readonly number[],
  tolerance = 1,
  range?: readonly [number, number],
): Record<string, number> {
  const n = labels.length;
  if (n === 0) return { n: 0 };
  const lo = range?.[0] ?? Math.min(...labels);
  const hi = range?.[1] ?? Math.max(...labels);
  let abs = 0;
  let sq = 0;
  let exact = 0;
  let flexible = 0;
  for (let i = 0; i < n; i++) {
    const p = predictions[i] as number;
    const y = labels[i] as number;
    abs += Math.abs(p - y);
    sq += (p - y) ** 2;
    const r = Math.round(Math.min(hi, Math.max(lo, p)));
    if (r === y) exact++;
    if (Math.abs(r - y) <= tolerance + 1e-9) flexible++;
  }
  return { mae: abs / n, rmse: Math.sqrt(sq / n), accuracy: exact / n, flexible_accuracy: flexible / n, n };
}

/** Classification: accuracy and macro-F1 (unweighted mean of per-class F1 over classes seen in labels or predictions). */
export function classificationScores(
  predictions: readonly number[],
  labels: readonly number[],
): Record<string, number> {
  const n = labels.length;
  if (n === 0) return { n: 0 };
  const classes = new Set([...labels, ...predictions]);
  let correct = 0;
  for (let i = 0; i < n; i++) if (predictions[i] === labels[i]) correct++;
  let f1Sum = 0;
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < n; i++) {
      const p = predictions[i] === c;
      const y = labels[i] === c;
      if (p && y) tp++;
      else if (p) fp++;
      else if (y) fn++;
    }
    f1Sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return { accuracy: correct / n, macro_f1: f1Sum / classes.size, n };
}
