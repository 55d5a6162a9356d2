import { describe, expect, it } from 'vitest';
import { bestPerColumn, itemFigures, runFigures } from './compare-figures.ts';

const columns = [
  { key: 'mae', better: 'min' as const },
  { key: 'flexibleAccuracy', better: 'max' as const },
  { key: 'errorReduction', better: 'max' as const },
];
const multi = (mean: number, items: Record<string, [number, number, number | null]>) => ({
  metrics: { mae: mean, flexibleAccuracy: 0.5 },
  errorReduction: { mae: 0.2, flexible: 0.1 },
  items: Object.fromEntries(
    Object.entries(items).map(([name, [mae, flex, er]]) => [
      name,
      { metrics: { mae, flexibleAccuracy: flex }, errorReduction: { mae: er, flexible: null } },
    ]),
  ),
});

describe('compare figures', () => {
  it('a run’s figures: the means and the MAE error reduction; {} without a summary', () => {
    expect(runFigures(multi(1.5, { a: [1, 0.8, 0.3] }))).toEqual({
      mae: 1.5,
      flexibleAccuracy: 0.5,
      errorReduction: 0.2,
    });
    expect(runFigures(null)).toEqual({});
  });

  it('per item: each run’s figures, null for a run without the item, best among those that have it', () => {
    const rows = itemFigures(
      [
        multi(1.2, { sad: [1.0, 0.7, 0.4], sleep: [1.4, 0.6, 0.1] }),
        { metrics: { mae: 0.9 } }, // a single-label run
        multi(1.1, { sad: [1.3, 0.9, null], sleep: [0.9, 0.5, 0.5] }),
      ],
      columns,
    );
    expect(rows.map((r) => r.item)).toEqual(['sad', 'sleep']);
    const [sad, sleep] = rows;
    expect(sad?.values[1]).toBeNull();
    expect(sad?.values[0]).toEqual({ mae: 1.0, flexibleAccuracy: 0.7, errorReduction: 0.4 });
    expect(sad?.values[2]?.errorReduction).toBeUndefined();
    expect(sad?.best).toEqual({ mae: 1.0, flexibleAccuracy: 0.9, errorReduction: 0.4 });
    expect(sleep?.best).toEqual({ mae: 0.9, flexibleAccuracy: 0.6, errorReduction: 0.5 });
  });

  it('no multi-item run, no item rows; best skips missing values', () => {
    expect(itemFigures([{ metrics: { mae: 1 } }], columns)).toEqual([]);
    expect(bestPerColumn([{ mae: 2 }, null, { mae: 1, flexibleAccuracy: 0.3 }], columns)).toEqual({
      mae: 1,
      flexibleAccuracy: 0.3,
      errorReduction: undefined,
    });
  });
});
