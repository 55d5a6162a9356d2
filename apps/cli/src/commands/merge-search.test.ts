import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { initBackend } from '@tunelab/core/backend';
import { loadMergeConfig } from '@tunelab/core/merge';
import { writeModelVariant } from '@tunelab/core/merge/testing';
import { normaliseScore, objectiveOf, parseSearchSpec, type SearchResult } from '@tunelab/core/merge-search';
import { inProcessEvaluator } from '@tunelab/core/merge-search/node';
import { Rng } from '@tunelab/core/random';
import { readSafetensorsFile } from '@tunelab/core/safetensors';
import { loadModel, predict } from '@tunelab/core/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSearchDomains } from './merge-search.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/tunelab.mjs');
const FIXTURES = join(import.meta.dirname, '../../../../fixtures/merge');
const work = await mkdtemp(join(tmpdir(), 'tunelab-cli-search-'));
afterAll(() => rm(work, { recursive: true, force: true }));

/**
 * Two tiny domains with known experts: the fixture base and two of its fine-tunes, their heads
 * scaled so predictions spread over several label values; domain A's labels are what tuned_a
 * predicts on A's texts (rounded), domain B's what tuned_b predicts on B's. Each fine-tune is thus
 * perfect on its own domain, the base is not, and a merge has to trade one against the other.
 */
beforeAll(async () => {
  process.env.TUNELAB_BACKEND ??= 'cpu';
  await initBackend();
  // Sparse fine-tunes on partly overlapping entries (seeded), as fine-tunes on different domains
  // touch partly different weights; heads scaled so predictions spread over several labels.
  const base = await readSafetensorsFile(join(FIXTURES, 'base/model.safetensors'));
  const sparse = (seed: number) => (t: Map<string, { data: Float32Array }>) => {
    const rng = new Rng(seed);
    for (const [name, tensor] of t) {
      const b = base.get(name)?.data as Float32Array;
      for (let i = 0; i < tensor.data.length; i++) if (rng.next() > 0.4) tensor.data[i] = b[i] as number;
      if (name === 'classifier.weight')
        for (let i = 0; i < tensor.data.length; i++) tensor.data[i] = (tensor.data[i] as number) * 6;
    }
  };
  const scaleOnly = (t: Map<string, { data: Float32Array }>) => {
    const w = t.get('classifier.weight')?.data as Float32Array;
    for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) * 6;
  };
  await writeModelVariant(join(FIXTURES, 'base'), join(work, 'base'), { tensors: scaleOnly });
  await writeModelVariant(join(FIXTURES, 'tuned_a'), join(work, 'a'), { tensors: sparse(1) });
  await writeModelVariant(join(FIXTURES, 'tuned_b'), join(work, 'b'), { tensors: sparse(2) });
  const vocab = (await readFile(join(FIXTURES, 'base/vocab.txt'), 'utf8'))
    .split('\n')
    .filter((w) => /^[a-z]{3,}$/.test(w));
  const texts = (offset: number) =>
    Array.from(
      { length: 24 },
      (_, i) =>
        `${vocab[(i * 7 + offset) % vocab.length]} ${vocab[(i * 13 + 5 + offset) % vocab.length]} ${vocab[(i * 3 + 2 * offset) % vocab.length]}`,
    );
  for (const [model, file, offset] of [
    ['a', 'a.csv', 0],
    ['b', 'b.csv', 17],
  ] as const) {
    const { model: m, tokenizer } = await loadModel(join(work, model));
    const rows = texts(offset);
    const labels = predict(m, tokenizer, rows, { maxLength: 16 }).map((p) =>
      Math.round(p.prediction as number),
    );
    m.dispose();
    await writeFile(join(work, file), `text,label\n${rows.map((t, i) => `${t},${labels[i]}`).join('\n')}\n`);
  }
}, 60_000);

const searchYaml = (extra: string) => `
base_model: base
models:
  - model: a
    dataset: { path: a.csv, label_range: [-30, 30], max_length: 16 }
  - model: b
    dataset: { path: b.csv, label_range: [-30, 30], max_length: 16 }
seed: 0
${extra}
`;

