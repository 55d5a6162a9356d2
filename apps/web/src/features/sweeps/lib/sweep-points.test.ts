import { fitScaling } from '@tunelab/core/scaling';
import { describe, expect, it } from 'vitest';
import { aggregateByFraction, atBaseline, baselineKind, fitSweep, meanBaseline } from './sweep-points.ts';

const run = (fraction: number, seed: number, mae: number, status = 'succeeded', ref = 1.5) => ({
  fraction,
  seed,
  status,
  summary: {
    metrics: { mae },
    trainRows: Math.round(fraction * 400),
    reference: { kind: 'mean of train labels (0.250)', metrics: { mae: ref } },
  },
});

describe('aggregateByFraction', () => {
  it('computes mean, spread, sample std, rows and baseline per fraction, ignoring unfinished runs', () => {
    const agg = aggregateByFraction(
      [
        run(0.5, 0, 2, 'succeeded', 1.4),
        run(0.5, 1, 4, 'succeeded', 1.6),
        run(1, 0, 1),
        run(1, 1, 9, 'running'),
      ],
      'mae',
      [0.5, 1, 0.25],
    );
    expect(agg[0]).toMatchObject({ fraction: 0.5, trainRows: 200, n: 2, mean: 3, min: 2, max: 4 });
    expect(agg[0]?.std).toBeCloseTo(Math.SQRT2, 12);
    expect(agg[0]?.baseline).toBeCloseTo(1.5, 12);
    expect(agg[1]).toMatchObject({ n: 1, mean: 1, std: 0, trainRows: 400 });
    expect(agg[2]).toMatchObject({ n: 0, mean: null, trainRows: null, baseline: null });
  });

  it('tells a sweep that sits at its baseline from one that learned', () => {
    const flat = [run(0.5, 0, 1.52), run(0.5, 1, 1.47), run(1, 0, 1.49), run(1, 1, 1.51)];
    expect(atBaseline(aggregateByFraction(flat, 'mae', [0.5, 1]))).toBe(true);
    const learned = [...flat.slice(0, 2), run(1, 0, 1.1), run(1, 1, 1.12)];
    expect(atBaseline(aggregateByFraction(learned, 'mae', [0.5, 1]))).toBe(false);
    expect(meanBaseline(aggregateByFraction(learned, 'mae', [0.5, 1, 0.25]))).toBeCloseTo(1.5, 12);
  });

  it('names the baseline without its value', () => {
    expect(baselineKind([run(1, 0, 1)])).toBe('mean of train labels');
  });
});

describe('fitSweep', () => {
  const fractions = [0.125, 0.25, 0.5, 1];
  const runs = fractions.flatMap((f) =>
    [0, 1, 2].map((seed) => run(f, seed, 3 * (f * 400) ** -0.5 + 0.3 + 0.01 * (seed - 1))),
  );

  it('gives exactly the fit of core fitScaling (and so of `tunelab scaling`) for the same points', () => {
    const agg = aggregateByFraction(runs, 'mae', fractions);
    const page = fitSweep(agg, 'mae', 0.5);
    const points = runs.map((r) => ({ n: r.summary.trainRows, value: r.summary.metrics.mae, seed: r.seed }));
    // the page fits against its baseline, the runs' reference predictor (1.5), as `--baseline 1.5`
    expect(page.fit).toEqual(fitScaling(points, { target: 0.5, baseline: 1.5 }));
    expect(page.fit?.baseline?.beaten).toBe(true);
    expect(page.fit?.nNeeded).toBeGreaterThan(0);
  });

  it('calls a sweep that never beats its reference predictor poor_fit', () => {
    const flat = fractions.flatMap((f) => [0, 1, 2].map((seed) => run(f, seed, 1.5 + 0.02 * (seed - 1))));
    const page = fitSweep(aggregateByFraction(flat, 'mae', fractions), 'mae', 1.6);
    expect(page.fit?.verdict).toBe('poor_fit');
    expect(page.fit?.reason).toMatch(/does not beat the baseline 1\.5/);
  });

  it('shows the refusal for too few sizes instead of a fit', () => {
    const agg = aggregateByFraction(
      runs.filter((r) => r.fraction >= 0.5),
      'mae',
      fractions,
    );
    expect(fitSweep(agg, 'mae', null).error).toMatch(/at least 3 training sizes; got 2/);
  });
});
