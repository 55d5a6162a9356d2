import { describe, expect, it } from 'vitest';
import { type RowLike, splitRows } from './split-rows.ts';

const rows = (n: number, split = 'train'): RowLike[] =>
  Array.from({ length: n }, (_, i) => ({ index: i, text: `t${i}`, label: i % 5, split }));

describe('splitRows', () => {
  it('uses the eval split when the dataset has one', () => {
    const all = [...rows(10), ...rows(4, 'eval').map((r) => ({ ...r, index: r.index + 10 }))];
    const s = splitRows(all, { evalFraction: 0.5, trainFraction: 1, seed: 3 });
    expect(s.eval.map((r) => r.index)).toEqual([10, 11, 12, 13]);
    expect(s.train).toHaveLength(10);
  });
  it('holds out the same eval rows whatever the seed', () => {
    const a = splitRows(rows(100), { evalFraction: 0.2, trainFraction: 1, seed: 1 });
    const b = splitRows(rows(100), { evalFraction: 0.2, trainFraction: 0.5, seed: 7 });
    expect(a.eval).toHaveLength(20);
    expect(b.eval.map((r) => r.index)).toEqual(a.eval.map((r) => r.index));
    expect(b.train).toHaveLength(40);
    const evalIdx = new Set(a.eval.map((r) => r.index));
    expect(b.train.some((r) => evalIdx.has(r.index))).toBe(false);
  });
  it('draws different training subsets for different seeds', () => {
    const a = splitRows(rows(100), { evalFraction: 0.2, trainFraction: 0.25, seed: 1 });
    const b = splitRows(rows(100), { evalFraction: 0.2, trainFraction: 0.25, seed: 2 });
    expect(a.train.map((r) => r.index)).not.toEqual(b.train.map((r) => r.index));
  });
  it('cross-validation: scores fold i and trains on the other folds, never on test rows', () => {
    const all: RowLike[] = rows(9).map((r) => ({
      ...r,
      fold: r.index % 3,
      split: r.index === 8 ? 'eval' : 'train',
    }));
    all.push({ index: 9, text: 't9', label: 0, split: 'test', fold: null });
    const s = splitRows(all, { evalFraction: 0.2, trainFraction: 1, seed: 1, fold: 1 });
    expect(s.eval.map((r) => r.index)).toEqual([1, 4, 7]);
    expect(s.train.map((r) => r.index)).toEqual([0, 2, 3, 5, 6, 8]);
    expect(() => splitRows(all, { evalFraction: 0.2, trainFraction: 1, seed: 1, fold: 5 })).toThrow(
      /no rows in fold 5/,
    );
  });
});
