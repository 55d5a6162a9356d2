// Test helper (no production code imports it): the database and Redis key prefix one test file of
// the producer, or of anything built on it (the web app's route tests), runs against.
import { createPrismaClient, disconnectPrisma, type PrismaClient } from '@tunelab/db';
import { readEnv } from '@tunelab/db/env';
import {
  createTestDatabase,
  createTestRedisPrefix,
  deleteRedisPrefix,
  type TTestDatabase,
} from '@tunelab/db/testing';
import { Redis } from 'ioredis';
import { closeProducer } from './producer.ts';

export interface TJobsTestStore {
  db: TTestDatabase;
  prisma: PrismaClient;
  prefix: string;
  /** Closes the producer, deletes the prefix's Redis keys, disconnects and drops the database. */
  cleanup(): Promise<void>;
}

/**
 * A fresh migrated database and Redis key prefix; DATABASE_URL and TUNELAB_REDIS_PREFIX in the process
 * env point at them (with `env`'s extra variables), so the producer and getPrisma() use them.
 */
export async function createJobsTestStore(
  label: string,
  env: Record<string, string> = {},
): Promise<TJobsTestStore> {
  const db = await createTestDatabase(label);
  const prefix = createTestRedisPrefix(label);
  Object.assign(process.env, { DATABASE_URL: db.databaseUrl, TUNELAB_REDIS_PREFIX: prefix, ...env });
  const prisma = createPrismaClient(db.databaseUrl);
  return {
    db,
    prisma,
    prefix,
    async cleanup() {
      await closeProducer();
      const redis = new Redis(readEnv().REDIS_URL);
      await deleteRedisPrefix(redis, prefix);
      await redis.quit();
      await prisma.$disconnect();
      await disconnectPrisma();
      await db.drop();
    },
  };
}
