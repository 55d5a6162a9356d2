import { describe, expect, it } from 'vitest';
import { scorePredictions, scoreReference } from '../metrics/index.ts';
import { scoringSummary, ZRunSummary } from './run-summary.ts';

describe('scoringSummary', () => {
  it('regression: metrics, the train-mean reference by name, error reductions and bySource', () => {
    const space = { task: 'regression', labelRange: [0, 4], tolerance: 1 } as const;
    const rows = [
      { label: 0, source: 'real' as const },
      { label: 4, source: 'synthetic' as const },
    ];
    // mean 2 → both eval labels off by 2: MAE 2, no flexible hit
    const reference = scoreReference([1, 2, 3], rows, space);
    // model errors 0.5 and 0.5: MAE 0.5, both within ±1
    const scores = scorePredictions([0.5, 3.5], rows, space);
    const s = scoringSummary('regression', scores, reference);
    expect(s.reference?.kind).toMatch(/mean of train labels \(2\.000\)/);
    expect(s.reference?.metrics.mae).toBeCloseTo(2, 12);
    expect(s.errorReduction?.mae).toBeCloseTo(0.75, 12);
    expect(s.errorReduction?.flexible).toBeCloseTo(1, 12);
    expect(s.metrics).toMatchObject({ mae: 0.5, flexibleAccuracy: 1 });
    // 0.5 rounds away from zero to 1 ≠ 0; 3.5 to 4 = 4
    expect(s.bySource?.real).toMatchObject({ accuracy: 0, mae: 0.5 });
    expect(s.bySource?.synthetic).toMatchObject({ accuracy: 1, mae: 0.5 });
    expect(ZRunSummary.parse(s)).toEqual(s);
  });
  it('classification: majority-class reference; error reduction counts wrong classes', () => {
    const space = { task: 'classification', numClasses: 2 } as const;
    const rows = [{ label: 1 }, { label: 0 }, { label: 1 }, { label: 1 }];
    const reference = scoreReference([0, 1, 1], rows, space); // majority 1: 3/4 right
    const s = scoringSummary('classification', scorePredictions([1, 0, 1, 0], rows, space), reference);
    expect(reference.scores.metrics.accuracy).toBe(0.75);
    // model 3/4 right too → reduction 0; no MAE; no bySource without sources
    expect(s.errorReduction).toEqual({ mae: null, flexible: 0 });
    expect(s.bySource).toBeUndefined();
  });
});
