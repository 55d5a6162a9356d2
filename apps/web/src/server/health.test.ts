// /api/health answers 503 (and says which part failed) when Redis is unreachable.
import { disconnectPrisma } from '@tunelab/db';
import { createTestDatabase, type TTestDatabase } from '@tunelab/db/testing';
import { producerConnection } from '@tunelab/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET } from './health.ts';

let db: TTestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('web_health');
  // Port 9 (discard) is not a Redis: connections are refused.
  Object.assign(process.env, { DATABASE_URL: db.databaseUrl, REDIS_URL: 'redis://127.0.0.1:9' });
}, 60_000);

afterAll(async () => {
  producerConnection().disconnect();
  await disconnectPrisma();
  await db?.drop();
});

describe('GET /api/health', () => {
  it('is 503 when Redis does not answer, naming it', async () => {
    const response = await GET();
    const body = (await response.json()) as {
      status: string;
      database: { ok: boolean };
      redis: { ok: boolean; error?: string };
    };
    expect(response.status).toBe(503);
    expect(body.status).toBe('unavailable');
    expect(body.database.ok).toBe(true);
    expect(body.redis.ok).toBe(false);
    expect(body.redis.error).toMatch(/127\.0\.0\.1:9|ECONNREFUSED|not connected/);
  });
});
