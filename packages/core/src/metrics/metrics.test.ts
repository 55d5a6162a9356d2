import { describe, expect, it } from 'vitest';
import {
  accuracy,
  classificationMetrics,
  confusionMatrix,
  errorReduction,
  errorReductions,
  flexibleAccuracy,
  flexibleErrors,
  labelRangeOf,
  MetricsError,
  macroF1,
  mae,
  perClassF1,
  regressionMetrics,
  rmse,
  roundClamp,
  roundHalfAwayFromZero,
} from './index.ts';

describe('regression metrics (hand-computed)', () => {
  const preds = [1.4, 2.6, 7.2, -0.8, 3.5];
  const labels = [1, 4, 6, 0, 1];
  const range = { labelMin: 0, labelMax: 6 };
  // errors: 0.4, 1.4, 1.2, 0.8, 2.5 → sum 6.3; squares 0.16 + 1.96 + 1.44 + 0.64 + 6.25 = 10.45
  // round-clamped: 1, 3, 6, 0, 4 → exact hits 1, 6, 0 = 3; |diff| 0, 1, 0, 0, 3 → flexible hits 4

  it('MAE and RMSE', () => {
    expect(mae(preds, labels)).toBeCloseTo(6.3 / 5, 12);
    expect(rmse(preds, labels)).toBeCloseTo(Math.sqrt(10.45 / 5), 12);
  });
  it('clamps to the label range, then rounds half away from zero', () => {
    expect([6.7, -0.4, 2.5, 2.49].map((p) => roundClamp(p, 0, 6))).toEqual([6, 0, 3, 2]);
    expect([-2.5, -1.5, -0.5, 0.5, 1.5].map(roundHalfAwayFromZero)).toEqual([-3, -2, -1, 1, 2]);
    expect([-2.5, -5.7, 5.5].map((p) => roundClamp(p, -5, 5))).toEqual([-3, -5, 5]);
  });
  it('accuracy and flexible accuracy', () => {
    expect(accuracy(preds, labels, range)).toBe(3 / 5);
    expect(flexibleErrors(preds, labels, range)).toBe(1);
    expect(flexibleAccuracy(preds, labels, range)).toBe(4 / 5);
    expect(flexibleAccuracy(preds, labels, { ...range, tolerance: 0 })).toBe(3 / 5);
    expect(flexibleAccuracy(preds, labels, { ...range, tolerance: 3 })).toBe(1);
  });
  it('never takes the range from the labels being scored: without one, nothing is clamped', () => {
    // 7.2 rounds to 7 ≠ 6 and −0.8 to −1 ≠ 0 once unclamped: hits 1 only (label 1 from 1.4)
    expect(accuracy(preds, labels)).toBe(1 / 5);
    // labels all 1 would give the range [1, 1] and clamp everything to 1; unclamped 5 and 0 miss
    expect(accuracy([5, 0], [1, 1])).toBe(0);
    expect(labelRangeOf([3, 0, 6, 1])).toEqual([0, 6]);
    expect(labelRangeOf(Array.from({ length: 300_000 }, (_, i) => i % 7))).toEqual([0, 6]);
  });
  it('regressionMetrics returns the CLI keys', () => {
    const m = regressionMetrics(preds, labels, range);
    expect(Object.keys(m).sort()).toEqual(['accuracy', 'flexible_accuracy', 'mae', 'n', 'rmse']);
    expect(m).toMatchObject({ accuracy: 0.6, flexible_accuracy: 0.8, n: 5 });
  });
  it('error reduction versus a reference', () => {
    expect(errorReduction(0.6, 0.8)).toBeCloseTo(0.25, 12);
    expect(errorReduction(1, 0.5)).toBe(-1);
    expect(errorReduction(0, 0)).toBeNull();
    // reference predicts 3 everywhere: errors 2, 1, 3, 3, 2 → MAE 11/5; flexible errors (>1): 2, 3, 3, 2 → 4
    const model = regressionMetrics(preds, labels, range);
    const ref = regressionMetrics([3, 3, 3, 3, 3], labels, range);
    const r = errorReductions('regression', model, ref);
    expect(r.mae).toBeCloseTo(1 - 6.3 / 11, 12);
    expect(r.flexible).toBeCloseTo(1 - 1 / 4, 12);
    // classification: errors are wrong classes; no MAE
    expect(errorReductions('classification', { accuracy: 0.8 }, { accuracy: 0.6 })).toEqual({
      mae: null,
      flexible: expect.closeTo(0.5, 12),
    });
    expect(errorReductions('regression', {}, ref)).toEqual({ mae: null, flexible: null });
  });
  it('refuses empty, mismatched or non-finite input with a precise message', () => {
    expect(() => mae([], [])).toThrow(MetricsError);
    expect(() => regressionMetrics([], [])).toThrow(/no examples to score \(empty input\)/);
    expect(() => mae([1, 2], [1])).toThrow(/2 predictions but 1 labels/);
    expect(() => rmse([1, Number.NaN], [1, 2])).toThrow(/prediction 1 is NaN/);
    expect(() => accuracy([1], [1], { labelMin: 5, labelMax: 1 })).toThrow(/labelMin 5 is above labelMax 1/);
  });
});

describe('classification metrics (hand-computed)', () => {
  it('confusion matrix rows are true classes, columns predictions', () => {
    expect(confusionMatrix([0, 1, 1], [0, 0, 1], 2)).toEqual([
      [1, 1],
      [0, 1],
    ]);
  });
  it('macro-F1 counts a class never predicted as F1 0', () => {
    // class 0: TP 2, FP 1, FN 0 → 4/5; class 1: TP 0, FN 1 → 0; mean 0.4
    expect(macroF1([0, 0, 0], [0, 1, 0], 2)).toBeCloseTo(0.4, 12);
  });
  it('macro-F1 skips a class absent from both labels and predictions (scikit-learn)', () => {
    // classes 0 and 1 perfect, class 2 unseen → mean over {0, 1} = 1
    expect(macroF1([0, 1], [0, 1], 3)).toBe(1);
    expect(perClassF1(confusionMatrix([0, 1], [0, 1], 3))).toEqual([1, 1, null]);
  });
  it('classificationMetrics on a 3-class case', () => {
    const pred = [0, 2, 1, 1, 0, 2];
    const gold = [0, 1, 1, 2, 0, 2];
    // class 0: TP 2 → F1 1; class 1: TP 1, FP 1, FN 1 → 2/4; class 2: TP 1, FP 1, FN 1 → 2/4
    const m = classificationMetrics(pred, gold, 3);
    expect(m.accuracy).toBe(4 / 6);
    expect(m.macro_f1).toBeCloseTo((1 + 0.5 + 0.5) / 3, 12);
    expect(m.confusion_matrix).toEqual([
      [2, 0, 0],
      [0, 1, 1],
      [0, 1, 1],
    ]);
    expect(m.n).toBe(6);
  });
  it('refuses class ids outside 0..numClasses−1 and empty input', () => {
    expect(() => classificationMetrics([0, 3], [0, 1], 3)).toThrow(
      /prediction 1 is 3, not a class id in 0\.\.2/,
    );
    expect(() => classificationMetrics([0, 1], [0, 1.5], 3)).toThrow(/label 1 is 1.5/);
    expect(() => classificationMetrics([], [], 3)).toThrow(/empty input/);
  });
});
