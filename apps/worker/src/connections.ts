import { Redis } from 'ioredis';

/**
 * Worker connections block on BRPOPLPUSH-style commands and must retry forever
 * (maxRetriesPerRequest: null, as BullMQ requires); producer connections fail fast so a caller
 * learns that Redis is down instead of hanging.
 */
export function createRedisConnection(url: string, role: 'worker' | 'producer', log = console): Redis {
  const connection = new Redis(
    url,
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false },
  );
  connection.on('error', (error) => log.error(`[worker:redis:${role}] ${error.message}`));
  return connection;
}
