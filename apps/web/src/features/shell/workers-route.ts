import { prisma } from '@tunelab/db';
import { type TWorkerStatus, WORKER_ALIVE_SECONDS } from './worker-status.ts';

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
      alive: secondsAgo <= WORKER_ALIVE_SECONDS,
      secondsAgo,
    };
  });
  return Response.json({ workers }, { headers: { 'cache-control': 'no-store' } });
}
