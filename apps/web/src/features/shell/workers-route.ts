import { prisma } from '@tunelab/db';
import { type TWorkerStatus, WORKER_ALIVE_SECONDS, ZWorkerStatus } from './worker-status.ts';

/** GET /api/workers — workers seen in the last hour, alive when their heartbeat is recent. */
export async function GET() {
  const now = Date.now();
  const rows = await prisma.workerHeartbeat.findMany({
    where: { lastSeen: { gt: new Date(now - 3600_000) } },
    orderBy: { lastSeen: 'desc' },
    take: 50,
  });
  const workers: TWorkerStatus[] = rows.map((w) => {
    const secondsAgo = Math.round((now - w.lastSeen.getTime()) / 1000);
    return {
      id: w.id,
      host: w.host,
      pid: w.pid,
      backend: w.backend,
      engine: engineOf(w.engine),
      alive: secondsAgo <= WORKER_ALIVE_SECONDS,
      secondsAgo,
    };
  });
  return Response.json({ workers }, { headers: { 'cache-control': 'no-store' } });
}

/** The heartbeat's engine facts (the worker writes @tunelab/core/backend's EngineSummary). */
function engineOf(value: unknown): TWorkerStatus['engine'] {
  const parsed = ZWorkerStatus.shape.engine.safeParse(value);
  return parsed.success ? parsed.data : null;
}
