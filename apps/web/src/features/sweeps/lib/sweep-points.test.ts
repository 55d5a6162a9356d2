import { describe, expect, it } from 'vitest';
import { aggregateByFraction } from './sweep-points.ts';

const run = (fraction: number, seed: number, mae: number, status = 'succeeded') => ({
  fraction,
  seed,
  status,
  summary: { metrics: { mae } },
});

describe('aggregateByFraction', () => {
  it('computes mean, spread and sample std per fraction, ignoring unfinished runs', () => {
    const agg = aggregateByFraction(
      [run(0.5, 0, 2), run(0.5, 1, 4), run(1, 0, 1), run(1, 1, 9, 'running')],
      'mae',
      [0.5, 1, 0.25],
    );
    expect(agg[0]).toMatchObject({ fraction: 0.5, n: 2, mean: 3, min: 2, max: 4 });
    expect(agg[0]?.std).toBeCloseTo(Math.SQRT2, 12);
    expect(agg[1]).toMatchObject({ n: 1, mean: 1, std: 0 });
    expect(agg[2]).toMatchObject({ n: 0, mean: null });
  });
});
