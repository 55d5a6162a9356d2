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

  it('holds out one fold and trains on the others; rows without a fold take no part', () => {
    const all: RowLike[] = rows(30).map((r, i) => ({
      ...r,
      split: i < 27 ? 'train' : 'test',
      fold: i < 27 ? i % 3 : null,
    }));
    const s = splitRows(all, { evalFraction: 0.2, trainFraction: 1, seed: 0, fold: 1 });
    expect(s.eval.map((r) => r.fold)).toEqual(Array(9).fill(1));
    expect(s.train).toHaveLength(18);
    expect(s.train.some((r) => r.fold === 1 || r.fold == null)).toBe(false);
    expect(() => splitRows(all, { evalFraction: 0.2, trainFraction: 1, seed: 0, fold: 5 })).toThrow(
      /Fold 5 has no rows/,
    );
  });
});
