import { createPrismaClient, disconnectPrisma, type PrismaClient } from '@tunelab/db';
import {
  createTestDatabase,
  createTestRedisPrefix,
  deleteRedisPrefix,
  type TTestDatabase,
} from '@tunelab/db/testing';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { TWorkerConfig } from '../src/config.ts';

export interface THarness {
  db: TTestDatabase;
  prisma: PrismaClient;
  prefix: string;
  redisUrl: string;
  config(overrides?: Partial<TWorkerConfig>): TWorkerConfig;
  events(queue: string): Promise<QueueEvents>;
  cleanup(): Promise<void>;
}

/** A fresh database and Redis prefix; the process env points at them so getPrisma() uses them. */
export async function createHarness(label: string): Promise<THarness> {
  const db = await createTestDatabase(label);
  process.env.DATABASE_URL = db.databaseUrl;
  const prefix = createTestRedisPrefix(label);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  process.env.TUNELAB_REDIS_PREFIX = prefix;
  const prisma = createPrismaClient(db.databaseUrl);
  const eventStreams: QueueEvents[] = [];
  const connections: Redis[] = [];
  return {
    db,
    prisma,
    prefix,
    redisUrl,
    config: (overrides = {}) => ({
      redisUrl,
      prefix,
      computeConcurrency: 1,
      controlConcurrency: 2,
      heartbeatMs: 60_000,
      workerId: `test-${prefix}`,
      ...overrides,
    }),
    async events(queue) {
      const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
      connections.push(connection);
      const events = new QueueEvents(queue, { connection, prefix });
      eventStreams.push(events);
      await events.waitUntilReady();
      return events;
    },
    async cleanup() {
      await Promise.allSettled(eventStreams.map((events) => events.close()));
      const redis = new Redis(redisUrl);
      await deleteRedisPrefix(redis, prefix);
      await redis.quit();
      await Promise.allSettled(connections.map((connection) => connection.quit()));
      await prisma.$disconnect();
      await disconnectPrisma();
      await db.drop();
    },
  };
}
