import {
  createTestDatabase,
  createTestRedisPrefix,
  deleteRedisPrefix,
  type TTestDatabase,
} from '@tunelab/db/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: TTestDatabase;
let prefix: string;
let prisma: typeof import('@tunelab/db').prisma;

beforeAll(async () => {
  db = await createTestDatabase('worker_sweep');
  prefix = createTestRedisPrefix('sweep');
  process.env.DATABASE_URL = db.databaseUrl;
  process.env.TUNELAB_REDIS_PREFIX = prefix;
  ({ prisma } = await import('@tunelab/db'));
}, 120_000);

afterAll(async () => {
  const { disconnectPrisma } = await import('@tunelab/db');
  await disconnectPrisma();
  await db?.drop();
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
});

describe('sweep.launch processor', () => {
  it('creates one run per fraction × seed with the recipe, queues them, and is idempotent', async () => {
    const { runJob, buildProcessorTable } = await import('./run-job.ts');
    const { sweepProcessor } = await import('./sweep.ts');
    const dataset = await prisma.dataset.create({
      data: { name: 'd', task: 'regression', textColumn: 't', labelColumn: 'l', status: 'ready' },
    });
    const model = await prisma.model.create({
      data: { name: 'm', kind: 'base', config: {}, artifactPath: 'models/x' },
    });
    const sweep = await prisma.sweep.create({
      data: {
        name: 's',
        recipe: { epochs: 2, lr: 1e-4 },
        fractions: [0.25, 1],
        seeds: [0, 1, 2],
        datasetId: dataset.id,
        baseModelId: model.id,
      },
    });
    const job = {
      id: 's1',
      name: 'sweep.launch',
      data: { sweepId: sweep.id },
      attemptsMade: 0,
      opts: { attempts: 1 },
      updateProgress: async () => undefined,
      log: () => undefined,
    };
    const table = buildProcessorTable([sweepProcessor as never]);
    await runJob(job, table, { workerId: 'test:1', backend: 'cpu' });
    await runJob(job, table, { workerId: 'test:1', backend: 'cpu' });
    const runs = await prisma.run.findMany({ where: { sweepId: sweep.id } });
    expect(runs).toHaveLength(6);
    const quarter = runs.filter((r) => r.fraction === 0.25).map((r) => r.seed);
    expect(quarter.sort()).toEqual([0, 1, 2]);
    const params = runs[0]?.params as { epochs: number; trainFraction: number; seed: number };
    expect(params.epochs).toBe(2);
    expect(params.trainFraction).toBe(runs[0]?.fraction);
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      maxRetriesPerRequest: null,
    });
    const q = new Queue('compute', { connection: redis, prefix });
    expect(await q.getJobCountByTypes('waiting', 'prioritized')).toBe(6);
    await q.close();
    await redis.quit();
  }, 120_000);
});
