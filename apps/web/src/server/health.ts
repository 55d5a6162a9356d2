import { getPrisma } from '@tunelab/db';
import { pingRedis } from '@tunelab/jobs';

/** A worker is alive when it wrote a heartbeat this recently (it beats every 5 s by default). */
export const HEARTBEAT_ALIVE_MS = 30_000;

async function check(fn: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await fn();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * GET /api/health → { status, database, redis, workers }. 200 when PostgreSQL and Redis answer
 * (workers are reported, not required: the web app works without one), else 503.
 */
export async function GET(): Promise<Response> {
  const [database, redis] = await Promise.all([
    check(() => getPrisma().$queryRaw`SELECT 1`),
    check(() => pingRedis()),
  ]);
  let workers: {
    id: string;
    host: string;
    backend: string;
    pid: number;
    activeJobs: unknown;
    lastSeen: Date;
  }[] = [];
  if (database.ok) {
    workers = await getPrisma()
      .workerHeartbeat.findMany({
        where: { lastSeen: { gt: new Date(Date.now() - HEARTBEAT_ALIVE_MS) } },
        orderBy: { lastSeen: 'desc' },
        select: { id: true, host: true, backend: true, pid: true, activeJobs: true, lastSeen: true },
      })
      .catch(() => []);
  }
  const ok = database.ok && redis.ok;
  return Response.json(
    { status: ok ? 'ok' : 'unavailable', database, redis, workers: { alive: workers.length, list: workers } },
    { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
