import { describe, expect, it } from 'vitest';
import { compareShares } from './share-comparison.ts';
import { aggregateByFraction } from './sweep-points.ts';

const fractions = [0.25, 0.5, 1];
/** MAE per seed at a fraction: synthetic helps at small sizes only. */
const run = (fraction: number, seed: number, mae: number) => ({
  fraction,
  seed,
  status: 'succeeded',
  summary: { metrics: { mae }, trainRows: Math.round(fraction * 200) },
});
const curve = (maes: number[]) =>
  fractions.flatMap((f, i) => [0, 1, 2].map((seed) => run(f, seed, (maes[i] as number) + 0.01 * (seed - 1))));

describe('compareShares', () => {
  it('says up to which size synthetic data helps and from which size it stops', () => {
    const real = aggregateByFraction(curve([1.4, 1.1, 0.9]), 'mae', fractions);
    const quarter = aggregateByFraction(curve([1.2, 1.0, 0.9]), 'mae', fractions);
    const half = aggregateByFraction(curve([1.5, 1.3, 1.1]), 'mae', fractions);
    const cmp = compareShares(
      [
        { share: 0.5, aggregates: half },
        { share: 0, aggregates: real },
        { share: 0.25, aggregates: quarter },
      ],
      'mae',
    );
    expect(cmp?.shares).toEqual([0, 0.25, 0.5]);
    expect(cmp?.rows.map((r) => r.cells[1]?.call)).toEqual(['helps', 'helps', 'same']);
    expect(cmp?.rows.map((r) => r.cells[2]?.call)).toEqual(['hurts', 'hurts', 'hurts']);
    expect(cmp?.findings[0]).toMatchObject({ share: 0.25, stopsHelpingAt: 200 });
    expect(cmp?.findings[0]?.text).toBe(
      '25 % synthetic beats 0 % up to n = 100; from n = 200 on it no longer helps',
    );
    expect(cmp?.findings[1]?.text).toBe('50 % synthetic does not beat 0 % at any size measured');
    expect(cmp?.rows[0]?.cells[1]?.gain).toBeCloseTo(0.2, 12);
  });

  it('needs two shares', () => {
    expect(compareShares([{ share: 0, aggregates: [] }], 'mae')).toBeNull();
  });
});
