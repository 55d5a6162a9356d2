import { checkPairs, MetricsError } from './errors.ts';

/** CLI/metrics.json contract for classification (snake_case keys). */
export interface ClassificationMetrics {
  accuracy: number;
  macro_f1: number;
  /** confusion_matrix[true][predicted], counts. */
  confusion_matrix: number[][];
  n: number;
}

function checkClasses(values: ArrayLike<number>, numClasses: number, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new MetricsError(`${what} ${i} is ${v}, not a class id in 0..${numClasses - 1}`);
    }
  }
}

/**
 * Confusion matrix C with C[t][p] = #{i : yᵢ = t and ŷᵢ = p} (rows true class, columns predicted,
 * as in scikit-learn).
 * @example confusionMatrix([0, 1, 1], [0, 0, 1], 2) // [[1, 0], [1, 1]]
 */
export function confusionMatrix(
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
): number[][] {
  checkPairs(predictions, labels, 'confusion matrix');
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new MetricsError(`numClasses ${numClasses} must be a positive integer`);
  }
  checkClasses(predictions, numClasses, 'prediction');
  checkClasses(labels, numClasses, 'label');
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const row = m[labels[i] as number] as number[];
    const p = predictions[i] as number;
    row[p] = (row[p] as number) + 1;
  }
  return m;
}

/**
 * Per-class F1 from a confusion matrix: F1_c = 2·TP / (2·TP + FP + FN), 0 when the class is
 * predicted but never correct or present but never predicted; undefined (null) when the class
 * appears in neither labels nor predictions.
 */
export function perClassF1(matrix: number[][]): (number | null)[] {
  return matrix.map((row, c) => {
    const tp = row[c] as number;
    const fn = row.reduce((a, b) => a + b, 0) - tp;
    const fp = matrix.reduce((a, r) => a + (r[c] as number), 0) - tp;
    return tp + fp + fn === 0 ? null : (2 * tp) / (2 * tp + fp + fn);
  });
}

/**
 * Macro-F1: the unweighted mean of F1_c over the classes that occur in the labels or predictions
 * (scikit-learn's `f1_score(average='macro')`); a class never predicted counts with F1 = 0.
 * @example macroF1([0, 0, 0], [0, 1, 0], 2) // class 0: 2·2/(4+1+0) = 0.8, class 1: 0 → 0.4
 */
export function macroF1(
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
): number {
  return macroF1FromMatrix(confusionMatrix(predictions, labels, numClasses));
}

function macroF1FromMatrix(matrix: number[][]): number {
  const f1 = perClassF1(matrix).filter((v): v is number => v !== null);
  return f1.reduce((a, b) => a + b, 0) / f1.length;
}

/** Accuracy (1/n)·#{ŷᵢ = yᵢ}, macro-F1, confusion matrix and n, keyed as in metrics.json. */
export function classificationMetrics(
  predClasses: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
): ClassificationMetrics {
  const matrix = confusionMatrix(predClasses, labels, numClasses);
  const correct = matrix.reduce((a, row, c) => a + (row[c] as number), 0);
  return {
    accuracy: correct / labels.length,
    macro_f1: macroF1FromMatrix(matrix),
    confusion_matrix: matrix,
    n: labels.length,
  };
}
