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

afterAll(async () => {
  const { closeProducer } = await import('@tunelab/jobs');
  await closeProducer();
  await destroyProcessorTestEnv(env);
});

async function runProcessor(
  name: 'merge.run' | 'analysis.vectors',
  data: unknown,
  onProgress?: () => Promise<void>,
  attempts = 1,
): Promise<unknown> {
  const { mergeProcessor } = await import('./merge.ts');
  const { vectorsProcessor } = await import('./vectors.ts');
  return runProcessorJob([mergeProcessor, vectorsProcessor], name, data, 'cpu', { onProgress, attempts });
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

/** A queued merge Run with its Merge detail row (what the web app's launch creates). */
async function createMergeRun(merge: {
  name?: string;
  method: string;
  config: string;
  baseModelId?: string;
  parents?: string[];
}) {
  const { parents = [], ...detail } = merge;
  return prisma.run.create({
    data: {
      kind: 'merge',
      merge: {
        create: { ...detail, parents: { create: parents.map((modelId, order) => ({ modelId, order })) } },
      },
    },
    include: { merge: true },
  });
}

/** Runs the job and records the run's status and stored progress at every progress report. */
async function runWatched(
  name: 'merge.run' | 'analysis.vectors',
  runId: string,
  onReport?: () => Promise<void>,
) {
  const seen: { status: string; progress: number }[] = [];
  const result = await runProcessor(name, { runId }, async () => {
    const run = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
    seen.push({ status: run.status, progress: run.progress });
    await onReport?.();
  });
  return { result, seen };
}

describe('merge.run and analysis.vectors processors', () => {
  it('merges by model id, stores the merged model and scores every model on each parent dataset', async () => {
    const { clinic, forum } = await seed();
    // The fixture config names models by folder; the seeded Model ids are those names.
    const config = await readFile(path.join(FIXTURES, 'ties.json'), 'utf8');
    const run = await createMergeRun({
      name: 'clinic+forum',
      method: 'ties',
      config,
      baseModelId: 'base',
      parents: ['tuned_a', 'tuned_b', 'tuned_c'],
    });
    expect(run.status).toBe('queued');
    const { result, seen } = (await runWatched('merge.run', run.id)) as {
      result: { modelId: string; evaluations: number };
      seen: { status: string; progress: number }[];
    };
    // queued → running (with progress reported while running) → succeeded
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s.status === 'running')).toBe(true);
    const finished = await prisma.run.findUniqueOrThrow({
      where: { id: run.id },
      include: { merge: { include: { resultModel: true } }, logs: true },
    });
    expect(finished).toMatchObject({ status: 'succeeded', progress: 1, attempts: 1, error: null });
    expect(finished.summary).toEqual({ modelId: result.modelId, evaluations: 10 });
    expect(finished.logs.map((l) => l.message).join('\n')).toContain('Merging with ties');
    const row = finished.merge;
    expect(row?.resultModel).toMatchObject({
      id: result.modelId,
      kind: 'merged',
      paramCount: 26849,
      baseModelId: 'base',
      task: 'regression',
    });
    const merged = await readSafetensorsFile(
      path.join(artifacts, row?.resultModel?.artifactPath ?? '', 'model.safetensors'),
    );
    // The mergekit_config.yml a download carries names the models by id, never by a server path.
    const used = await readFile(
      path.join(artifacts, row?.resultModel?.artifactPath ?? '', 'mergekit_config.yml'),
      'utf8',
    );
    expect(used).not.toContain(artifacts);
    expect(used).not.toMatch(/model: *\//);
    for (const id of ['base', 'tuned_a', 'tuned_b', 'tuned_c']) expect(used).toContain(id);
    const expected = await readSafetensorsFile(path.join(FIXTURES, 'expected_ties.safetensors'));
    const name = 'bert.encoder.layer.1.attention.self.query.weight';
    const got = merged.get(name)?.data ?? new Float32Array();
    expected.get(name)?.data.forEach((x, i) => {
      if (Math.abs((got[i] as number) - x) > 1e-6 * Math.max(1, Math.abs(x)))
        throw new Error(`${name}[${i}]`);
    });
    // merged, base, tuned_a, tuned_b, tuned_c × clinic, forum
    expect(result.evaluations).toBe(10);
    const mergeId = row?.id ?? '';
    const evaluations = await prisma.evaluation.findMany({ where: { mergeId } });
    expect(new Set(evaluations.map((e) => e.datasetId))).toEqual(new Set([clinic.id, forum.id]));
    expect(evaluations.find((e) => e.modelId === result.modelId)?.metrics).toHaveProperty('mae');

    // A retry (after a crash, say) does not duplicate the model or the evaluations.
    await prisma.run.update({ where: { id: run.id }, data: { status: 'queued' } });
    await runProcessor('merge.run', { runId: run.id });
    expect(await prisma.evaluation.count({ where: { mergeId } })).toBe(10);
    expect(await prisma.model.count({ where: { kind: 'merged' } })).toBe(1);
  }, 120_000);

  it('fails a merge whose config cannot be merged, naming the problem, and retries it once fixed', async () => {
    const config = await readFile(path.join(FIXTURES, 'ties.json'), 'utf8');
    const run = await createMergeRun({
      method: 'ties',
      config:
        'merge_method: ties\nbase_model: base\nmodels:\n  - model: nowhere\n    parameters: {weight: 1}\n',
    });
    // A missing model cannot appear by retrying: the job is not retried, even with attempts left.
    await expect(runProcessor('merge.run', { runId: run.id }, undefined, 3)).rejects.toMatchObject({
      name: 'UnrecoverableError',
      message: expect.stringContaining("models: 'nowhere' is not a model id"),
    });
    expect(await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: 'failed',
      error: expect.stringContaining("'nowhere' is not a model id"),
    });

    await prisma.merge.update({ where: { runId: run.id }, data: { config } });
    const { retryRun } = await import('@tunelab/jobs');
    expect(await retryRun(run.id)).toMatch(/^merge-run-.*-retry-/);
    expect((await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('queued');
    await runProcessor('merge.run', { runId: run.id });
    expect(await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: 'succeeded',
      error: null,
    });
  }, 120_000);

  it('stops a merge that is cancelled while it runs, and retries it to success', async () => {
    const config = await readFile(path.join(FIXTURES, 'ties.json'), 'utf8');
    const run = await createMergeRun({ method: 'ties', config, baseModelId: 'base' });
    process.env.TUNELAB_CANCEL_CHECK_MS = '0';
    try {
      const { seen } = await runWatched('merge.run', run.id, () =>
        prisma.run.update({ where: { id: run.id }, data: { cancelRequested: true } }).then(() => undefined),
      );
      expect(seen).toHaveLength(1); // stopped at the first check after the cancel
    } finally {
      delete process.env.TUNELAB_CANCEL_CHECK_MS;
    }
    const cancelled = await prisma.run.findUniqueOrThrow({ where: { id: run.id }, include: { merge: true } });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.progress).toBeLessThan(0.5);
    expect(await prisma.model.count({ where: { parentMergeId: cancelled.merge?.id } })).toBe(0);

    const { retryRun } = await import('@tunelab/jobs');
    await retryRun(run.id);
    await runProcessor('merge.run', { runId: run.id });
    expect((await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('succeeded');
    expect(await prisma.model.count({ where: { parentMergeId: cancelled.merge?.id } })).toBe(1);
  }, 120_000);

  it('reads nothing outside the store: a YAML alias to a folder is refused like any unknown id', async () => {
    const messages: string[] = [];
    for (const folder of ['/etc', '/no/such/folder', path.join(FIXTURES, 'tuned_a')]) {
      const run = await createMergeRun({
        method: 'ties',
        config: `name: &p ${folder}\nmerge_method: ties\nbase_model: base\nmodels:\n  - model: tuned_a\n    parameters: {weight: 1}\n  - model: *p\n    parameters: {weight: 1}\n`,
      });
      const error = (await runProcessor('merge.run', { runId: run.id }).catch((e: unknown) => e)) as Error;
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
    const run = await createMergeRun({
      method: 'task_arithmetic',
      config:
        'merge_method: task_arithmetic\nbase_model: base\nmodels:\n  - model: tuned_a\n    parameters: {weight: 1}\n  - model: inf_model\n    parameters: {weight: 1}\n',
    });
    const merge = await prisma.merge.findUniqueOrThrow({ where: { runId: run.id } });
    await expect(runProcessor('merge.run', { runId: run.id })).rejects.toMatchObject({
      name: 'UnrecoverableError',
      message: expect.stringContaining('tensor bert.pooler.dense.bias: the merge gives a non-finite value'),
    });
    expect((await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('failed');
    expect(await prisma.model.findUnique({ where: { id: `merge-${merge.id}` } })).toBeNull();
    await expect(
      readFile(path.join(artifacts, 'models', `merge-${merge.id}`, 'model.safetensors')),
    ).rejects.toThrow(/ENOENT/);
  });

  it('analyses tuning vectors into the row and the artifact store', async () => {
    const run = await prisma.run.create({
      data: {
        kind: 'analyse',
        analysis: {
          create: { kind: 'vectors', modelIds: ['base', 'tuned_a', 'tuned_b'], params: { spectra: true } },
        },
      },
    });
    const { seen } = await runWatched('analysis.vectors', run.id);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s.status === 'running')).toBe(true);
    const finished = await prisma.run.findUniqueOrThrow({
      where: { id: run.id },
      include: { analysis: true },
    });
    expect(finished).toMatchObject({
      status: 'succeeded',
      progress: 1,
      summary: { tensors: 41, skipped: 0 },
    });
    const row = finished.analysis;
    const result = row?.result as {
      tuned: string[];
      tensors: { changes: { singularValues?: number[]; effectiveRank?: number }[] }[];
    };
    expect(result.tuned).toEqual(['tuned_a', 'tuned_b']);
    expect(result.tensors).toHaveLength(41);
    expect(result.tensors.some((t) => t.changes[0]?.singularValues)).toBe(false);
    expect(result.tensors.some((t) => (t.changes[0]?.effectiveRank ?? 0) > 0)).toBe(true);
    const full = JSON.parse(await readFile(path.join(artifacts, row?.resultPath ?? ''), 'utf8'));
    expect(
      full.tensors.find((t: { name: string }) => t.name === 'bert.pooler.dense.weight').changes[0]
        .singularValues,
    ).toHaveLength(32);
  });

  it('cancels an analysis while it runs; a failed one (missing model) fails at once and retries once fixed', async () => {
    const cancelled = await prisma.run.create({
      data: { kind: 'analyse', analysis: { create: { modelIds: ['base', 'tuned_a'], params: {} } } },
    });
    process.env.TUNELAB_CANCEL_CHECK_MS = '0';
    try {
      await runWatched('analysis.vectors', cancelled.id, () =>
        prisma.run
          .update({ where: { id: cancelled.id }, data: { cancelRequested: true } })
          .then(() => undefined),
      );
    } finally {
      delete process.env.TUNELAB_CANCEL_CHECK_MS;
    }
    expect(
      await prisma.run.findUniqueOrThrow({ where: { id: cancelled.id }, include: { analysis: true } }),
    ).toMatchObject({
      status: 'cancelled',
      analysis: { result: null },
    });

    const failing = await prisma.run.create({
      data: { kind: 'analyse', analysis: { create: { modelIds: ['base', 'ghost'], params: {} } } },
    });
    await expect(runProcessor('analysis.vectors', { runId: failing.id }, undefined, 3)).rejects.toMatchObject(
      {
        name: 'UnrecoverableError',
        message: 'models ghost do not exist',
      },
    );
    expect(await prisma.run.findUniqueOrThrow({ where: { id: failing.id } })).toMatchObject({
      status: 'failed',
      error: 'models ghost do not exist',
    });
    await prisma.analysis.update({ where: { runId: failing.id }, data: { modelIds: ['base', 'tuned_b'] } });
    const { retryRun } = await import('@tunelab/jobs');
    await retryRun(failing.id);
    await runProcessor('analysis.vectors', { runId: failing.id });
    expect((await prisma.run.findUniqueOrThrow({ where: { id: failing.id } })).status).toBe('succeeded');
  });
});
