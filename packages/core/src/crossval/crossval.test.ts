import { describe, expect, it } from 'vitest';
import { summarizeCrossval, summarizeFolds } from './index.ts';

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

describe('summarizeCrossval', () => {
  const fold = (f: number, a: number, b: number, refA: number) => ({
    fold: f,
    runId: `r${f}`,
    summary: {
      metrics: { mae: (a + b) / 2 },
      reference: { kind: 'mean of train labels, per item', metrics: { mae: refA } },
      errorReduction: { mae: 1 - (a + b) / 2 / refA, flexible: null },
      items: {
        a: {
          metrics: { mae: a },
          reference: { mae: refA },
          errorReduction: { mae: 1 - a / refA, flexible: null },
        },
        b: { metrics: { mae: b } },
      },
    },
  });

  it('gives every item mean ± sample std over folds, error reductions and the named reference', () => {
    const cv = summarizeCrossval([fold(1, 2, 4, 4), fold(0, 1, 3, 2), fold(2, 3, 5, 4)]);
    expect(cv.folds.map((f) => f.runId)).toEqual(['r0', 'r1', 'r2']);
    expect(cv.items?.a?.metrics.mean.mae).toBe(2);
    expect(cv.items?.a?.metrics.std.mae).toBe(1);
    expect(cv.items?.b?.metrics.mean.mae).toBe(4);
    // item a's error reductions 0.5, 0.5, 0.25: mean 5/12; item b has none
    expect(cv.items?.a?.errorReduction?.mean.mae).toBeCloseTo(5 / 12, 12);
    expect(cv.items?.a?.errorReduction?.std.mae).toBeCloseTo(
      Math.sqrt(((1 / 12) ** 2 * 2 + (1 / 6) ** 2) / 2),
      12,
    );
    expect(cv.items?.a?.errorReduction?.mean.flexible).toBeUndefined();
    expect(cv.items?.b?.errorReduction).toBeUndefined();
    expect(cv.mean.mae).toBe(3);
    expect(cv.reference).toMatchObject({ kind: 'mean of train labels, per item', mean: { mae: 10 / 3 } });
  });

  it('names a reference whose constant differs per fold by its kind', () => {
    const s = (v: number) => ({
      metrics: { mae: 1 },
      reference: { kind: `mean of train labels (${v})`, metrics: { mae: 2 } },
    });
    const cv = summarizeCrossval([
      { fold: 0, summary: s(1.5) },
      { fold: 1, summary: s(2.5) },
    ]);
    expect(cv.reference?.kind).toBe('mean of train labels (per fold)');
    expect(cv.items).toBeUndefined();
  });
});
