// Cross-validation as one job, end to end against real Postgres and Redis with the tiny-bert
// fixture: the parent queues k folds (grouped, stratified, seeded), each fold trains for real,
// the parent ends with mean ± std over folds; cancel cascades; a failed fold is named and, retried,
// reopens the parent.
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { REPO_FIXTURES, runProcessorJob, useProcessorTestEnv } from '../../test/processor-env.ts';
import { upsertTinyModel } from '../../test/train-run-seed.ts';

const env = useProcessorTestEnv('worker_crossval', { tiny: path.join(REPO_FIXTURES, 'tiny-bert') });

const WORDS = ['good', 'bad', 'great', 'awful', 'fine', 'terrible', 'nice', 'poor'];

/** 12 documents of 3 segments each (all of one document share its label), plus 6 test rows. */
async function seedParent(cv: { k: number; seed: number; grouped: boolean }) {
  const rows = Array.from({ length: 42 }, (_, i) => {
    const doc = Math.floor(i / 3);
    return {
      index: i,
      text: `${WORDS[doc % 8]} thing ${i}`,
      label: doc % 2 === 0 ? 2 : -2,
      split: i >= 36 ? ('test' as const) : ('train' as const),
      group: `interview-${doc}`,
    };
  });
  const dataset = await env.prisma.dataset.create({
    data: {
      name: 'interviews',
      task: 'regression',
      labelMin: -2,
      labelMax: 2,
      textColumn: 'text',
      labelColumn: 'label',
      groupColumn: 'doc',
      rowCount: rows.length,
      status: 'ready',
      rows: { create: rows },
    },
  });
  const model = await upsertTinyModel(env.prisma);
  return env.prisma.run.create({
    data: {
      kind: 'crossval',
      datasetId: dataset.id,
      modelId: model.id,
      seed: 0,
      params: { epochs: 1, batchSize: 8, maxLength: 16, lr: 1e-3, maxSteps: 2, cv },
    },
  });
}

async function launch(runId: string) {
  const { crossvalProcessor } = await import('./crossval.ts');
  return runProcessorJob([crossvalProcessor], 'run.crossval', { runId }, 'cpu');
}

const folds = (parentRunId: string) =>
  env.prisma.run.findMany({ where: { parentRunId }, orderBy: { createdAt: 'asc' } });
const status = async (id: string) => (await env.prisma.run.findUniqueOrThrow({ where: { id } })).status;

