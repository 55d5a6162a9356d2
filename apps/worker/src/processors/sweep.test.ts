import { ZTrainJob } from '@tunelab/core/jobs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { runProcessorJob, useProcessorTestEnv } from '../../test/processor-env.ts';

const env = useProcessorTestEnv('worker_sweep');

describe('sweep.launch processor', () => {
  it('creates one run per fraction × seed with the recipe, queues them, and is idempotent', async () => {
    const { sweepProcessor } = await import('./sweep.ts');
    const dataset = await env.prisma.dataset.create({
      data: { name: 'd', task: 'regression', textColumn: 't', labelColumn: 'l', status: 'ready' },
    });
    const model = await env.prisma.model.create({
      data: { name: 'm', kind: 'base', config: {}, artifactPath: 'models/x' },
    });
    const sweep = await env.prisma.sweep.create({
      data: {
        name: 's',
        recipe: { epochs: 2, lr: 1e-4 },
        fractions: [0.25, 1],
        seeds: [0, 1, 2],
        datasetId: dataset.id,
        baseModelId: model.id,
      },
    });
    // Run twice with the same job id, as a retry would: the second launch must create nothing new.
    await runProcessorJob([sweepProcessor], 'sweep.launch', { sweepId: sweep.id }, 'cpu');
    await runProcessorJob([sweepProcessor], 'sweep.launch', { sweepId: sweep.id }, 'cpu');
    const runs = await env.prisma.run.findMany({ where: { sweepId: sweep.id } });
    expect(runs).toHaveLength(6);
    const quarter = runs.filter((r) => r.fraction === 0.25).map((r) => r.seed);
    expect(quarter.sort()).toEqual([0, 1, 2]);
    const params = runs[0]?.params as { epochs: number; trainFraction: number; seed: number };
    expect(params.epochs).toBe(2);
    expect(params.trainFraction).toBe(runs[0]?.fraction);
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      maxRetriesPerRequest: null,
    });
    const q = new Queue('compute', { connection: redis, prefix: env.prefix });
    expect(await q.getJobCountByTypes('waiting', 'prioritized')).toBe(6);
    await q.close();
    await redis.quit();
    expect((await env.prisma.sweep.findUniqueOrThrow({ where: { id: sweep.id } })).status).toBe('running');

    // The sweep ends when its last run ends: failed, naming the runs that failed.
    const { defineProcessor } = await import('./types.ts');
    const { InputError } = await import('@tunelab/core/errors');
    const fakeTrain = defineProcessor({
      name: 'run.train',
      schema: ZTrainJob,
      async handle({ runId }) {
        const run = await env.prisma.run.findUniqueOrThrow({ where: { id: runId } });
        if (run.fraction === 0.25 && run.seed === 1) throw new InputError('too few rows');
        return { summary: { metrics: { mae: 1 } } };
      },
    });
    const ordered = [...runs].sort(
      (a, b) => (a.fraction ?? 0) - (b.fraction ?? 0) || (a.seed ?? 0) - (b.seed ?? 0),
    );
    for (const [i, run] of ordered.entries()) {
      await runProcessorJob([fakeTrain], 'run.train', { runId: run.id }, 'cpu').catch(() => undefined);
      const { status } = await env.prisma.sweep.findUniqueOrThrow({ where: { id: sweep.id } });
      expect(status).toBe(i < ordered.length - 1 ? 'running' : 'failed');
    }
    const failedRun = ordered.find((r) => r.fraction === 0.25 && r.seed === 1);
    const settled = await env.prisma.sweep.findUniqueOrThrow({ where: { id: sweep.id } });
    expect(settled.error).toBe(
      `1 of 6 runs failed: run ${failedRun?.id} (fraction 0.25, seed 1): too few rows`,
    );
    expect(settled.finishedAt).not.toBeNull();

    // Retrying the failed run reopens the sweep; its success settles it as succeeded.
    const { retryRun, closeProducer } = await import('@tunelab/jobs');
    await env.prisma.run.update({ where: { id: failedRun?.id }, data: { fraction: 0.5 } });
    await retryRun(failedRun?.id ?? '');
    expect((await env.prisma.sweep.findUniqueOrThrow({ where: { id: sweep.id } })).status).toBe('running');
    await runProcessorJob([fakeTrain], 'run.train', { runId: failedRun?.id }, 'cpu');
    expect(await env.prisma.sweep.findUniqueOrThrow({ where: { id: sweep.id } })).toMatchObject({
      status: 'succeeded',
      error: null,
    });
    await closeProducer();
  }, 120_000);

  it('creates no runs for a sweep cancelled before its launch', async () => {
    const { sweepProcessor } = await import('./sweep.ts');
    const dataset = await env.prisma.dataset.create({
      data: { name: 'd2', task: 'regression', textColumn: 't', labelColumn: 'l', status: 'ready' },
    });
    const model = await env.prisma.model.create({
      data: { name: 'm2', kind: 'base', config: {}, artifactPath: 'models/y' },
    });
    const sweep = await env.prisma.sweep.create({
      data: {
        name: 's2',
        recipe: {},
        fractions: [1],
        seeds: [0],
        datasetId: dataset.id,
        baseModelId: model.id,
        cancelRequested: true,
      },
    });
    await runProcessorJob([sweepProcessor], 'sweep.launch', { sweepId: sweep.id }, 'cpu');
    expect(await env.prisma.run.count({ where: { sweepId: sweep.id } })).toBe(0);
    expect((await env.prisma.sweep.findUniqueOrThrow({ where: { id: sweep.id } })).status).toBe('cancelled');
  });
});
