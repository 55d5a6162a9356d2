// What the search page draws, from a MergeSearch's stored result (partial while it runs): the
// objective against evaluations with its running best, the normalised scores of the first two
// domains with the Pareto front over every domain, and the rescored candidates with both figures.
import type { CandidateResult, SearchResult } from '@tunelab/core/merge-search';
import { paretoFront } from '@tunelab/core/merge-search';

export type TStoredSearchResult = Partial<SearchResult> & {
  partial?: boolean;
  budget?: number;
  candidates?: CandidateResult[];
};

export interface TSearchView {
  budget: number;
  done: boolean;
  domains: string[];
  /** One point per evaluation: [evaluation number (1-based), objective, best so far]. */
  trace: [number, number, number][];
  /** Normalised scores per candidate (all domains), and which are on the Pareto front. */
  points: { index: number; normalised: number[]; front: boolean }[];
  rescored: { index: number; method: string; subsample: number; full: number; fullScores: number[] }[];
  best: CandidateResult | null;
}

export function searchView(stored: TStoredSearchResult | null, budget: number): TSearchView {
  const candidates = stored?.candidates ?? [];
  let running = Number.NEGATIVE_INFINITY;
  const trace = candidates.map((c, i): [number, number, number] => {
    running = Math.max(running, c.fitness);
    return [i + 1, c.fitness, running];
  });
  const front = new Set(stored?.pareto ?? paretoFront(candidates.map((c) => c.normalised)));
  const done = stored?.partial === false;
  const best = done && stored?.best !== undefined ? (candidates[stored.best] ?? null) : null;
  return {
    budget: stored?.budget ?? budget,
    done,
    domains: (stored?.domains ?? []).map((d) => `${d.name} (${d.metric})`),
    trace,
    points: candidates.map((c, i) => ({ index: c.index, normalised: c.normalised, front: front.has(i) })),
    rescored: (stored?.rescored ?? []).flatMap((i) => {
      const c = candidates[i];
      return c?.full
        ? [
            {
              index: c.index,
              method: c.recipe.method,
              subsample: c.fitness,
              full: c.full.fitness,
              fullScores: c.full.scores,
            },
          ]
        : [];
    }),
    best,
  };
}