describe('tunelab merge-search', () => {
  it('searches with 9 evaluations, scored like a 3 × 3 TIES grid (λ × density), writes search.json and best.yml', async () => {
    // Subsample ≥ the eval sets and one rescore: the search is judged exactly as the grid is.
    const file = join(work, 'SEARCH.yml');
    // The same ranges as the grid: λ in [0.5, 1.5], density in [0.3, 0.9] (weights are the search's extra freedom).
    await writeFile(
      file,
      searchYaml(
        'methods: [ties]\nbudget: 9\nsubsample: 1000\nrescore: 1\nranges: { lambda: [0.5, 1.5], density: [0.3, 0.9], weight: [0.5, 1.5] }',
      ),
    );
    const out = join(work, 'out');
    const { stdout } = await run('node', [CLI, 'merge-search', '--config', file, '--out', out, '--quiet']);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ evaluations: 9, files: ['search.json', 'best.yml'] });
    const result = JSON.parse(await readFile(join(out, 'search.json'), 'utf8')) as SearchResult;
    const best = result.candidates[result.best];
    expect(best?.full?.fitness).toBe(summary.best.objective.full);

    // The grid, scored by the same evaluator and normalised against the same baselines.
    const spec = parseSearchSpec(await readFile(file, 'utf8'), file);
    const domains = await loadSearchDomains(spec, file);
    const evaluator = inProcessEvaluator({ spec, domains, specFile: file, workDir: join(work, 'grid') });
    const grid = [0.5, 1, 1.5].flatMap((lambda) =>
      [0.3, 0.6, 0.9].map((density) => ({
        kind: 'merge' as const,
        config: {
          merge_method: 'ties' as const,
          base_model: 'base',
          models: ['a', 'b'].map((model) => ({ model, parameters: { weight: 1, density } })),
          parameters: { lambda },
        },
      })),
    );
    const gridScores = await evaluator.score(grid, 'full', 'search');
    const gridFitness = gridScores.map((scores) =>
      objectiveOf(
        scores.map((s, i) => normaliseScore(s as number, result.baselines.full[i] as never)),
        'worst',
      ),
    );
    const bestGrid = Math.max(...gridFitness);
    // The task is not trivial: the grid does not reach either expert on both domains.
    expect(bestGrid).toBeLessThan(1);
    // What holds: the search starts at the centre of its ranges (λ 1, density 0.6, equal weights),
    // which is the grid's centre point, and only keeps better recipes.
    const centre = gridFitness[4] as number;
    expect(best?.full?.fitness).toBeGreaterThanOrEqual(centre);
    // The issue's criterion (≥ the best grid point) is not met on this landscape at 9 evaluations:
    // the grid's best is its corner (λ 0.5, density 0.3), which a 3 × 3 CMA-ES from the centre
    // approaches (-0.03 against 0.048 at seed 0) but does not reach. See it.todo below.
    process.stderr.write(
      `merge-search vs TIES grid (9 evaluations each): search ${best?.full?.fitness.toFixed(4)}, grid best ${bestGrid.toFixed(4)}, grid centre ${centre.toFixed(4)}\n`,
    );

    // best.yml is a mergekit config `tunelab merge` runs from the output folder.
    const plan = await loadMergeConfig(join(out, 'best.yml'));
    expect(plan.method).toBe('ties');
    expect(plan.base?.path).toBe(join(work, 'base'));
  }, 120_000);

  it.todo(
    'beats the best point of a 3 × 3 TIES grid on the worst domain with the same 9 evaluations (issue 13 done-when; not met yet, see above)',
  );

  it('is reproducible from its seed, mixes methods, and refuses a model without data', async () => {
    const file = join(work, 'SEARCH2.yml');
    await writeFile(
      file,
      searchYaml(
        'methods: [ties, task_arithmetic, dare_ties]\nbudget: 2\npopulation: 2\nsubsample: 4\nrescore: 2\nlayer_groups: true',
      ),
    );
    const once = async (dir: string) => {
      await run('node', [CLI, 'merge-search', '--config', file, '--out', join(work, dir), '--quiet']);
      return JSON.parse(await readFile(join(work, dir, 'search.json'), 'utf8')) as SearchResult;
    };
    const [r1, r2] = [await once('r1'), await once('r2')];
    expect(r1).toEqual(r2);
    expect(r1.rescored).toHaveLength(2);
    for (const i of r1.rescored) expect(r1.candidates[i]?.full).toBeDefined();
    expect(r1.candidates[0]?.recipe.config.models[0]?.parameters?.weight).toBeInstanceOf(Array);
    await writeFile(join(work, 'BAD.yml'), 'base_model: base\nmodels: [{model: a}, {model: b}]\n');
    await expect(
      run('node', [CLI, 'merge-search', '--config', join(work, 'BAD.yml'), '--out', join(work, 'bad')]),
    ).rejects.toThrow(/models\.0\.dataset: the CLI needs each model's eval data file/);
  }, 120_000);
});
