// Integration: real PostgreSQL, Redis and worker. Launch a merge from the form's YAML and a
// tuning-vector analysis, let the worker run both, then load what their pages show.
import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebTestEnv, destroyWebTestEnv, type TWebTestEnv, until } from '../../../test/web-test-env.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../../../fixtures/merge');

let env: TWebTestEnv;
let prisma: TWebTestEnv['prisma'];
let artifacts: string;

beforeAll(async () => {
  process.env.TUNELAB_BACKEND ??= 'cpu';
  env = await createWebTestEnv('merges');
  ({ prisma, artifacts } = env);
  const config = JSON.parse(await readFile(path.join(FIXTURES, 'base/config.json'), 'utf8'));
  const dataset = await prisma.dataset.create({
    data: {
      name: 'clinic',
      task: 'regression',
      labelMin: 0,
      labelMax: 6,
      textColumn: 'text',
      labelColumn: 'label',
      rowCount: 12,
      status: 'ready',
      rows: {
        create: Array.from({ length: 12 }, (_, i) => ({
          index: i,
          text: `note ${i}`,
          label: i % 7,
          split: 'train' as const,
        })),
      },
    },
  });
  for (const name of ['base', 'tuned_a', 'tuned_b']) {
    await cp(path.join(FIXTURES, name), path.join(artifacts, 'models', name), { recursive: true });
    const run =
      name === 'base'
        ? null
        : await prisma.run.create({
            data: { kind: 'train', status: 'succeeded', datasetId: dataset.id, params: {} },
          });
    await prisma.model.create({
      data: {
        id: name,
        name: `model ${name}`,
        kind: name === 'base' ? 'base' : 'finetuned',
        config,
        artifactPath: `models/${name}`,
        task: 'regression',
        numLabels: 1,
        parentRunId: run?.id,
        baseModelId: name === 'base' ? null : 'base',
      },
    });
  }
}, 120_000);

afterAll(() => destroyWebTestEnv(env));

