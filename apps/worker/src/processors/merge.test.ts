import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeModelVariant } from '@tunelab/core/merge/testing';
import { readSafetensorsFile } from '@tunelab/core/safetensors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProcessorTestEnv,
  destroyProcessorTestEnv,
  REPO_FIXTURES,
  runProcessorJob,
  type TProcessorTestEnv,
} from '../../test/processor-env.ts';

const FIXTURES = path.join(REPO_FIXTURES, 'merge');

let env: TProcessorTestEnv;
let prisma: TProcessorTestEnv['prisma'];
let artifacts: string;

beforeAll(async () => {
  process.env.TUNELAB_BACKEND ??= 'cpu';
  env = await createProcessorTestEnv(
    'worker_merge',
    Object.fromEntries(['base', 'tuned_a', 'tuned_b', 'tuned_c'].map((m) => [m, path.join(FIXTURES, m)])),
  );
  ({ prisma, artifacts } = env);
}, 120_000);

afterAll(() => destroyProcessorTestEnv(env));

async function runProcessor(name: 'merge.run' | 'analysis.vectors', data: unknown): Promise<unknown> {
  const { mergeProcessor } = await import('./merge.ts');
  const { vectorsProcessor } = await import('./vectors.ts');
  return runProcessorJob([mergeProcessor, vectorsProcessor], name, data, 'cpu');
}

/** Base model, two regression datasets, and three fine-tuned models from runs on them. */
async function seed() {
  const config = JSON.parse(await readFile(path.join(FIXTURES, 'base/config.json'), 'utf8'));
  const model = (id: string, kind: 'base' | 'finetuned', parentRunId?: string) =>
    prisma.model.create({
      data: {
        id,
        name: id,
        kind,
        config,
        artifactPath: `models/${id}`,
        task: 'regression',
        numLabels: 1,
        parentRunId,
      },
    });
  await model('base', 'base');
  const dataset = (name: string) =>
    prisma.dataset.create({
      data: {
        name,
        task: 'regression',
        labelMin: 0,
        labelMax: 6,
        textColumn: 'text',
        labelColumn: 'label',
        rowCount: 20,
        status: 'ready',
        rows: {
          create: Array.from({ length: 20 }, (_, i) => ({
            index: i,
            text: `${name} text ${i}`,
            label: i % 7,
            split: 'train' as const,
          })),
        },
      },
    });
  const clinic = await dataset('clinic');
  const forum = await dataset('forum');
  for (const [id, ds] of [
    ['tuned_a', clinic],
    ['tuned_b', forum],
    ['tuned_c', clinic],
  ] as const) {
    const run = await prisma.run.create({
      data: {
        kind: 'train',
        status: 'succeeded',
        datasetId: ds.id,
        modelId: 'base',
        params: { evalFraction: 0.25 },
      },
    });
    await model(id, 'finetuned', run.id);
  }
  return { clinic, forum };
}