describe('run.crossval', () => {
  it('queues k grouped folds, trains each for real and ends with mean ± std over folds', async () => {
    const parent = await seedParent({ k: 3, seed: 5, grouped: true });
    expect(await launch(parent.id)).toMatchObject({ awaitChildren: true, status: 'running' });
    expect(await status(parent.id)).toBe('running');
    const children = await folds(parent.id);
    expect(children.map((c) => (c.params as { fold: number }).fold).sort()).toEqual([0, 1, 2]);
    // the folds are queued on the compute queue, where every worker takes them
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      maxRetriesPerRequest: null,
    });
    const compute = new Queue('compute', { connection: redis, prefix: env.prefix });
    expect(await compute.getJobCountByTypes('waiting', 'prioritized')).toBe(3);
    await compute.close();
    await redis.quit();
    // a second launch (a retried job) creates nothing new
    await env.prisma.run.update({ where: { id: parent.id }, data: { status: 'queued' } });
    await launch(parent.id);
    expect(await folds(parent.id)).toHaveLength(3);

    const { trainProcessor } = await import('./train.ts');
    for (const child of children) {
      await runProcessorJob([trainProcessor], 'run.train', { runId: child.id }, 'cpu');
      expect(await status(child.id)).toBe('succeeded');
    }
    const done = await env.prisma.run.findUniqueOrThrow({ where: { id: parent.id } });
    expect(done.status).toBe('succeeded');
    const summary = done.summary as {
      metrics: { mae: number };
      trainRows: number;
      cv: {
        k: number;
        folds: { fold: number; runId: string; metrics: { mae: number } }[];
        mean: { mae: number };
        std: { mae: number };
        stdKind: string;
      };
    };
    expect(summary.cv.k).toBe(3);
    expect(summary.cv.stdKind).toBe('sample');
    expect(summary.cv.folds.map((f) => f.runId).sort()).toEqual(children.map((c) => c.id).sort());
    const maes = summary.cv.folds.map((f) => f.metrics.mae);
    const mean = maes.reduce((t, x) => t + x, 0) / 3;
    expect(summary.metrics.mae).toBeCloseTo(mean, 12);
    expect(summary.cv.std.mae).toBeCloseTo(Math.sqrt(maes.reduce((t, x) => t + (x - mean) ** 2, 0) / 2), 12);
    // every interview's segments were scored in exactly one fold, and test rows never
    const scored = new Map<number, number>();
    for (const child of children) {
      const ev = await env.prisma.evaluation.findFirstOrThrow({ where: { runId: child.id } });
      for (const p of ev.predictions as { index: number }[])
        scored.set(p.index, (scored.get(p.index) ?? 0) + 1);
    }
    expect([...scored.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 36 }, (_, i) => i));
    for (const child of children) {
      const ev = await env.prisma.evaluation.findFirstOrThrow({ where: { runId: child.id } });
      const docs = new Set((ev.predictions as { index: number }[]).map((p) => Math.floor(p.index / 3)));
      for (const d of docs) {
        const idx = (ev.predictions as { index: number }[]).filter((p) => Math.floor(p.index / 3) === d);
        expect(idx).toHaveLength(3);
      }
    }
  }, 300_000);

  it('names a failed fold; retrying it reopens the parent, which then succeeds', async () => {
    const parent = await seedParent({ k: 2, seed: 1, grouped: true });
    await launch(parent.id);
    const children = await folds(parent.id);
    const { defineProcessor } = await import('./types.ts');
    const { InputError } = await import('@tunelab/core/errors');
    const { ZTrainJob } = await import('@tunelab/core/jobs');
    let failFold1 = true;
    const fakeTrain = defineProcessor({
      name: 'run.train',
      schema: ZTrainJob,
      async handle({ runId }) {
        const run = await env.prisma.run.findUniqueOrThrow({ where: { id: runId } });
        const fold = (run.params as { fold: number }).fold;
        if (fold === 1 && failFold1) throw new InputError('out of rows');
        return { summary: { metrics: { mae: 1 + fold } } };
      },
    });
    for (const child of children)
      await runProcessorJob([fakeTrain], 'run.train', { runId: child.id }, 'cpu').catch(() => undefined);
    const failed = await env.prisma.run.findUniqueOrThrow({ where: { id: parent.id } });
    const fold1 = children.find((c) => (c.params as { fold: number }).fold === 1);
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe(`1 of 2 folds failed: fold 1 (run ${fold1?.id}): out of rows`);

    const { retryRun } = await import('@tunelab/jobs');
    await retryRun(fold1?.id as string);
    expect(await status(parent.id)).toBe('running');
    failFold1 = false;
    await runProcessorJob([fakeTrain], 'run.train', { runId: fold1?.id }, 'cpu');
    const done = await env.prisma.run.findUniqueOrThrow({ where: { id: parent.id } });
    expect(done.status).toBe('succeeded');
    expect((done.summary as { cv: { mean: { mae: number }; std: { mae: number } } }).cv).toMatchObject({
      mean: { mae: 1.5 },
    });
    expect((done.summary as { cv: { std: { mae: number } } }).cv.std.mae).toBeCloseTo(Math.SQRT1_2, 12);
  }, 120_000);

  it('cancels every fold with the parent', async () => {
    const parent = await seedParent({ k: 3, seed: 2, grouped: false });
    await launch(parent.id);
    const { cancelRun } = await import('@tunelab/jobs');
    expect(await cancelRun(parent.id)).toEqual({ status: 'cancelled' });
    expect((await folds(parent.id)).map((c) => c.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  }, 60_000);

  it('refuses fewer documents than folds before queueing any', async () => {
    const parent = await seedParent({ k: 13, seed: 0, grouped: true });
    await expect(launch(parent.id)).rejects.toThrow(/12 documents cannot fill k = 13 folds/);
    expect(await status(parent.id)).toBe('failed');
    expect(await folds(parent.id)).toHaveLength(0);
  }, 60_000);
});
