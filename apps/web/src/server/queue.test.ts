// cancelRun against real PostgreSQL and Redis: a waiting job is removed and its run cancelled at
// once; a running run only gets its flag (the worker stops it at its next step).
import { JOB_NAMES, jobIdFor, QUEUE_NAMES } from '@tunelab/core/jobs';
import { createPrismaClient, disconnectPrisma, type PrismaClient } from '@tunelab/db';
import {
  createTestDatabase,
  createTestRedisPrefix,
  deleteRedisPrefix,
  type TTestDatabase,
} from '@tunelab/db/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelRun, enqueueJob, getQueue, producerConnection, queuePosition } from './queue.ts';

let db: TTestDatabase;
let prisma: PrismaClient;
let prefix: string;

beforeAll(async () => {
  db = await createTestDatabase('web_queue');
  prefix = createTestRedisPrefix('web-queue');
  Object.assign(process.env, { DATABASE_URL: db.databaseUrl, TUNELAB_REDIS_PREFIX: prefix });
  prisma = createPrismaClient(db.databaseUrl);
}, 60_000);

afterAll(async () => {
  await getQueue(QUEUE_NAMES.compute).close();
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
  await producerConnection().quit();
  await prisma?.$disconnect();
  await disconnectPrisma();
  await db?.drop();
});

describe('cancelRun', () => {
  it('removes a waiting job and marks its run cancelled', async () => {
    const run = await prisma.run.create({ data: { kind: 'train' } });
    const jobId = await enqueueJob(JOB_NAMES.runTrain, { runId: run.id });
    expect(jobId).toBe(jobIdFor(JOB_NAMES.runTrain, { runId: run.id }));
    await prisma.run.update({ where: { id: run.id }, data: { queueJobId: jobId } });
    expect(await getQueue(QUEUE_NAMES.compute).getJob(jobId)).toBeDefined();
    expect(await queuePosition(JOB_NAMES.runTrain, jobId)).toBe(1);
    // Enqueueing the same run again is a no-op (deterministic job id).
    await enqueueJob(JOB_NAMES.runTrain, { runId: run.id });
    expect(await getQueue(QUEUE_NAMES.compute).getJobCounts('waiting')).toEqual({ waiting: 1 });

    expect(await cancelRun(run.id)).toEqual({ status: 'cancelled' });
    expect(await getQueue(QUEUE_NAMES.compute).getJob(jobId)).toBeUndefined();
    expect(await queuePosition(JOB_NAMES.runTrain, jobId)).toBeNull();
    const stored = await prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({ status: 'cancelled', cancelRequested: true });
  });

  it('only flags a running run', async () => {
    const run = await prisma.run.create({ data: { kind: 'train', status: 'running' } });
    expect(await cancelRun(run.id)).toEqual({ status: 'running' });
    expect(await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: 'running',
      cancelRequested: true,
    });
  });

  it('leaves a finished run alone', async () => {
    const run = await prisma.run.create({ data: { kind: 'train', status: 'succeeded' } });
    expect(await cancelRun(run.id)).toEqual({ status: 'succeeded' });
    expect((await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).cancelRequested).toBe(false);
  });

  it('names a run that does not exist', async () => {
    await expect(cancelRun('nope')).rejects.toThrow('Run nope does not exist');
  });
});
