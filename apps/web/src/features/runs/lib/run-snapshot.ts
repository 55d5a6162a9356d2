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

type SnapshotLog = RunSnapshot['logs'][number];

/**
 * Everything the run page's live area needs, in one SQL statement (the events stream reads it
 * every second per open page); `logsAfter` returns only newer log lines. Point count and last step
 * come from the MetricSeries catalogue (one row per series), not from counting the run's points.
 */
export async function runSnapshot(id: string, logsAfter?: Date): Promise<RunSnapshot | null> {
  // timestamps are stored as UTC without a zone: compare and print them as such
  const after = logsAfter ? logsAfter.toISOString() : null;
  const [row] = await prisma.$queryRaw<
    (SnapshotRun & { points: number; lastStep: number | null; logs: SnapshotLog[] })[]
  >`
    SELECT r.kind, r.status, r."queueJobId", r.progress, r."etaSeconds", r.error, r.backend, r."workerId",
      r."cancelRequested", r."startedAt", r."finishedAt",
      (SELECT coalesce(sum(s.points), 0)::int FROM "MetricSeries" s WHERE s."runId" = r.id) AS points,
      (SELECT max(s."lastStep") FROM "MetricSeries" s WHERE s."runId" = r.id) AS "lastStep",
      coalesce((SELECT json_agg(json_build_object(
                  'ts', to_char(l.ts, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'level', l.level, 'message', l.message)
                  ORDER BY l.ts)
                FROM (SELECT ts, level, message FROM "RunLog"
                      WHERE "runId" = r.id AND (${after}::text IS NULL OR ts > ${after}::timestamp)
                      ORDER BY ts LIMIT 200) l), '[]'::json) AS logs
    FROM "Run" r WHERE r.id = ${id}`;
  if (!row) return null;
  const run = row;
  const agg = { points: row.points, lastStep: row.lastStep };
  const logs = row.logs;
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
    metricPoints: agg.points,
    lastStep: agg.lastStep,
    logs,
  };
}
