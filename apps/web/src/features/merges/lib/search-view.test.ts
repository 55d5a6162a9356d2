import type { CandidateResult } from '@tunelab/core/merge-search';
import { describe, expect, it } from 'vitest';
import { searchView } from './search-view.ts';

const candidate = (index: number, normalised: number[], full?: number): CandidateResult => ({
  index,
  generation: 0,
  recipe: {
    method: 'ties',
    lambda: 1,
    models: [],
    config: { merge_method: 'ties', models: [{ model: 'a' }] },
  },
  scores: normalised,
  normalised,
  fitness: Math.min(...normalised),
  ...(full === undefined ? {} : { full: { scores: [1, 2], normalised: [full, full], fitness: full } }),
});

describe('searchView', () => {
  it('traces the objective with its running best and marks the Pareto front while running', () => {
    const view = searchView(
      {
        partial: true,
        budget: 10,
        candidates: [candidate(0, [0.2, 0.5]), candidate(1, [0.6, 0.1]), candidate(2, [0.1, 0.1])],
      },
      10,
    );
    expect(view.trace).toEqual([
      [1, 0.2, 0.2],
      [2, 0.1, 0.2],
      [3, 0.1, 0.2],
    ]);
    expect(view.points.map((p) => p.front)).toEqual([true, true, false]);
    expect(view.done).toBe(false);
    expect(view.best).toBeNull();
  });
  it('reports the rescored candidates with both figures once done', () => {
    const view = searchView(
      {
        partial: false,
        budget: 2,
        candidates: [candidate(0, [0.2, 0.5], 0.3), candidate(1, [0.6, 0.4], 0.25)],
        rescored: [0, 1],
        best: 0,
        pareto: [1],
        domains: [
          { name: 'A', metric: 'mae' },
          { name: 'B', metric: 'accuracy' },
        ],
      },
      2,
    );
    expect(view.rescored).toEqual([
      { index: 0, method: 'ties', subsample: 0.2, full: 0.3, fullScores: [1, 2] },
      { index: 1, method: 'ties', subsample: 0.4, full: 0.25, fullScores: [1, 2] },
    ]);
    expect(view.best?.index).toBe(0);
    expect(view.domains).toEqual(['A (mae)', 'B (accuracy)']);
    expect(view.points.map((p) => p.front)).toEqual([false, true]);
  });
});
