import { prisma, type Run } from '@tunelab/db';
import { findRunKindJob, queuePosition } from '@tunelab/jobs';

export interface RunSnapshot {
  id: string;
  status: string;
  progress: number;
  etaSeconds: number | null;
  error: string | null;
  backend: string | null;
  workerId: string | null;
  cancelRequested: boolean;
  queuePosition: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** Number of metric points stored; the client refetches curves when it grows. */
  metricPoints: number;
  lastStep: number | null;
  logs: { ts: string; level: string; message: string }[];
}

export const FINAL_STATUSES = new Set(['succeeded', 'failed', 'cancelled']);

type SnapshotRun = Pick<
  Run,
  | 'kind'
  | 'status'
  | 'queueJobId'
  | 'progress'
  | 'etaSeconds'
  | 'error'
  | 'backend'
  | 'workerId'
  | 'cancelRequested'
  | 'startedAt'
  | 'finishedAt'
>;

/**
 * Everything the run page's live area needs, in one read; `logsAfter` returns only newer log lines.
 * Point count and last step come from the MetricSeries catalogue (one row per series), not from
 * counting the run's points. `run`: the row when the caller has just read it (the run page).
 */
export async function runSnapshot(
  id: string,
  logsAfter?: Date,
  run?: SnapshotRun,
): Promise<RunSnapshot | null> {
  run ??= (await prisma.run.findUnique({ where: { id } })) ?? undefined;
  if (!run) return null;
  const [agg, logs] = await Promise.all([
    prisma.metricSeries.aggregate({ where: { runId: id }, _sum: { points: true }, _max: { lastStep: true } }),
    prisma.runLog.findMany({
      where: { runId: id, ...(logsAfter ? { ts: { gt: logsAfter } } : {}) },
      orderBy: { ts: 'asc' },
      take: 200,
    }),
  ]);
  let position: number | null = null;
  const name = findRunKindJob(run.kind);
  if (run.status === 'queued' && run.queueJobId && name) {
    position = await queuePosition(name, run.queueJobId).catch(() => null);
  }
  return {
    id,
    status: run.status,
    progress: run.progress,
    etaSeconds: run.etaSeconds,
    error: run.error,
    backend: run.backend,
    workerId: run.workerId,
    cancelRequested: run.cancelRequested,
    queuePosition: position,
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    metricPoints: agg._sum.points ?? 0,
    lastStep: agg._max.lastStep,
    logs: logs.map((l) => ({ ts: l.ts.toISOString(), level: l.level, message: l.message })),
  };
}
