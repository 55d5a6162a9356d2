import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createTestDatabase,
  createTestRedisPrefix,
  deleteRedisPrefix,
  type TTestDatabase,
} from '@tunelab/db/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';

/** The fixtures shared by every checkout (the repository's `fixtures/` folder). */
export const REPO_FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures');

export interface TProcessorTestEnv {
  db: TTestDatabase;
  artifacts: string;
  /** BullMQ key prefix of this test file (processors that enqueue follow-up jobs use it). */
  prefix: string;
  prisma: typeof import('@tunelab/db').prisma;
}

/**
 * A fresh database and artifact folder for processor tests. Processors read both from the process
 * env, so they are set before `@tunelab/db` is first imported; so is a fresh Redis key prefix. `models` maps artifact names to
 * fixture folders copied into the store's `models/`.
 */
export async function createProcessorTestEnv(
  label: string,
  models: Record<string, string> = {},
): Promise<TProcessorTestEnv> {
  const db = await createTestDatabase(label);
  const artifacts = await mkdtemp(path.join(tmpdir(), `tunelab-${label}-`));
  process.env.DATABASE_URL = db.databaseUrl;
  process.env.TUNELAB_ARTIFACTS_DIR = artifacts;
  // The installation's secret-key (sealing Connection keys) is made here, not in the checkout's .tunelab.
  process.env.TUNELAB_STATE_DIR = artifacts;
  const prefix = createTestRedisPrefix(label);
  process.env.TUNELAB_REDIS_PREFIX = prefix;
  const { prisma } = await import('@tunelab/db');
  for (const [name, source] of Object.entries(models)) {
    await cp(source, path.join(artifacts, 'models', name), { recursive: true });
  }
  return { db, artifacts, prefix, prisma };
}

/**
 * The prelude of a processor test file: registers beforeAll (createProcessorTestEnv) and afterAll
 * (closes the producer, then destroyProcessorTestEnv). beforeAll fills in the object returned: read
 * its fields in hooks and tests, not at module level.
 */
export function useProcessorTestEnv(label: string, models: Record<string, string> = {}): TProcessorTestEnv {
  const env = {} as TProcessorTestEnv;
  beforeAll(async () => {
    Object.assign(env, await createProcessorTestEnv(label, models));
  }, 120_000);
  afterAll(async () => {
    const { closeProducer } = await import('@tunelab/jobs');
    await closeProducer();
    await destroyProcessorTestEnv(env.db ? env : undefined);
  });
  return env;
}

export async function destroyProcessorTestEnv(env: TProcessorTestEnv | undefined): Promise<void> {
  const { disconnectPrisma } = await import('@tunelab/db');
  await disconnectPrisma();
  if (!env) return;
  await env.db.drop();
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  await deleteRedisPrefix(redis, env.prefix);
  await redis.quit();
  await rm(env.artifacts, { recursive: true, force: true });
}

/**
 * Runs one job the way the worker does: through runJob and the registry's lifecycle handling.
 * `onProgress` sees every progress report of the job (before it is stored on the run).
 */
export async function runProcessorJob(
  processors: readonly unknown[],
  name: string,
  data: unknown,
  backend = 'wasm',
  options: { onProgress?: (progress: number | object) => Promise<void>; attempts?: number } = {},
): Promise<unknown> {
  const { runJob, buildProcessorTable } = await import('../src/processors/run-job.ts');
  const job = {
    id: `${name}-${JSON.stringify(data)}`,
    name,
    data,
    attemptsMade: 0,
    opts: { attempts: options.attempts ?? 1 },
    updateProgress: async (progress: number | object) => {
      await options.onProgress?.(progress);
    },
    log: () => undefined,
  };
  return runJob(job, buildProcessorTable(processors as never[]), { workerId: 'test:1', backend });
}
