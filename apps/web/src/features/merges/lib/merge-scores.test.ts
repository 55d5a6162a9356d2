import { describe, expect, it } from 'vitest';
import { commonMetrics, sameParents, scoresOf } from './merge-scores.ts';

describe('merge scores', () => {
  it('collects numeric metrics per dataset and the metrics every evaluation has', () => {
    const rows = [
      { modelId: 'm', datasetId: 'A', metrics: { mae: 0.5, accuracy: 0.4, confusion: [[1]] } },
      { modelId: 'm', datasetId: 'B', metrics: { mae: 0.7, rmse: 0.9, accuracy: 0.3 } },
      { modelId: 'x', datasetId: 'A', metrics: { mae: 9 } },
    ];
    const m = scoresOf(rows, 'm');
    expect(m).toEqual({ A: { mae: 0.5, accuracy: 0.4 }, B: { mae: 0.7, rmse: 0.9, accuracy: 0.3 } });
    expect(commonMetrics([m])).toEqual(['mae', 'accuracy']);
    expect(commonMetrics([m, scoresOf(rows, 'x')])).toEqual(['mae']);
  });

  it('compares parent sets regardless of order', () => {
    expect(sameParents(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameParents(['a', 'b'], ['a', 'c'])).toBe(false);
    expect(sameParents(['a'], ['a', 'a'])).toBe(false);
  });
});
