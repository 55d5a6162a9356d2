import { describe, expect, it } from 'vitest';
import { MetricsError, referencePredictor, scorePredictions, scoreReference } from './index.ts';

describe('scorePredictions (hand-computed)', () => {
  const space = { task: 'regression', labelRange: [0, 6], tolerance: 1 } as const;

  it('regression: clamps to the range, rounds half away from zero, strict = equal, flexible = within ±k', () => {
    // clamped: 6, 0, 2.5, 3.49 → rounded 6, 0, 3, 3; labels 6, 1, 2, 5
    // strict hits: row 0 → 1/4; |diff| 0, 1, 1, 2 → flexible hits 3/4
    // raw errors 1.2, 1.7, 0.5, 1.51 → MAE 4.91/4
    const { metrics, bySource } = scorePredictions(
      [7.2, -0.7, 2.5, 3.49],
      [6, 1, 2, 5].map((label) => ({ label })),
      space,
    );
    expect(metrics.accuracy).toBe(1 / 4);
    expect(metrics.flexible_accuracy).toBe(3 / 4);
    expect(metrics.mae).toBeCloseTo(4.91 / 4, 12);
    expect(metrics.rmse).toBeCloseTo(Math.sqrt((1.44 + 2.89 + 0.25 + 2.2801) / 4), 12);
    expect(metrics.n).toBe(4);
    expect(bySource).toBeUndefined();
  });

  it("regression: the range is the one given (the dataset's), not the scored labels' min/max", () => {
    // Labels span only 2..3. With the dataset range 0..6, 5.6 rounds to 6 (miss) and 0.4 to 0 (miss);
    // clamped to the labels' own 2..3 both would hit (3 and 2).
    const rows = [{ label: 3 }, { label: 2 }];
    expect(scorePredictions([5.6, 0.4], rows, space).metrics.accuracy).toBe(0);
    expect(scorePredictions([5.6, 0.4], rows, { ...space, labelRange: [2, 3] }).metrics.accuracy).toBe(1);
    // Unknown range: rounded, never clamped
    expect(scorePredictions([5.6, 0.4], rows, { ...space, labelRange: null }).metrics.accuracy).toBe(0);
  });

  it('classification: accuracy, macro-F1 and the confusion matrix over the given classes', () => {
    // class 0: TP 1, FN 1 → 2/3; class 1: TP 1, FP 1 → 2/3; class 2 unseen → skipped
    const s = scorePredictions(
      [0, 1, 1],
      [0, 0, 1].map((label) => ({ label })),
      {
        task: 'classification',
        numClasses: 3,
      },
    );
    expect(s.metrics).toEqual({ accuracy: 2 / 3, macro_f1: expect.closeTo(2 / 3, 12), n: 3 });
    expect(s.confusionMatrix).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
  });

  it('splits every figure by row source when rows carry one', () => {
    const rows = [
      { label: 2, source: 'real' as const },
      { label: 4, source: 'synthetic' as const },
      { label: 0, source: 'real' as const },
      { label: 6, source: 'synthetic' as const },
    ];
    // predictions 2.4 → 2 (hit), 5.5 → 6 (miss, within 2), 1.5 → 2 (miss, |2| > 1), 6.6 → 6 (hit)
    const s = scorePredictions([2.4, 5.5, 1.5, 6.6], rows, space);
    expect(s.metrics.accuracy).toBe(2 / 4);
    expect(s.bySource?.real).toMatchObject({ accuracy: 1 / 2, flexible_accuracy: 1 / 2, n: 2 });
    expect(s.bySource?.real?.mae).toBeCloseTo((0.4 + 1.5) / 2, 12);
    expect(s.bySource?.synthetic).toMatchObject({ accuracy: 1 / 2, flexible_accuracy: 1 / 2, n: 2 });
    expect(s.bySource?.synthetic?.mae).toBeCloseTo((1.5 + 0.6) / 2, 12);
    // a source without rows is left out
    const realOnly = scorePredictions([2], [{ label: 2, source: 'real' }], space);
    expect(Object.keys(realOnly.bySource ?? {})).toEqual(['real']);
  });

  it('refuses predictions that do not match the rows', () => {
    expect(() => scorePredictions([1], [{ label: 1 }, { label: 2 }], space)).toThrow(MetricsError);
    expect(() => scorePredictions([], [], space)).toThrow(/empty input/);
  });
});

describe('reference predictor', () => {
  it('regression: mean of the training labels; classification: majority (smallest id on a tie)', () => {
    expect(referencePredictor('regression', [1, 2, 6])).toEqual({
      kind: 'mean of train labels (3.000)',
      value: 3,
    });
    expect(referencePredictor('classification', [2, 1, 2, 1, 0]).value).toBe(1);
    expect(() => referencePredictor('regression', [])).toThrow(/no training labels/);
  });
  it('scores the constant on the same rows', () => {
    // mean 3 on labels 1 and 6: errors 2 and 3 → MAE 2.5; strict 0; flexible 0
    const r = scoreReference([1, 2, 6], [{ label: 1 }, { label: 6 }], {
      task: 'regression',
      labelRange: [0, 6],
      tolerance: 1,
    });
    expect(r.kind).toMatch(/mean/);
    expect(r.scores.metrics).toMatchObject({ mae: 2.5, accuracy: 0, flexible_accuracy: 0, n: 2 });
  });
});
