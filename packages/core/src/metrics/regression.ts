import { checkPairs, MetricsError } from './errors.ts';

export interface RegressionMetricOptions {
  /**
   * Lowest label of the scale: the dataset's, or the model's stored training range, never the min of
   * the labels being scored. Without a bound, predictions are not clamped on that side.
   */
  labelMin?: number;
  /** Highest label of the scale (same rule as labelMin). */
  labelMax?: number;
  /** k of flexible accuracy (default 1). */
  tolerance?: number;
}

/** CLI/metrics.json contract for regression (snake_case keys). */
export interface RegressionMetrics {
  mae: number;
  rmse: number;
  accuracy: number;
  flexible_accuracy: number;
  n: number;
}

/**
 * Mean absolute error: MAE = (1/n) Σ |ŷᵢ − yᵢ|.
 * @example mae([1.5, 3], [1, 2]) // (0.5 + 1) / 2 = 0.75
 */
export function mae(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = checkPairs(predictions, labels, 'mae');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs((predictions[i] as number) - (labels[i] as number));
  return sum / n;
}

/**
 * Root mean squared error: RMSE = √((1/n) Σ (ŷᵢ − yᵢ)²).
 * @example rmse([1.5, 3], [1, 2]) // √((0.25 + 1) / 2) ≈ 0.7906
 */
export function rmse(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = checkPairs(predictions, labels, 'rmse');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += ((predictions[i] as number) - (labels[i] as number)) ** 2;
  return Math.sqrt(sum / n);
}

/**
 * Rounds to the nearest integer, halves away from zero (2.5 → 3, −2.5 → −3), as the study rounds;
 * Math.round would send −2.5 to −2.
 */
export function roundHalfAwayFromZero(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/**
 * The label a regression output stands for: clamp ŷ to [min, max], then round half away from zero.
 * @example roundClamp(6.7, 0, 6) // 6; roundClamp(-0.4, 0, 6) // 0; roundClamp(2.5, 0, 6) // 3
 */
export function roundClamp(
  prediction: number,
  labelMin = Number.NEGATIVE_INFINITY,
  labelMax = Number.POSITIVE_INFINITY,
): number {
  return roundHalfAwayFromZero(Math.min(labelMax, Math.max(labelMin, prediction)));
}

/**
 * [min, max] of a set of labels in one pass (no argument spread, so any size works). This is how a
 * dataset's range is derived when it stores none; never use it on the rows being scored.
 * @example labelRangeOf([3, 0, 6]) // [0, 6]
 */
export function labelRangeOf(labels: Iterable<number>): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const y of labels) {
    if (y < min) min = y;
    if (y > max) max = y;
  }
  if (min > max) throw new MetricsError('label range: no labels to take a range from');
  return [min, max];
}

function resolveRange(opts: RegressionMetricOptions): [number, number] {
  const lo = opts.labelMin ?? Number.NEGATIVE_INFINITY;
  const hi = opts.labelMax ?? Number.POSITIVE_INFINITY;
  if (lo > hi) throw new MetricsError(`label range: labelMin ${lo} is above labelMax ${hi}`);
  return [lo, hi];
}

function tolerance(opts: RegressionMetricOptions): number {
  const k = opts.tolerance ?? 1;
  if (!(k >= 0) || !Number.isFinite(k)) throw new MetricsError(`tolerance ${k} must be a finite number ≥ 0`);
  return k;
}

// Labels and rounded predictions are integers in practice; the slack only absorbs float noise.
const EPS = 1e-9;

/**
 * Strict accuracy: (1/n) · #{i : round(clamp(ŷᵢ)) = yᵢ}.
 * @example accuracy([1.4, 2.6, 7], [1, 2, 6], {labelMin: 0, labelMax: 6}) // 2/3 (7 clamps to 6)
 */
export function accuracy(
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: RegressionMetricOptions = {},
): number {
  const n = checkPairs(predictions, labels, 'accuracy');
  const [lo, hi] = resolveRange(opts);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    if (Math.abs(roundClamp(predictions[i] as number, lo, hi) - (labels[i] as number)) <= EPS) hits++;
  }
  return hits / n;
}

/**
 * Number of flexible errors: #{i : |round(clamp(ŷᵢ)) − yᵢ| > k}, k = tolerance (default 1).
 * @example flexibleErrors([0, 3.6, 5], [2, 3, 3], {labelMin: 0, labelMax: 6}) // 2 (|0−2|, |5−3| > 1)
 */
