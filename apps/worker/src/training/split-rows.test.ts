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

describe('splitRows: two-way sweep cells and computed folds', () => {
  const mixed = (): RowLike[] =>
    Array.from({ length: 120 }, (_, i) => ({
      index: i,
      text: `t${i}`,
      label: i % 5,
      split: i % 6 === 0 ? 'eval' : 'train',
      source: i % 2 ? ('synthetic' as const) : ('real' as const),
    }));

  it('draws the share synthetic, the same size for every share, scored on real eval rows only', () => {
    const shares = [0, 0.5];
    const sizes = shares.map((share) => {
      const s = splitRows(mixed(), { evalFraction: 0.2, trainFraction: 1, seed: 0, mix: { share, shares } });
      expect(s.eval.every((r) => r.source === 'real')).toBe(true);
      expect(s.train.filter((r) => r.source === 'synthetic')).toHaveLength(
        Math.round(share * s.train.length),
      );
      return s.train.length;
    });
    expect(sizes[0]).toBe(sizes[1]);
  });

  it('computes seeded folds over train + eval rows, keeps test rows out and documents whole', () => {
    const all: RowLike[] = Array.from({ length: 60 }, (_, i) => ({
      index: i,
      text: `t${i}`,
      label: i % 3,
      split: i >= 54 ? 'test' : i % 5 === 0 ? 'eval' : 'train',
      group: `doc${Math.floor(i / 3)}`,
    }));
    const cv = { k: 3, seed: 2, grouped: true };
    const seen = new Set<number>();
    for (let fold = 0; fold < 3; fold++) {
      const s = splitRows(all, {
        evalFraction: 0.2,
        trainFraction: 1,
        seed: 0,
        fold,
        cv,
        task: 'classification',
      });
      expect([...s.train, ...s.eval].some((r) => r.split === 'test')).toBe(false);
      const evalDocs = new Set(s.eval.map((r) => r.group));
      expect(s.train.some((r) => evalDocs.has(r.group))).toBe(false);
      for (const r of s.eval) seen.add(r.index);
    }
    expect(seen.size).toBe(54); // every non-test row is scored exactly once over the folds
    expect(() =>
      splitRows(all, { evalFraction: 0.2, trainFraction: 1, seed: 0, fold: 3, cv, task: 'classification' }),
    ).toThrow(/fold 3 does not exist in a 3-fold/);
  });
});
