import { describe, expect, it } from 'vitest';
import { parseMergeConfig } from '../merge/config.ts';
import { normaliseScore, objectiveOf, paretoFront } from './objective.ts';
import { type DomainScores, runRecipeSearch, type ScoreRequest, type SearchEvaluator } from './search.ts';
import { decodePoint, layerThirds, searchSpace } from './space.ts';
import { parseSearchSpec, ZSearchSpec } from './spec.ts';
import { subsampleRows } from './subsample.ts';

const spec = (extra: Record<string, unknown> = {}) =>
  ZSearchSpec.parse({ base_model: 'base', models: [{ model: 'a' }, { model: 'b' }], ...extra });

describe('objective', () => {
  it('normalises MAE and accuracy between the base and the fine-tune', () => {
    expect(normaliseScore(1.6, { domain: 'x', metric: 'mae', base: 1.9, tuned: 1.5 })).toBeCloseTo(0.75);
    expect(normaliseScore(0.7, { domain: 'y', metric: 'accuracy', base: 0.5, tuned: 0.9 })).toBeCloseTo(0.5);
    expect(normaliseScore(0.95, { domain: 'y', metric: 'accuracy', base: 0.5, tuned: 0.9 })).toBeCloseTo(
      1.125,
    );
    expect(normaliseScore(1, { domain: 'z', metric: 'mae', base: 1, tuned: 1 })).toBe(1);
    expect(normaliseScore(1.2, { domain: 'z', metric: 'mae', base: 1, tuned: 1 })).toBe(0);
  });
  it('takes the worst domain or a weighted mean', () => {
    expect(objectiveOf([0.2, 0.9], 'worst')).toBe(0.2);
    expect(objectiveOf([0.2, 0.8], 'mean')).toBeCloseTo(0.5);
    expect(objectiveOf([0.2, 0.8], 'mean', [3, 1])).toBeCloseTo(0.35);
  });
  it('finds the Pareto front', () => {
    expect(
      paretoFront([
        [0.1, 0.9],
        [0.5, 0.5],
        [0.4, 0.4],
        [0.9, 0.1],
        [0.5, 0.5],
      ]),
    ).toEqual([0, 1, 3, 4]);
  });
});

describe('search space', () => {
  it('splits layers into thirds', () => {
    expect(layerThirds(12)).toEqual({ lower: [0, 1, 2, 3], middle: [4, 5, 6, 7], upper: [8, 9, 10, 11] });
    expect(layerThirds(2)).toEqual({ lower: [0], middle: [1], upper: [] });
  });
  it('decodes a point into a mergekit config the merge parser accepts', () => {
    const s = spec({
      methods: ['ties', 'task_arithmetic'],
      ranges: { lambda: [0, 2], weight: [0, 1], density: [0.2, 1] },
    });
    const space = searchSpace(s, 6);
    // method, lambda, weight a, weight b, density a, density b
    expect(space.coordinates.map((c) => c.kind)).toEqual([
      'method',
      'lambda',
      'weight',
      'weight',
      'density',
      'density',
    ]);
    const ties = decodePoint([0.2, 0.5, 0.25, 1, 0, 0.5], s, space);
    expect(ties.method).toBe('ties');
    expect(ties.config).toMatchObject({
      merge_method: 'ties',
      base_model: 'base',
      parameters: { lambda: 1 },
      models: [
        { model: 'a', parameters: { weight: 0.25, density: 0.2 } },
        { model: 'b', parameters: { weight: 1, density: 0.6 } },
      ],
    });
    const ta = decodePoint([0.9, 0.5, 0.25, 1, 0, 0.5], s, space);
    expect(ta.method).toBe('task_arithmetic');
    expect(ta.config.models[0]?.parameters).toEqual({ weight: 0.25 });
    const plan = parseMergeConfig(JSON.stringify(ties.config), '/tmp/search.yml');
    expect(plan.models.map((m) => m.parameters)).toEqual([
      { weight: 0.25, density: 0.2 },
      { weight: 1, density: 0.6 },
    ]);
  });
  it('writes per-group values as filters that pick the right tensors', async () => {
    const s = spec({ layer_groups: true, ranges: { weight: [0, 1], density: [0.1, 1], lambda: [1, 1] } });
    const space = searchSpace(s, 3);
    const { tensorParameters } = await import('../merge/config.ts');
    // lambda, then weights (a: 5 groups, b: 5 groups), then densities
    expect(space.coordinates).toHaveLength(1 + 2 * 2 * 5);
    const x = [0.5, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, ...new Array(10).fill(0.5)];
    const recipe = decodePoint(x, s, space);
    const plan = parseMergeConfig(JSON.stringify(recipe.config), '/tmp/search.yml');
    const weightOf = (tensor: string) => tensorParameters(plan, tensor, 0).models[0]?.weight;
    expect(weightOf('bert.embeddings.word_embeddings.weight')).toBe(0.1);
    expect(weightOf('bert.encoder.layer.0.attention.self.query.weight')).toBe(0.2);
    expect(weightOf('bert.encoder.layer.1.output.LayerNorm.weight')).toBe(0.3);
    expect(weightOf('bert.encoder.layer.2.intermediate.dense.bias')).toBe(0.4);
    expect(weightOf('classifier.weight')).toBe(0.5);
    expect(weightOf('bert.pooler.dense.weight')).toBe(0.5);
    expect(tensorParameters(plan, 'classifier.weight', 0).models[1]?.weight).toBe(1);
  });
  it('refuses bad specs naming the field', () => {
    expect(() => parseSearchSpec('base_model: b\nmodels: [{model: a}]', 'S.yml')).toThrow(
      /S.yml: models: a search merges two/,
    );
    expect(() =>
      parseSearchSpec('base_model: b\nmodels: [{model: a}, {model: c}]\nmethods: [slerp]', 'S.yml'),
    ).toThrow(/S.yml: methods.0/);
    expect(() =>
      parseSearchSpec(
        'base_model: b\nmodels: [{model: a}, {model: c}]\nobjective: mean\ndomain_weights: [1]',
        'S.yml',
      ),
    ).toThrow(/domain_weights: give one weight per model/);
  });
});