export function flexibleErrors(
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: RegressionMetricOptions = {},
): number {
  const n = checkPairs(predictions, labels, 'flexible errors');
  const [lo, hi] = resolveRange(opts);
  const k = tolerance(opts);
  let errors = 0;
  for (let i = 0; i < n; i++) {
    if (Math.abs(roundClamp(predictions[i] as number, lo, hi) - (labels[i] as number)) > k + EPS) errors++;
  }
  return errors;
}

/**
 * Flexible accuracy: (1/n) · #{i : |round(clamp(ŷᵢ)) − yᵢ| ≤ k} = 1 − flexibleErrors/n.
 * @example flexibleAccuracy([0, 3.6, 5], [2, 3, 3], {labelMin: 0, labelMax: 6}) // 1/3
 */
export function flexibleAccuracy(
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: RegressionMetricOptions = {},
): number {
  return 1 - flexibleErrors(predictions, labels, opts) / labels.length;
}

/** MAE, RMSE, accuracy, flexible accuracy and n, keyed as in metrics.json and `tunelab eval`. */
export function regressionMetrics(
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: RegressionMetricOptions = {},
): RegressionMetrics {
  return {
    mae: mae(predictions, labels),
    rmse: rmse(predictions, labels),
    accuracy: accuracy(predictions, labels, opts),
    flexible_accuracy: flexibleAccuracy(predictions, labels, opts),
    n: labels.length,
  };
}

/**
 * Error reduction versus a reference: 1 − errors(model) / errors(reference). 0.25 means the model
 * makes a quarter fewer errors; negative means more. Undefined (null) when the reference makes none.
 * @example errorReduction(0.6, 0.8) // 0.25
 */
export function errorReduction(modelErrors: number, referenceErrors: number): number | null {
  if (!(modelErrors >= 0) || !(referenceErrors >= 0)) {
    throw new MetricsError(`error reduction: errors must be ≥ 0, got ${modelErrors} and ${referenceErrors}`);
  }
  return referenceErrors === 0 ? null : 1 - modelErrors / referenceErrors;
}

/** Error reductions of DESIGN.md ("Metrics"); null where undefined. */
export interface ErrorReductions {
  /** 1 − MAE(model) / MAE(reference); null for classification. */
  mae: number | null;
  /** 1 − flexible errors(model) / flexible errors(reference); classification counts wrong classes. */
  flexible: number | null;
}

/**
 * Both error reductions for a model and a reference scored on the same rows, from their metrics
 * (keys as `regressionMetrics` / `classificationMetrics`). The flexible error rate 1 − flexible
 * accuracy has the same ratio as the error counts, since n is shared.
 * @example errorReductions('regression', {mae: 0.6, flexible_accuracy: 0.9}, {mae: 0.8, flexible_accuracy: 0.6})
 *   // {mae: 0.25, flexible: 0.75}
 */
type ScoredErrors = Readonly<{ mae?: number; accuracy?: number; flexible_accuracy?: number }>;

export function errorReductions(
  task: 'regression' | 'classification',
  model: ScoredErrors,
  reference: ScoredErrors,
): ErrorReductions {
  const ratio = (m: number | undefined, r: number | undefined) =>
    m === undefined || r === undefined ? null : errorReduction(m, r);
  if (task === 'classification') {
    const wrong = (m: ScoredErrors) => (m.accuracy === undefined ? undefined : 1 - m.accuracy);
    return { mae: null, flexible: ratio(wrong(model), wrong(reference)) };
  }
  const flexErr = (m: ScoredErrors) =>
    m.flexible_accuracy === undefined ? undefined : 1 - m.flexible_accuracy;
  return { mae: ratio(model.mae, reference.mae), flexible: ratio(flexErr(model), flexErr(reference)) };
}

/**
 * Error reductions of a multi-item model against a reference scored on the same rows, per item
 * (items the reference also scored), keyed by item name in the model's order.
 * @example itemErrorReductions('regression', { a: { metrics: { mae: 1 } } }, { a: { metrics: { mae: 2 } } })
 *   // { a: { mae: 0.5, flexible: null } }
 */
export function itemErrorReductions(
  task: 'regression' | 'classification',
  model: Readonly<Record<string, { metrics: ScoredErrors }>>,
  reference: Readonly<Record<string, { metrics: ScoredErrors }>> | undefined,
): Record<string, ErrorReductions> {
  const out: Record<string, ErrorReductions> = {};
  for (const [name, s] of Object.entries(model)) {
    const ref = reference?.[name];
    if (ref) out[name] = errorReductions(task, s.metrics, ref.metrics);
  }
  return out;
}
