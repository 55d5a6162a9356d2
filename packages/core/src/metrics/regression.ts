import { checkPairs, MetricsError } from './errors.ts';

export interface RegressionMetricOptions {
  /** Lowest label of the scale (default: the smallest label seen). */
  labelMin?: number;
  /** Highest label of the scale (default: the largest label seen). */
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
 * The label a regression output stands for: clamp(round(ŷ), min, max), rounding halves up
 * (Math.round: 2.5 → 3). With integer bounds, rounding then clamping equals clamping then rounding.
 * @example roundClamp(6.7, 0, 6) // 6; roundClamp(-0.4, 0, 6) // 0; roundClamp(2.5, 0, 6) // 3
 */
export function roundClamp(prediction: number, labelMin: number, labelMax: number): number {
  return Math.min(labelMax, Math.max(labelMin, Math.round(prediction)));
}

function resolveRange(labels: ArrayLike<number>, opts: RegressionMetricOptions): [number, number] {
  let lo = opts.labelMin;
  let hi = opts.labelMax;
  if (lo === undefined || hi === undefined) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < labels.length; i++) {
      min = Math.min(min, labels[i] as number);
      max = Math.max(max, labels[i] as number);
    }
    lo ??= min;
    hi ??= max;
  }
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
 * Exact accuracy: (1/n) · #{i : clamp(round(ŷᵢ)) = yᵢ}.
 * @example accuracy([1.4, 2.6, 7], [1, 2, 6], {labelMin: 0, labelMax: 6}) // 2/3 (7 clamps to 6)
 */
export function accuracy(
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: RegressionMetricOptions = {},
): number {
  const n = checkPairs(predictions, labels, 'accuracy');
  const [lo, hi] = resolveRange(labels, opts);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    if (Math.abs(roundClamp(predictions[i] as number, lo, hi) - (labels[i] as number)) <= EPS) hits++;
  }
  return hits / n;
}

/**
 * Number of flexible errors: #{i : |clamp(round(ŷᵢ)) − yᵢ| > k}, k = tolerance (default 1).
 * @example flexibleErrors([0, 3.6, 5], [2, 3, 3], {labelMin: 0, labelMax: 6}) // 2 (|0−2|, |5−3| > 1)
 */
export function flexibleErrors(
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: RegressionMetricOptions = {},
): number {
  const n = checkPairs(predictions, labels, 'flexible errors');
  const [lo, hi] = resolveRange(labels, opts);
  const k = tolerance(opts);
  let errors = 0;
  for (let i = 0; i < n; i++) {
    if (Math.abs(roundClamp(predictions[i] as number, lo, hi) - (labels[i] as number)) > k + EPS) errors++;
  }
  return errors;
}

/**
 * Flexible accuracy: (1/n) · #{i : |clamp(round(ŷᵢ)) − yᵢ| ≤ k} = 1 − flexibleErrors/n.
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

export interface ErrorReductions {
  /** 1 − MAE(model) / MAE(reference). */
  mae_reduction: number | null;
  /** 1 − flexibleErrors(model) / flexibleErrors(reference). */
  flexible_error_reduction: number | null;
}

/** Both error reductions of DESIGN.md for a model and a reference scored on the same labels. */
export function errorReductions(
  modelPredictions: ArrayLike<number>,
  referencePredictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: RegressionMetricOptions = {},
): ErrorReductions {
  return {
    mae_reduction: errorReduction(mae(modelPredictions, labels), mae(referencePredictions, labels)),
    flexible_error_reduction: errorReduction(
      flexibleErrors(modelPredictions, labels, opts),
      flexibleErrors(referencePredictions, labels, opts),
    ),
  };
}
