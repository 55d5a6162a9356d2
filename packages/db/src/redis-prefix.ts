import { randomBytes } from 'node:crypto';
import { readEnv } from './env.ts';

/** BullMQ `prefix` option for every Queue/Worker/QueueEvents: isolates test runs and deployments. */
export function queuePrefix(): string {
  return readEnv().TUNELAB_REDIS_PREFIX;
}

/** A fresh prefix for one test file or test run. */
export function createTestRedisPrefix(label = 'test'): string {
  return `tunelab-${label}-${randomBytes(5).toString('hex')}`;
}

/** The subset of ioredis used here (so packages/db does not depend on ioredis). */
export interface TRedisKeys {
  scan(
    cursor: string,
    match: 'MATCH',
    pattern: string,
    count: 'COUNT',
    n: number,
  ): Promise<[string, string[]]>;
  del(...keys: string[]): Promise<number>;
}

/** Deletes every key under `prefix:` (BullMQ keys are `${prefix}:${queue}:...`). */
export async function deleteRedisPrefix(redis: TRedisKeys, prefix: string): Promise<number> {
  if (!prefix || prefix.includes('*'))
    throw new Error(`Refusing to delete Redis keys for prefix "${prefix}"`);
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