describe('subsample', () => {
  it('is fixed by the seed and keeps row order', () => {
    const rows = Array.from({ length: 100 }, (_, i) => i);
    const a = subsampleRows(rows, 10, 3);
    expect(a).toEqual(subsampleRows(rows, 10, 3));
    expect(a).not.toEqual(subsampleRows(rows, 10, 4));
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(subsampleRows(rows.slice(0, 5), 10, 3)).toEqual([0, 1, 2, 3, 4]);
  });
});

/**
 * A synthetic evaluator: domain scores are smooth functions of the recipe's numbers, with a known
 * best (λ = 1.3, weights a = 0.9, b = 0.5). Subsample scores of merges are slightly off.
 */
function syntheticEvaluator(log: { mode: string; phase: string; n: number }[]): SearchEvaluator {
  const scoreOf = (r: ScoreRequest): DomainScores => {
    if (r.kind === 'model') return r.model === 'base' ? [2, 0.5] : r.model === 'a' ? [1, 0.55] : [1.9, 0.9];
    const lambda = (r.config.parameters?.lambda as number) ?? 1;
    const [wa, wb] = r.config.models.map((m) => (m.parameters?.weight as number) ?? 1) as [number, number];
    const err = (lambda - 1.3) ** 2 + (wa - 0.9) ** 2 + (wb - 0.5) ** 2;
    return [1 + err, 0.9 - err];
  };
  return {
    domains: [
      { name: 'A', metric: 'mae' },
      { name: 'B', metric: 'accuracy' },
    ],
    async score(requests, mode, phase) {
      log.push({ mode, phase, n: requests.length });
      // The subsample's figures are off by a recipe-dependent amount (a smaller sample).
      return requests.map((r) => {
        const s = scoreOf(r);
        const wa = r.kind === 'merge' ? ((r.config.models[0]?.parameters?.weight as number) ?? 1) : 0;
        return mode === 'subsample' && r.kind === 'merge'
          ? s.map((v) => (v as number) + 0.01 * Math.sin(7 * wa))
          : s;
      });
    },
  };
}

describe('runRecipeSearch', () => {
  it('spends the budget, rescores the best few on the full sets, and is reproducible', async () => {
    const s = spec({
      budget: 60,
      population: 6,
      rescore: 2,
      seed: 4,
      ranges: { lambda: [0.5, 2], weight: [0, 1.5], density: [0.1, 1] },
    });
    const log: { mode: string; phase: string; n: number }[] = [];
    const progress: number[] = [];
    const result = await runRecipeSearch(s, 2, syntheticEvaluator(log), {
      onProgress: ({ candidates }) => void progress.push(candidates.length),
    });
    expect(result.evaluations).toBe(60);
    expect(log.filter((l) => l.phase === 'search').reduce((a, l) => a + l.n, 0)).toBe(60);
    expect(log.filter((l) => l.phase === 'search').every((l) => l.mode === 'subsample')).toBe(true);
    expect(log.filter((l) => l.phase === 'rescore')).toEqual([{ mode: 'full', phase: 'rescore', n: 2 }]);
    expect(progress.slice(0, 3)).toEqual([6, 12, 18]);
    // Both figures are kept for the rescored candidates.
    const best = result.candidates[result.best];
    expect(best?.full).toBeDefined();
    expect(best?.fitness).not.toBe(best?.full?.fitness);
    // Better than the centre (first candidate), approaching the known best.
    expect(best?.recipe.lambda).toBeGreaterThan(1);
    expect(best?.full?.fitness).toBeGreaterThan((result.candidates[0]?.fitness ?? 0) + 0.02);
    expect(best?.full?.fitness).toBeGreaterThan(0.9);
    // Every front point is non-dominated.
    for (const i of result.pareto) {
      const p = result.candidates[i]?.normalised as number[];
      expect(
        result.candidates.some(
          (c) =>
            c.normalised.every((v, k) => v >= (p[k] as number)) &&
            c.normalised.some((v, k) => v > (p[k] as number)),
        ),
      ).toBe(false);
    }
    const again = await runRecipeSearch(s, 2, syntheticEvaluator([]));
    expect(again.candidates.map((c) => c.recipe.config)).toEqual(
      result.candidates.map((c) => c.recipe.config),
    );
  });
  it('stops when cancelled', async () => {
    let calls = 0;
    await expect(
      runRecipeSearch(spec({ budget: 30, population: 5 }), 2, syntheticEvaluator([]), {
        throwIfCancelled: async () => {
          if (++calls > 4) throw new Error('cancelled');
        },
      }),
    ).rejects.toThrow('cancelled');
  });
});
