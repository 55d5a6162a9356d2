import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createTestDatabase,
  createTestRedisPrefix,
  deleteRedisPrefix,
  type TTestDatabase,
} from '@tunelab/db/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: TTestDatabase;
let artifacts: string;
let prefix: string;
let prisma: typeof import('@tunelab/db').prisma;

beforeAll(async () => {
  db = await createTestDatabase('worker_pretrain');
  artifacts = await mkdtemp(path.join(tmpdir(), 'tunelab-pretrain-'));
  prefix = createTestRedisPrefix('pretrain');
  process.env.DATABASE_URL = db.databaseUrl;
  process.env.TUNELAB_ARTIFACTS_DIR = artifacts;
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
  if (artifacts) await rm(artifacts, { recursive: true, force: true });
});

describe('run.pretrain processor', () => {
  it('pretrains on WordNet glosses, saves a pretrained model and queues the follow-up runs', async () => {
    const { runJob, buildProcessorTable } = await import('./run-job.ts');
    const { pretrainProcessor } = await import('./pretrain.ts');
    const dataset = await prisma.dataset.create({
      data: { name: 'd', task: 'regression', textColumn: 't', labelColumn: 'l', status: 'ready' },
    });
    const run = await prisma.run.create({
      data: {
        kind: 'pretrain',
        params: {
          hiddenSize: 32,
          layers: 1,
          heads: 2,
          vocabSize: 300,
          maxLength: 16,
          batchSize: 16,
          maxSteps: 4,
          corpus: { kind: 'wordnet-glosses', limit: 300 },
          modelName: 'gloss-bert',
          followUp: { datasetId: dataset.id, seeds: 2, params: { epochs: 1 } },
        },
      },
    });
    const job = {
      id: 'p1',
      name: 'run.pretrain',
      data: { runId: run.id },
      attemptsMade: 0,
      opts: { attempts: 1 },
      updateProgress: async () => undefined,
      log: () => undefined,
    };
    await runJob(job, buildProcessorTable([pretrainProcessor as never]), {
      workerId: 'test:1',
      backend: 'wasm',
    });
    const after = await prisma.run.findUniqueOrThrow({
      where: { id: run.id },
      include: { resultModel: true },
    });
    expect(after.status).toBe('succeeded');
    expect(after.resultModel?.kind).toBe('pretrained');
    expect(after.resultModel?.name).toBe('gloss-bert');
    expect(await prisma.metric.count({ where: { runId: run.id, name: 'loss' } })).toBe(4);
    const children = await prisma.run.findMany({ where: { kind: 'train', modelId: after.resultModel?.id } });
    expect(children.map((c) => c.seed).sort()).toEqual([0, 1]);
    expect(children.every((c) => c.queueJobId?.startsWith('run-train-'))).toBe(true);
  }, 300_000);
});
