// The recipe search driver: CMA-ES over the search space, a budget in candidate evaluations (each on
// a fixed subsample of every domain's eval set), then the best few rescored on the full eval sets.
// The evaluator is given: in-process for the CLI, queued candidate jobs for the worker; the driver
// and its result are the same either way.
import type { TMergeConfig } from '../merge/config.ts';
import { defaultPopulationSize, SepCmaEs } from './cma-es.ts';
import { spaceFillingDesign } from './design.ts';
import { type DomainBaseline, normaliseScore, objectiveOf, paretoFront } from './objective.ts';
import { centrePoint, decodePoint, type Recipe, searchSpace } from './space.ts';
import type { TSearchSpec } from './spec.ts';

/** CMA-ES's starting step size in the unit box, around the design's best point. */
const SIGMA0 = 0.2;

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
  const evaluate = async (points: number[][], generation: number) => {
    await hooks.throwIfCancelled?.();
    const recipes = points.map((x) => decodePoint(x, spec, space));
    const scores = await evaluator.score(
      recipes.map((r) => ({ kind: 'merge', config: r.config })),
      'subsample',
      'search',
    );
    const judged = scores.map((s) => judge(s, subsampleBaseline));
    for (const [k, j] of judged.entries())
      candidates.push({ index: candidates.length, generation, recipe: recipes[k] as Recipe, ...j });
    await hooks.onProgress?.({ candidates, baselines, budget: spec.budget });
    return judged.map((j) => j.fitness);
  };
  // Generation 0: a space-filling design (the centre, every range's midpoint, then a Latin
  // hypercube that includes each range's ends), about half the budget unless a population is set,
  // so a small budget sees the box's edges. No free parameter: one evaluation says it all.
  const designSize =
    dimension > 0 ? Math.min(spec.budget, spec.population ?? Math.max(2, Math.ceil(spec.budget / 2))) : 1;
  // The design ties the models together (one weight and one density for all, per layer group), as
  // uniform recipes and grids do; CMA-ES then unties them around the best one.
  const tiedKey = (c: (typeof space.coordinates)[number]) =>
    c.kind === 'weight' || c.kind === 'density' ? `${c.kind}:${c.group ?? ''}` : c.kind;
  const tiedKeys = [...new Set(space.coordinates.map(tiedKey))];
  const design = spaceFillingDesign(tiedKeys.length, designSize, spec.seed).map((point) =>
    space.coordinates.map((c) => point[tiedKeys.indexOf(tiedKey(c))] as number),
  );
  design[0] = centrePoint(space);
  const designFitness = await evaluate(design, 0);
  // Then CMA-ES from the design's best point with a narrower step, for the rest of the budget.
  const remaining = spec.budget - candidates.length;
  if (dimension > 0 && remaining > 0) {
    const bestDesign = designFitness.reduce((b, f, i) => (f > (designFitness[b] as number) ? i : b), 0);
    // Default: CMA-ES's 4 + ⌊3 ln d⌋, but small enough for two generations within what is left.
    const populationSize = Math.min(
      remaining,
      spec.population ?? Math.max(2, Math.min(defaultPopulationSize(dimension), Math.floor(remaining / 2))),
    );
    const es = new SepCmaEs({
      mean: design[bestDesign] as number[],
      sigma: SIGMA0,
      populationSize,
      seed: spec.seed + 1,
      lower: 0,
      upper: 1,
    });
    while (candidates.length < spec.budget) {
      const generation = es.generation + 1;
      const points = es.ask().slice(0, spec.budget - candidates.length);
      const fitness = await evaluate(points, generation);
      if (points.length === es.populationSize) es.tell(fitness);
    }
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
