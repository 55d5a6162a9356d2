// The database is the source of truth for what should be queued. A run the database calls queued
// or running whose job Redis no longer holds (Redis restarted without its data, a worker killed
// while the job's failure could not be written) would stay open forever: reconcileRuns queues its
// job again (training resumes from its checkpoint), or fails it with the reason when its job ended.
import { appendRunLog, finishRun, getPrisma, markRunRequeued, readEnv, settleParentRun } from '@tunelab/db';
import { findRunKindJob, JOB_QUEUE, jobIdFor } from './constants.ts';
import { enqueueJob, getQueue } from './producer.ts';

/** Job states in which a worker will still pick the job up or is running it. */
const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/** How long a worker counts as alive after its last heartbeat (three beats, at least 30 s). */
export function heartbeatAliveMs(): number {
  return Math.max(30_000, 3 * readEnv().TUNELAB_HEARTBEAT_MS);
}

/** Run ids that a live worker's heartbeat lists as running right now. */
export async function runsActiveOnWorkers(): Promise<Set<string>> {
  const beats = await getPrisma().workerHeartbeat.findMany({
    where: { lastSeen: { gt: new Date(Date.now() - heartbeatAliveMs()) } },
    select: { activeJobs: true },
  });
  const ids = new Set<string>();
  for (const beat of beats) {
    for (const job of Array.isArray(beat.activeJobs) ? beat.activeJobs : []) {
      const runId = (job as { runId?: unknown } | null)?.runId;
      if (typeof runId === 'string') ids.add(runId);
    }
  }
  return ids;
}

/** The state of a run's job in Redis: a BullMQ state, or 'missing'. */
export async function runJobState(run: {
  id: string;
  kind: string;
  queueJobId: string | null;
}): Promise<{ jobId: string; state: string; failedReason?: string } | null> {
  const name = findRunKindJob(run.kind);
  if (!name) return null;
  const jobId = run.queueJobId ?? jobIdFor(name, { runId: run.id });
  const job = await getQueue(JOB_QUEUE[name]).getJob(jobId);
  if (!job) return { jobId, state: 'missing' };
  const state = await job.getState();
  return { jobId, state: state === 'unknown' ? 'missing' : state, failedReason: job.failedReason };
}

export interface TReconcileResult {
  requeued: string[];
  failed: string[];
}

/**
 * Checks every queued or running run older than `graceMs` (its job may not be stored yet) against
 * Redis. Its job missing: queued again under the same id (a running run goes back to queued unless
 * a live worker's heartbeat lists it). Its job failed or completed while the run stayed open: the
 * run is failed with the reason, unless it is a parent whose folds are still running (it is then
 * settled, see settleParentRun). Idempotent; safe to run from several workers at once.
 */
export async function reconcileRuns(options: { graceMs?: number } = {}): Promise<TReconcileResult> {
  const prisma = getPrisma();
  const result: TReconcileResult = { requeued: [], failed: [] };
  const open = await prisma.run.findMany({
    where: {
      status: { in: ['queued', 'running'] },
      createdAt: { lt: new Date(Date.now() - (options.graceMs ?? 10_000)) },
    },
    select: {
      id: true,
      kind: true,
      status: true,
      queueJobId: true,
      error: true,
      _count: { select: { childRuns: true } },
    },
    orderBy: { createdAt: 'asc' },
  });
  if (open.length === 0) return result;
  const active = await runsActiveOnWorkers();
  for (const run of open) {
    const job = await runJobState(run);
    if (!job || LIVE_STATES.has(job.state)) continue;
    if (run.status === 'running' && active.has(run.id)) continue;
    // A parent (cross-validation) whose job completed after queueing its folds is running by design
    // until its last fold ends: settle it (a no-op while a fold is open), never fail it.
    if (run.status === 'running' && job.state === 'completed' && run._count.childRuns > 0) {
      await settleParentRun(run.id);
      continue;
    }
    // A retry may be queueing a new job for this run right now: act only if nothing moved.
    const now = await prisma.run.findUnique({
      where: { id: run.id },
      select: { status: true, queueJobId: true },
    });
    if (!now || now.status !== run.status || now.queueJobId !== run.queueJobId) continue;
    const name = findRunKindJob(run.kind);
    if (job.state === 'missing' && name) {
      await enqueueJob(name, { runId: run.id }, job.jobId);
      if (run.status === 'running') await markRunRequeued(run.id);
      if (!run.queueJobId)
        await prisma.run.update({ where: { id: run.id }, data: { queueJobId: job.jobId } });
      await appendRunLog(
        run.id,
        `its job ${job.jobId} was no longer in Redis; queued again (resumes from its checkpoint)`,
        'warn',
      );
      result.requeued.push(run.id);
    } else {
      const why =
        job.state === 'failed'
          ? (run.error?.replace(/^retrying after: /, '') ?? job.failedReason ?? 'its job failed')
          : `its job ended (${job.state}) without recording the run's result`;
      if (await finishRun(run.id, 'failed', { error: why })) {
        await appendRunLog(run.id, `failed on reconcile: ${why}`, 'error');
        result.failed.push(run.id);
      }
    }
  }
  return result;
}