describe('merge and analysis flow', () => {
  it('launches a TIES merge from the form YAML, runs it on the worker and loads its page data', async () => {
    const { mergeFormToYaml } = await import('./lib/merge-yaml.ts');
    const { launchMerges } = await import('./lib/launch-merges.ts');
    const yaml = mergeFormToYaml({
      method: 'ties',
      baseModelId: 'base',
      parents: [
        { modelId: 'tuned_a', values: { weight: 1, density: 0.5 } },
        { modelId: 'tuned_b', values: { weight: 0.5, density: 0.5 } },
      ],
      values: {},
      seed: 0,
    });
    const [id] = await launchMerges([{ yaml, name: 'a+b' }]);
    const merge = await until(
      () =>
        prisma.merge.findUniqueOrThrow({
          where: { id: id as string },
          include: { parents: true, resultModel: true, run: true },
        }),
      (m) => m.run.status === 'succeeded' || m.run.status === 'failed',
      'the merge job',
    );
    expect(merge.run).toMatchObject({ kind: 'merge', status: 'succeeded', error: null, progress: 1 });
    expect(merge.parents.map((p) => p.modelId).sort()).toEqual(['tuned_a', 'tuned_b']);
    expect(merge.resultModel?.kind).toBe('merged');
    // merged, base, tuned_a, tuned_b on the one parent dataset
    expect(await prisma.evaluation.count({ where: { mergeId: merge.id } })).toBe(4);
    const { loadMergeView } = await import('./lib/merge-view.ts');
    const view = await loadMergeView(merge.id);
    expect(view?.datasets.map((d) => d.name)).toEqual(['clinic']);
    expect(view?.models.map((m) => m.role)).toEqual(['merged', 'base', 'parent', 'parent']);
    expect(view?.metrics[0]).toBe('mae');
    expect(view?.models.every((m) => typeof m.scores[view.datasets[0]?.id ?? '']?.mae === 'number')).toBe(
      true,
    );
    expect(view?.siblings.map((s) => s.id)).toEqual([merge.id]);
  }, 180_000);

  it('refuses a config naming a model that does not exist, creating nothing', async () => {
    const { launchMerges } = await import('./lib/launch-merges.ts');
    const before = await prisma.merge.count();
    await expect(
      launchMerges([
        { yaml: 'merge_method: linear\nmodels:\n  - model: ghost\n    parameters: {weight: 1}\n' },
      ]),
    ).rejects.toThrow("models: 'ghost' is not a model id");
    expect(await prisma.merge.count()).toBe(before);
  });

  it('refuses models of another architecture before queueing, naming them by name', async () => {
    const { launchMerges } = await import('./lib/launch-merges.ts');
    const config = JSON.parse(await readFile(path.join(FIXTURES, 'base/config.json'), 'utf8'));
    await prisma.model.create({
      data: {
        id: 'big_vocab',
        name: 'model with a big vocabulary',
        kind: 'finetuned',
        config: { ...config, vocab_size: 3000 },
        artifactPath: 'models/big_vocab',
        task: 'regression',
        numLabels: 1,
      },
    });
    const before = await prisma.merge.count();
    const queued = await prisma.run.count({ where: { kind: 'merge' } });
    const yaml =
      'merge_method: ties\nbase_model: base\nmodels:\n  - model: tuned_a\n    parameters: {weight: 1}\n  - model: big_vocab\n    parameters: {weight: 1}\n';
    const error = (await launchMerges([{ yaml }]).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      "merge config: cannot merge 'model with a big vocabulary' with 'model base': config.json vocab_size is 3000 vs 203",
    );
    expect(error.message).not.toContain('models/');
    expect(await prisma.run.count({ where: { kind: 'merge' } })).toBe(queued);
    expect(await prisma.merge.count()).toBe(before);
  });

  it('analyses two tuning vectors on the worker and loads the heatmap, spectra and similarity', async () => {
    const { launchAnalysis } = await import('../analyses/lib/launch-analysis.ts');
    const id = await launchAnalysis({ baseModelId: 'base', tunedModelIds: ['tuned_a', 'tuned_b'] });
    const analysis = await until(
      () => prisma.analysis.findUniqueOrThrow({ where: { id }, include: { run: true } }),
      (a) => a.run.status === 'succeeded' || a.run.status === 'failed',
      'the analysis job',
    );
    expect(analysis.run).toMatchObject({ kind: 'analyse', status: 'succeeded', error: null, progress: 1 });
    const { loadAnalysisView } = await import('../analyses/lib/analysis-view-data.ts');
    const { buildHeatmap } = await import('../analyses/lib/heatmap.ts');
    const view = await loadAnalysisView(id);
    expect(view?.names).toMatchObject({ tuned_a: 'model tuned_a' });
    const heatmap = buildHeatmap(view?.report?.groups ?? [], 0, 'relative');
    expect(heatmap.layers).toEqual(['embeddings', 'layer 0', 'layer 1', 'pooler', 'head']);
    expect(heatmap.max).toBeGreaterThan(0);
    expect(view?.report?.overall.similarity).toHaveLength(2);
    expect(view?.spectra['bert.encoder.layer.0.attention.self.query.weight']?.[1]).toHaveLength(32);
  }, 180_000);

  it('shows the atlas of a merge: launched for its base and parents, conflict and CKA per layer', async () => {
    const merge = await prisma.merge.findFirstOrThrow({ where: { name: 'a+b' } });
    const { loadMergeView } = await import('./lib/merge-view.ts');
    const { loadMergeAtlas } = await import('./lib/merge-atlas.ts');
    const load = async () => {
      const view = await loadMergeView(merge.id);
      if (!view) throw new Error('no merge view');
      return loadMergeAtlas(view.merge, view.models, view.datasets, view.metrics[0] ?? null);
    };
    // The TIES merge ran at density 0.5 on the parents fine-tuned on clinic: the launch reuses both.
    const before = await load();
    const clinic = await prisma.dataset.findFirstOrThrow({ where: { name: 'clinic' } });
    expect(before?.launch).toEqual({
      baseModelId: 'base',
      tunedModelIds: ['tuned_a', 'tuned_b'],
      tiesDensity: 0.5,
      datasetId: clinic.id,
    });
    const { launchAnalysis } = await import('../analyses/lib/launch-analysis.ts');
    await expect(
      launchAnalysis({
        ...before?.launch,
        baseModelId: 'base',
        tunedModelIds: ['tuned_a'],
        datasetId: 'ghost',
      }),
    ).rejects.toThrow('dataset ghost does not exist');
    const id = await launchAnalysis({
      ...(before?.launch as NonNullable<typeof before>['launch']),
      topK: 4,
      sampleRows: 6,
    });
    await until(
      () => prisma.analysis.findUniqueOrThrow({ where: { id }, include: { run: true } }),
      (a) => a.run.status === 'succeeded' || a.run.status === 'failed',
      'the atlas analysis',
    );
    const atlas = await load();
    expect(atlas?.analysis).toEqual({ id, status: 'succeeded' });
    expect(atlas?.report?.activations?.rows).toBe(6);
    expect(atlas?.metric).toBe('mae');
    for (const parent of atlas?.parents ?? []) {
      expect(parent.datasetName).toBe('clinic');
      expect(parent.tiesOverruled).toBeGreaterThan(0);
      expect(parent.tiesTrimmed).toBeGreaterThan(0);
      expect(parent.lastLayerCka).toBeGreaterThan(0);
      expect(parent.loss).toBeCloseTo((parent.mergedScore ?? 0) - (parent.parentScore ?? 0), 10);
    }
    const { conflictChart, ckaChart } = await import('../analyses/lib/atlas-series.ts');
    const report = atlas?.report as NonNullable<typeof atlas>['report'] & object;
    const conflict = conflictChart(report, (x) => x);
    expect(conflict.rows.map((r) => r.layer)).toEqual(['embeddings', 'layer 0', 'layer 1']);
    expect(conflict.lines.map((l) => l.key)).toEqual(['conflict', 'overruled0', 'overruled1']);
    expect(ckaChart(report, (x) => x)?.lines.map((l) => l.label)).toEqual([
      'base vs tuned_a',
      'base vs tuned_b',
      'tuned_a vs tuned_b',
    ]);
  }, 180_000);

  it('runs a recipe search on the worker, shows its trace and materialises the best recipe as a merge', async () => {
    const { launchSearch, materialiseSearch } = await import('./lib/launch-search.ts');
    const { searchView } = await import('./lib/search-view.ts');
    const { searchFormToYaml } = await import('./lib/search-yaml.ts');
    const yaml = searchFormToYaml({
      base: 'base',
      parents: ['tuned_a', 'tuned_b'],
      methods: ['ties'],
      budget: 2,
      seed: 1,
      objective: 'worst',
      layerGroups: false,
      subsample: 2,
      rescore: 1,
    });
    await expect(launchSearch({ yaml: yaml.replace('- model: tuned_b', '- model: nope') })).rejects.toThrow(
      /'nope' is not a model id/,
    );
    await expect(materialiseSearch('missing')).rejects.toThrow(/no such search/);
    const id = await launchSearch({ yaml: `${yaml}population: 2\n`, name: 'first search' });
    await expect(materialiseSearch(id)).rejects.toThrow(/no best recipe yet/);
    const search = await until(
      () => prisma.mergeSearch.findUniqueOrThrow({ where: { id }, include: { run: true } }),
      (s) => ['succeeded', 'failed', 'cancelled'].includes(s.run.status),
      'the search',
    );
    expect(search.run.error).toBeNull();
    const view = searchView(search.result as never, 2);
    expect(view.done).toBe(true);
    expect(view.trace).toHaveLength(2);
    expect(view.rescored).toHaveLength(1);
    expect(view.best).not.toBeNull();
    const mergeId = await materialiseSearch(id);
    const merge = await prisma.merge.findUniqueOrThrow({ where: { id: mergeId }, include: { run: true } });
    expect(merge.run.kind).toBe('merge');
    expect(merge.method).toBe('ties');
    expect(merge.config).toContain('base_model: base');
    expect(merge.name).toBe('first search · best recipe');
  }, 180_000);
});