describe('merge.run and analysis.vectors processors', () => {
  it('merges by model id, stores the merged model and scores every model on each parent dataset', async () => {
    const { clinic, forum } = await seed();
    // The fixture config names models by folder; the seeded Model ids are those names.
    const config = await readFile(path.join(FIXTURES, 'ties.json'), 'utf8');
    const merge = await prisma.merge.create({
      data: {
        name: 'clinic+forum',
        method: 'ties',
        config,
        baseModelId: 'base',
        parents: { create: ['tuned_a', 'tuned_b', 'tuned_c'].map((modelId, order) => ({ modelId, order })) },
      },
    });
    const result = (await runProcessor('merge.run', { mergeId: merge.id })) as {
      modelId: string;
      evaluations: number;
    };
    const row = await prisma.merge.findUniqueOrThrow({
      where: { id: merge.id },
      include: { resultModel: true },
    });
    expect(row.status).toBe('succeeded');
    expect(row.resultModel).toMatchObject({
      id: result.modelId,
      kind: 'merged',
      paramCount: 26849,
      baseModelId: 'base',
      task: 'regression',
    });
    const merged = await readSafetensorsFile(
      path.join(artifacts, row.resultModel?.artifactPath ?? '', 'model.safetensors'),
    );
    const expected = await readSafetensorsFile(path.join(FIXTURES, 'expected_ties.safetensors'));
    const name = 'bert.encoder.layer.1.attention.self.query.weight';
    const got = merged.get(name)?.data ?? new Float32Array();
    expected.get(name)?.data.forEach((x, i) => {
      if (Math.abs((got[i] as number) - x) > 1e-6 * Math.max(1, Math.abs(x)))
        throw new Error(`${name}[${i}]`);
    });
    // merged, base, tuned_a, tuned_b, tuned_c × clinic, forum
    expect(result.evaluations).toBe(10);
    const evaluations = await prisma.evaluation.findMany({ where: { mergeId: merge.id } });
    expect(new Set(evaluations.map((e) => e.datasetId))).toEqual(new Set([clinic.id, forum.id]));
    expect(evaluations.find((e) => e.modelId === result.modelId)?.metrics).toHaveProperty('mae');

    // A retry does not duplicate the model or the evaluations.
    await prisma.merge.update({ where: { id: merge.id }, data: { status: 'queued' } });
    await runProcessor('merge.run', { mergeId: merge.id });
    expect(await prisma.evaluation.count({ where: { mergeId: merge.id } })).toBe(10);
    expect(await prisma.model.count({ where: { kind: 'merged' } })).toBe(1);
  }, 120_000);

  it('fails a merge whose config cannot be merged, naming the problem', async () => {
    const merge = await prisma.merge.create({
      data: {
        method: 'ties',
        config:
          'merge_method: ties\nbase_model: base\nmodels:\n  - model: nowhere\n    parameters: {weight: 1}\n',
      },
    });
    const failure = runProcessor('merge.run', { mergeId: merge.id });
    // A missing model cannot appear by retrying: the job is not retried.
    await expect(failure).rejects.toMatchObject({
      name: 'UnrecoverableError',
      message: expect.stringContaining("models: 'nowhere' is not a model id"),
    });
    expect((await prisma.merge.findUniqueOrThrow({ where: { id: merge.id } })).status).toBe('failed');
  });

  it('reads nothing outside the store: a YAML alias to a folder is refused like any unknown id', async () => {
    const messages: string[] = [];
    for (const folder of ['/etc', '/no/such/folder', path.join(FIXTURES, 'tuned_a')]) {
      const merge = await prisma.merge.create({
        data: {
          method: 'ties',
          config: `name: &p ${folder}\nmerge_method: ties\nbase_model: base\nmodels:\n  - model: tuned_a\n    parameters: {weight: 1}\n  - model: *p\n    parameters: {weight: 1}\n`,
        },
      });
      const error = (await runProcessor('merge.run', { mergeId: merge.id }).catch(
        (e: unknown) => e,
      )) as Error;
      expect(error.name).toBe('UnrecoverableError');
      messages.push(error.message.replace(folder, '<ref>'));
    }
    // The same answer whether the folder exists, does not, or holds a model: no existence oracle.
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).toContain("'<ref>' is not a model id");
    expect(messages[0]).not.toMatch(/config\.json|ENOENT|cannot read/);
  });

  it('fails a merge whose result holds a non-finite value and registers no model', async () => {
    await writeModelVariant(path.join(FIXTURES, 'tuned_b'), path.join(artifacts, 'models', 'inf_model'), {
      tensors: (t) => {
        (t.get('bert.pooler.dense.bias') as { data: Float32Array }).data[0] = Number.POSITIVE_INFINITY;
      },
    });
    await prisma.model.create({
      data: {
        id: 'inf_model',
        name: 'broken model',
        kind: 'finetuned',
        config: {},
        artifactPath: 'models/inf_model',
        task: 'regression',
        numLabels: 1,
      },
    });
    const merge = await prisma.merge.create({
      data: {
        method: 'task_arithmetic',
        config:
          'merge_method: task_arithmetic\nbase_model: base\nmodels:\n  - model: tuned_a\n    parameters: {weight: 1}\n  - model: inf_model\n    parameters: {weight: 1}\n',
      },
    });
    await expect(runProcessor('merge.run', { mergeId: merge.id })).rejects.toMatchObject({
      name: 'UnrecoverableError',
      message: expect.stringContaining('tensor bert.pooler.dense.bias: the merge gives a non-finite value'),
    });
    const row = await prisma.merge.findUniqueOrThrow({ where: { id: merge.id } });
    expect(row.status).toBe('failed');
    expect(await prisma.model.findUnique({ where: { id: `merge-${merge.id}` } })).toBeNull();
    await expect(
      readFile(path.join(artifacts, 'models', `merge-${merge.id}`, 'model.safetensors')),
    ).rejects.toThrow(/ENOENT/);
  });

  it('analyses tuning vectors into the row and the artifact store', async () => {
    const analysis = await prisma.analysis.create({
      data: { kind: 'vectors', modelIds: ['base', 'tuned_a', 'tuned_b'], params: { spectra: true } },
    });
    await runProcessor('analysis.vectors', { analysisId: analysis.id });
    const row = await prisma.analysis.findUniqueOrThrow({ where: { id: analysis.id } });
    expect(row.status).toBe('succeeded');
    const result = row.result as {
      tuned: string[];
      tensors: { changes: { singularValues?: number[]; effectiveRank?: number }[] }[];
    };
    expect(result.tuned).toEqual(['tuned_a', 'tuned_b']);
    expect(result.tensors).toHaveLength(41);
    expect(result.tensors.some((t) => t.changes[0]?.singularValues)).toBe(false);
    expect(result.tensors.some((t) => (t.changes[0]?.effectiveRank ?? 0) > 0)).toBe(true);
    const full = JSON.parse(await readFile(path.join(artifacts, row.resultPath ?? ''), 'utf8'));
    expect(
      full.tensors.find((t: { name: string }) => t.name === 'bert.pooler.dense.weight').changes[0]
        .singularValues,
    ).toHaveLength(32);
  });
});
