// The recipe search driver: CMA-ES over the search space, a budget in candidate evaluations (each on
// a fixed subsample of every domain's eval set), then the best few rescored on the full eval sets.
// The evaluator is given: in-process for the CLI, queued candidate jobs for the worker; the driver
// and its result are the same either way.
import type { TMergeConfig } from '../merge/config.ts';
import { defaultPopulationSize, SepCmaEs } from './cma-es.ts';
import { type DomainBaseline, normaliseScore, objectiveOf, paretoFront } from './objective.ts';
import { centrePoint, decodePoint, type Recipe, searchSpace } from './space.ts';
import type { TSearchSpec } from './spec.ts';

/** Starting step size in the unit box (about a third of each range either side of the centre). */
const SIGMA0 = 0.3;

export type EvaluationMode = 'subsample' | 'full';

/** What is scored: an existing model (base or parent) or a merge recipe. */
export type ScoreRequest = { kind: 'model'; model: string } | { kind: 'merge'; config: TMergeConfig };

/** Raw score per domain (domain i is model i's dataset); null where the model cannot be scored on it. */
export type DomainScores = (number | null)[];

export interface SearchEvaluator {
  /** Domain names and metrics, in model order. */
  domains: { name: string; metric: 'mae' | 'accuracy' }[];
  /**
   * Scores each request on every domain. For the base, a domain its head cannot score is scored
   * with the reference predictor (mean / majority train label) instead: the "knows nothing" level.
   */
  score(requests: ScoreRequest[], mode: EvaluationMode, phase: SearchPhase): Promise<DomainScores[]>;
}

export type SearchPhase = 'baseline' | 'search' | 'rescore';

export interface CandidateResult {
  /** 0-based evaluation number. */
  index: number;
  generation: number;
  recipe: Recipe;
  scores: number[];
  normalised: number[];
  fitness: number;
  /** Set for the rescored candidates. */
  full?: { scores: number[]; normalised: number[]; fitness: number };
}

export interface SearchResult {
  objective: TSearchSpec['objective'];
  domains: { name: string; metric: 'mae' | 'accuracy' }[];
  baselines: { subsample: DomainBaseline[]; full: DomainBaseline[] };
  candidates: CandidateResult[];
  /** Indices (into candidates) of the Pareto front of the normalised subsample scores. */
  pareto: number[];
  /** Indices of the rescored candidates, best full fitness first. */
  rescored: number[];
  /** Index of the best candidate by full fitness. */
  best: number;
  evaluations: number;
}

export interface SearchHooks {
  /** After each generation (the candidates so far): live charts. */
  onProgress?: (partial: {
    candidates: CandidateResult[];
    baselines: SearchResult['baselines'] | null;
    budget: number;
  }) => Promise<void> | void;
  throwIfCancelled?: () => Promise<void>;
}

export async function runRecipeSearch(
  spec: TSearchSpec,
  numLayers: number,
  evaluator: SearchEvaluator,
  hooks: SearchHooks = {},
): Promise<SearchResult> {
  const space = searchSpace(spec, numLayers);
  const domains = evaluator.domains;
  if (domains.length !== spec.models.length) throw new Error('one domain per model');
  const models: ScoreRequest[] = [spec.base_model, ...spec.models.map((m) => m.model)].map((model) => ({
    kind: 'model',
    model,
  }));
  const baselineFor = (scores: DomainScores[], mode: EvaluationMode): DomainBaseline[] =>
    domains.map((d, i) => {
      const base = scores[0]?.[i];
      const tuned = scores[i + 1]?.[i];
      if (base == null || tuned == null)
        throw new Error(
          `${mode} baseline: ${base == null ? 'the base' : `model ${spec.models[i]?.model}`} cannot be scored on domain ${d.name}`,
        );
      return { domain: d.name, metric: d.metric, base, tuned };
    });
  await hooks.throwIfCancelled?.();
  const subsampleBaseline = baselineFor(await evaluator.score(models, 'subsample', 'baseline'), 'subsample');
  await hooks.throwIfCancelled?.();
  const fullBaseline = baselineFor(await evaluator.score(models, 'full', 'baseline'), 'full');
  const baselines = { subsample: subsampleBaseline, full: fullBaseline };

  const judge = (scores: DomainScores, baseline: DomainBaseline[]) => {
    const raw = scores.map((s, i) => {
      if (s == null) throw new Error(`a merged model could not be scored on domain ${domains[i]?.name}`);
      return s;
    });
    const normalised = raw.map((s, i) => normaliseScore(s, baseline[i] as DomainBaseline));
    return { scores: raw, normalised, fitness: objectiveOf(normalised, spec.objective, spec.domain_weights) };
  };

  const candidates: CandidateResult[] = [];
  const dimension = space.coordinates.length;
  // Default: CMA-ES's 4 + ⌊3 ln d⌋, but small enough for three generations within the budget, so
  // that even a small budget moves the distribution rather than sampling around the start.
  const populationSize = Math.min(
    spec.budget,
    spec.population ??
      Math.max(2, Math.min(defaultPopulationSize(Math.max(1, dimension)), Math.floor(spec.budget / 3))),
  );
  // No free parameter (one method without weight / density / λ): one evaluation says it all.
  const es =
    dimension > 0
      ? new SepCmaEs({
          mean: centrePoint(space),
          sigma: SIGMA0,
          populationSize,
          seed: spec.seed,
          lower: 0,
          upper: 1,
        })
      : null;
  while (candidates.length < spec.budget) {
    await hooks.throwIfCancelled?.();
    const generation = es?.generation ?? 0;
    let points = es ? es.ask() : [[]];
    // The first generation's first point is the centre (every range's midpoint): a sane default is always tried.
    if (generation === 0 && es) points[0] = centrePoint(space);
    points = points.slice(0, spec.budget - candidates.length);
    const recipes = points.map((x) => decodePoint(x, spec, space));
    const scores = await evaluator.score(
      recipes.map((r) => ({ kind: 'merge', config: r.config })),
      'subsample',
      'search',
    );
    const judged = scores.map((s) => judge(s, subsampleBaseline));
    for (const [k, j] of judged.entries())
      candidates.push({ index: candidates.length, generation, recipe: recipes[k] as Recipe, ...j });
    if (!es) break;
    if (points.length === es.populationSize) es.tell(judged.map((j) => j.fitness));
    await hooks.onProgress?.({ candidates, baselines, budget: spec.budget });
  }

  // Rescore the best few distinct recipes on the full eval sets.
  const seen = new Set<string>();
  const top = [...candidates]
    .sort((a, b) => b.fitness - a.fitness || a.index - b.index)
    .filter((c) => {
      const key = JSON.stringify(c.recipe.config);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, spec.rescore);
  await hooks.throwIfCancelled?.();
  const full = await evaluator.score(
    top.map((c) => ({ kind: 'merge', config: c.recipe.config })),
    'full',
    'rescore',
  );
  top.forEach((c, k) => {
    c.full = judge(full[k] as DomainScores, fullBaseline);
  });
  const rescored = [...top]
    .sort((a, b) => (b.full?.fitness ?? 0) - (a.full?.fitness ?? 0) || a.index - b.index)
    .map((c) => c.index);
  const result: SearchResult = {
    objective: spec.objective,
    domains,
    baselines,
    candidates,
    pareto: paretoFront(candidates.map((c) => c.normalised)),
    rescored,
    best: rescored[0] as number,
    evaluations: candidates.length,
  };
  await hooks.onProgress?.({ candidates, baselines, budget: spec.budget });
  return result;
}
