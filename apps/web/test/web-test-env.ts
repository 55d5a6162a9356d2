import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPrismaClient, disconnectPrisma, type PrismaClient } from '@tunelab/db';
import {
  createTestDatabase,
  createTestRedisPrefix,
  deleteRedisPrefix,
  type TTestDatabase,
} from '@tunelab/db/testing';
import { Redis } from 'ioredis';
import { startWorkerRuntime, type TWorkerRuntime } from '../../worker/src/runtime.ts';

export interface TWebTestEnv {
  db: TTestDatabase;
  prisma: PrismaClient;
  prefix: string;
  artifacts: string;
  worker: TWorkerRuntime;
  /** The id the in-process worker reports in its heartbeat. */
  workerId: string;
}

const redisUrl = () => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The stack behind the web app's route handlers, for integration tests: a fresh database, Redis key
 * prefix and artifact folder (set in the process env, which the handlers read) and a worker runtime
 * in this process. `computeProcessorFile: null` runs no compute jobs (upload tests need only the
 * in-process control queue); by default compute jobs run sandboxed as in production.
 */
export async function createWebTestEnv(
  label: string,
  options: { env?: Record<string, string>; computeProcessorFile?: null } = {},
): Promise<TWebTestEnv> {
  const db = await createTestDatabase(`web_${label}`);
  const prefix = createTestRedisPrefix(`web-${label}`);
  const artifacts = await mkdtemp(path.join(os.tmpdir(), `tunelab-${label}-`));
  Object.assign(process.env, {
    DATABASE_URL: db.databaseUrl,
    TUNELAB_REDIS_PREFIX: prefix,
    TUNELAB_ARTIFACTS_DIR: artifacts,
    // The installation's secret-key (sealing Connection keys) is made here, not in .tunelab.
    TUNELAB_STATE_DIR: artifacts,
    ...options.env,
  });
  const prisma = createPrismaClient(db.databaseUrl);
  const workerId = `web-${label}-${prefix}`;
  const worker = await startWorkerRuntime({
    config: {
      redisUrl: redisUrl(),
      prefix,
      computeConcurrency: 1,
      controlConcurrency: 1,
      heartbeatMs: 60_000,
      workerId,
    },
    backend: 'test',
    ...(options.computeProcessorFile === null ? { computeProcessorFile: null } : {}),
    log: { info: () => undefined, error: () => undefined },
  });
  return { db, prisma, prefix, artifacts, worker, workerId };
}

/** Stops the worker and the web producer, then removes the database, Redis keys and artifacts. */
export async function destroyWebTestEnv(env: TWebTestEnv | undefined): Promise<void> {
  if (!env) return;
  await env.worker.close();
  const redis = new Redis(redisUrl());
  await deleteRedisPrefix(redis, env.prefix);
  await redis.quit();
  const { closeProducer } = await import('@tunelab/jobs');
  await closeProducer();
  await env.prisma.$disconnect();
  await disconnectPrisma();
  await env.db.drop();
  await rm(env.artifacts, { recursive: true, force: true });
}
