import { describe, expect, it } from 'vitest';
import { summarizeFolds } from './index.ts';

describe('summarizeFolds', () => {
  it('gives the mean and the sample std (n − 1) of every metric, folds in order', () => {
    const s = summarizeFolds([
      { fold: 2, runId: 'c', metrics: { mae: 3, accuracy: 0.5 } },
      { fold: 0, runId: 'a', metrics: { mae: 1, accuracy: 0.7 } },
      { fold: 1, runId: 'b', metrics: { mae: 2, accuracy: 0.6 } },
    ]);
    expect(s.k).toBe(3);
    expect(s.folds.map((f) => f.runId)).toEqual(['a', 'b', 'c']);
    expect(s.mean.mae).toBe(2);
    expect(s.std.mae).toBe(1); // population std would be 0.816
    expect(s.mean.accuracy).toBeCloseTo(0.6, 12);
    expect(s.std.accuracy).toBeCloseTo(0.1, 12);
    expect(s.stdKind).toBe('sample');
  });

  it('averages each metric over the folds that report it and drops non-finite values', () => {
    const s = summarizeFolds([
      { fold: 0, metrics: { mae: 1, macro_f1: null } },
      { fold: 1, metrics: { mae: Number.NaN, macro_f1: 0.4 } },
    ]);
    expect(s.mean).toEqual({ mae: 1, macro_f1: 0.4 });
    expect(s.std).toEqual({ mae: 0, macro_f1: 0 });
    expect(s.folds[1]?.metrics).toEqual({ macro_f1: 0.4 });
  });
});
