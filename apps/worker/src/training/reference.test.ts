import { describe, expect, it } from 'vitest';
import { referenceScores, summaryReduction } from './reference.ts';

describe('reference scores and error reduction', () => {
  it('uses the train-label mean for regression', () => {
    // mean 2 → eval labels 0 and 4 both off by 2
    const ref = referenceScores('regression', [1, 2, 3], [0, 4], 1, [0, 4]);
    expect(ref.metrics.mae).toBeCloseTo(2, 12);
    expect(ref.kind).toMatch(/mean of train labels \(2\.000\)/);
    const red = summaryReduction('regression', { mae: 0.5, flexible_accuracy: 1 }, ref.metrics);
    expect(red.mae).toBeCloseTo(0.75, 12);
    expect(red.flexible).toBeCloseTo(1, 12);
  });
  it('uses the majority class for classification', () => {
    const ref = referenceScores('classification', [0, 1, 1], [1, 0], 0, [0, 1]);
    expect(ref.metrics.accuracy).toBeCloseTo(0.5, 12);
    expect(summaryReduction('classification', { accuracy: 0.75 }, ref.metrics).flexible).toBeCloseTo(0.5, 12);
  });
});
